//! Retention: group policies persisted in `group.json`, the store-wide default, sweeps that
//! delete whole expired segment files on the store's clock, and appends and reads racing them.

mod common;

use common::*;
use log_store::{InputLogEvent, LogStore, StoreError, StoreOptions, SweepReport};

const DAY: i64 = 24 * HOUR;

fn windows(store: &LogStore, g: &str) -> Vec<i64> {
    store.segments(g, None, i64::MIN, i64::MAX).unwrap().iter().map(|s| s.window().0).collect()
}

#[test]
fn a_policy_is_kept_across_restarts_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_log_group("g", 0).unwrap();
    assert_eq!(store.log_group("g").unwrap().retention_in_days, None);
    store.put_retention_policy("g", 7).unwrap();
    assert!(matches!(store.put_retention_policy("nope", 7), Err(StoreError::GroupNotFound(_))));
    drop(store);
    let store = open(dir.path());
    assert_eq!(store.log_group("g").unwrap().retention_in_days, Some(7));
    assert!(store.recovery_report().ignored.is_empty());
    store.delete_retention_policy("g").unwrap();
    drop(store);
    assert_eq!(open(dir.path()).log_group("g").unwrap().retention_in_days, None);
}

#[test]
fn a_sweep_deletes_whole_expired_windows_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.ensure_log_stream("g", "s", 0).unwrap();
    store.ensure_log_stream("keep", "s", 0).unwrap();
    let now = T0 + 10 * DAY;
    for h in [-50, -49, -25, -24, -23, 0] {
        put(&store, "g", "s", now + h * HOUR, &format!("{h}"));
        put(&store, "keep", "s", now + h * HOUR, &format!("{h}"));
    }
    assert_eq!(store.sweep_expired(now).unwrap(), SweepReport::default(), "no policy, nothing expires");
    store.put_retention_policy("g", 1).unwrap();
    let files_before = segment_files(dir.path()).len();
    let report = store.sweep_expired(now).unwrap();
    // Windows ending at or before now - 1 day: -50, -49 and -25 (which ends exactly then);
    // -24 still holds events younger than a day.
    assert_eq!(report.segments_deleted, 3);
    assert_eq!(report.bytes_deleted, 3 * (24 + 3));
    assert_eq!(windows(&store, "g"), [now - 24 * HOUR, now - 23 * HOUR, now]);
    assert_eq!(windows(&store, "keep").len(), 6);
    assert_eq!(segment_files(dir.path()).len(), files_before - 3);
    assert_eq!(store.sweep_expired(now).unwrap(), SweepReport::default());
    // Whole records only in what is left, and the same after a restart.
    let kept: Vec<String> = all_events(&store, "g").into_iter().map(|(_, m)| m).collect();
    assert_eq!(kept, ["-24", "-23", "0"]);
    drop(store);
    let store = open(dir.path());
    assert!(store.recovery_report().truncated.is_empty() && store.recovery_report().corrupt.is_empty());
    assert_eq!(store.log_group("g").unwrap().stored_bytes, 3 * (24 + 3) - 2);
}

#[test]
fn the_default_applies_to_groups_without_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let now = T0 + 30 * DAY;
    for g in ["default", "own"] {
        store.ensure_log_stream(g, "s", 0).unwrap();
        put(&store, g, "s", now - 5 * DAY, "old");
        put(&store, g, "s", now, "new");
    }
    store.put_retention_policy("own", 7).unwrap();
    store.set_default_retention_days(Some(3));
    assert_eq!(store.default_retention_days(), Some(3));
    assert_eq!(store.sweep_expired(now).unwrap().segments_deleted, 1);
    assert_eq!(windows(&store, "default"), [now]);
    assert_eq!(windows(&store, "own").len(), 2, "the group's own 7 days win over the default");
    store.set_default_retention_days(None);
    assert_eq!(store.log_group("default").unwrap().retention_in_days, None, "the default is not the group's");
}

