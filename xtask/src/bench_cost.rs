//! `cargo xtask bench cost [--records N] [--runs R] [--threads T]`: the cost report against the
//! `query` `stats` that reads the same fields, over the same corpus in its three forms
//! (`bench_insights/forms.rs`: `--events`, `--s3`, `--data-dir`). Each run times the release
//! binary, start-up included, for `cost --csv --by requestMetadata.tenant_id` and for
//! `query --json` of `stats count(*), sum(...)` of the four token counts `by
//! requestMetadata.tenant_id` (the same scan, without the pricing), runs interleaved so both see
//! the same load; it prints the medians, MB/s of record JSON, peak RSS and the ratio. The
//! requests and token sums per tenant must be equal (a difference fails the run); speed never
//! fails it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::bench_insights::{forms, measured, median};
use crate::gen_logs::Corpus;

/// The `query` twin of `cost --by requestMetadata.tenant_id`: the same fields, summed.
const QUERY: &str = "stats count(*) as requests, sum(input.inputTokenCount) as input, sum(output.outputTokenCount) as output, \
sum(input.cacheReadInputTokenCount) as cacheRead, sum(input.cacheWriteInputTokenCount) as cacheWrite by requestMetadata.tenant_id";

/// Tenant → [requests, input, output, cache read, cache write].
type Sums = BTreeMap<String, [u64; 5]>;

fn number(v: &str) -> anyhow::Result<u64> {
    if v.is_empty() {
        return Ok(0);
    }
    let f: f64 = v.parse()?;
    anyhow::ensure!(f >= 0.0 && f.fract() == 0.0, "not a count: {v}");
    Ok(f as u64)
}

/// `query --json` (GetQueryResults-shaped) → sums per tenant.
fn query_sums(json: &[u8]) -> anyhow::Result<Sums> {
    let v: serde_json::Value = serde_json::from_slice(json)?;
    let mut sums = Sums::new();
    for row in v["results"].as_array().ok_or_else(|| anyhow::anyhow!("no results"))? {
        let field = |name: &str| -> String {
            row.as_array()
                .into_iter()
                .flatten()
                .find(|f| f["field"] == name)
                .and_then(|f| f["value"].as_str())
                .unwrap_or("")
                .to_owned()
        };
        let cells = ["requests", "input", "output", "cacheRead", "cacheWrite"].map(|n| number(&field(n)));
        let mut out = [0; 5];
        for (o, c) in out.iter_mut().zip(cells) {
            *o = c?;
        }
        sums.insert(field("requestMetadata.tenant_id"), out);
    }
    Ok(sums)
}

/// `cost --csv` (group lines only) → sums per tenant.
fn cost_sums(csv: &[u8]) -> anyhow::Result<Sums> {
    let text = std::str::from_utf8(csv)?;
    let mut sums = Sums::new();
    for line in text.lines().skip(1).filter(|l| l.starts_with("group,")) {
        let cells: Vec<&str> = line.split(',').collect();
        anyhow::ensure!(cells.len() == 9, "unexpected cost CSV line {line:?}");
        let mut out = [0; 5];
        for (o, c) in out.iter_mut().zip(&cells[2..7]) {
            *o = number(c)?;
        }
        sums.insert(cells[1].to_owned(), out);
    }
    Ok(sums)
}

struct Args {
    runs: usize,
    threads: usize,
}

fn parse(args: &[String]) -> anyhow::Result<Args> {
    let mut a = Args { runs: 3, threads: 2 };
    let mut it = args.iter();
    while let Some(x) = it.next() {
        match x.as_str() {
            "--runs" => a.runs = it.next().ok_or_else(|| anyhow::anyhow!("--runs needs a value"))?.parse()?,
            "--threads" => a.threads = it.next().ok_or_else(|| anyhow::anyhow!("--threads needs a value"))?.parse()?,
            _ => {}
        }
    }
    a.runs = a.runs.max(1);
    Ok(a)
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    if crate::bench_insights::reexec_release("cost", args)? {
        return Ok(());
    }
    let a = parse(args)?;
    let corpus = Corpus::from_args(args)?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--release", "--package", "bedrock-emulator"])
        .status()?;
    anyhow::ensure!(status.success(), "building the release bedrock-emulator failed");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    let emulator = target.join("release/bedrock-emulator");
    let f = forms::prepare(&corpus, &emulator)?;
    let threads = a.threads.to_string();
    println!(
        "`cost --csv --by requestMetadata.tenant_id` beside `query --json '{QUERY}'`, --threads {threads}, over {} records ({:.1} MB JSON lines); median of {} runs, process start-up included",
        corpus.records,
        f.jsonl_bytes as f64 / 1e6,
        a.runs
    );
    let paths: [(&str, Vec<String>); 3] = [
        ("events", vec!["--events".into(), f.jsonl.display().to_string()]),
        ("s3", vec!["--s3".into(), f.s3_location.clone(), "--data-dir".into(), f.data_dir.display().to_string()]),
        ("data-dir", vec!["--data-dir".into(), f.data_dir.display().to_string()]),
    ];
    println!(
        "\n{:<9} {:>9} {:>7} {:>9}   {:>9} {:>7} {:>9}   {:>6}  answer",
        "path", "query", "MB/s", "peak RSS", "cost", "MB/s", "peak RSS", "x query"
    );
    let mut wrong = 0;
    for (label, input) in &paths {
        let (mut qt, mut ct) = (Vec::new(), Vec::new());
        let (mut q_rss, mut c_rss) = (0, 0);
        let (mut q_sums, mut c_sums) = (Sums::new(), Sums::new());
        for _ in 0..a.runs {
            let mut q = Command::new(&emulator);
            q.args(["query", "--json", "--threads", &threads, QUERY]).args(input);
            let (t, rss, out) = measured(&mut q)?;
            qt.push(t);
            q_rss = q_rss.max(rss);
            q_sums = query_sums(&out)?;
            let mut c = Command::new(&emulator);
            c.args(["cost", "--csv", "--threads", &threads, "--by", "requestMetadata.tenant_id"]).args(input);
            let (t, rss, out) = measured(&mut c)?;
            ct.push(t);
            c_rss = c_rss.max(rss);
            c_sums = cost_sums(&out)?;
        }
        let (q, c): (Duration, Duration) = (median(qt), median(ct));
        let mbs = |t: Duration| f.jsonl_bytes as f64 / 1e6 / t.as_secs_f64();
        let answer = if q_sums == c_sums && !q_sums.is_empty() {
            format!("= query ({} tenants)", q_sums.len())
        } else {
            wrong += 1;
            format!("DIFFERS: query {} groups, cost {}", q_sums.len(), c_sums.len())
        };
        println!(
            "{label:<9} {:>8.3}s {:>7.0} {:>5.0} MiB   {:>8.3}s {:>7.0} {:>5.0} MiB   {:>6.2}  {answer}",
            q.as_secs_f64(),
            mbs(q),
            q_rss as f64 / (1 << 20) as f64,
            c.as_secs_f64(),
            mbs(c),
            c_rss as f64 / (1 << 20) as f64,
            c.as_secs_f64() / q.as_secs_f64(),
        );
    }
    anyhow::ensure!(wrong == 0, "{wrong} reports differ from query's sums");
    Ok(())
}
