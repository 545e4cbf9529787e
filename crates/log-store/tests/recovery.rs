//! Recovery on open: torn tails are cut back to whole records, corruption in the middle is
//! reported and sealed, stray files are ignored; nothing here may panic or refuse to open.

mod common;

use common::*;
use log_store::{LogStore, StoreOptions};
use std::fs;

/// Writes three events into one segment and returns (segment path, its bytes, start of the
/// last record).
fn three_records(root: &std::path::Path) -> (std::path::PathBuf, Vec<u8>, usize) {
    let store = open(root);
    store.ensure_log_stream("g", "s", 0).unwrap();
    put(&store, "g", "s", T0, "first");
    put(&store, "g", "s", T0 + 1, "second");
    let last_start = store.log_stream("g", "s").unwrap().stored_bytes as usize;
    put(&store, "g", "s", T0 + 2, "third record, a little longer");
    drop(store);
    let files = segment_files(root);
    assert_eq!(files.len(), 1);
    let bytes = fs::read(&files[0]).unwrap();
    (files[0].clone(), bytes, last_start)
}

fn firsts() -> Vec<(i64, String)> {
    vec![(T0, "first".into()), (T0 + 1, "second".into())]
}

#[test]
fn torn_tail_at_every_offset_of_the_last_record() {
    let dir = tempfile::tempdir().unwrap();
    let (seg, bytes, last_start) = three_records(dir.path());
    for cut in last_start..bytes.len() {
        fs::write(&seg, &bytes[..cut]).unwrap();
        let store = open(dir.path());
        assert_eq!(all_events(&store, "g"), firsts(), "cut at {cut}");
        let report = store.recovery_report();
        if cut > last_start {
            assert_eq!(report.truncated, [(seg.clone(), (cut - last_start) as u64)], "cut at {cut}");
        } else {
            assert!(report.truncated.is_empty());
        }
        assert!(report.corrupt.is_empty());
        assert_eq!(fs::metadata(&seg).unwrap().len(), last_start as u64, "repaired on open");
        assert_eq!(store.log_stream("g", "s").unwrap().last_event_timestamp, Some(T0 + 1));
        // Appending after the repair continues cleanly.
        put(&store, "g", "s", T0 + 3, "after");
        let mut want = firsts();
        want.push((T0 + 3, "after".into()));
        assert_eq!(all_events(&store, "g"), want);
    }
}

#[test]
fn zero_filled_and_garbage_tails_are_cut() {
    let dir = tempfile::tempdir().unwrap();
    let (seg, bytes, last_start) = three_records(dir.path());
    let full = bytes.len() as u64;
    // What a power cut can leave: the file grew but the data never landed.
    let mut zeros = bytes[..last_start].to_vec();
    zeros.extend(std::iter::repeat_n(0u8, 4096));
    // A last record whose checksum is wrong.
    let mut flipped = bytes.clone();
    *flipped.last_mut().unwrap() ^= 1;
    // A record header claiming more bytes than follow.
    let mut short = bytes.clone();
    short.extend_from_slice(&100u32.to_le_bytes());
    short.extend_from_slice(&[7; 30]);
    for (name, content, keep) in
        [("zeros", zeros, last_start as u64), ("flipped", flipped, last_start as u64), ("short", short, full)]
    {
        fs::write(&seg, &content).unwrap();
        let store = open(dir.path());
        assert_eq!(store.recovery_report().truncated.len(), 1, "{name}");
        assert_eq!(fs::metadata(&seg).unwrap().len(), keep, "{name}");
        assert!(all_events(&store, "g").starts_with(&firsts()), "{name}");
    }
}