#[test]
fn appends_sweep_when_their_clock_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions { retention_sweep_every_ms: 2 * HOUR, ..StoreOptions::default() };
    let store = LogStore::open(dir.path(), options).unwrap();
    store.ensure_log_stream("g", "s", 0).unwrap();
    let day0 = T0;
    store.put_log_events("g", "s", &[InputLogEvent::new(day0, "a")], day0).unwrap();
    store.put_retention_policy("g", 1).unwrap();
    // The first append after a policy change sweeps (nothing has expired yet).
    store.put_log_events("g", "s", &[InputLogEvent::new(day0 + DAY, "b")], day0 + DAY).unwrap();
    assert_eq!(windows(&store, "g").len(), 2);
    // An hour and a half later the first window has expired, but the next sweep is not due.
    let t = day0 + DAY + HOUR + HOUR / 2;
    store.put_log_events("g", "s", &[InputLogEvent::new(t, "c")], t).unwrap();
    assert_eq!(windows(&store, "g").len(), 3);
    // Two hours after the last sweep the next one runs, with this append.
    let t = day0 + DAY + 2 * HOUR;
    store.put_log_events("g", "s", &[InputLogEvent::new(t, "d")], t).unwrap();
    assert_eq!(windows(&store, "g"), [day0 + DAY, day0 + DAY + HOUR, day0 + DAY + 2 * HOUR]);
}

#[test]
fn a_reader_holding_an_expired_segment_reads_it_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.ensure_log_stream("g", "s", 0).unwrap();
    put(&store, "g", "s", T0, "old");
    let held = store.segments("g", None, T0, T0).unwrap().remove(0);
    store.put_retention_policy("g", 1).unwrap();
    assert_eq!(store.sweep_expired(T0 + 2 * DAY).unwrap().segments_deleted, 1);
    let data = held.read().unwrap();
    assert_eq!(data.events().count(), 0);
    assert_eq!(data.len_bytes(), 0);
}

/// Appenders to expired and live windows and a sweeper run together: every append succeeds,
/// every acknowledged event of a live window is kept, and no file is left torn.
#[test]
fn appends_racing_sweeps_lose_nothing_live() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let now = T0 + 10 * DAY;
    for s in ["a", "b"] {
        store.ensure_log_stream("g", s, 0).unwrap();
    }
    store.put_retention_policy("g", 1).unwrap();
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (appended_old, swept) = std::thread::scope(|scope| {
        let appenders: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|s| {
                let store = store.clone();
                scope.spawn(move || {
                    let mut old = 0;
                    for n in 0..2000i64 {
                        // Live: the current hour. Expired: two to three days back.
                        let ts = if n % 2 == 0 { now } else { now - 2 * DAY - (n % 24) * HOUR };
                        old += usize::from(ts < now);
                        store.put_log_events("g", s, &[InputLogEvent::new(ts, &format!("{s} {n}"))], now).unwrap();
                    }
                    old
                })
            })
            .collect();
        let sweeper = scope.spawn(|| {
            let mut deleted = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                deleted += store.sweep_expired(now).unwrap().segments_deleted;
            }
            deleted
        });
        let old: usize = appenders.into_iter().map(|h| h.join().unwrap()).sum();
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        (old, sweeper.join().unwrap())
    });
    assert_eq!(appended_old, 2000);
    assert!(swept > 0, "the sweeper deleted files while the appenders ran");
    store.sweep_expired(now).unwrap();
    let live: Vec<String> = all_events(&store, "g").into_iter().map(|(_, m)| m).collect();
    assert_eq!(live.len(), 2000, "every live event is kept, every expired one gone");
    assert!(live.iter().all(|m| m.split(' ').nth(1).unwrap().parse::<i64>().unwrap() % 2 == 0));
    drop(store);
    let store = open(dir.path());
    assert!(store.recovery_report().truncated.is_empty() && store.recovery_report().corrupt.is_empty());
    assert_eq!(all_events(&store, "g").len(), 2000);
}
