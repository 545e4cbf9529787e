//! `cargo xtask soak --minutes N`: the long-running emulator under load. Converse with both
//! destinations (CloudWatch and S3) on `--connections` keep-alive connections (optionally capped
//! at `--rate` requests/s in total), StartQuery over the last minute every 5 s and
//! FilterLogEvents over the last 10 s every second, all at once, against a release-built
//! `serve --retention-days 1`. Every minute it prints req/s, p99, errors, the emulator's RSS, its
//! open descriptors and the size of its data directory.
//!
//! It fails when any request failed, or when RSS or descriptors grow without bound: the last
//! quarter's peak may not exceed the peak of minutes 2 to N/2 by more than 25% + 8 MiB (RSS)
//! or 32 descriptors. It asserts no speed.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use serde_json::json;

use crate::emulator_process::EmulatorProcess;
use crate::load::{Tally, call, closed_loop, converse_target, logging_target, logs_target};
use test_support::proc_stats::{dir_bytes, open_fds, rss_bytes};

const GROUP: &str = "/aws/bedrock/modelinvocations";

struct Options {
    minutes: u64,
    connections: usize,
    rate: Option<f64>,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut opts = Options { minutes: 10, connections: 32, rate: None };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--minutes" => opts.minutes = value()?.parse()?,
            "--connections" => opts.connections = value()?.parse()?,
            "--rate" => opts.rate = Some(value()?.parse()?),
            other => bail!("unknown option {other} (expected --minutes, --connections, --rate)"),
        }
    }
    anyhow::ensure!(opts.minutes >= 1 && opts.connections >= 1, "--minutes and --connections must be at least 1");
    Ok(opts)
}

/// One minute's figures.
#[derive(Debug, Clone, Copy)]
struct Minute {
    requests_per_s: f64,
    p99_ms: f64,
    errors: usize,
    rss: u64,
    fds: usize,
    data_bytes: u64,
    queries: usize,
    filters: usize,
}

