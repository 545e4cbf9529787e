//! The emulator's clock. Every timestamp the emulator writes and every AWS time rule it applies
//! reads this clock, never the wall clock directly, so fixtures from any date can be replayed
//! (`serve --now 2025-12-03T10:54:44Z`) and tests can pin time exactly.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// A source of "now" in epoch milliseconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant in milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

/// Shared handle to a clock.
pub type SharedClock = Arc<dyn Clock>;

/// A clock that starts at a chosen instant and then advances in real time.
#[derive(Debug)]
pub struct StartedClock {
    start_ms: i64,
    started: Instant,
}

impl StartedClock {
    /// A clock reading `start_ms` now and advancing with the monotonic clock.
    pub fn starting_at(start_ms: i64) -> Self {
        Self { start_ms, started: Instant::now() }
    }

    /// A clock reading the system time.
    pub fn system() -> Self {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
        Self::starting_at(now)
    }
}

impl Clock for StartedClock {
    fn now_ms(&self) -> i64 {
        self.start_ms + self.started.elapsed().as_millis() as i64
    }
}

/// A clock that only moves when told to: for tests.
#[derive(Debug, Default)]
pub struct ManualClock {
    now_ms: AtomicI64,
}

impl ManualClock {
    /// A clock frozen at `now_ms`.
    pub fn new(now_ms: i64) -> Self {
        Self { now_ms: AtomicI64::new(now_ms) }
    }

    /// Moves the clock to `now_ms`.
    pub fn set(&self, now_ms: i64) {
        self.now_ms.store(now_ms, Ordering::SeqCst);
    }

    /// Moves the clock forward by `delta_ms`.
    pub fn advance(&self, delta_ms: i64) {
        self.now_ms.fetch_add(delta_ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.now_ms.load(Ordering::SeqCst)
    }
}

/// The UTC date-time of epoch milliseconds (the epoch itself for instants `time` cannot hold).
pub fn utc_datetime(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Parses an RFC 3339 instant (`2025-12-03T10:54:44Z`) into epoch milliseconds.
pub fn parse_rfc3339_ms(text: &str) -> Result<i64, String> {
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|err| format!("invalid RFC 3339 instant {text:?}: {err}"))?;
    Ok((at.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn started_clock_starts_at_the_given_instant() {
        let start = parse_rfc3339_ms("2025-12-03T10:54:44Z").unwrap();
        assert_eq!(start, 1_764_759_284_000);
        let clock = StartedClock::starting_at(start);
        let now = clock.now_ms();
        assert!(now >= start && now < start + 60_000);
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(1000);
        assert_eq!(clock.now_ms(), 1000);
        clock.advance(500);
        assert_eq!(clock.now_ms(), 1500);
        clock.set(7);
        assert_eq!(clock.now_ms(), 7);
    }

    #[test]
    fn rejects_bad_instants() {
        assert!(parse_rfc3339_ms("yesterday").is_err());
    }
}
