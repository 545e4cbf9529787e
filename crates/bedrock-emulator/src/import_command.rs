//! `bedrock-emulator import`: loads records from a JSON lines file (plain or gzip), a delivery
//! prefix of the data directory's buckets or an `s3://` prefix on any S3 endpoint into a log
//! group of a data directory, each record at its own `timestamp` whatever its age (the 14-day
//! rule is PutLogEvents', not the store's). Idempotent by `requestId`: a record whose
//! `requestId` the group already holds, or that appeared earlier in the input, is not appended
//! again. Records are read in parallel (record-source) and appended unit by unit in input
//! order, so an import gives the same store on any thread count. A progress bar shows on a
//! terminal.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use log_store::{InputLogEvent, LogStore, StoreError, StoreOptions};
use logs_insights::FieldScanner;
use record_source::{ObjectFeed, ReadOptions, ReadReport, Record, RecordSink};

use crate::{BadRecordArg, S3Location};

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Data directory to load into (the emulator must not be running on it).
    #[arg(long, default_value = ".bedrock-emulator", env = "BEDROCK_EMULATOR_DATA_DIR")]
    data_dir: PathBuf,
    /// Log group to load into (created if missing).
    #[arg(long, default_value = bedrock_emulator::DEFAULT_LOG_GROUP)]
    log_group: String,
    /// A JSON lines file of ModelInvocationLog records, plain or gzip.
    #[arg(long, conflicts_with = "s3", required_unless_present = "s3")]
    events: Option<PathBuf>,
    /// Delivered records: `BUCKET[/PREFIX]` in the data directory's buckets, or
    /// `s3://BUCKET[/PREFIX]` on any S3 endpoint (AWS_ENDPOINT_URL, AWS credentials from the environment).
    #[arg(long, value_name = "[s3://]BUCKET[/PREFIX]")]
    s3: Option<String>,
    /// Only records from this time on: RFC 3339 or epoch seconds (inclusive).
    #[arg(long)]
    start: Option<String>,
    /// Only records up to this time: RFC 3339 or epoch seconds (inclusive).
    #[arg(long)]
    end: Option<String>,
    /// Read threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// What a line that is not a record does.
    #[arg(long, value_enum, default_value = "fail")]
    on_bad_record: BadRecordArg,
}

/// The log stream imported records go to (the one Bedrock writes).
const LOG_STREAM: &str = service_bedrock::delivery::invocation_log::LOG_STREAM;

/// Units commit in input order: a unit waits for its turn.
#[derive(Default)]
struct Turnstile {
    next: Mutex<u64>,
    turn: Condvar,
}

/// What the committing units share.
struct Commit {
    store: LogStore,
    group: String,
    ingestion_ms: i64,
    seen: Mutex<HashSet<Box<str>>>,
    turnstile: Turnstile,
    imported: Mutex<(u64, u64)>,
    failure: Mutex<Option<StoreError>>,
}

/// One read thread: the current unit's records, copied out of the read buffer.
struct ImportSink<'c> {
    commit: &'c Commit,
    request_id: FieldScanner,
    unit: u64,
    bytes: Vec<u8>,
    records: Vec<(i64, std::ops::Range<usize>, Option<std::ops::Range<usize>>)>,
}

impl RecordSink for ImportSink<'_> {
    fn begin_unit(&mut self, unit: u64, _source: &str) {
        self.unit = unit;
        self.bytes.clear();
        self.records.clear();
    }

    fn record(&mut self, r: &Record<'_>) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(r.line);
        let line = start..self.bytes.len();
        let id = self.request_id.string(r.line).map(|id| {
            let at = self.bytes.len();
            self.bytes.extend_from_slice(id.as_bytes());
            at..self.bytes.len()
        });
        self.records.push((r.timestamp, line, id));
    }

    fn end_unit(&mut self, complete: bool) {
        let c = self.commit;
        let mut next = c.turnstile.next.lock().unwrap_or_else(|p| p.into_inner());
        while *next != self.unit {
            next = c.turnstile.turn.wait(next).unwrap_or_else(|p| p.into_inner());
        }
        if complete && c.failure.lock().unwrap_or_else(|p| p.into_inner()).is_none() {
            self.append();
        }
        *next += 1;
        c.turnstile.turn.notify_all();
    }
}

impl ImportSink<'_> {
    /// Appends the unit's records that are new, in input order (called in unit order).
    fn append(&mut self) {
        let c = self.commit;
        let mut seen = c.seen.lock().unwrap_or_else(|p| p.into_inner());
        let mut events = Vec::with_capacity(self.records.len());
        let mut duplicates = 0;
        for (ts, line, id) in &self.records {
            if let Some(id) = id {
                let id = std::str::from_utf8(&self.bytes[id.clone()]).unwrap_or_default();
                if !seen.insert(id.into()) {
                    duplicates += 1;
                    continue;
                }
            }
            events.push(InputLogEvent::new(*ts, &self.bytes[line.clone()]));
        }
        drop(seen);
        match c.store.put_log_events(&c.group, LOG_STREAM, &events, c.ingestion_ms) {
            Ok(_) => {
                let mut n = c.imported.lock().unwrap_or_else(|p| p.into_inner());
                n.0 += events.len() as u64;
                n.1 += duplicates;
            }
            Err(e) => {
                c.failure.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
            }
        }
    }
}

