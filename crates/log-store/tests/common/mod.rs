//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use log_store::{InputLogEvent, LogStore, StoreOptions};
use std::path::Path;

pub const HOUR: i64 = 3_600_000;
pub const T0: i64 = 1_740_531_600_000; // an hour boundary

pub fn open(root: &Path) -> LogStore {
    LogStore::open(root, StoreOptions::default()).expect("open")
}

pub fn put(store: &LogStore, g: &str, s: &str, ts: i64, msg: &str) {
    store.put_log_events(g, s, &[InputLogEvent::new(ts, msg)], ts.saturating_add(5)).expect("put");
}

/// All (timestamp, message) of a group in segment order.
pub fn all_events(store: &LogStore, g: &str) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    for seg in store.segments(g, None, i64::MIN, i64::MAX).expect("segments") {
        let data = seg.read().expect("read");
        let mut events = data.events();
        for e in events.by_ref() {
            out.push((e.timestamp, String::from_utf8(e.message.to_vec()).expect("utf8")));
        }
        assert_eq!(events.skipped_bytes(), 0);
    }
    out
}

/// The only segment file under `root`.
pub fn segment_files(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "seg") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
