//! Behaviour of the store through its public API: groups, streams, appends, restarts,
//! time-range selection, pointers, hostile names, concurrency.

mod common;

use common::*;
use log_store::{EventPtr, InputLogEvent, LogStore, StoreError, StoreOptions};
use std::sync::Arc;

#[test]
fn groups_and_streams_lifecycle() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_log_group("b", 2).unwrap();
    store.create_log_group("a", 1).unwrap();
    assert!(matches!(store.create_log_group("a", 9), Err(StoreError::GroupAlreadyExists(_))));
    assert!(matches!(store.create_log_group("", 9), Err(StoreError::InvalidName { .. })));
    let names: Vec<_> = store.log_groups().into_iter().map(|g| g.name).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(store.log_group("a").unwrap().creation_time, 1);

    assert!(matches!(store.create_log_stream("zz", "s", 0), Err(StoreError::GroupNotFound(_))));
    store.create_log_stream("a", "s2", 10).unwrap();
    store.create_log_stream("a", "s1", 11).unwrap();
    assert!(matches!(store.create_log_stream("a", "s1", 0), Err(StoreError::StreamAlreadyExists { .. })));
    assert!(matches!(
        store.put_log_events("a", "nope", &[InputLogEvent::new(1, "x")], 1),
        Err(StoreError::StreamNotFound { .. })
    ));
    let streams = store.log_streams("a").unwrap();
    assert_eq!(streams.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["s1", "s2"]);
    assert_eq!(streams[0].first_event_timestamp, None);
    assert_eq!(streams[0].stored_bytes, 0);

    store.ensure_log_stream("c", "x", 42).unwrap();
    store.ensure_log_stream("c", "x", 43).unwrap();
    assert_eq!(store.log_group("c").unwrap().creation_time, 42);

    put(&store, "a", "s1", T0, "hello");
    store.delete_log_group("a").unwrap();
    assert!(matches!(store.delete_log_group("a"), Err(StoreError::GroupNotFound(_))));
    assert!(store.log_group("a").is_none());
    store.create_log_group("a", 3).unwrap();
    assert!(store.log_streams("a").unwrap().is_empty());
    drop(store);
    let store = open(dir.path());
    assert_eq!(store.log_group("a").unwrap().creation_time, 3);
    assert!(store.log_streams("a").unwrap().is_empty());
    assert_eq!(store.recovery_report(), &Default::default());
}

#[test]
fn records_and_metadata_survive_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.create_log_group("/aws/bedrock/modelinvocations", 100).unwrap();
    store.create_log_stream("/aws/bedrock/modelinvocations", "aws/bedrock/modelinvocations", 200).unwrap();
    let (g, s) = ("/aws/bedrock/modelinvocations", "aws/bedrock/modelinvocations");
    let batch = [InputLogEvent::new(T0 + 10, "one"), InputLogEvent::new(T0 + 5, "two")];
    let r = store.put_log_events(g, s, &batch, T0 + 1000).unwrap();
    assert_eq!(r.event_count, 2);
    store.put_log_events(g, s, &[InputLogEvent::new(T0 + 2 * HOUR, "{\"x\":\"\\n\"}\n")], T0 + 900).unwrap();
    let before = store.log_streams(g).unwrap();
    assert_eq!(before[0].first_event_timestamp, Some(T0 + 5));
    assert_eq!(before[0].last_event_timestamp, Some(T0 + 2 * HOUR));
    assert_eq!(before[0].last_ingestion_time, Some(T0 + 1000));
    assert!(before[0].stored_bytes > 0);
    let events = all_events(&store, g);
    drop(store);

    let store = open(dir.path());
    assert_eq!(store.log_streams(g).unwrap(), before);
    assert_eq!(store.log_group(g).unwrap().creation_time, 100);
    assert_eq!(store.log_group(g).unwrap().stored_bytes, before[0].stored_bytes);
    assert_eq!(all_events(&store, g), events);
    assert_eq!(
        events,
        [(T0 + 10, "one".to_string()), (T0 + 5, "two".to_string()), (T0 + 2 * HOUR, "{\"x\":\"\\n\"}\n".to_string())]
    );
    put(&store, g, s, T0 + 20, "three");
    assert_eq!(all_events(&store, g)[2], (T0 + 20, "three".to_string()));
}

