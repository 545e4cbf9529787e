//! `bedrock-emulator sql`: Athena's SQL engine from the command line, with no server. Tables
//! come from the data directory's Athena catalog (read, never written back) and `--table
//! NAME=LOCATION` (the invocation-log table of the seed over any `s3://` location or local
//! path); `s3://` is read from the data directory's buckets, or with `--remote-s3` from real S3.
//! Statements separated by `;` run in order; the last one's rows are printed as a table, CSV or
//! JSON; progress (bytes read, MB/s) goes to stderr while a query scans.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use object_store::BucketStore;
use sql::{BucketSource, Catalog, Engine, ObjectSource, QueryContext, QueryOutput, Storage};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlFormat {
    Table,
    Csv,
    Json,
}

/// What `sql` runs.
#[derive(Debug, Clone)]
pub struct SqlCommand {
    pub sql: String,
    pub data_dir: PathBuf,
    /// `(name, location)`: invocation-log tables to create first.
    pub tables: Vec<(String, String)>,
    pub database: String,
    pub remote_s3: bool,
    pub format: SqlFormat,
    pub progress: bool,
}

/// The seed's invocation-log table (`create_athena_table.sh`), over `{location}`.
pub fn invocation_log_ddl(name: &str, location: &str) -> String {
    format!(
        "CREATE EXTERNAL TABLE {name} (\n  `timestamp` string, accountId string, identity struct<arn:string>, region string,\n  \
         requestId string, operation string, modelId string,\n  \
         input struct<inputContentType:string, inputTokenCount:int, cacheReadInputTokenCount:int, cacheWriteInputTokenCount:int>,\n  \
         output struct<outputContentType:string, outputTokenCount:int>,\n  \
         requestMetadata map<string,string>, schemaType string, schemaVersion string\n)\n\
         ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nLOCATION '{location}'"
    )
}

/// Splits a script on `;` outside quotes and comments.
pub fn split_statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"' | '`') => {
                quote = Some(c);
                current.push(c);
            }
            (None, '-') if chars.peek() == Some(&'-') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        current.push('\n');
                        break;
                    }
                }
            }
            (None, ';') => out.push(std::mem::take(&mut current)),
            (None, c) => current.push(c),
        }
    }
    out.push(current);
    out.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

impl SqlCommand {
    /// Runs the statements; the last one's output.
    pub async fn run(&self) -> anyhow::Result<QueryOutput> {
        let catalog_dir = self.data_dir.join("athena").join("catalog");
        let catalog = if catalog_dir.join("catalog.json").exists() {
            Catalog::snapshot(&catalog_dir).context("reading the data directory's Athena catalog")?
        } else {
            Catalog::in_memory()
        };
        let s3: Arc<dyn ObjectSource> = if self.remote_s3 {
            Arc::new(crate::sql_remote::RemoteS3::from_default_chain().await?)
        } else {
            Arc::new(BucketSource { buckets: Arc::new(BucketStore::new(self.data_dir.join("s3"), false)) })
        };
        let engine = Engine::new(Arc::new(catalog), Storage { s3: Some(s3), allow_local: true });
        let now_ms = i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis())?;
        let ctx = QueryContext { database: self.database.clone(), now_ms };
        let mut statements: Vec<String> =
            self.tables.iter().map(|(name, location)| invocation_log_ddl(name, &absolute(location))).collect();
        statements.extend(split_statements(&self.sql));
        anyhow::ensure!(!statements.is_empty(), "no statement to run");
        let mut last = None;
        for statement in &statements {
            let scanned = Arc::new(AtomicU64::new(0));
            let progress = self.progress.then(|| spawn_progress(Arc::clone(&scanned)));
            let result = engine.execute(statement, &ctx, scanned).await;
            if let Some(p) = progress {
                p.abort();
                eprint!("\r\x1b[K");
            }
            last = Some(result.map_err(|e| anyhow::anyhow!("{e}\n  in: {}", first_line(statement)))?);
        }
        last.context("no statement ran")
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or_default()
}

/// A relative local path made absolute (tables outlive the working directory's meaning).
fn absolute(location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    std::path::absolute(Path::new(location)).map_or_else(|_| location.to_owned(), |p| p.display().to_string())
}

/// Prints the bytes read so far and the rate, every half second, on stderr.
fn spawn_progress(scanned: Arc<AtomicU64>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let start = std::time::Instant::now();
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
        tick.tick().await;
        loop {
            tick.tick().await;
            let mb = scanned.load(Ordering::Relaxed) as f64 / 1e6;
            let secs = start.elapsed().as_secs_f64().max(1e-3);
            eprint!("\r\x1b[Kscanned {mb:.1} MB ({:.1} MB/s, {secs:.1} s)", mb / secs);
        }
    })
}

/// Whether progress should be shown: stderr is a terminal.
pub fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// The rows as an aligned text table (NULL shown as `NULL`).
pub fn to_table(out: &QueryOutput) -> String {
    if out.columns.is_empty() && out.rows.is_empty() {
        return "OK\n".to_owned();
    }
    let cell = |v: &Option<String>| v.clone().unwrap_or_else(|| "NULL".to_owned());
    let mut widths: Vec<usize> = out.columns.iter().map(|c| c.name.chars().count()).collect();
    for row in &out.rows {
        for (i, v) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell(v).chars().count());
            }
        }
    }
    let line = |values: Vec<String>| {
        let cells: Vec<String> =
            values.iter().enumerate().map(|(i, v)| format!("{v:<w$}", w = widths.get(i).copied().unwrap_or(0))).collect();
        cells.join(" | ").trim_end().to_owned() + "\n"
    };
    let mut text = line(out.columns.iter().map(|c| c.name.clone()).collect());
    text.push_str(&(widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("-+-") + "\n"));
    for row in &out.rows {
        text.push_str(&line(row.iter().map(cell).collect()));
    }
    text.push_str(&format!("({} row{})\n", out.rows.len(), if out.rows.len() == 1 { "" } else { "s" }));
    text
}

/// The rows as CSV, as Athena writes its result files.
pub fn to_csv(out: &QueryOutput) -> String {
    let mut copy = out.clone();
    copy.statement_type = sql::StatementType::Dml;
    String::from_utf8_lossy(&copy.file_bytes()).into_owned()
}

/// The rows as a JSON array of objects (NULL as `null`).
pub fn to_json(out: &QueryOutput) -> String {
    let rows: Vec<serde_json::Value> = out
        .rows
        .iter()
        .map(|row| {
            let map: serde_json::Map<String, serde_json::Value> = out
                .columns
                .iter()
                .zip(row)
                .map(|(c, v)| (c.name.clone(), v.clone().map_or(serde_json::Value::Null, serde_json::Value::String)))
                .collect();
            serde_json::Value::Object(map)
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_outside_quotes_and_comments() {
        let s = split_statements("CREATE DATABASE a; -- one; two\nSELECT ';' AS x;\n\n");
        assert_eq!(s, ["CREATE DATABASE a", "SELECT ';' AS x"]);
    }
}
