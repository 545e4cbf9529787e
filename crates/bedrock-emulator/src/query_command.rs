//! `bedrock-emulator query`: runs a Logs Insights query without a server, over a data
//! directory's log groups (a read-only snapshot of the store, scanned by the insights-scan crate), over the records S3 delivery wrote
//! to a data directory's bucket or to any S3 endpoint (`s3://bucket/prefix`), or over a JSON
//! lines file of `ModelInvocationLog` records (plain or gzip). Files and objects are read by the
//! record-source crate: in parallel chunks, the record's `timestamp` read by the query's own
//! field scanner, memory bounded by the groups and a fixed read-ahead. The result renders as a
//! table, JSON (GetQueryResults-shaped) or CSV. The query is checked against the record schema,
//! so fields a record never has get a warning.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use log_store::{Snapshot, StoreError};
use logs_insights::{CheckOptions, Diagnostic, QueryResult, Schema, compile};
use object_store::bucket_store::BucketStore;
use record_source::remote::S3Url;
use record_source::{ObjectFeed, OnBadRecord, QueryRun, ReadOptions, ReadReport};

use service_logs::model::{QueryStatistics, ResultFieldShape, query_results};

use insights_scan::{ScanRequest, scan_snapshot, snapshot_source_log_groups};
use service_kit::clock::parse_rfc3339_ms;

/// Where the events come from.
#[derive(Debug, Clone)]
pub enum QueryInput {
    /// Log groups of an emulator data directory (the store under `<dir>/logs`).
    DataDir { dir: PathBuf, log_groups: Vec<String> },
    /// A JSON lines file of records, plain or gzip; shown as log group `log_group`.
    Events { file: PathBuf, log_group: String },
    /// The records S3 delivery wrote under `s3://<bucket>/<prefix>` in a data directory
    /// (flushed batches only); shown as log group `log_group`.
    S3 { dir: PathBuf, bucket: String, prefix: String, log_group: String },
    /// Delivered records in a bucket of any S3 endpoint (`AWS_ENDPOINT_URL` honoured).
    RemoteS3 { url: S3Url, log_group: String },
}

/// One query run.
#[derive(Debug, Clone)]
pub struct QueryCommand {
    pub query: String,
    pub input: QueryInput,
    /// Inclusive range, epoch ms.
    pub start_ms: i64,
    pub end_ms: i64,
    pub account_id: String,
    /// The clock for `now()`, epoch ms.
    pub now_ms: i64,
    /// Scan threads; 0 means one per core.
    pub threads: usize,
    /// What a line that is not a record does (files and objects).
    pub on_bad_record: OnBadRecord,
}

/// A run's result, the checker's warnings, and for files and objects what the read saw.
#[derive(Debug)]
pub struct QueryOutput {
    pub result: QueryResult,
    pub warnings: Vec<Diagnostic>,
    pub read: Option<ReadReport>,
}

/// Why a query could not run.
#[derive(Debug, thiserror::Error)]
pub enum QueryCommandError {
    #[error("the query does not compile")]
    Compile(Vec<Diagnostic>),
    #[error(
        "the data directory {0} is in use by a running emulator; query it through the Logs API (aws logs start-query) or stop the emulator first"
    )]
    DataDirInUse(PathBuf),
    #[error("log group {0:?} does not exist in the data directory")]
    LogGroupNotFound(String),
    #[error("the log store failed: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Source(#[from] record_source::SourceError),
    #[error("cannot read the S3 delivery: {0}")]
    S3(#[from] service_bedrock::delivery::ReadRecordsError),
}

/// Parses a time bound: RFC 3339 (`2025-12-01T00:00:00Z`) or epoch seconds.
pub fn parse_time_bound(text: &str) -> Result<i64, String> {
    if let Ok(seconds) = text.parse::<i64>() {
        return seconds.checked_mul(1000).ok_or_else(|| format!("{text} seconds is out of range"));
    }
    parse_rfc3339_ms(text)
}

/// The scan threads for `threads` (0 = one per core).
pub fn thread_count(threads: usize) -> usize {
    if threads > 0 { threads } else { std::thread::available_parallelism().map_or(1, |n| n.get()) }
}