#[test]
fn second_open_of_same_root_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    assert!(matches!(LogStore::open(dir.path(), StoreOptions::default()), Err(StoreError::Locked { .. })));
    drop(store);
    open(dir.path());
}

#[test]
fn unknown_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("FORMAT"), "log-store 99\n").unwrap();
    assert!(matches!(LogStore::open(dir.path(), StoreOptions::default()), Err(StoreError::UnsupportedFormat { .. })));
}

#[test]
fn time_range_selects_only_overlapping_windows_and_spans() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.ensure_log_stream("g", "a", 0).unwrap();
    store.ensure_log_stream("g", "b", 0).unwrap();
    for h in 0..5 {
        put(&store, "g", "a", T0 + h * HOUR, &format!("a{h}"));
    }
    put(&store, "g", "b", T0 + 2 * HOUR, "b2");
    put(&store, "g", "a", -HOUR / 2, "negative");

    let windows = |start, end, streams: Option<&[&str]>| {
        store
            .segments("g", streams, start, end)
            .unwrap()
            .iter()
            .map(|s| (s.stream().to_string(), (s.window().0 - T0) / HOUR))
            .collect::<Vec<_>>()
    };
    let a = |h| ("a".to_string(), h);
    assert_eq!(windows(T0 + HOUR, T0 + 3 * HOUR - 1, Some(&["a"])), [a(1), a(2)]);
    // Inclusive end: a range ending exactly at a window start includes that window.
    assert_eq!(windows(T0 + HOUR, T0 + 3 * HOUR, Some(&["a"])), [a(1), a(2), a(3)]);
    assert_eq!(windows(T0 + 2 * HOUR, T0 + 2 * HOUR + 6, None), [a(2), ("b".into(), 2)]);
    // Inside a window but after its events: no file.
    assert_eq!(windows(T0 + 2 * HOUR + 5, T0 + 2 * HOUR + 6, None), []);
    assert_eq!(windows(T0 + 10 * HOUR, i64::MAX, None), []);
    assert_eq!(windows(T0 + HOUR, T0, None), []);
    assert_eq!(windows(T0, T0 + 5 * HOUR, Some(&["b", "missing", "b"])), [("b".into(), 2)]);
    let neg = store.segments("g", Some(&["a"]), i64::MIN, -1).unwrap();
    assert_eq!(neg.len(), 1);
    assert_eq!(neg[0].window(), (-HOUR, 0));
    assert_eq!(neg[0].group(), "g");
    assert!(matches!(store.segments("nope", None, 0, 1), Err(StoreError::GroupNotFound(_))));

    // The store is keyed by window on disk too: one file per (stream, hour).
    assert_eq!(segment_files(dir.path()).len(), 7);
}

#[test]
fn batch_spanning_windows_is_split_and_kept_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.ensure_log_stream("g", "s", 0).unwrap();
    let batch =
        [InputLogEvent::new(T0 + HOUR + 1, "h1-a"), InputLogEvent::new(T0, "h0-a"), InputLogEvent::new(T0 + HOUR + 2, "h1-b")];
    let r = store.put_log_events("g", "s", &batch, T0).unwrap();
    assert_eq!(r.event_count, 3);
    let got: Vec<_> = all_events(&store, "g").into_iter().map(|e| e.1).collect();
    assert_eq!(got, ["h0-a", "h1-a", "h1-b"]);
}

