//! `cargo xtask bench metrics`: the metrics half against a release-built emulator process.
//!
//! 1. PutMetricData datapoints/s: 1,000,000 datapoints (100 metrics of `Bench/Tokens` by
//!    `ModelId` × 10,000 minutes, the last ~7 days) in awsJson1.0 requests of 1,000 datums, over
//!    4 keep-alive connections.
//! 2. GetMetricData latency over those million datapoints (median and p99 of 20 calls each):
//!    one metric's `Sum` per minute over 7 days (10,000 points), one metric's `p99` per hour,
//!    and `SUM(SEARCH(...))` over all 100 metrics per hour.
//! 3. Converse throughput (64 connections, logging on) with Bedrock's metrics on beside off
//!    (`serve --no-bedrock-metrics`), the two emulators measured in alternation in the same run;
//!    the target is at most 10 % apart.
//!
//! Options: `--seconds S` (10) and `--runs R` (3) for the Converse part.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

use crate::bench_converse::{Options, measure, median};
use crate::emulator_process::EmulatorProcess;
use crate::load::converse_target;

const METRICS: usize = 100;
const MINUTES: usize = 10_000;
const PER_REQUEST: usize = 1_000;
const CONNECTIONS: usize = 4;

fn auth() -> String {
    "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20251203/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=0".to_owned()
}

/// One awsJson1.0 CloudWatch request over an open connection; the answer's body.
async fn call(sender: &mut http1::SendRequest<Full<Bytes>>, addr: &str, op: &str, body: String) -> anyhow::Result<Bytes> {
    let req = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", addr)
        .header("x-amz-target", format!("GraniteServiceVersion20100801.{op}"))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-query-mode", "true")
        .header("authorization", auth())
        .body(Full::new(Bytes::from(body)))?;
    sender.ready().await?;
    let res = sender.send_request(req).await?;
    let status = res.status();
    let bytes = res.into_body().collect().await?.to_bytes();
    if !status.is_success() {
        bail!("{op}: {status} {}", String::from_utf8_lossy(&bytes));
    }
    Ok(bytes)
}

async fn connect(addr: &str) -> anyhow::Result<http1::SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, conn) = http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    Ok(sender)
}

