//! `cargo xtask bench insights --paths [--runs R] [--threads T] [--install-peers]`: what a user
//! runs, timed in one run. Each `stats` query of the catalog goes through the release
//! `bedrock-emulator query --threads T --json` binary over the three forms of the corpus
//! (`forms.rs`): `--events` (the JSON lines file), `--s3` (the gzip batch objects) and
//! `--data-dir` (the store); beside it DuckDB's `read_json` over the same JSON lines file and the
//! same `.json.gz` objects, with T threads, when DuckDB is there (`duckdb.rs`), its runs
//! interleaved with the emulator's so both see the same load. Printed: the median wall time of R
//! runs (the whole process for the emulator, start-up included; the query alone for DuckDB), MB/s
//! of record JSON, the peak RSS of the process (`wait4`), the ratio to DuckDB, and whether the
//! answers agree: the three paths exactly, DuckDB within 1e-9 relative for floats. A wrong
//! answer fails the run; speed never does.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{duckdb, forms, sql, stats_queries};
use crate::gen_logs::Corpus;

type Row = BTreeMap<String, String>;

/// One measured process: wall time, peak resident set (bytes), stdout. The peak comes from GNU
/// time's `%M` when `/usr/bin/time` exists (it forks from a small process); otherwise from
/// `wait4`, which can include this process's own peak at the moment of `exec`.
pub(crate) fn measured(cmd: &mut Command) -> anyhow::Result<(Duration, u64, Vec<u8>)> {
    const MARK: &str = "bench-peak-rss-kib=";
    let gnu_time = std::path::Path::new("/usr/bin/time");
    let mut cmd = if gnu_time.exists() {
        let mut wrapped = Command::new(gnu_time);
        wrapped.arg("-f").arg(format!("{MARK}%M")).arg(cmd.get_program()).args(cmd.get_args());
        wrapped
    } else {
        std::mem::replace(cmd, Command::new("true"))
    };
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let mut err_pipe = child.stderr.take().ok_or_else(|| anyhow::anyhow!("no stderr"))?;
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let mut out = Vec::new();
    child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?.read_to_end(&mut out)?;
    let mut status = 0;
    // SAFETY: `rusage` is plain data that wait4 fills; the pid is our own unwaited child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    anyhow::ensure!(pid > 0, "wait4 failed: {}", std::io::Error::last_os_error());
    let stderr = err_reader.join().unwrap_or_default();
    anyhow::ensure!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{cmd:?} failed: {stderr}");
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix(MARK).and_then(|k| k.trim().parse::<u64>().ok()))
        .map_or(usage.ru_maxrss as u64 * 1024, |kib| kib * 1024);
    Ok((elapsed, peak, out))
}