#[test]
fn event_pointers_resolve_across_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.ensure_log_stream("g", "s", 0).unwrap();
    for i in 0..10 {
        put(&store, "g", "s", T0 + i, &format!("m{i}"));
    }
    let seg = &store.segments("g", None, T0, T0).unwrap()[0];
    let data = seg.read().unwrap();
    let ptrs: Vec<String> = data.events().map(|e| e.ptr.to_string()).collect();
    assert_eq!(ptrs.len(), 10);
    drop(store);
    let store = open(dir.path());
    for (i, p) in ptrs.iter().enumerate() {
        let ptr: EventPtr = p.parse().unwrap();
        let e = store.get_event(&ptr).unwrap().unwrap();
        assert_eq!((e.group.as_str(), e.stream.as_str()), ("g", "s"));
        assert_eq!(e.message, format!("m{i}").as_bytes());
        assert_eq!((e.timestamp, e.ingestion_time), (T0 + i as i64, T0 + i as i64 + 5));
    }
    // A pointer into the middle of a record, past the end, or to a deleted stream: None.
    let bumped = format!("{}{:016x}", &ptrs[1][..40], u64::from_str_radix(&ptrs[1][40..], 16).unwrap() + 3);
    assert_eq!(store.get_event(&bumped.parse().unwrap()).unwrap(), None);
    let far = format!("{}{:016x}", &ptrs[1][..40], 1u64 << 40);
    assert_eq!(store.get_event(&far.parse().unwrap()).unwrap(), None);
    assert!(matches!("zz".parse::<EventPtr>(), Err(StoreError::InvalidPtr(_))));
    store.delete_log_stream("g", "s").unwrap();
    assert_eq!(store.get_event(&ptrs[0].parse().unwrap()).unwrap(), None);
}

#[test]
fn hostile_names_stay_inside_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let store = open(&root);
    let long = "x".repeat(512);
    let long2 = format!("{}y", "x".repeat(511));
    let unicode = "日本語/../é".repeat(40);
    let names = [
        "..",
        ".",
        "../../escape",
        "/",
        "/etc/passwd",
        "a/../../../b",
        "nul\0byte",
        ".hidden",
        "~",
        "%2F",
        "back\\slash",
        long.as_str(),
        long2.as_str(),
        unicode.as_str(),
        "aws/bedrock/modelinvocations",
    ];
    for (i, g) in names.iter().enumerate() {
        store.create_log_group(g, i as i64).unwrap();
        for s in names {
            store.create_log_stream(g, s, 7).unwrap();
            put(&store, g, s, T0 + i as i64, &format!("{g}|{s}"));
        }
    }
    // Nothing was written outside the root.
    let outside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(outside, ["root"]);
    drop(store);
    let store = open(&root);
    assert_eq!(store.recovery_report().ignored, Vec::<std::path::PathBuf>::new());
    let mut expected: Vec<&str> = names.to_vec();
    expected.sort();
    let groups: Vec<_> = store.log_groups().into_iter().map(|g| g.name).collect();
    assert_eq!(groups, expected);
    for g in names {
        let streams: Vec<_> = store.log_streams(g).unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(streams, expected);
        for s in names {
            let segs = store.segments(g, Some(&[s]), i64::MIN, i64::MAX).unwrap();
            let data = segs[0].read().unwrap();
            let msgs: Vec<_> = data.events().map(|e| e.message.to_vec()).collect();
            assert_eq!(msgs, [format!("{g}|{s}").into_bytes()]);
        }
    }
}

