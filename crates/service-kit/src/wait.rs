//! Waiting on the emulator's time: latency a fault rule adds, a model's pacing. In `serve` a
//! wait is real time ([`RealTime`]); tests wait by moving the emulator's clock instead
//! ([`AdvanceClock`]), so they never sleep and measure exactly the time the emulator decided to
//! spend.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::clock::AdjustableClock;

/// A wait of some milliseconds.
pub trait Sleeper: Send + Sync + std::fmt::Debug {
    /// Completes once `ms` have passed on the emulator's clock.
    fn sleep(&self, ms: u64) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>>;
}

/// Shared handle to a sleeper.
pub type SharedSleeper = Arc<dyn Sleeper>;

/// Waits in real time (the emulator's clock follows real time in `serve`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RealTime;

impl Sleeper for RealTime {
    fn sleep(&self, ms: u64) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        Box::pin(tokio::time::sleep(std::time::Duration::from_millis(ms)))
    }
}

/// Waits by moving the emulator's clock forward by the wait, at once (tests).
#[derive(Debug, Clone)]
pub struct AdvanceClock(pub Arc<AdjustableClock>);

impl Sleeper for AdvanceClock {
    fn sleep(&self, ms: u64) -> Pin<Box<dyn Future<Output = ()> + Send + 'static>> {
        // A wait too long for the clock's range moves it as far as it goes (never back).
        let _ = self.0.advance(i64::try_from(ms).unwrap_or(i64::MAX));
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};

    #[test]
    fn advancing_waits_move_the_clock_and_return_at_once() {
        let clock = Arc::new(AdjustableClock::new(Arc::new(ManualClock::new(1000))));
        let sleeper = AdvanceClock(Arc::clone(&clock));
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(sleeper.sleep(250));
        assert_eq!(clock.now_ms(), 1250);
    }
}