/// The `requestId`s a group already holds.
fn existing_request_ids(store: &LogStore, group: &str) -> anyhow::Result<HashSet<Box<str>>> {
    let scanner = FieldScanner::new(&["requestId"]);
    let mut ids = HashSet::new();
    for seg in store.segments(group, None, i64::MIN, i64::MAX)? {
        let data = seg.read()?;
        for e in data.events() {
            if let Some(id) = scanner.string(e.message) {
                ids.insert(id.as_ref().into());
            }
        }
    }
    Ok(ids)
}

fn progress_bar(len: u64, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    let template = if unit == "bytes" {
        "{spinner} importing [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)"
    } else {
        "{spinner} importing [{bar:30}] {pos}/{len} objects ({per_sec}, {eta} left)"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

pub(crate) fn run(args: ImportArgs) -> anyhow::Result<()> {
    let (start_ms, end_ms) = crate::time_range(&args.start, &args.end)?;
    let now_ms = i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis())?;
    let root = args.data_dir.join("logs");
    let store = LogStore::open(&root, StoreOptions::default()).map_err(|err| match err {
        StoreError::Locked { .. } => anyhow::anyhow!(
            "the data directory {} is in use by a running emulator; stop it before importing",
            args.data_dir.display()
        ),
        other => anyhow::Error::from(other),
    })?;
    store.ensure_log_stream(&args.log_group, LOG_STREAM, now_ms)?;
    let seen = existing_request_ids(&store, &args.log_group)?;
    let already = seen.len();

    enum Input {
        File(PathBuf),
        Objects(ObjectFeed),
    }
    let input = match (&args.events, &args.s3) {
        (Some(file), _) => Input::File(file.clone()),
        (None, Some(location)) => Input::Objects(match crate::s3_location(location)? {
            S3Location::Remote(url) => record_source::remote::list(&url, start_ms, end_ms)?,
            S3Location::Local { bucket, prefix } => {
                bedrock_emulator::query_command::local_delivery_feed(&args.data_dir, &bucket, &prefix, start_ms, end_ms)?
            }
        }),
        (None, None) => anyhow::bail!("give --events FILE or --s3 LOCATION"),
    };
    let bar = match &input {
        Input::File(path) => {
            progress_bar(std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?.len(), "bytes")
        }
        Input::Objects(feed) => progress_bar(feed.keys.len() as u64, "objects"),
    };
    let tick = bar.clone();
    let opts = ReadOptions {
        threads: bedrock_emulator::query_command::thread_count(args.threads),
        start_ms,
        end_ms,
        on_bad_record: args.on_bad_record.into(),
        progress: Some(Arc::new(move |n| tick.inc(n))),
    };
    let commit = Commit {
        store,
        group: args.log_group.clone(),
        ingestion_ms: now_ms,
        seen: Mutex::new(seen),
        turnstile: Turnstile::default(),
        imported: Mutex::new((0, 0)),
        failure: Mutex::new(None),
    };
    let make_sink = || ImportSink {
        commit: &commit,
        request_id: FieldScanner::new(&["requestId"]),
        unit: 0,
        bytes: Vec::new(),
        records: Vec::new(),
    };
    let read: Result<ReadReport, record_source::SourceError> = match &input {
        Input::File(path) => record_source::read_file(path, &opts, make_sink).map(|(_, r)| r),
        Input::Objects(feed) => record_source::read_objects(feed, &opts, make_sink).map(|(_, r)| r),
    };
    bar.finish_and_clear();
    let (imported, duplicates) = *commit.imported.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(err) = commit.failure.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(anyhow::Error::from(err).context(format!("{imported} records were imported before the store failed")));
    }
    let read = read.with_context(|| {
        format!("{imported} records were imported before it; import is idempotent by requestId, so run it again once fixed")
    })?;
    crate::report_bad_records(&read);
    let mut summary = format!(
        "imported {imported} records into {} ({} with a requestId already there, {duplicates} skipped as duplicates",
        args.log_group, already
    );
    if read.out_of_range > 0 {
        summary.push_str(&format!(", {} outside --start/--end", read.out_of_range));
    }
    if read.objects_read + read.objects_skipped > 0 {
        summary.push_str(&format!(", {} objects read, {} skipped by their hour", read.objects_read, read.objects_skipped));
    }
    println!("{summary})");
    Ok(())
}