#[test]
fn concurrent_appends_are_counted_and_never_interleave() {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions { max_segment_bytes: 64 << 10, max_open_files: 3, ..StoreOptions::default() };
    let store = LogStore::open(dir.path(), options).unwrap();
    for s in ["s0", "s1", "s2", "s3"] {
        store.ensure_log_stream("g", s, 0).unwrap();
    }
    const THREADS: usize = 16;
    const BATCHES: usize = 200;
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let store = store.clone();
            scope.spawn(move || {
                let stream = format!("s{}", t % 4);
                for b in 0..BATCHES {
                    // A batch of 3 events tagged with (thread, batch, index), over two windows
                    // every tenth batch.
                    let msgs: Vec<String> = (0..3).map(|i| format!("{t}:{b}:{i}:{}", "p".repeat(b % 50))).collect();
                    let hour = if b % 10 == 0 { (b % 3) as i64 } else { 0 };
                    let events: Vec<_> =
                        msgs.iter().enumerate().map(|(i, m)| InputLogEvent::new(T0 + hour * HOUR * (i as i64 % 2), m)).collect();
                    store.put_log_events("g", &stream, &events, T0).unwrap();
                }
            });
        }
        // A reader running alongside only ever sees whole batches.
        let store = store.clone();
        scope.spawn(move || {
            for _ in 0..50 {
                for seg in store.segments("g", None, T0, T0).unwrap() {
                    let data = seg.read().unwrap();
                    let mut events = data.events();
                    // Runs of consecutive events from one batch: each batch must appear as
                    // exactly one run holding all of its events of this window.
                    let mut runs: Vec<(String, Vec<usize>)> = Vec::new();
                    for e in events.by_ref() {
                        let m = std::str::from_utf8(e.message).unwrap();
                        let mut parts = m.split(':');
                        let tb = format!("{}:{}", parts.next().unwrap(), parts.next().unwrap());
                        let i: usize = parts.next().unwrap().parse().unwrap();
                        match runs.last_mut() {
                            Some((last, idx)) if *last == tb => idx.push(i),
                            _ => runs.push((tb, vec![i])),
                        }
                    }
                    let mut seen = std::collections::HashSet::new();
                    for (tb, idx) in runs {
                        assert!(idx == [0, 1, 2] || idx == [0, 2], "torn or interleaved batch {tb}: {idx:?}");
                        assert!(seen.insert(tb.clone()), "batch {tb} split in two runs");
                    }
                    assert_eq!(events.skipped_bytes(), 0);
                }
            }
        });
    });
    let total: usize = all_events(&store, "g").len();
    assert_eq!(total, THREADS * BATCHES * 3);
    // Small segments rolled over, so several files per window exist.
    assert!(segment_files(dir.path()).len() > 8);
    drop(store);
    let store = open(dir.path());
    assert_eq!(all_events(&store, "g").len(), THREADS * BATCHES * 3);
    assert!(store.recovery_report().truncated.is_empty());
}

#[test]
fn fsync_mode_and_buffer_reuse() {
    let dir = tempfile::tempdir().unwrap();
    let store = LogStore::open(dir.path(), StoreOptions { fsync: true, ..StoreOptions::default() }).unwrap();
    store.ensure_log_stream("g", "s", 0).unwrap();
    put(&store, "g", "s", T0, "durable");
    let segs = store.segments("g", None, T0, T0).unwrap();
    let data = segs[0].read_into(Vec::with_capacity(1 << 20)).unwrap();
    assert_eq!(data.len_bytes(), 24 + 7);
    assert_eq!(segs[0].len_bytes(), 31);
    let buf = data.into_buffer();
    assert!(buf.capacity() >= 1 << 20);
}

#[test]
fn group_commit_under_concurrency() {
    let dir = tempfile::tempdir().unwrap();
    let store = LogStore::open(dir.path(), StoreOptions { fsync: true, ..StoreOptions::default() }).unwrap();
    store.ensure_log_stream("g", "s", 0).unwrap();
    std::thread::scope(|scope| {
        for t in 0..8 {
            let store = store.clone();
            scope.spawn(move || {
                for b in 0..40 {
                    put(&store, "g", "s", T0 + (b % 2) * HOUR, &format!("{t}/{b}"));
                }
            });
        }
    });
    assert_eq!(all_events(&store, "g").len(), 8 * 40);
    drop(store);
    assert_eq!(all_events(&open(dir.path()), "g").len(), 8 * 40);
}

