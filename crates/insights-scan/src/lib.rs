//! Runs a compiled Logs Insights [`Plan`] over log groups of the store. Only segments whose time
//! window overlaps the range are opened (the store decides that from memory), events outside the
//! range are skipped, and the segments are shared among scan threads, each with its own
//! [`logs_insights::Partial`], merged at the end. Cancellation is checked between segments.
//!
//! Used by `StartQuery` ([`scan_store`], over the open store) and by the `bedrock-emulator
//! query` command ([`scan_snapshot`], over a read-only [`Snapshot`] of a data directory, which
//! lists segments by name instead of walking them on open).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use log_store::{EventRef, LogStore, SegmentRef, Snapshot, SnapshotSegment, StoreError};
use logs_insights::{LogEvent, Partial, Plan, QueryResult};

/// What to scan.
#[derive(Debug, Clone)]
pub struct ScanRequest<'a> {
    /// Log group names (each must exist).
    pub groups: &'a [String],
    /// First event time included, epoch ms.
    pub start_ms: i64,
    /// Last event time included, epoch ms (inclusive, as StartQuery's `endTime·1000 + 999`).
    pub end_ms: i64,
    /// Account id, for `@log` (`<account>:<group>`, as AWS shows it).
    pub account_id: &'a str,
    /// Scan threads (at least 1).
    pub threads: usize,
}

/// How a scan ended.
#[derive(Debug)]
pub enum ScanOutcome {
    /// Every selected segment was read.
    Complete(QueryResult),
    /// `cancel` was set before the scan finished.
    Cancelled,
}

/// The log groups a query's own `SOURCE` names: the names as written, or, for
/// `SOURCE logGroups(namePrefix: [...])`, every group of the store starting with a prefix (in
/// name order). Empty without `SOURCE`.
pub fn source_log_groups(store: &LogStore, plan: &Plan) -> Vec<String> {
    let named = plan.source_log_groups();
    if !plan.source_is_prefix() {
        return named;
    }
    let mut groups: Vec<String> =
        store.log_groups().into_iter().map(|g| g.name).filter(|g| named.iter().any(|p| g.starts_with(p.as_str()))).collect();
    groups.sort();
    groups
}

/// [`source_log_groups`] for a [`Snapshot`].
pub fn snapshot_source_log_groups(snapshot: &Snapshot, plan: &Plan) -> Vec<String> {
    let named = plan.source_log_groups();
    if !plan.source_is_prefix() {
        return named;
    }
    snapshot.log_groups().into_iter().filter(|g| named.iter().any(|p| g.starts_with(p.as_str()))).collect()
}

/// Bytes a snapshot segment is read in at a time: small enough to stay in the core's cache
/// while its events are scanned.
const SNAPSHOT_PIECE: usize = 256 << 10;

