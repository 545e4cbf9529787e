//! `cargo xtask bench sql [--runs R] [--threads T] [--install-peers] [--records N]`: Athena's SQL
//! engine over the corpus as S3 delivery leaves it. A GROUP BY over the gzip batch objects of the
//! synthetic corpus (200,000 records by default, built by `bench insights`' `forms.rs`: at most
//! 1,000 records per object per delivery hour in a data directory's bucket) runs through the
//! release `bedrock-emulator sql --table logs=s3://... --json` (the whole process, start-up, the
//! listing, gunzip, the OpenX JsonSerDe and DataFusion's plan included); beside it DuckDB's
//! `read_json` over the same `.json.gz` files with T threads when a Python that imports `duckdb`
//! is found (`bench_insights/duckdb.rs`), its runs interleaved with ours. Printed: the median
//! wall time of R runs, MB/s of record JSON (uncompressed) and of the gzip objects, peak RSS,
//! the ratio to DuckDB, and whether the answers agree (a wrong answer fails the run; speed never
//! does).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::bench_insights::{duckdb, forms, paths};
use crate::gen_logs::Corpus;

/// The query, in Athena's dialect over the seed's table.
const OURS: &str = "SELECT modelId AS model_id, count(*) AS calls, sum(input.inputTokenCount) AS input_tokens, \
sum(output.outputTokenCount) AS output_tokens FROM logs GROUP BY modelId";
/// The same in DuckDB's (`{src}` is its `read_json(...)`).
const DUCKDB: &str = "SELECT modelId AS model_id, count(*) AS calls, sum(input.inputTokenCount) AS input_tokens, \
sum(output.outputTokenCount) AS output_tokens FROM {src} GROUP BY modelId";

type Row = BTreeMap<String, String>;

/// `sql --json` rows (objects of text or null) as column → text, sorted (as [`their_rows`]).
fn our_rows(json: &[u8]) -> anyhow::Result<Vec<Row>> {
    let v: serde_json::Value = serde_json::from_slice(json)?;
    let rows = v.as_array().ok_or_else(|| anyhow::anyhow!("sql --json printed no array"))?;
    Ok(their_rows(rows))
}

fn their_rows(rows: &[serde_json::Value]) -> Vec<Row> {
    let mut out: Vec<Row> = rows
        .iter()
        .map(|r| r.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("NULL").to_owned())).collect())
        .collect();
    out.sort();
    out
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let a = paths::parse(args)?;
    let corpus = Corpus::from_args(args)?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--release", "--package", "bedrock-emulator"])
        .status()?;
    anyhow::ensure!(status.success(), "building the release bedrock-emulator failed");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    let emulator = target_dir.join("release").join("bedrock-emulator");
    let f = forms::prepare(&corpus, &emulator)?;
    let location = format!("logs=s3://{}", f.s3_location);
    println!(
        "`bedrock-emulator sql --json` over {} records as {} gzip objects under s3://{} ({:.1} MB gzip, {:.1} MB of record JSON)",
        corpus.records,
        f.objects,
        f.s3_location,
        f.gz_bytes as f64 / 1e6,
        f.jsonl_bytes as f64 / 1e6,
    );
    println!("query: {OURS}");
    let python = duckdb::python(a.install_peers)?;
    let mut duck = match &python {
        Some(python) => {
            let sources = serde_json::json!({
                "s3": format!("read_json('{}', format='newline_delimited', compression='gzip')", f.gz_glob),
            });
            let w = duckdb::Worker::start(python, a.threads, sources)?;
            println!("DuckDB {}, read_json over the same .json.gz files, SET threads={}; runs interleaved", w.version, a.threads);
            Some(w)
        }
        None => {
            println!("DuckDB: not importable (pass --install-peers to install it into target/bench-venv); our figures only");
            None
        }
    };
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    let mut peak = 0;
    let mut rows = Vec::new();
    let mut duck_rows = None;
    for _ in 0..a.runs {
        let mut cmd = Command::new(&emulator);
        cmd.args(["sql", "--no-progress", "--json", "--table", &location, "--data-dir"]).arg(&f.data_dir).arg(OURS);
        let (t, rss, out) = paths::measured(&mut cmd)?;
        ours.push(t);
        peak = peak.max(rss);
        rows = our_rows(&out)?;
        if let Some(w) = duck.as_mut() {
            let (s, r) = w.run(DUCKDB, "s3")?;
            theirs.push(Duration::from_secs_f64(s));
            duck_rows = Some(their_rows(&r));
        }
    }
    drop(duck);
    let t = paths::median(ours);
    let mbs = |t: Duration, bytes: u64| bytes as f64 / 1e6 / t.as_secs_f64();
    println!();
    println!("{:<10} {:>9} {:>12} {:>10} {:>9}", "engine", "median", "MB/s (JSON)", "MB/s (gz)", "peak RSS");
    println!(
        "{:<10} {:>8.3}s {:>12.0} {:>10.1} {:>5.0} MiB",
        "sql",
        t.as_secs_f64(),
        mbs(t, f.jsonl_bytes),
        mbs(t, f.gz_bytes),
        peak as f64 / (1 << 20) as f64
    );
    if !theirs.is_empty() {
        let d = paths::median(theirs);
        println!(
            "{:<10} {:>8.3}s {:>12.0} {:>10.1} {:>9}",
            "DuckDB",
            d.as_secs_f64(),
            mbs(d, f.jsonl_bytes),
            mbs(d, f.gz_bytes),
            "-"
        );
        println!(
            "sql runs at {:.2}x DuckDB's speed (whole process against DuckDB's query alone)",
            d.as_secs_f64() / t.as_secs_f64()
        );
    }
    let calls: u64 = rows.iter().filter_map(|r| r.get("calls")?.parse::<u64>().ok()).sum();
    println!("{} groups; calls add up to {calls}", rows.len());
    anyhow::ensure!(calls == corpus.records, "the GROUP BY counted {calls} records of {}", corpus.records);
    if let Some(d) = duck_rows {
        anyhow::ensure!(d == rows, "the answers differ:\n  sql    {rows:?}\n  DuckDB {d:?}");
        println!("answers: = DuckDB");
    }
    Ok(())
}