#[test]
fn oversized_and_empty_batches() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.ensure_log_stream("g", "s", 0).unwrap();
    let big = vec![b'x'; (16 << 20) + 1];
    let err = store.put_log_events("g", "s", &[InputLogEvent::new(0, "ok"), InputLogEvent::new(0, &big)], 0);
    assert!(matches!(err, Err(StoreError::EventTooLarge { index: 1, .. })));
    assert_eq!(store.put_log_events("g", "s", &[], 0).unwrap().event_count, 0);
    assert!(all_events(&store, "g").is_empty());
}

/// The delete happens while appends are running (the appender has already succeeded once when
/// it starts, and keeps going until it sees the group gone): appends before it succeed, every
/// append after it fails with a not-found error, none fails otherwise.
#[test]
fn appends_racing_a_group_delete_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(open(dir.path()));
    store.ensure_log_stream("g", "s", 0).unwrap();
    let deleted = std::sync::atomic::AtomicBool::new(false);
    let (first_ok_tx, first_ok) = std::sync::mpsc::channel();
    let (oks, oks_after_delete) = std::thread::scope(|scope| {
        let st = store.clone();
        let deleted = &deleted;
        let appender = scope.spawn(move || {
            let (mut oks, mut oks_after_delete) = (0usize, 0usize);
            for i in 0.. {
                let was_deleted = deleted.load(std::sync::atomic::Ordering::SeqCst);
                match st.put_log_events("g", "s", &[InputLogEvent::new(T0, "x")], i) {
                    Ok(_) => {
                        oks += 1;
                        oks_after_delete += usize::from(was_deleted);
                        if oks == 1 {
                            first_ok_tx.send(()).unwrap();
                        }
                    }
                    Err(StoreError::GroupNotFound(_) | StoreError::StreamNotFound { .. }) => break,
                    Err(e) => panic!("{e}"),
                }
            }
            (oks, oks_after_delete)
        });
        first_ok.recv().unwrap();
        store.delete_log_group("g").unwrap();
        deleted.store(true, std::sync::atomic::Ordering::SeqCst);
        appender.join().unwrap()
    });
    assert!(oks >= 1, "appends ran before the delete");
    assert_eq!(oks_after_delete, 0, "no append succeeded once the delete had returned");
    assert!(store.log_group("g").is_none());
}

/// The files of one hour are chosen by their events' time span too (kept in memory, rebuilt on
/// open): the last seconds of a busy hour read its last file, not the whole hour.
#[test]
fn a_range_within_an_hour_reads_only_the_files_it_overlaps() {
    let dir = tempfile::tempdir().unwrap();
    // Ten 30-byte records per file.
    let options = StoreOptions { max_segment_bytes: 300, ..StoreOptions::default() };
    let store = LogStore::open(dir.path(), options.clone()).unwrap();
    store.ensure_log_stream("g", "s", 0).unwrap();
    for second in 0..100 {
        put(&store, "g", "s", T0 + second * 1000, &format!("{second:06}"));
    }
    let all = store.segments("g", None, T0, T0 + HOUR).unwrap();
    assert_eq!(all.len(), 10);
    let last = |store: &LogStore| store.segments("g", None, T0 + 95_000, T0 + 99_000).unwrap();
    assert_eq!(last(&store).len(), 1);
    let data = last(&store)[0].read().unwrap();
    assert_eq!(data.events().next().unwrap().timestamp, T0 + 90_000);
    // A late event lands in a new file whose span is its own: both files holding 5.5 s match.
    put(&store, "g", "s", T0 + 5_500, "late");
    let spans = |store: &LogStore, at: i64| store.segments("g", None, at, at).unwrap().len();
    assert_eq!(spans(&store, T0 + 5_500), 2);
    // Spans are rebuilt on open.
    drop(store);
    let store = LogStore::open(dir.path(), options).unwrap();
    assert_eq!(last(&store).len(), 1);
    assert_eq!(spans(&store, T0 + 5_500), 2);
    assert_eq!(store.segments("g", None, T0 + 10_000, T0 + 19_000).unwrap().len(), 1);
}
