//! The log groups of a data directory, read from a read-only [`Snapshot`] of its store: each
//! segment file whose window meets the range is a unit (in group, stream and time order), the
//! scan threads claim them in turn, and every event inside the range is a record at its event
//! time (Bedrock writes a record's `timestamp` as its event's). A log group may hold events
//! that are not records (Bedrock's permission-check line, lines a user put); they are handed
//! over as they are, for the sink to judge, as Insights sees every event of a group: nothing
//! here is a bad record.

use std::sync::atomic::{AtomicUsize, Ordering};

use log_store::{Snapshot, SnapshotSegment};

use crate::error::SourceError;
use crate::options::{ReadOptions, ReadReport};
use crate::pool;
use crate::record::{Record, RecordSink, UnitReport};

/// Bytes of a segment read at a time: small enough to stay in a core's cache while scanned.
const PIECE_BYTES: usize = 256 << 10;

/// Reads the events of `groups` (each must exist) into one sink per thread; units are segment
/// files. Progress counts segments.
pub fn read_snapshot<S: RecordSink>(
    snapshot: &Snapshot,
    groups: &[String],
    opts: &ReadOptions,
    make_sink: impl Fn() -> S + Sync,
) -> Result<(Vec<S>, ReadReport), SourceError> {
    let mut segments: Vec<(String, SnapshotSegment)> = Vec::new();
    for group in groups {
        for seg in snapshot.segments(group, opts.start_ms, opts.end_ms)? {
            segments.push((format!("{group}:{}", seg.stream()), seg));
        }
    }
    let next = AtomicUsize::new(0);
    let threads = opts.threads.max(1).min(segments.len().max(1));
    let (sinks, collected) = pool::run(threads, &make_sink, |sink, control| {
        let mut buf = Vec::new();
        while !control.stopped() {
            let unit = next.fetch_add(1, Ordering::Relaxed);
            let Some((source, seg)) = segments.get(unit) else { break };
            sink.begin_unit(unit as u64, source);
            let mut out = UnitReport::default();
            // A record's offset: the event's index in its segment file.
            let mut index = 0u64;
            let read = seg.for_each_event(&mut buf, PIECE_BYTES, |e| {
                index += 1;
                out.report.bytes += e.message.len() as u64;
                if e.timestamp < opts.start_ms || e.timestamp > opts.end_ms {
                    out.report.out_of_range += 1;
                    return;
                }
                out.report.records += 1;
                sink.record(&Record { timestamp: e.timestamp, line: e.message, offset: index - 1 });
            });
            sink.end_unit(read.is_ok());
            match read {
                Ok(()) => control.unit_done(unit as u64, source, out, Ok(())),
                Err(err) => control.fail(SourceError::Store(err)),
            }
            if let Some(p) = &opts.progress {
                p(1);
            }
        }
    });
    let report = collected.finish(|_, _| unreachable!("a snapshot has no bad records"))?;
    Ok((sinks, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use log_store::{InputLogEvent, LogStore, StoreOptions};

    #[derive(Default)]
    struct Collect(Vec<(i64, String)>);

    impl RecordSink for Collect {
        fn begin_unit(&mut self, _: u64, _: &str) {}
        fn record(&mut self, r: &Record<'_>) {
            self.0.push((r.timestamp, String::from_utf8_lossy(r.line).into_owned()));
        }
        fn end_unit(&mut self, _: bool) {}
    }

    #[test]
    fn every_event_of_the_groups_in_range_is_a_record_on_any_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        let hour = 3_600_000;
        let t0 = 1_764_756_000_000;
        {
            let store = LogStore::open(dir.path(), StoreOptions::default()).unwrap();
            for group in ["g", "other"] {
                store.create_log_group(group, t0).unwrap();
                store.create_log_stream(group, "s", t0).unwrap();
            }
            for h in 0..3 {
                let events: Vec<InputLogEvent> =
                    (0..5).map(|i| InputLogEvent::new(t0 + h * hour + i, if i == 0 { "not a record" } else { "{}" })).collect();
                store.put_log_events("g", "s", &events, t0 + 3 * hour).unwrap();
            }
            store.put_log_events("other", "s", &[InputLogEvent::new(t0, "{}")], t0).unwrap();
        }
        let snapshot = Snapshot::open(dir.path(), true).unwrap();
        for threads in [1, 2, 3] {
            let opts = ReadOptions { threads, start_ms: t0 + 1, end_ms: t0 + 2 * hour, ..ReadOptions::default() };
            let (sinks, report) = read_snapshot(&snapshot, &["g".to_owned()], &opts, Collect::default).unwrap();
            let mut got: Vec<(i64, String)> = sinks.into_iter().flat_map(|s| s.0).collect();
            got.sort();
            assert_eq!(got.len(), 10, "4 + 5 events of the first two hours, the first of the third");
            assert_eq!(got[4], (t0 + hour, "not a record".to_owned()));
            assert_eq!((report.records, report.out_of_range), (10, 5));
        }
        let opts = ReadOptions::default();
        assert!(matches!(read_snapshot(&snapshot, &["missing".to_owned()], &opts, Collect::default), Err(SourceError::Store(_))));
    }
}
