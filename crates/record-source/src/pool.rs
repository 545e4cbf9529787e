//! The scan threads of one read: each owns a sink and runs the reader's loop (claim a unit,
//! read it, feed its records); [`Control`] collects what the units saw and stops every thread
//! at the first fatal error. Bad records are ordered by (unit, offset), so the report and the
//! error do not depend on which thread found them first.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{BadRecord, SourceError};
use crate::options::{MAX_REPORTED_BAD_RECORDS, ReadReport};
use crate::record::{PendingBad, RecordSink, UnitReport};

/// A bad record with the unit and source it came from, line possibly unknown yet.
pub(crate) type Located = (u64, String, PendingBad);

/// What the threads of one read collected.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    report: ReadReport,
    bad: Vec<Located>,
    fatal_bad: Option<Located>,
    error: Option<SourceError>,
}

/// Shared by the scan threads of one read.
#[derive(Debug, Default)]
pub(crate) struct Control {
    stop: AtomicBool,
    collected: Mutex<Collected>,
}

impl Control {
    /// True once a fatal error was recorded: threads stop claiming units.
    pub(crate) fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Collected> {
        self.collected.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds what a unit saw; a bad record that stopped it becomes the read's error (the
    /// earliest in input order wins).
    pub(crate) fn unit_done(&self, unit: u64, source: &str, out: UnitReport, result: Result<(), PendingBad>) {
        let mut c = self.lock();
        c.report.add(out.report);
        c.bad.extend(out.bad.into_iter().map(|b| (unit, source.to_owned(), b)));
        if let Err(bad) = result {
            let earlier = c.fatal_bad.as_ref().is_none_or(|(u, _, b)| (unit, bad.offset) < (*u, b.offset));
            if earlier {
                c.fatal_bad = Some((unit, source.to_owned(), bad));
            }
            self.stop.store(true, Ordering::Relaxed);
        }
    }

    /// Records an I/O or object error and stops the read.
    pub(crate) fn fail(&self, err: SourceError) {
        self.lock().error.get_or_insert(err);
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Collected {
    /// The read's report, or its error. `line_of(source, offset)` supplies line numbers that
    /// the reader did not know while reading.
    pub(crate) fn finish(mut self, line_of: impl Fn(&str, u64) -> Result<u64, SourceError>) -> Result<ReadReport, SourceError> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let locate = |(_, source, b): Located| -> Result<BadRecord, SourceError> {
            let line = match b.line {
                Some(n) => n,
                None => line_of(&source, b.offset)?,
            };
            Ok(BadRecord { source, line, message: b.message })
        };
        if let Some(fatal) = self.fatal_bad {
            return Err(SourceError::BadRecord(locate(fatal)?));
        }
        self.bad.sort_by_key(|(u, _, b)| (*u, b.offset));
        self.bad.truncate(MAX_REPORTED_BAD_RECORDS);
        let mut report = self.report;
        report.bad_records = self.bad.into_iter().map(locate).collect::<Result<_, _>>()?;
        Ok(report)
    }
}

/// Runs `body` on `threads` threads, each with its own sink from `make_sink`.
pub(crate) fn run<S: RecordSink>(
    threads: usize,
    make_sink: impl Fn() -> S + Sync,
    body: impl Fn(&mut S, &Control) + Sync,
) -> (Vec<S>, Collected) {
    let control = Control::default();
    let sinks = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut sink = make_sink();
                    body(&mut sink, &control);
                    sink
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("scan threads do not panic")).collect()
    });
    (sinks, control.collected.into_inner().unwrap_or_else(|p| p.into_inner()))
}