/// The delivered batch objects under `bucket/prefix` of a data directory whose key hour may
/// hold `[start_ms, end_ms]`, fetched from the local bucket.
pub fn local_delivery_feed(
    dir: &Path,
    bucket: &str,
    prefix: &str,
    start_ms: i64,
    end_ms: i64,
) -> Result<ObjectFeed, QueryCommandError> {
    let keys = service_bedrock::delivery::records::delivered_object_keys(dir, bucket, prefix)?;
    let (mut kept, mut skipped) = (Vec::new(), 0);
    for key in keys {
        match record_source::layout::delivery_hour(&key) {
            Some(hour) if !record_source::layout::may_hold(hour, start_ms, end_ms) => skipped += 1,
            _ => kept.push(key),
        }
    }
    let store = Arc::new(BucketStore::new(service_bedrock::delivery::records::bucket_root(dir), false));
    let bucket_name = bucket.to_owned();
    Ok(ObjectFeed::local(format!("s3://{bucket}/"), kept, skipped, move |key| match store.get_object(&bucket_name, key) {
        Ok(Some((bytes, _))) => Ok(bytes),
        Ok(None) => Err("the object disappeared while reading".into()),
        Err(e) => Err(e.to_string()),
    }))
}

impl QueryCommand {
    /// Compiles and runs the query.
    pub fn run(&self) -> Result<QueryOutput, QueryCommandError> {
        let opts = CheckOptions {
            schema: Some(Schema::from_lines(bedrock_model::record::RECORD_SCHEMA)),
            now_ms: Some(self.now_ms),
            time_range: Some((self.start_ms, self.end_ms)),
        };
        let plan = compile(&self.query, &opts).map_err(QueryCommandError::Compile)?;
        let warnings = plan.warnings().to_vec();
        let threads = thread_count(self.threads);
        let read_opts = ReadOptions {
            threads,
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            on_bad_record: self.on_bad_record,
            progress: None,
        };
        let log_stream = service_bedrock::delivery::invocation_log::LOG_STREAM;
        let (result, read) = match &self.input {
            QueryInput::DataDir { dir, log_groups } => {
                // A read-only snapshot: segments are listed by name, not walked as an open does.
                let root = dir.join("logs");
                let snapshot = Snapshot::open(&root, true).map_err(|err| match err {
                    StoreError::Locked { .. } => QueryCommandError::DataDirInUse(dir.clone()),
                    other => QueryCommandError::Store(other),
                })?;
                let mut groups = log_groups.clone();
                if groups.is_empty() {
                    groups = snapshot_source_log_groups(&snapshot, &plan);
                }
                for group in &groups {
                    if !snapshot.has_log_group(group) {
                        return Err(QueryCommandError::LogGroupNotFound(group.clone()));
                    }
                }
                let req = ScanRequest {
                    groups: &groups,
                    start_ms: self.start_ms,
                    end_ms: self.end_ms,
                    account_id: &self.account_id,
                    threads,
                };
                (scan_snapshot(&snapshot, &plan, &req)?, None)
            }
            QueryInput::Events { file, log_group } => {
                let log = format!("{}:{log_group}", self.account_id);
                let run = QueryRun { plan: &plan, log: &log, log_stream };
                let (result, report) = record_source::query_file(file, &run, &read_opts)?;
                (result, Some(report))
            }
            QueryInput::S3 { dir, bucket, prefix, log_group } => {
                let feed = local_delivery_feed(dir, bucket, prefix, self.start_ms, self.end_ms)?;
                let log = format!("{}:{log_group}", self.account_id);
                let run = QueryRun { plan: &plan, log: &log, log_stream };
                let (result, report) = record_source::query_objects(&feed, &run, &read_opts)?;
                (result, Some(report))
            }
            QueryInput::RemoteS3 { url, log_group } => {
                let feed = record_source::remote::list(url, self.start_ms, self.end_ms)?;
                let log = format!("{}:{log_group}", self.account_id);
                let run = QueryRun { plan: &plan, log: &log, log_stream };
                let (result, report) = record_source::query_objects(&feed, &run, &read_opts)?;
                (result, Some(report))
            }
        };
        Ok(QueryOutput { result, warnings, read })
    }
}

/// GetQueryResults-shaped JSON: `{"status", "results": [[{field, value}]], "statistics"}`.
pub fn to_json(result: &QueryResult) -> String {
    /// The GetQueryResults members the command prints.
    #[derive(serde::Serialize)]
    struct QueryOutput {
        status: &'static str,
        results: Vec<Vec<ResultFieldShape>>,
        statistics: QueryStatistics,
    }
    let output = QueryOutput {
        status: "Complete",
        results: query_results(&result.rows),
        statistics: QueryStatistics::from(&result.statistics),
    };
    serde_json::to_string_pretty(&output).expect("plain structs serialize")
}

