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

/// A clock that reads an underlying clock plus an offset that only grows: the emulator's clock.
/// `POST /_emulator/clock {"advance": "PT1H"}` moves it forward at run time (so a test sees an
/// hourly alarm fire without waiting an hour); nothing moves it back, so no timestamp the
/// emulator wrote is ever in the future of a later one. Under a [`ManualClock`] it stays exact.
#[derive(Debug)]
pub struct AdjustableClock {
    base: SharedClock,
    offset_ms: AtomicI64,
}

/// Why the clock was not moved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// A negative advance, or a target instant before now.
    #[error("the emulator's clock only moves forward ({0})")]
    Backwards(String),
    /// The advance does not fit the clock's range.
    #[error("advancing by {0} ms overflows the clock")]
    Overflow(i64),
}

impl AdjustableClock {
    /// `base` with no offset.
    pub fn new(base: SharedClock) -> Self {
        Self { base, offset_ms: AtomicI64::new(0) }
    }

    /// Moves the clock forward by `delta_ms` (zero is allowed) and returns the new now.
    pub fn advance(&self, delta_ms: i64) -> Result<i64, ClockError> {
        if delta_ms < 0 {
            return Err(ClockError::Backwards(format!("an advance of {delta_ms} ms")));
        }
        self.offset_ms
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |o| o.checked_add(delta_ms))
            .map_err(|_| ClockError::Overflow(delta_ms))?;
        Ok(self.now_ms())
    }

    /// Moves the clock forward to `at_ms`, which must not be before now; returns the new now.
    pub fn advance_to(&self, at_ms: i64) -> Result<i64, ClockError> {
        let now = self.now_ms();
        if at_ms < now {
            return Err(ClockError::Backwards(format!("{at_ms} ms is before now ({now} ms)")));
        }
        self.advance(at_ms - now)
    }

    /// The offset added so far, ms.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::SeqCst)
    }
}

impl Clock for AdjustableClock {
    fn now_ms(&self) -> i64 {
        self.base.now_ms().saturating_add(self.offset_ms.load(Ordering::SeqCst))
    }
}

/// Parses an ISO 8601 duration of days and time (`PT1H`, `P1DT2H30M`, `PT0.5S`) into milliseconds.
/// Years, months and weeks are refused: their length depends on the calendar.
pub fn parse_iso8601_duration_ms(text: &str) -> Result<i64, String> {
    let bad = || format!("invalid ISO 8601 duration {text:?} (expected e.g. PT1H, PT30M, P1DT2H, PT10S)");
    let rest = text.strip_prefix('P').ok_or_else(bad)?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return Err(bad()),
        None => (rest, None),
    };
    let mut total: f64 = 0.0;
    let mut any = false;
    let mut read = |part: &str, units: &[(char, f64)]| -> Result<(), String> {
        let mut number = String::new();
        let mut next_unit = 0;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let at = units.iter().position(|(u, _)| *u == c).filter(|i| *i >= next_unit).ok_or_else(bad)?;
            let n: f64 = number.parse().map_err(|_| bad())?;
            total += n * units[at].1;
            number.clear();
            next_unit = at + 1;
            any = true;
        }
        if number.is_empty() { Ok(()) } else { Err(bad()) }
    };
    read(date, &[('D', 86_400_000.0)])?;
    if let Some(time) = time {
        read(time, &[('H', 3_600_000.0), ('M', 60_000.0), ('S', 1_000.0)])?;
    }
    if !any || !total.is_finite() || total > 9.0e15 {
        return Err(bad());
    }
    Ok(total.round() as i64)
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
    fn adjustable_clock_only_moves_forward() {
        let base = Arc::new(ManualClock::new(1000));
        let clock = AdjustableClock::new(base.clone());
        assert_eq!(clock.advance(500), Ok(1500));
        base.advance(10);
        assert_eq!(clock.now_ms(), 1510);
        assert!(matches!(clock.advance(-1), Err(ClockError::Backwards(_))));
        assert!(clock.advance_to(1000).is_err());
        assert_eq!(clock.advance_to(2000), Ok(2000));
        assert_eq!(clock.offset_ms(), 990);
    }

    #[test]
    fn iso8601_durations() {
        assert_eq!(parse_iso8601_duration_ms("PT1H"), Ok(3_600_000));
        assert_eq!(parse_iso8601_duration_ms("P1DT2H30M"), Ok(95_400_000));
        assert_eq!(parse_iso8601_duration_ms("PT0.5S"), Ok(500));
        assert_eq!(parse_iso8601_duration_ms("P2D"), Ok(172_800_000));
        for bad in ["", "P", "PT", "1H", "PT1Y", "PT1M1H", "P1M", "PTH", "PT1H2"] {
            assert!(parse_iso8601_duration_ms(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_bad_instants() {
        assert!(parse_rfc3339_ms("yesterday").is_err());
    }
}
