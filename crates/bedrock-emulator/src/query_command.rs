//! `bedrock-emulator query`: runs a Logs Insights query without a server, over a data
//! directory's log groups (through the insights-scan crate), over the records S3 delivery
//! wrote, or over a file of `ModelInvocationLog` records (one JSON object per line), and renders the result as a table, JSON
//! (GetQueryResults-shaped) or CSV. The query is checked against the record schema, so
//! fields a record never has get a warning.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use log_store::{LogStore, StoreError, StoreOptions};
use logs_insights::{CheckOptions, Diagnostic, LogEvent, QueryResult, Schema, compile};
use serde_json::Value;

use service_logs::model::{QueryStatistics, ResultFieldShape, query_results};

use service_kit::clock::parse_rfc3339_ms;
use insights_scan::{ScanOutcome, ScanRequest, scan_store, source_log_groups};

/// Where the events come from.
#[derive(Debug, Clone)]
pub enum QueryInput {
    /// Log groups of an emulator data directory (the store under `<dir>/logs`).
    DataDir { dir: PathBuf, log_groups: Vec<String> },
    /// A file of records, one JSON object per line; shown as log group `log_group`.
    Events { file: PathBuf, log_group: String },
    /// The records S3 delivery wrote under `s3://<bucket>/<prefix>` in a data directory
    /// (flushed batches only); shown as log group `log_group`.
    S3 { dir: PathBuf, bucket: String, prefix: String, log_group: String },
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
}

/// A run's result and the checker's warnings.
#[derive(Debug)]
pub struct QueryOutput {
    pub result: QueryResult,
    pub warnings: Vec<Diagnostic>,
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
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}: {message}")]
    BadRecord { path: PathBuf, line: usize, message: String },
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
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let result = match &self.input {
            QueryInput::DataDir { dir, log_groups } => {
                let root = dir.join("logs");
                let store = LogStore::open(&root, StoreOptions::default()).map_err(|err| match err {
                    StoreError::Locked { .. } => QueryCommandError::DataDirInUse(dir.clone()),
                    other => QueryCommandError::Store(other),
                })?;
                let mut groups = log_groups.clone();
                if groups.is_empty() {
                    groups = source_log_groups(&store, &plan);
                }
                for group in &groups {
                    if store.log_group(group).is_none() {
                        return Err(QueryCommandError::LogGroupNotFound(group.clone()));
                    }
                }
                let req = ScanRequest { groups: &groups, start_ms: self.start_ms, end_ms: self.end_ms, account_id: &self.account_id, threads };
                match scan_store(&store, &plan, &req, &AtomicBool::new(false))? {
                    ScanOutcome::Complete(result) => result,
                    ScanOutcome::Cancelled => unreachable!("nothing cancels a command-line scan"),
                }
            }
            QueryInput::Events { file, log_group } => {
                let records = read_records(file)?;
                let ptrs: Vec<String> = (1..=records.len()).map(|n| format!("{}:{n}", file.display())).collect();
                self.run_records(&plan, &records, &ptrs, log_group, threads)
            }
            QueryInput::S3 { dir, bucket, prefix, log_group } => {
                let records = service_bedrock::delivery::delivered_records(dir, bucket, prefix)?;
                let ptrs: Vec<String> = (1..=records.len()).map(|n| format!("s3://{bucket}/{prefix}#{n}")).collect();
                self.run_records(&plan, &records, &ptrs, log_group, threads)
            }
        };
        Ok(QueryOutput { result, warnings })
    }
}

impl QueryCommand {
    /// Runs `plan` over in-memory records `(event time ms, JSON line)` inside the time range.
    fn run_records(
        &self,
        plan: &logs_insights::Plan,
        records: &[(i64, String)],
        ptrs: &[String],
        log_group: &str,
        threads: usize,
    ) -> QueryResult {
        let log = format!("{}:{log_group}", self.account_id);
        let events: Vec<LogEvent<'_>> = records
            .iter()
            .zip(ptrs)
            .filter(|((ts, _), _)| *ts >= self.start_ms && *ts <= self.end_ms)
            .map(|((ts, line), ptr)| LogEvent {
                timestamp: *ts,
                ingestion_time: *ts,
                message: line.as_bytes(),
                log_stream: service_bedrock::delivery::invocation_log::LOG_STREAM,
                log_group: &log,
                ptr,
            })
            .collect();
        plan.run_parallel(&events, threads)
    }
}

/// Reads a records file: each non-blank line a JSON object with an RFC 3339 `timestamp`.
/// Returns (event time ms, line). A line that is not such a record is an error naming it.
pub fn read_records(path: &Path) -> Result<Vec<(i64, String)>, QueryCommandError> {
    let text = std::fs::read_to_string(path).map_err(|source| QueryCommandError::Io { path: path.to_owned(), source })?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| QueryCommandError::BadRecord { path: path.to_owned(), line: i + 1, message };
        let value: Value = serde_json::from_str(line).map_err(|e| bad(format!("not JSON: {e}")))?;
        let ts = value
            .get("timestamp")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no \"timestamp\" string (is this a ModelInvocationLog record?)".into()))?;
        out.push((parse_rfc3339_ms(ts).map_err(bad)?, line.to_owned()));
    }
    Ok(out)
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
        let line: Vec<String> = cols
            .iter()
            .map(|c| row.iter().find(|f| &f.field == c).map_or(String::new(), |f| cell(&f.value)))
            .collect();
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
        let out = command("stats sum(input.inputTokenCount) as t by requestMetadata.tenant_id as tenant", file.clone()).run().unwrap();
        assert_eq!(out.result.get(0, "t"), Some("7"));
        assert_eq!(to_csv(&out.result), "tenant,t\n\"a, b\",7\n");
        let json: Value = serde_json::from_str(&to_json(&out.result)).unwrap();
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
        match command("fields @message", bad).run() {
            Err(QueryCommandError::BadRecord { line: 2, .. }) => {}
            other => panic!("{other:?}"),
        }
        let file = write(dir.path(), &[r#"{"timestamp":"2025-12-03T10:00:00Z"}"#]);
        assert!(matches!(command("fields @message | oops", file).run(), Err(QueryCommandError::Compile(_))));
        assert_eq!(parse_time_bound("1733011200").unwrap(), 1_733_011_200_000);
        assert!(parse_time_bound("yesterday").is_err());
    }

    #[test]
    fn data_dir_in_use_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let _held = LogStore::open(&dir.path().join("logs"), StoreOptions::default()).unwrap();
        let cmd = QueryCommand {
            input: QueryInput::DataDir { dir: dir.path().to_owned(), log_groups: vec!["g".into()] },
            ..command("fields @message", dir.path().join("unused"))
        };
        assert!(matches!(cmd.run(), Err(QueryCommandError::DataDirInUse(_))));
    }
}