/// CSV (RFC 4180): a header of the columns, one line per row, absent values empty.
pub fn to_csv(result: &QueryResult) -> String {
    let cols = result.printed_columns();
    let cell = |v: &str| {
        if v.contains([',', '"', '\n', '\r']) { format!("\"{}\"", v.replace('"', "\"\"")) } else { v.to_owned() }
    };
    let mut out = cols.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in &result.rows {
        let line: Vec<String> =
            cols.iter().map(|c| row.iter().find(|f| &f.field == c).map_or(String::new(), |f| cell(&f.value))).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, lines: &[&str]) -> PathBuf {
        let path = dir.join("records.jsonl");
        std::fs::write(&path, lines.join("\n")).unwrap();
        path
    }

    fn command(query: &str, file: PathBuf) -> QueryCommand {
        QueryCommand {
            query: query.into(),
            input: QueryInput::Events { file, log_group: "/aws/bedrock/modelinvocations".into() },
            start_ms: i64::MIN,
            end_ms: i64::MAX,
            account_id: "123456789012".into(),
            now_ms: 0,
            threads: 2,
            on_bad_record: OnBadRecord::Fail,
        }
    }

    #[test]
    fn records_file_queries_and_renders() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(
            dir.path(),
            &[
                r#"{"timestamp":"2025-12-03T10:00:00Z","requestMetadata":{"tenant_id":"a, b"},"input":{"inputTokenCount":3}}"#,
                "",
                r#"{"timestamp":"2025-12-03T11:00:00Z","requestMetadata":{"tenant_id":"a, b"},"input":{"inputTokenCount":4}}"#,
            ],
        );
        let out =
            command("stats sum(input.inputTokenCount) as t by requestMetadata.tenant_id as tenant", file.clone()).run().unwrap();
        assert_eq!(out.result.get(0, "t"), Some("7"));
        assert_eq!(to_csv(&out.result), "tenant,t\n\"a, b\",7\n");
        let json: serde_json::Value = serde_json::from_str(&to_json(&out.result)).unwrap();
        assert_eq!(json["results"][0][1]["value"], "7");
        assert_eq!(json["statistics"]["recordsScanned"], 2.0);

        let mut ranged = command("stats count(*) as n", file);
        ranged.start_ms = parse_time_bound("2025-12-03T10:30:00Z").unwrap();
        assert_eq!(ranged.run().unwrap().result.get(0, "n"), Some("1"));
    }

    #[test]
    fn unknown_fields_warn_and_bad_input_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = write(dir.path(), &[r#"{"timestamp":"2025-12-03T10:00:00Z"}"#]);
        let out = command("stats sum(inputTokenCount) as t", file).run().unwrap();
        assert!(!out.warnings.is_empty(), "inputTokenCount is not a top-level record field");
        let bad = write(dir.path(), &[r#"{"timestamp":"2025-12-03T10:00:00Z"}"#, "{oops"]);
        match command("fields @message", bad.clone()).run() {
            Err(QueryCommandError::Source(record_source::SourceError::BadRecord(b))) => assert_eq!(b.line, 2),
            other => panic!("{other:?}"),
        }
        let skipping = QueryCommand { on_bad_record: OnBadRecord::Skip, ..command("stats count(*) as n", bad) };
        let out = skipping.run().unwrap();
        assert_eq!(out.result.get(0, "n"), Some("1"));
        assert_eq!(out.read.unwrap().bad_records[0].line, 2);
        let file = write(dir.path(), &[r#"{"timestamp":"2025-12-03T10:00:00Z"}"#]);
        assert!(matches!(command("fields @message | oops", file).run(), Err(QueryCommandError::Compile(_))));
        assert_eq!(parse_time_bound("1733011200").unwrap(), 1_733_011_200_000);
        assert!(parse_time_bound("yesterday").is_err());
    }

    #[test]
    fn data_dir_in_use_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let _held = log_store::LogStore::open(&dir.path().join("logs"), log_store::StoreOptions::default()).unwrap();
        let cmd = QueryCommand {
            input: QueryInput::DataDir { dir: dir.path().to_owned(), log_groups: vec!["g".into()] },
            ..command("fields @message", dir.path().join("unused"))
        };
        assert!(matches!(cmd.run(), Err(QueryCommandError::DataDirInUse(_))));
    }
}
