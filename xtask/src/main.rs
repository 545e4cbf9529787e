//! Project automation, in the cargo-xtask style (<https://github.com/matklad/cargo-xtask>):
//! `cargo xtask <command>` runs Rust code instead of shell scripts.
//!
//! Commands:
//! - `bench converse [--s3 | --enforce-iam]`: Converse requests/s and latency against the
//!   emulator (with `--s3`, CloudWatch-only beside CloudWatch + S3 delivery; with
//!   `--enforce-iam`, an unenforced emulator beside one verifying signatures and policies).
//! - `bench cost`: the cost report beside the `query` `stats` of the same fields, over the
//!   synthetic corpus's three forms.
//! - `bench insights`: Logs Insights scan speed over a synthetic corpus.
//! - `bench metrics`: PutMetricData datapoints/s, GetMetricData latency over a million datapoints,
//!   Converse with Bedrock's metrics on beside off.
//! - `bench sql`: Athena's SQL (`bedrock-emulator sql`) over the corpus's gzip S3 batches,
//!   beside DuckDB's `read_json`.
//! - `gen-logs`: write the deterministic synthetic corpus of invocation-log records.
//! - `e2e --mock | --aws | --aws-via-emulator`: the conformance harness (the `conformance` crate).
//! - `soak --minutes N`: Converse with both destinations plus concurrent StartQuery and
//!   FilterLogEvents; per minute req/s, p99, RSS, descriptors, data directory; fails on growth.
//! - `tidy`: the house rules CI checks (see `tidy.rs`).
//! - `trim-model`: the trimmed copy of an official service model a service embeds (`trim_model.rs`).

mod bench_converse;
mod bench_cost;
mod bench_enforced;
mod bench_insights;
mod bench_metrics;
mod bench_sql;
mod emulator_process;
mod gen_logs;
mod load;
mod signing;
mod soak;
mod tidy;
mod trim_model;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let cmd = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    std::env::set_current_dir(project_root())?;
    match cmd.as_str() {
        "bench" => match rest.first().map(String::as_str) {
            Some("converse") => bench_converse::run(&rest[1..]),
            Some("cost") => bench_cost::run(&rest[1..]),
            Some("insights") => bench_insights::run(&rest[1..]),
            Some("metrics") => bench_metrics::run(&rest[1..]),
            Some("sql") => bench_sql::run(&rest[1..]),
            other => anyhow::bail!("usage: cargo xtask bench <converse|cost|insights|metrics|sql> (got {other:?})"),
        },
        "gen-logs" => gen_logs::run(&rest),
        "soak" => soak::run(&rest),
        "e2e" => conformance::run(&rest),
        "tidy" => tidy::run(&rest),
        "trim-model" => trim_model::run(&rest),
        _ => anyhow::bail!(
            "usage: cargo xtask <bench converse|bench cost|bench insights|bench metrics|bench sql|gen-logs|e2e|soak|tidy|trim-model> [options]\n(unknown command {cmd:?})"
        ),
    }
}

/// The workspace root: the parent of this crate's manifest directory.
pub(crate) fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}