/// The body of request `n` (datapoints `n × 1000 ..`), timestamps before `now_s`.
fn put_body(n: usize, now_s: i64) -> String {
    let mut data = Vec::with_capacity(PER_REQUEST);
    for i in n * PER_REQUEST..(n + 1) * PER_REQUEST {
        let (metric, minute) = (i % METRICS, i / METRICS);
        let ts = now_s - 120 - (minute as i64) * 60;
        data.push(format!(
            r#"{{"MetricName":"Tokens","Dimensions":[{{"Name":"ModelId","Value":"model-{metric:03}"}}],"Timestamp":{ts},"Value":{},"Unit":"Count"}}"#,
            (i % 997) as f64
        ));
    }
    format!(r#"{{"Namespace":"Bench","MetricData":[{}]}}"#, data.join(","))
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

async fn put_all(addr: &str, now_s: i64) -> anyhow::Result<f64> {
    let requests = METRICS * MINUTES / PER_REQUEST;
    let bodies: Vec<String> = (0..requests).map(|n| put_body(n, now_s)).collect();
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..CONNECTIONS {
        let mine: Vec<String> = bodies.iter().skip(c).step_by(CONNECTIONS).cloned().collect();
        let addr = addr.to_owned();
        tasks.spawn(async move {
            let mut sender = connect(&addr).await?;
            for body in mine {
                call(&mut sender, &addr, "PutMetricData", body).await?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(r) = tasks.join_next().await {
        r??;
    }
    Ok((METRICS * MINUTES) as f64 / start.elapsed().as_secs_f64())
}

async fn latency(addr: &str, body: &str, expect_values: usize) -> anyhow::Result<(f64, f64)> {
    let mut sender = connect(addr).await?;
    let mut ms = Vec::new();
    for i in 0..21 {
        let start = Instant::now();
        let out = call(&mut sender, addr, "GetMetricData", body.to_owned()).await?;
        if i == 0 {
            let v: serde_json::Value = serde_json::from_slice(&out)?;
            let n: usize = v["MetricDataResults"]
                .as_array()
                .map_or(0, |r| r.iter().map(|x| x["Values"].as_array().map_or(0, Vec::len)).sum());
            if n < expect_values {
                bail!(
                    "GetMetricData returned {n} values, expected at least {expect_values}: {}",
                    String::from_utf8_lossy(&out).chars().take(300).collect::<String>()
                );
            }
            continue; // warm-up
        }
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok((median(ms.clone()), pct(&ms, 0.99)))
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let mut opts = Options { connections: 64, seconds: 10, runs: 3, s3: false, addr: None };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--seconds" => opts.seconds = value()?.parse()?,
            "--runs" => opts.runs = value()?.parse()?,
            other => bail!("unknown option {other} (expected --seconds, --runs)"),
        }
    }
    let now_s = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    let emulator = EmulatorProcess::start("metrics", &[])?;
    println!("bench metrics: emulator at {} (release build)", emulator.addr);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let (put_rate, lat) = rt.block_on(async {
        let put_rate = put_all(&emulator.addr, now_s).await?;
        let (from, to) = (now_s - 120 - MINUTES as i64 * 60 - 60, now_s);
        let one = |stat: &str, period: u32| {
            format!(
                r#"{{"StartTime":{from},"EndTime":{to},"MetricDataQueries":[{{"Id":"m1","MetricStat":{{"Metric":{{"Namespace":"Bench","MetricName":"Tokens","Dimensions":[{{"Name":"ModelId","Value":"model-042"}}]}},"Period":{period},"Stat":"{stat}"}}}}]}}"#
            )
        };
        let search = format!(
            r#"{{"StartTime":{from},"EndTime":{to},"MetricDataQueries":[{{"Id":"total","Expression":"SUM(SEARCH('{{Bench,ModelId}} MetricName=\"Tokens\"', 'Sum', 3600))"}}]}}"#
        );
        let lat = vec![
            ("1 metric, Sum per minute, 7 days", latency(&emulator.addr, &one("Sum", 60), MINUTES - 10).await?),
            ("1 metric, p99 per hour, 7 days", latency(&emulator.addr, &one("p99", 3600), 160).await?),
            ("SUM(SEARCH) of 100 metrics per hour", latency(&emulator.addr, &search, 160).await?),
        ];
        anyhow::Ok((put_rate, lat))
    })?;
    drop(emulator);
    println!(
        "\nPutMetricData: {put_rate:.0} datapoints/s ({} datapoints in requests of {PER_REQUEST}, {CONNECTIONS} connections)",
        METRICS * MINUTES
    );
    println!("\n{:<40} {:>10} {:>10}", "GetMetricData over 1,000,000 datapoints", "p50 ms", "p99 ms");
    for (name, (p50, p99)) in &lat {
        println!("{name:<40} {p50:>10.2} {p99:>10.2}");
    }

    println!(
        "\nConverse, {} connections, {} s × {} runs, logging on; off and on alternate so load elsewhere hits both alike:",
        opts.connections, opts.seconds, opts.runs
    );
    let off = EmulatorProcess::start("metrics-off", &["--no-bedrock-metrics"])?;
    let on = EmulatorProcess::start("metrics-on", &[])?;
    let target = converse_target();
    let mut rows = vec![("metrics off", Vec::new(), Vec::new()), ("metrics on", Vec::new(), Vec::new())];
    for emulator in [&off, &on] {
        measure(&rt, &emulator.addr, &target, &Options { seconds: 1, ..opts.clone() })?;
    }
    for run in 0..opts.runs {
        for (row, emulator) in rows.iter_mut().zip([&off, &on]) {
            let f = measure(&rt, &emulator.addr, &target, &opts)?;
            if f.errors > 0 {
                bail!("{}: {} non-2xx responses", row.0, f.errors);
            }
            println!(
                "  {:<12} run {run}: {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
                row.0, f.requests_per_s, f.p50_ms, f.p99_ms
            );
            row.1.push(f.requests_per_s);
            row.2.push(f.p99_ms);
        }
    }
    let rows: Vec<(&str, f64, f64)> = rows.into_iter().map(|(name, rps, p99)| (name, median(rps), median(p99))).collect();
    for (name, rps, p99) in &rows {
        println!("{name:<12} {rps:>10.0} req/s  p99 {p99:.2} ms");
    }
    println!("metrics on / off: {:.3} (target: >= 0.90)", rows[1].1 / rows[0].1);
    Ok(())
}
