//! `cargo xtask bench converse [--s3] [--enforce-iam]`: Converse requests/s and p50/p99 latency at 64 concurrent
//! keep-alive connections with invocation logging on, beside the same figures for a trivial route
//! on the same server (`GET /_emulator/health`, the ceiling of the HTTP stack on this machine).
//! With `--s3` it also measures Converse with both destinations (CloudWatch and S3) in the same
//! run, alternating with CloudWatch-only runs in pairs whose order flips each time (CloudWatch
//! first, then S3 first, ...: a machine that slows down over the run, as page-cache writeback
//! builds up, weighs on both sides alike), and prints the median of the pairs' ratios. With `--enforce-iam` it
//! compares an emulator under `--enforce-iam` with an unenforced one instead
//! (`bench_enforced.rs`).
//!
//! The emulator runs as its own release-built process with a fresh data directory; the load
//! generator runs here, in the xtask build, on one thread (closed loop: each connection sends its
//! next request when the previous answer arrives); the health row shows what it can drive.
//! Options: `--connections N` (64), `--seconds S` (10), `--runs R` (3), `--s3`, `--enforce-iam`, `--addr
//! HOST:PORT` (drive an emulator already running, to profile it). Figures only: nothing here
//! asserts a speed.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::emulator_process::EmulatorProcess;
use crate::load::{Tally, Target, call, closed_loop, converse_target, health_target, logging_target, logs_target};

#[derive(Clone)]
pub(crate) struct Options {
    pub(crate) connections: usize,
    pub(crate) seconds: u64,
    pub(crate) runs: usize,
    pub(crate) s3: bool,
    /// Compare an emulator under `--enforce-iam` with an unenforced one.
    pub(crate) enforce_iam: bool,
    /// An emulator already running (to profile it), instead of a fresh one.
    pub(crate) addr: Option<String>,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut opts = Options { connections: 64, seconds: 10, runs: 3, s3: false, enforce_iam: false, addr: None };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--connections" => opts.connections = value()?.parse()?,
            "--seconds" => opts.seconds = value()?.parse()?,
            "--runs" => opts.runs = value()?.parse()?,
            "--s3" => opts.s3 = true,
            "--enforce-iam" => opts.enforce_iam = true,
            "--addr" => opts.addr = Some(value()?.clone()),
            other => {
                bail!("unknown option {other} (expected --connections, --seconds, --runs, --s3, --enforce-iam, --addr HOST:PORT)")
            }
        }
    }
    Ok(opts)
}

pub(crate) struct Figures {
    pub(crate) requests_per_s: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) errors: usize,
}

pub(crate) fn measure(rt: &tokio::runtime::Runtime, addr: &str, target: &Target, opts: &Options) -> anyhow::Result<Figures> {
    rt.block_on(async {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let start = Instant::now();
        let until = start + Duration::from_secs(opts.seconds);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..opts.connections {
            tasks.spawn(closed_loop(addr.to_owned(), target.clone(), until, None, Arc::clone(&tally)));
        }
        while let Some(res) = tasks.join_next().await {
            res??;
        }
        let elapsed = start.elapsed().as_secs_f64();
        let mut tally = tally.lock().unwrap_or_else(|p| p.into_inner()).take();
        Ok(Figures {
            requests_per_s: tally.latencies.len() as f64 / elapsed,
            p50_ms: tally.percentile_ms(0.50),
            p99_ms: tally.percentile_ms(0.99),
            errors: tally.errors,
        })
    })
}

pub(crate) fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// One row of the summary: the medians of a configuration's runs.
pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) rps: Vec<f64>,
    pub(crate) p50: Vec<f64>,
    pub(crate) p99: Vec<f64>,
}

impl Row {
    pub(crate) fn new(name: &'static str) -> Self {
        Self { name, rps: Vec::new(), p50: Vec::new(), p99: Vec::new() }
    }