pub(crate) fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// GetQueryResults-shaped JSON → rows of field → value.
fn rows_of(json: &[u8]) -> anyhow::Result<Vec<Row>> {
    let v: serde_json::Value = serde_json::from_slice(json)?;
    let rows = v["results"].as_array().ok_or_else(|| anyhow::anyhow!("no results"))?;
    Ok(rows
        .iter()
        .map(|r| {
            r.as_array()
                .into_iter()
                .flatten()
                .map(|f| (f["field"].as_str().unwrap_or("").to_owned(), f["value"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .collect())
}

fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort();
    rows
}

/// Whether our rows and DuckDB's agree: matched by their non-numeric values (the group keys),
/// numbers within 1e-9 relative.
fn agree(ours: &[Row], theirs: &[serde_json::Value]) -> Result<(), String> {
    let theirs: Vec<Row> = theirs
        .iter()
        .map(|r| r.as_object().into_iter().flatten().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned()))).collect())
        .collect();
    if ours.len() != theirs.len() {
        return Err(format!("{} rows, DuckDB {}", ours.len(), theirs.len()));
    }
    let key = |r: &Row| -> Vec<(String, String)> {
        r.iter().filter(|(_, v)| v.parse::<f64>().is_err()).map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let index: BTreeMap<Vec<(String, String)>, &Row> = theirs.iter().map(|r| (key(r), r)).collect();
    for row in ours {
        let Some(other) = index.get(&key(row)) else { return Err(format!("no DuckDB row for {row:?}")) };
        for (k, v) in row {
            let w = other.get(k).ok_or_else(|| format!("DuckDB has no {k} for {row:?}"))?;
            let same = match (v.parse::<f64>(), w.parse::<f64>()) {
                (Ok(a), Ok(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
                _ => v == w,
            };
            if !same {
                return Err(format!("{k}: {v} vs DuckDB {w} in {row:?}"));
            }
        }
        if other.len() != row.len() {
            return Err(format!("DuckDB row {other:?} has other fields than {row:?}"));
        }
    }
    Ok(())
}

/// `--runs`, `--threads`, `--install-peers`: the options of the benchmarks that run beside DuckDB
/// (`bench insights --paths`, `bench sql`).
pub(crate) struct Args {
    pub(crate) runs: usize,
    pub(crate) threads: usize,
    pub(crate) install_peers: bool,
}

pub(crate) fn parse(args: &[String]) -> anyhow::Result<Args> {
    let mut a = Args { runs: 3, threads: 2, install_peers: false };
    let mut it = args.iter();
    while let Some(x) = it.next() {
        match x.as_str() {
            "--runs" => a.runs = it.next().ok_or_else(|| anyhow::anyhow!("--runs needs a value"))?.parse()?,
            "--threads" => a.threads = it.next().ok_or_else(|| anyhow::anyhow!("--threads needs a value"))?.parse()?,
            "--install-peers" => a.install_peers = true,
            _ => {}
        }
    }
    a.runs = a.runs.max(1);
    Ok(a)
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    let a = parse(args)?;
    let corpus = Corpus::from_args(args)?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--release", "--package", "bedrock-emulator"])
        .status()?;
    anyhow::ensure!(status.success(), "building the release bedrock-emulator failed");
    let emulator = PathBuf::from("target/release/bedrock-emulator");
    let f = forms::prepare(&corpus, &emulator)?;
    let python = duckdb::python(a.install_peers)?;
    let load_before = load_average();
    println!(
        "`bedrock-emulator query --threads {t} --json` over {} records: --events {} ({:.1} MB JSON lines), --s3 {} ({} gzip objects, {:.1} MB), --data-dir {}",
        corpus.records,
        f.jsonl.display(),
        f.jsonl_bytes as f64 / 1e6,
        f.s3_location,
        f.objects,
        f.gz_bytes as f64 / 1e6,
        f.data_dir.display(),
        t = a.threads,
    );
    println!("median of {} runs; MB/s of record JSON; peak RSS of the process; load average before: {load_before}", a.runs);

    let queries = stats_queries()?;
    let paths: [(&str, Vec<String>); 3] = [
        ("events", vec!["--events".into(), f.jsonl.display().to_string()]),
        ("s3", vec!["--s3".into(), f.s3_location.clone(), "--data-dir".into(), f.data_dir.display().to_string()]),
        ("data-dir", vec!["--data-dir".into(), f.data_dir.display().to_string()]),
    ];
    let mut duck = match &python {
        Some(python) => {
            let sources = serde_json::json!({
                "events": format!("read_json('{}', format='newline_delimited')", f.jsonl.display()),
                "s3": format!("read_json('{}', format='newline_delimited', compression='gzip')", f.gz_glob),
            });
            let w = duckdb::Worker::start(python, a.threads, sources)?;
            println!("DuckDB {}, read_json, SET threads={}; its runs interleave with the emulator's", w.version, a.threads);
            Some(w)
        }
        None => {
            println!("DuckDB: not importable (pass --install-peers to install it into target/bench-venv); emulator figures only");
            None
        }
    };
    // (query, path) → (median, peak RSS, rows); (query, DuckDB input) → (median seconds, rows)
    let mut ours: BTreeMap<(String, &str), (Duration, u64, Vec<Row>)> = BTreeMap::new();
    let mut theirs: BTreeMap<(String, &str), (f64, Vec<serde_json::Value>)> = BTreeMap::new();
    let mut compiled = Vec::new();
    for (path, src) in &queries {
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        if let Err(d) = logs_insights::compile(src, &logs_insights::CheckOptions::default()) {
            let first = d.first().map_or(String::new(), |d| format!("{}: {}", d.code.as_str(), d.message));
            println!("{name}: does not compile ({first}); not timed");
            continue;
        }
        let twin = sql::twin(&name);
        let mut times: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
        let mut duck_times: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for _ in 0..a.runs {
            for (label, input) in &paths {
                let mut cmd = Command::new(&emulator);
                cmd.args(["query", "--json", "--threads", &a.threads.to_string(), "--file"]).arg(path).args(input);
                let (t, rss, out) = measured(&mut cmd)?;
                times.entry(label).or_default().push(t);
                let e = ours.entry((name.clone(), label)).or_insert((Duration::ZERO, 0, Vec::new()));
                e.1 = e.1.max(rss);
                e.2 = rows_of(&out)?;
            }
            if let (Some(w), Some(sql)) = (duck.as_mut(), &twin) {
                for input in ["events", "s3"] {
                    let (s, rows) = w.run(sql, input)?;
                    duck_times.entry(input).or_default().push(s);
                    theirs.insert((name.clone(), input), (0.0, rows));
                }
            }
        }
        for (label, t) in times {
            if let Some(e) = ours.get_mut(&(name.clone(), label)) {
                e.0 = median(t);
            }
        }
        for (input, mut t) in duck_times {
            t.sort_by(f64::total_cmp);
            if let Some(e) = theirs.get_mut(&(name.clone(), input)) {
                e.0 = t[t.len() / 2];
            }
        }
        compiled.push(name);
    }
    drop(duck);
    println!();
    println!(
        "{:<46} {:<9} {:>9} {:>7} {:>9} {:>9} {:>8}  answer",
        "query", "path", "median", "MB/s", "peak RSS", "DuckDB", "x DuckDB"
    );
    let mut wrong = 0;
    let mut ratios: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut peaks: BTreeMap<&str, u64> = BTreeMap::new();
    for name in &compiled {
        let reference = sorted(ours[&(name.clone(), "events")].2.clone());
        for (label, _) in &paths {
            let (t, rss, rows) = &ours[&(name.clone(), *label)];
            let duck_input = if *label == "s3" { "s3" } else { "events" };
            let peer = theirs.get(&(name.clone(), duck_input));
            let mut answer =
                if sorted(rows.clone()) == reference { String::from("= paths") } else { String::from("DIFFERS from --events") };
            if let Some((_, their_rows)) = peer {
                match agree(rows, their_rows) {
                    Ok(()) => answer.push_str(", = DuckDB"),
                    Err(e) => answer = format!("DIFFERS from DuckDB: {e}"),
                }
            }
            if answer.contains("DIFFERS") {
                wrong += 1;
            }
            let (duck_s, ratio) = match peer {
                Some((s, _)) => {
                    let r = s / t.as_secs_f64();
                    ratios.entry(label).or_default().push(r);
                    (format!("{:.3}s", s), format!("{r:.2}"))
                }
                None => ("-".into(), "-".into()),
            };
            *peaks.entry(label).or_default() = peaks.get(label).copied().unwrap_or(0).max(*rss);
            println!(
                "{:<46} {:<9} {:>8.3}s {:>7.0} {:>6.0} MiB {:>9} {:>8}  {answer}",
                name,
                label,
                t.as_secs_f64(),
                f.jsonl_bytes as f64 / 1e6 / t.as_secs_f64(),
                *rss as f64 / (1 << 20) as f64,
                duck_s,
                ratio,
            );
        }
    }
    println!();
    for (label, _) in &paths {
        let mut r = ratios.get(label).cloned().unwrap_or_default();
        r.sort_by(f64::total_cmp);
        let med = r.get(r.len() / 2).map_or("-".to_owned(), |m| format!("{m:.2}x DuckDB"));
        let min = r.first().map_or("-".to_owned(), |m| format!("{m:.2}x"));
        println!(
            "{label:<9} median {med} (lowest {min}) over {} queries; peak RSS {:.0} MiB",
            r.len(),
            peaks.get(label).copied().unwrap_or(0) as f64 / (1 << 20) as f64
        );
    }
    println!("load average after: {} (2 cores)", load_average());
    anyhow::ensure!(wrong == 0, "{wrong} answers differ");
    Ok(())
}
