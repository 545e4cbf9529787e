//! A Logs Insights plan over records: [`QuerySink`] numbers each unit's events from
//! `unit << 32` (`Partial::continue_from`; a thread sees increasing units), so ties break the
//! same way on any thread count; the threads' partials merge into the result.

use std::path::Path;

use logs_insights::{LogEvent, Partial, Plan, QueryResult};

use crate::error::SourceError;
use crate::objects::{ObjectFeed, read_objects};
use crate::options::{ReadOptions, ReadReport};
use crate::record::{Record, RecordSink};

/// What the records are shown as: `@log` and `@logStream`.
#[derive(Debug, Clone, Copy)]
pub struct QueryRun<'a> {
    pub plan: &'a Plan,
    /// `@log` as rendered (AWS shows `account-id:log-group-name`).
    pub log: &'a str,
    pub log_stream: &'a str,
}

/// One scan thread's share of a query.
pub struct QuerySink<'p> {
    run: QueryRun<'p>,
    acc: Partial<'p>,
    with_ptr: bool,
    source: String,
    ptr: String,
}

impl<'p> QuerySink<'p> {
    pub fn new(run: QueryRun<'p>) -> QuerySink<'p> {
        QuerySink { run, acc: run.plan.partial(), with_ptr: run.plan.returns_events(), source: String::new(), ptr: String::new() }
    }

    /// The thread's partial, to merge with the others'.
    pub fn into_partial(self) -> Partial<'p> {
        self.acc
    }
}

impl RecordSink for QuerySink<'_> {
    fn begin_unit(&mut self, unit: u64, source: &str) {
        self.acc.continue_from(unit << 32);
        if self.with_ptr {
            self.source.clear();
            self.source.push_str(source);
        }
    }

    fn record(&mut self, r: &Record<'_>) {
        if self.with_ptr {
            use std::fmt::Write as _;
            self.ptr.clear();
            let _ = write!(self.ptr, "{}#{}", self.source, r.offset);
        }
        self.acc.push(&LogEvent {
            timestamp: r.timestamp,
            ingestion_time: r.timestamp,
            message: r.line,
            log_stream: self.run.log_stream,
            log_group: self.run.log,
            ptr: &self.ptr,
        });
    }

    fn end_unit(&mut self, _complete: bool) {}
}

fn finish(run: &QueryRun<'_>, sinks: Vec<QuerySink<'_>>) -> QueryResult {
    let mut it = sinks.into_iter().map(QuerySink::into_partial);
    let mut acc = it.next().unwrap_or_else(|| run.plan.partial());
    for p in it {
        acc.merge(p);
    }
    run.plan.finish(acc)
}

/// Runs a query over a JSON lines file, plain or gzip.
pub fn query_file(path: &Path, run: &QueryRun<'_>, opts: &ReadOptions) -> Result<(QueryResult, ReadReport), SourceError> {
    let (sinks, report) = crate::read_file(path, opts, || QuerySink::new(*run))?;
    Ok((finish(run, sinks), report))
}

/// Runs a query over delivered objects.
pub fn query_objects(
    feed: &ObjectFeed,
    run: &QueryRun<'_>,
    opts: &ReadOptions,
) -> Result<(QueryResult, ReadReport), SourceError> {
    let (sinks, report) = read_objects(feed, opts, || QuerySink::new(*run))?;
    Ok((finish(run, sinks), report))
}