#[test]
fn corruption_in_the_middle_is_reported_sealed_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let (seg, mut bytes, _) = three_records(dir.path());
    // Flip a byte in the message of the second record: its checksum fails, records follow it.
    let second = 24 + "first".len();
    bytes[second + 24] ^= 0x20;
    fs::write(&seg, &bytes).unwrap();
    for round in 0..2 {
        let store = open(dir.path());
        let report = store.recovery_report();
        assert_eq!(report.corrupt, [(seg.clone(), (bytes.len() - second) as u64)], "round {round}");
        assert!(report.truncated.is_empty());
        assert_eq!(fs::read(&seg).unwrap(), bytes, "the damaged file is left as it is");
        let segs = store.segments("g", None, T0, T0).unwrap();
        let data = segs[0].read().unwrap();
        let mut events = data.events();
        assert_eq!(events.by_ref().map(|e| e.message.to_vec()).collect::<Vec<_>>(), [b"first".to_vec()]);
        assert_eq!(events.skipped_bytes(), 0, "readers stop at the last good record");
        if round == 0 {
            // New appends for the window go to a fresh file, readable in full.
            put(&store, "g", "s", T0 + 9, "after");
            let segs = store.segments("g", None, T0, T0 + 9).unwrap();
            assert_eq!(segs.len(), 2);
            let data = segs[1].read().unwrap();
            assert_eq!(data.events().map(|e| e.message.to_vec()).collect::<Vec<_>>(), [b"after".to_vec()]);
        }
    }
}

#[test]
fn bad_length_in_the_middle_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (seg, mut bytes, _) = three_records(dir.path());
    let second = 24 + "first".len();
    bytes[second..second + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    fs::write(&seg, &bytes).unwrap();
    let store = LogStore::open(dir.path(), StoreOptions { verify_checksums: false, ..Default::default() }).unwrap();
    assert_eq!(store.recovery_report().corrupt.len(), 1);
    assert_eq!(store.recovery_report().corrupt[0].0, seg);
    let data = store.segments("g", None, T0, T0).unwrap()[0].read().unwrap();
    assert_eq!(data.events().count(), 1);
}

#[test]
fn impossible_length_at_the_tail_is_corruption_not_a_torn_append() {
    // An append never writes a length over the limit, so such a tail was not a crash: keep it.
    let dir = tempfile::tempdir().unwrap();
    let (seg, mut bytes, _) = three_records(dir.path());
    let full = bytes.len();
    bytes.extend_from_slice(&[0xff; 30]);
    fs::write(&seg, &bytes).unwrap();
    let store = open(dir.path());
    assert_eq!(store.recovery_report().corrupt, [(seg.clone(), 30)]);
    assert_eq!(fs::metadata(&seg).unwrap().len(), full as u64 + 30);
    assert_eq!(all_events(&store, "g").len(), 3);
}

#[test]
fn stray_files_and_broken_metadata_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    three_records(root);
    let groups = root.join("groups");
    fs::create_dir_all(groups.join("no-meta")).unwrap();
    fs::write(groups.join("a-file"), "x").unwrap();
    let gdir = groups.join("g");
    fs::write(gdir.join("streams/s/notes.txt"), "x").unwrap();
    fs::write(gdir.join("streams/s/12.0.seg"), "misaligned window").unwrap();
    fs::create_dir_all(gdir.join("streams/half")).unwrap();
    fs::write(gdir.join("streams/half/stream.json"), "{\"name\": \"trunc").unwrap();
    // A group directory whose metadata names another group is not trusted.
    fs::create_dir_all(groups.join("other/streams")).unwrap();
    fs::write(groups.join("other/group.json"), r#"{"name":"elsewhere","creationTime":1}"#).unwrap();
    // Leftovers of an interrupted create or delete.
    fs::create_dir_all(root.join("tmp/123-4/streams")).unwrap();

    let store = open(root);
    assert_eq!(store.recovery_report().ignored.len(), 6, "{:?}", store.recovery_report());
    assert_eq!(store.log_groups().len(), 1);
    assert_eq!(all_events(&store, "g").len(), 3);
    assert!(!root.join("tmp/123-4").exists());
    // A name whose directory is occupied by junk gets a clear error, not a silent merge.
    let err = store.create_log_group("no-meta", 0).unwrap_err();
    assert!(matches!(err, log_store::StoreError::PathOccupied { .. }), "{err}");
}

#[test]
fn extreme_timestamps_are_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.ensure_log_stream("g", "s", 0).unwrap();
    for ts in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX] {
        put(&store, "g", "s", ts, "x");
    }
    drop(store);
    let store = open(dir.path());
    let mut ts: Vec<i64> = all_events(&store, "g").into_iter().map(|e| e.0).collect();
    ts.sort();
    assert_eq!(ts, [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX]);
    assert_eq!(store.segments("g", None, i64::MAX, i64::MAX).unwrap().len(), 1);
    assert_eq!(store.segments("g", None, i64::MIN, i64::MIN).unwrap().len(), 1);
}