/// A segment file the scan can read: of the open store or of a snapshot.
trait Segment: Sync {
    /// Calls `f` with each event, in order; `buf` is the thread's reusable buffer.
    fn for_each(&self, buf: &mut Vec<u8>, f: &mut dyn FnMut(EventRef<'_>)) -> Result<(), StoreError>;
    fn stream(&self) -> &str;
}

impl Segment for SegmentRef {
    fn for_each(&self, buf: &mut Vec<u8>, f: &mut dyn FnMut(EventRef<'_>)) -> Result<(), StoreError> {
        let data = self.read_into(std::mem::take(buf))?;
        data.events().for_each(&mut *f);
        *buf = data.into_buffer();
        Ok(())
    }
    fn stream(&self) -> &str {
        SegmentRef::stream(self)
    }
}

impl Segment for SnapshotSegment {
    fn for_each(&self, buf: &mut Vec<u8>, f: &mut dyn FnMut(EventRef<'_>)) -> Result<(), StoreError> {
        self.for_each_event(buf, SNAPSHOT_PIECE, f)
    }
    fn stream(&self) -> &str {
        SnapshotSegment::stream(self)
    }
}

/// Runs `plan` over the events of `req.groups` in `[req.start_ms, req.end_ms]`.
///
/// Errors: `GroupNotFound` for a missing group, I/O errors reading segments.
pub fn scan_store(store: &LogStore, plan: &Plan, req: &ScanRequest<'_>, cancel: &AtomicBool) -> Result<ScanOutcome, StoreError> {
    let mut segments: Vec<(String, SegmentRef)> = Vec::new();
    for group in req.groups {
        let log = format!("{}:{group}", req.account_id);
        for seg in store.segments(group, None, req.start_ms, req.end_ms)? {
            segments.push((log.clone(), seg));
        }
    }
    scan_segments(&segments, plan, req, cancel)
}

/// [`scan_store`] over a read-only [`Snapshot`] of a data directory.
pub fn scan_snapshot(snapshot: &Snapshot, plan: &Plan, req: &ScanRequest<'_>) -> Result<QueryResult, StoreError> {
    let mut segments: Vec<(String, SnapshotSegment)> = Vec::new();
    for group in req.groups {
        let log = format!("{}:{group}", req.account_id);
        for seg in snapshot.segments(group, req.start_ms, req.end_ms)? {
            segments.push((log.clone(), seg));
        }
    }
    match scan_segments(&segments, plan, req, &AtomicBool::new(false))? {
        ScanOutcome::Complete(result) => Ok(result),
        ScanOutcome::Cancelled => unreachable!("nothing else holds the cancel flag"),
    }
}

fn scan_segments<S: Segment>(
    segments: &[(String, S)],
    plan: &Plan,
    req: &ScanRequest<'_>,
    cancel: &AtomicBool,
) -> Result<ScanOutcome, StoreError> {
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<StoreError>> = Mutex::new(None);
    let threads = req.threads.max(1).min(segments.len().max(1));
    let partials: Vec<Partial<'_>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut acc = plan.partial();
                    let mut buf = Vec::new();
                    loop {
                        if cancel.load(Ordering::Relaxed) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((log, seg)) = segments.get(i) else { break };
                        // Number events by segment so ties break the same for any thread count
                        // (a thread claims segments in increasing order).
                        acc.continue_from((i as u64) << 32);
                        let part = &mut acc;
                        let with_ptr = plan.returns_events();
                        let read = seg.for_each(&mut buf, &mut |ev| {
                            if ev.timestamp < req.start_ms || ev.timestamp > req.end_ms {
                                return;
                            }
                            let ptr = if with_ptr { ev.ptr.to_string() } else { String::new() };
                            part.push(&LogEvent {
                                timestamp: ev.timestamp,
                                ingestion_time: ev.ingestion_time,
                                message: ev.message,
                                log_stream: seg.stream(),
                                log_group: log,
                                ptr: &ptr,
                            });
                        });
                        match read {
                            Ok(()) => {}
                            Err(err) => {
                                *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(err);
                                cancel_all(&next, segments.len());
                                break;
                            }
                        }
                    }
                    acc
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("scan threads do not panic")).collect()
    });
    if let Some(err) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(err);
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(ScanOutcome::Cancelled);
    }
    let mut it = partials.into_iter();
    let mut acc = it.next().unwrap_or_else(|| plan.partial());
    for p in it {
        acc.merge(p);
    }
    Ok(ScanOutcome::Complete(plan.finish(acc)))
}

