//! CloudWatch's resolutions and retention, and how a query's start is aligned:
//!
//! | level | bucket | kept for |
//! |---|---|---|
//! | 0 | 1 s (high resolution) | 3 hours |
//! | 1 | 60 s | 15 days |
//! | 2 | 300 s | 63 days |
//! | 3 | 3600 s | 455 days |
//!
//! A datapoint lands in the finest level its resolution and age allow; maintenance moves buckets
//! that age out of a level into the next (their statistics merge) and drops what is older than
//! 455 days. A query whose start is older than 3 hours, 15 days or 63 days sees data only with a
//! period that is a multiple of 60, 300 or 3600 seconds.

/// Bucket width of each level, seconds.
pub const LEVEL_SECONDS: [i64; 4] = [1, 60, 300, 3600];
/// How long each level keeps a bucket, ms.
pub const LEVEL_RETENTION_MS: [i64; 4] = [3 * HOUR_MS, 15 * DAY_MS, 63 * DAY_MS, 455 * DAY_MS];

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// The level a datapoint at `timestamp_ms` is stored in at `now_ms`; `None` when it is older
/// than every level keeps.
pub fn level_for(timestamp_ms: i64, now_ms: i64, high_resolution: bool) -> Option<usize> {
    let age = now_ms.saturating_sub(timestamp_ms);
    let native = if high_resolution { 0 } else { 1 };
    (native..4).find(|&l| age <= LEVEL_RETENTION_MS[l])
}

/// The start of the bucket of `level` holding `timestamp_ms`, epoch seconds.
pub fn bucket_start(timestamp_ms: i64, level: usize) -> i64 {
    let g = LEVEL_SECONDS[level];
    timestamp_ms.div_euclid(1000).div_euclid(g) * g
}

/// Whether a query starting at `start_ms` can return data with `period_s` (CloudWatch returns
/// nothing, rather than an error, for a finer period than the data's age allows).
pub fn period_serves(start_ms: i64, period_s: i64, now_ms: i64) -> bool {
    let age = now_ms.saturating_sub(start_ms);
    let needed = if age > LEVEL_RETENTION_MS[2] {
        3600
    } else if age > LEVEL_RETENTION_MS[1] {
        300
    } else if age > LEVEL_RETENTION_MS[0] {
        60
    } else {
        1
    };
    period_s > 0 && period_s % needed == 0
}

/// CloudWatch's rounding of a query's start: periods under a minute to a multiple of the period
/// (`01:05:23` with 10 s → `01:05:20`); otherwise down to the minute when the start is within 15
/// days, to 5 minutes within 63 days, to the hour beyond. Periods follow from there.
pub fn aligned_start_ms(start_ms: i64, period_s: i64, now_ms: i64) -> i64 {
    let age = now_ms.saturating_sub(start_ms);
    let g = if period_s < 60 {
        period_s.max(1)
    } else if age > LEVEL_RETENTION_MS[2] {
        3600
    } else if age > LEVEL_RETENTION_MS[1] {
        300
    } else {
        60
    };
    start_ms.div_euclid(g * 1000) * g * 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_by_age_and_resolution() {
        let now = 100 * DAY_MS;
        assert_eq!(level_for(now, now, true), Some(0));
        assert_eq!(level_for(now, now, false), Some(1));
        assert_eq!(level_for(now - 4 * HOUR_MS, now, true), Some(1));
        assert_eq!(level_for(now - 20 * DAY_MS, now, false), Some(2));
        assert_eq!(level_for(now - 70 * DAY_MS, now, false), Some(3));
        assert_eq!(level_for(now - 500 * DAY_MS, now, false), None);
    }

    #[test]
    fn query_alignment() {
        let now = 1_000 * DAY_MS;
        // 01:05:23 with a 10-second period → 01:05:20.
        let t = now - 60_000 + 23_000;
        assert_eq!(aligned_start_ms(t, 10, now) % 10_000, 0);
        assert_eq!(aligned_start_ms(now + 12_345, 300, now + 20_000) % 60_000, 0);
        assert_eq!(aligned_start_ms(now - 20 * DAY_MS + 1, 300, now) % 300_000, 0);
        assert!(period_serves(now - HOUR_MS, 10, now));
        assert!(!period_serves(now - 4 * HOUR_MS, 10, now));
        assert!(period_serves(now - 4 * HOUR_MS, 120, now));
        assert!(!period_serves(now - 20 * DAY_MS, 60, now));
    }
}