    pub(crate) fn push(&mut self, run: usize, f: &Figures) -> anyhow::Result<()> {
        if f.errors > 0 {
            bail!("{}: {} non-2xx responses in run {run}", self.name, f.errors);
        }
        println!(
            "  {:<22} run {run}: {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
            self.name, f.requests_per_s, f.p50_ms, f.p99_ms
        );
        self.rps.push(f.requests_per_s);
        self.p50.push(f.p50_ms);
        self.p99.push(f.p99_ms);
        Ok(())
    }
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let opts = parse(args)?;
    if opts.enforce_iam {
        anyhow::ensure!(!opts.s3, "--s3 and --enforce-iam are separate comparisons: give one");
        return crate::bench_enforced::run(&opts);
    }
    let emulator = match &opts.addr {
        Some(_) => None,
        None => Some(EmulatorProcess::start("bench", &[])?),
    };
    let addr = opts.addr.clone().or_else(|| emulator.as_ref().map(|e| e.addr.clone())).unwrap_or_default();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let load = std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!(
        "bench converse: {} connections, {} s per run, {} runs, emulator at {addr} (logging on{}); load average before: {}",
        opts.connections,
        opts.seconds,
        opts.runs,
        if opts.s3 { "; CloudWatch-only and CloudWatch + S3 runs alternate" } else { "" },
        load.as_deref().unwrap_or("unknown"),
    );
    let converse = converse_target();
    let mut health = Row::new("health (ceiling)");
    let mut cloudwatch = Row::new("converse, CloudWatch");
    let mut both = Row::new("converse, CloudWatch+S3");
    // Warm-up: connections, caches, the first segment file.
    measure(&rt, &addr, &health_target(), &Options { seconds: 1, ..opts.clone() })?;
    for run in 0..opts.runs {
        health.push(run, &measure(&rt, &addr, &health_target(), &opts)?)?;
    }
    // Each Converse run starts from an empty log group (a run writes hundreds of MB) with the
    // logging configuration it measures.
    let configure = |s3: bool| {
        rt.block_on(async {
            let group = serde_json::json!({ "logGroupName": "/aws/bedrock/modelinvocations" });
            call(&addr, &logs_target("DeleteLogGroup", &group)).await?;
            call(&addr, &logs_target("CreateLogGroup", &group)).await?;
            call(&addr, &logging_target(s3.then_some("bench-logs"))).await
        })
    };
    configure(false)?;
    measure(&rt, &addr, &converse, &Options { seconds: 1, ..opts.clone() })?;
    for run in 0..opts.runs {
        let order: &[bool] = match (opts.s3, run % 2) {
            (false, _) => &[false],
            (true, 0) => &[false, true],
            (true, _) => &[true, false],
        };
        for &s3 in order {
            configure(s3)?;
            let row = if s3 { &mut both } else { &mut cloudwatch };
            row.push(run, &measure(&rt, &addr, &converse, &opts)?)?;
        }
    }
    println!();
    println!("{:<24} {:>12} {:>10} {:>10}", "route", "req/s", "p50 ms", "p99 ms");
    let mut rows = vec![health, cloudwatch];
    if opts.s3 {
        rows.push(both);
    }
    for row in &rows {
        println!(
            "{:<24} {:>12.0} {:>10.2} {:>10.2}",
            row.name,
            median(row.rps.clone()),
            median(row.p50.clone()),
            median(row.p99.clone())
        );
    }
    let ceiling = median(rows[0].rps.clone());
    let cw = median(rows[1].rps.clone());
    println!("converse (CloudWatch) / ceiling: {:.2}", cw / ceiling);
    if opts.s3 {
        let pairs: Vec<f64> = rows[2].rps.iter().zip(&rows[1].rps).map(|(s3, cw)| s3 / cw).collect();
        let shown: Vec<String> = pairs.iter().map(|r| format!("{r:.2}")).collect();
        println!(
            "converse (CloudWatch+S3) / converse (CloudWatch): {:.2}, the median of the runs' pairs [{}] (target: >= 0.90, p99 < 10 ms)",
            median(pairs),
            shown.join(", ")
        );
    }
    Ok(())
}