/// Makes every thread's next claim run past the end.
fn cancel_all(next: &AtomicUsize, len: usize) {
    next.store(len, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use log_store::{InputLogEvent, StoreOptions};
    use logs_insights::{CheckOptions, compile};

    fn store_with(events: &[(i64, &str, &str)]) -> (tempfile::TempDir, LogStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::open(dir.path(), StoreOptions::default()).unwrap();
        store.create_log_group("g", 0).unwrap();
        for (ts, stream, msg) in events {
            store.ensure_log_stream("g", stream, 0).unwrap();
            store.put_log_events("g", stream, &[InputLogEvent::new(*ts, msg)], *ts).unwrap();
        }
        (dir, store)
    }

    fn run(store: &LogStore, query: &str, start: i64, end: i64, threads: usize) -> QueryResult {
        let plan = compile(query, &CheckOptions::default()).unwrap();
        let groups = ["g".to_owned()];
        let req = ScanRequest { groups: &groups, start_ms: start, end_ms: end, account_id: "123", threads };
        match scan_store(store, &plan, &req, &AtomicBool::new(false)).unwrap() {
            ScanOutcome::Complete(r) => r,
            ScanOutcome::Cancelled => panic!("not cancelled"),
        }
    }

    #[test]
    fn the_range_is_inclusive_and_skips_whole_hours() {
        let hour = 3_600_000;
        let (_d, store) = store_with(&[
            (hour, "a", r#"{"n":1}"#),
            (2 * hour, "a", r#"{"n":2}"#),
            (2 * hour + 5, "b", r#"{"n":4}"#),
            (3 * hour, "a", r#"{"n":8}"#),
        ]);
        let r = run(&store, "stats sum(n) as s, count(*) as c", 2 * hour, 2 * hour + 5, 2);
        assert_eq!(r.get(0, "s"), Some("6"));
        // Only the one hour's segments were read.
        assert_eq!(r.statistics.records_scanned, 2);
        let all = run(&store, "stats sum(n) as s", 0, 10 * hour, 1);
        assert_eq!(all.get(0, "s"), Some("15"));
    }

    #[test]
    fn event_rows_carry_log_stream_log_and_a_pointer_the_store_resolves() {
        let (_d, store) = store_with(&[(1000, "s1", r#"{"k":"v"}"#)]);
        let r = run(&store, "fields @log, @logStream, k", 0, 2000, 1);
        assert_eq!(r.get(0, "@log"), Some("123:g"));
        assert_eq!(r.get(0, "@logStream"), Some("s1"));
        let ptr: log_store::EventPtr = r.get(0, "@ptr").unwrap().parse().unwrap();
        assert_eq!(store.get_event(&ptr).unwrap().unwrap().message, br#"{"k":"v"}"#);
    }

    #[test]
    fn one_and_two_threads_agree_and_cancel_stops() {
        let events: Vec<(i64, String)> = (0..50).map(|i| (i * 600_000, format!(r#"{{"app":"a{}","t":{i}}}"#, i % 3))).collect();
        let refs: Vec<(i64, &str, &str)> = events.iter().map(|(t, m)| (*t, "s", m.as_str())).collect();
        let (_d, store) = store_with(&refs);
        let q = "fields app, t | sort t asc | limit 7";
        assert_eq!(run(&store, q, 0, i64::MAX, 1), run(&store, q, 0, i64::MAX, 2));
        let plan = compile(q, &CheckOptions::default()).unwrap();
        let groups = ["g".to_owned()];
        let req = ScanRequest { groups: &groups, start_ms: 0, end_ms: i64::MAX, account_id: "1", threads: 2 };
        assert!(matches!(scan_store(&store, &plan, &req, &AtomicBool::new(true)).unwrap(), ScanOutcome::Cancelled));
        let missing = ["nope".to_owned()];
        let req = ScanRequest { groups: &missing, ..req };
        assert!(matches!(scan_store(&store, &plan, &req, &AtomicBool::new(false)), Err(StoreError::GroupNotFound(_))));
    }

    #[test]
    fn a_snapshot_of_the_closed_store_gives_the_same_rows() {
        let events: Vec<(i64, String)> = (0..40).map(|i| (i * 900_000, format!(r#"{{"app":"a{}","t":{i}}}"#, i % 4))).collect();
        let refs: Vec<(i64, &str, &str)> =
            events.iter().map(|(t, m)| (*t, if t % 2 == 0 { "s1" } else { "s2" }, m.as_str())).collect();
        let (dir, store) = store_with(&refs);
        let queries = ["stats sum(t) as s, count(*) as n by app | sort app", "fields app, t, @logStream | sort t desc | limit 5"];
        let live: Vec<QueryResult> = queries.iter().map(|q| run(&store, q, 3_600_000, 30_000_000, 2)).collect();
        drop(store);
        let snapshot = Snapshot::open(dir.path(), true).unwrap();
        let groups = ["g".to_owned()];
        for (q, want) in queries.iter().zip(live) {
            for threads in [1, 2, 3] {
                let plan = compile(q, &CheckOptions::default()).unwrap();
                let req = ScanRequest { groups: &groups, start_ms: 3_600_000, end_ms: 30_000_000, account_id: "123", threads };
                assert_eq!(scan_snapshot(&snapshot, &plan, &req).unwrap(), want, "{q} on {threads} threads");
            }
        }
    }
}