/// What the side tasks (queries, filters) did.
#[derive(Default)]
struct SideCounts {
    queries: AtomicUsize,
    filters: AtomicUsize,
    failures: Mutex<Vec<String>>,
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// StartQuery over the last minute, then GetQueryResults until it finishes; every 5 s.
async fn queries(addr: String, until: Instant, counts: Arc<SideCounts>) {
    let query = "stats count(*) as calls, sum(input.inputTokenCount) as tokens by requestMetadata.tenant_id";
    while Instant::now() < until {
        let end = now_ms() / 1000;
        let outcome = async {
            let started = call(
                &addr,
                &logs_target(
                    "StartQuery",
                    &json!({
                        "logGroupName": GROUP, "startTime": end - 60, "endTime": end, "queryString": query,
                    }),
                ),
            )
            .await?;
            let id = started["queryId"].as_str().context("no queryId")?.to_owned();
            loop {
                let r = call(&addr, &logs_target("GetQueryResults", &json!({ "queryId": id }))).await?;
                match r["status"].as_str() {
                    Some("Complete") => return anyhow::Ok(()),
                    Some("Scheduled" | "Running") => continue,
                    other => bail!("query {id} ended {other:?}"),
                }
            }
        }
        .await;
        match outcome {
            Ok(()) => counts.queries.fetch_add(1, Ordering::Relaxed),
            Err(err) => {
                counts.failures.lock().unwrap_or_else(|p| p.into_inner()).push(format!("StartQuery: {err:#}"));
                0
            }
        };
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

/// FilterLogEvents over the last 10 s for one tenant, every second.
async fn filters(addr: String, until: Instant, counts: Arc<SideCounts>) {
    while Instant::now() < until {
        let end = now_ms();
        let body = json!({ "logGroupName": GROUP, "startTime": end - 10_000, "endTime": end, "filterPattern": "tenant-001", "limit": 100 });
        match call(&addr, &logs_target("FilterLogEvents", &body)).await {
            Ok(_) => counts.filters.fetch_add(1, Ordering::Relaxed),
            Err(err) => {
                counts.failures.lock().unwrap_or_else(|p| p.into_inner()).push(format!("FilterLogEvents: {err:#}"));
                0
            }
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The growth verdict: `Err` names what grew.
fn check_growth(rows: &[Minute]) -> Result<(), String> {
    let n = rows.len();
    if n < 4 {
        return Ok(());
    }
    let early = &rows[1..n / 2];
    let late = &rows[n - n.div_ceil(4)..];
    let peak = |rows: &[Minute], f: fn(&Minute) -> u64| rows.iter().map(f).max().unwrap_or(0);
    let (rss_early, rss_late) = (peak(early, |m| m.rss), peak(late, |m| m.rss));
    let (fds_early, fds_late) = (peak(early, |m| m.fds as u64), peak(late, |m| m.fds as u64));
    let mut problems = Vec::new();
    if rss_late > rss_early + rss_early / 4 + (8 << 20) {
        problems.push(format!("RSS grew from a peak of {:.1} MiB to {:.1} MiB", mib(rss_early), mib(rss_late)));
    }
    if fds_late > fds_early + 32 {
        problems.push(format!("open descriptors grew from a peak of {fds_early} to {fds_late}"));
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let opts = parse(args)?;
    let emulator = EmulatorProcess::start("soak", &["--retention-days", "1"])?;
    let (addr, pid) = (emulator.addr.clone(), emulator.pid());
    let load = std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!(
        "soak: {} minute(s), {} Converse connection(s){}, CloudWatch + S3 delivery, StartQuery every 5 s, FilterLogEvents every 1 s; \
         emulator pid {pid} at {addr}; load average before: {}",
        opts.minutes,
        opts.connections,
        opts.rate.map_or(String::new(), |r| format!(" at {r:.0} req/s in total")),
        load.as_deref().unwrap_or("unknown"),
    );
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let rows = rt.block_on(drive(&opts, &addr, pid, &emulator.data_dir))?;
    let errors: usize = rows.iter().map(|m| m.errors).sum();
    let mut failed = Vec::new();
    if errors > 0 {
        failed.push(format!("{errors} Converse request(s) failed"));
    }
    if let Err(growth) = check_growth(&rows) {
        failed.push(growth);
    }
    if !failed.is_empty() {
        bail!("soak failed: {}", failed.join("; "));
    }
    println!("soak passed: RSS and descriptors stayed bounded, every request succeeded");
    Ok(())
}

async fn drive(opts: &Options, addr: &str, pid: u32, data_dir: &Path) -> anyhow::Result<Vec<Minute>> {
    call(addr, &logging_target(Some("soak-logs"))).await?;
    let start = Instant::now();
    let until = start + Duration::from_secs(opts.minutes * 60);
    let tally = Arc::new(Mutex::new(Tally::default()));
    let counts = Arc::new(SideCounts::default());
    let pace = opts.rate.map(|r| Duration::from_secs_f64(opts.connections as f64 / r));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..opts.connections {
        tasks.spawn(closed_loop(addr.to_owned(), converse_target(), until, pace, Arc::clone(&tally)));
    }
    tasks.spawn({
        let (addr, counts) = (addr.to_owned(), Arc::clone(&counts));
        async move {
            queries(addr, until, counts).await;
            Ok(())
        }
    });
    tasks.spawn({
        let (addr, counts) = (addr.to_owned(), Arc::clone(&counts));
        async move {
            filters(addr, until, counts).await;
            Ok(())
        }
    });
    println!();
    println!("| minute | req/s | p99 ms | errors | RSS MiB | open fds | data dir MiB | queries | filters |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut rows = Vec::new();
    let mut ticks =
        tokio::time::interval_at(tokio::time::Instant::from_std(start) + Duration::from_secs(60), Duration::from_secs(60));
    for minute in 1..=opts.minutes {
        ticks.tick().await;
        let mut taken = tally.lock().unwrap_or_else(|p| p.into_inner()).take();
        let row = Minute {
            requests_per_s: taken.latencies.len() as f64 / 60.0,
            p99_ms: taken.percentile_ms(0.99),
            errors: taken.errors,
            rss: rss_bytes(pid).context("the emulator's RSS")?,
            fds: open_fds(pid).context("the emulator's descriptors")?,
            data_bytes: dir_bytes(data_dir),
            queries: counts.queries.swap(0, Ordering::Relaxed),
            filters: counts.filters.swap(0, Ordering::Relaxed),
        };
        println!(
            "| {minute} | {:.0} | {:.2} | {} | {:.1} | {} | {:.0} | {} | {} |",
            row.requests_per_s,
            row.p99_ms,
            row.errors,
            mib(row.rss),
            row.fds,
            mib(row.data_bytes),
            row.queries,
            row.filters
        );
        rows.push(row);
    }
    while let Some(res) = tasks.join_next().await {
        res??;
    }
    let failures = counts.failures.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(first) = failures.first() {
        bail!("{} query/filter request(s) failed, the first: {first}", failures.len());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minute(rss_mib: u64, fds: usize) -> Minute {
        Minute { requests_per_s: 1.0, p99_ms: 1.0, errors: 0, rss: rss_mib << 20, fds, data_bytes: 0, queries: 0, filters: 0 }
    }

    #[test]
    fn flat_or_noisy_passes_and_steady_growth_fails() {
        let flat: Vec<Minute> = (0..10).map(|i| minute(40 + i % 3 * 5, 30 + i as usize % 4)).collect();
        assert_eq!(check_growth(&flat), Ok(()));
        let leaking: Vec<Minute> = (0..10).map(|i| minute(40 + i * 10, 30)).collect();
        assert!(check_growth(&leaking).unwrap_err().contains("RSS grew"));
        let fd_leak: Vec<Minute> = (0..10).map(|i| minute(40, 30 + i as usize * 20)).collect();
        assert!(check_growth(&fd_leak).unwrap_err().contains("descriptors grew"));
        assert_eq!(check_growth(&leaking[..3]), Ok(()), "too short to judge");
    }
}
