//! `cargo xtask bench converse`: Converse requests/s and p50/p99 latency at 64 concurrent
//! keep-alive connections with invocation logging on, beside the same figures for a trivial route
//! on the same server (`GET /_emulator/health`, the ceiling of the HTTP stack on this machine).
//!
//! The emulator runs as its own release-built process with a fresh data directory; the load
//! generator runs here on one thread (closed loop: each connection sends its next request when the
//! previous answer arrives). Options: `--connections N` (64), `--seconds S` (10), `--runs R` (3).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;

pub(crate) struct Options {
    pub(crate) connections: usize,
    pub(crate) seconds: u64,
    pub(crate) runs: usize,
}

fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut opts = Options { connections: 64, seconds: 10, runs: 3 };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--connections" => opts.connections = value()?.parse()?,
            "--seconds" => opts.seconds = value()?.parse()?,
            "--runs" => opts.runs = value()?.parse()?,
            other => bail!("unknown option {other} (expected --connections, --seconds, --runs)"),
        }
    }
    Ok(opts)
}

/// Kills the emulator when dropped.
pub(crate) struct Emulator {
    child: Child,
    pub(crate) addr: String,
    _dir: PathBuf,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

fn spawn_emulator() -> anyhow::Result<Emulator> {
    spawn_emulator_with(&[])
}

/// Builds the release emulator and starts it on port 0 with a fresh data directory and `extra`
/// arguments.
pub(crate) fn spawn_emulator_with(extra: &[&str]) -> anyhow::Result<Emulator> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "-q", "-p", "bedrock-emulator"])
        .status()
        .context("cargo build")?;
    if !status.success() {
        bail!("building the emulator failed");
    }
    let dir = std::env::temp_dir().join(format!("bedrock-bench-{}-{}", std::process::id(), extra.join("")));
    let _ = std::fs::remove_dir_all(&dir);
    // The release binary, wherever cargo put it (`CARGO_TARGET_DIR` when set).
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    let mut child = Command::new(target_dir.join("release/bedrock-emulator"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(&dir)
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .context("starting the emulator")?;
    let stdout = child.stdout.take().context("emulator stdout")?;
    let mut reader = std::io::BufReader::new(stdout);
    let mut line = String::new();
    std::io::BufRead::read_line(&mut reader, &mut line)?;
    // Keep draining the emulator's stdout so it never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .with_context(|| format!("unexpected first line from the emulator: {line:?}"))?
        .to_owned();
    Ok(Emulator { child, addr, _dir: dir })
}

#[derive(Clone)]
pub(crate) struct Target {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Bytes,
}

pub(crate) fn converse_target() -> Target {
    let body = r#"{"messages":[{"role":"user","content":[{"text":"Summarise our refund policy for a customer who bought a laptop 20 days ago."}]}],"inferenceConfig":{"maxTokens":256},"requestMetadata":{"application_name":"CustomerServiceApp","tenant_id":"tenant-001","cost_center":"CS-100","environment":"production"}}"#;
    Target {
        method: "POST",
        path: "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse".into(),
        headers: vec![
            ("content-type", "application/json".into()),
            (
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20251203/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=0"
                    .into(),
            ),
        ],
        body: Bytes::from_static(body.as_bytes()),
    }
}

fn health_target() -> Target {
    Target { method: "GET", path: "/_emulator/health".into(), headers: Vec::new(), body: Bytes::new() }
}

pub(crate) struct Figures {
    pub(crate) requests_per_s: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) errors: usize,
}

async fn one_connection(addr: String, target: Target, until: Instant) -> anyhow::Result<(Vec<Duration>, usize)> {
    let stream = tokio::net::TcpStream::connect(&addr).await?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream)).await?;
    tokio::spawn(conn);
    let mut latencies = Vec::new();
    let mut errors = 0;
    while Instant::now() < until {
        let mut req = http::Request::builder().method(target.method).uri(&target.path).header("host", &addr);
        for (name, value) in &target.headers {
            req = req.header(*name, value);
        }
        let req = req.body(Full::new(target.body.clone()))?;
        let start = Instant::now();
        sender.ready().await?;
        let res = sender.send_request(req).await?;
        let ok = res.status().is_success();
        res.into_body().collect().await?;
        latencies.push(start.elapsed());
        if !ok {
            errors += 1;
        }
    }
    Ok((latencies, errors))
}

pub(crate) fn measure(addr: &str, target: &Target, opts: &Options) -> anyhow::Result<Figures> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let start = Instant::now();
        let until = start + Duration::from_secs(opts.seconds);
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..opts.connections {
            tasks.spawn(one_connection(addr.to_owned(), target.clone(), until));
        }
        let mut all = Vec::new();
        let mut errors = 0;
        while let Some(res) = tasks.join_next().await {
            let (lat, err) = res??;
            all.extend(lat);
            errors += err;
        }
        let elapsed = start.elapsed().as_secs_f64();
        all.sort();
        let pct = |p: f64| all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)));
        let ms = |d: Option<&Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
        Ok(Figures {
            requests_per_s: all.len() as f64 / elapsed,
            p50_ms: ms(pct(0.50)),
            p99_ms: ms(pct(0.99)),
            errors,
        })
    })
}

pub(crate) fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let opts = parse(args)?;
    let emulator = spawn_emulator()?;
    println!(
        "bench converse: {} connections, {} s per run, {} runs, emulator at {} (logging on)",
        opts.connections, opts.seconds, opts.runs, emulator.addr
    );
    let mut rows = Vec::new();
    for (name, target) in [("health (ceiling)", health_target()), ("converse + record", converse_target())] {
        // Warm-up: connections, caches, the first segment file.
        measure(&emulator.addr, &target, &Options { seconds: 1, ..opts })?;
        let mut rps = Vec::new();
        let mut p50 = Vec::new();
        let mut p99 = Vec::new();
        for run in 0..opts.runs {
            let f = measure(&emulator.addr, &target, &opts)?;
            if f.errors > 0 {
                bail!("{name}: {} non-2xx responses in run {run}", f.errors);
            }
            println!("  {name:<18} run {run}: {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms", f.requests_per_s, f.p50_ms, f.p99_ms);
            rps.push(f.requests_per_s);
            p50.push(f.p50_ms);
            p99.push(f.p99_ms);
        }
        rows.push((name, median(rps), median(p50), median(p99)));
    }
    println!();
    println!("{:<18} {:>12} {:>10} {:>10}", "route", "req/s", "p50 ms", "p99 ms");
    for (name, rps, p50, p99) in &rows {
        println!("{name:<18} {rps:>12.0} {p50:>10.2} {p99:>10.2}");
    }
    let ratio = rows[1].1 / rows[0].1;
    println!("converse / ceiling: {:.2} (target: >= 15000 req/s, p99 < 10 ms)", ratio);
    Ok(())
}
