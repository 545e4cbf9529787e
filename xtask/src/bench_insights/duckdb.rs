//! DuckDB, the peer of `bench insights --paths`: found as a Python whose `import duckdb` works
//! (`BENCH_PYTHON`, the project's `.venv`, the bench's own cache virtualenv, `python3`), or,
//! with `--install-peers`, installed into that cache virtualenv (`target/bench-venv`) from
//! PyPI. A worker process keeps one DuckDB connection with `threads` threads and answers one
//! query at a time, so the benchmark interleaves DuckDB's runs with the emulator's: both see the
//! same machine load.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CACHE_VENV: &str = "target/bench-venv";

/// A worker: one DuckDB connection; each stdin line is a job `{"sql", "input"}`, answered on
/// stdout by one line `{"seconds", "rows"}` (the query's wall time, its rows as column → text).
const SCRIPT: &str = r#"
import duckdb, json, sys, time, decimal
head = json.loads(sys.stdin.readline())
con = duckdb.connect()
con.execute(f"SET threads={head['threads']}")
con.execute("SET enable_progress_bar=false")
try:
    con.execute("SET TimeZone='UTC'")
except Exception:
    pass
print(json.dumps({"version": duckdb.__version__}), flush=True)
def cell(v):
    if v is None:
        return None
    if isinstance(v, (int, decimal.Decimal)):
        return str(v)
    return repr(v) if isinstance(v, float) else str(v)
for line in sys.stdin:
    job = json.loads(line)
    sql = job["sql"].replace("{src}", head["sources"][job["input"]])
    t = time.perf_counter()
    cur = con.execute(sql)
    rows = cur.fetchall()
    seconds = time.perf_counter() - t
    cols = [d[0] for d in cur.description]
    print(json.dumps({"seconds": seconds, "rows": [{c: cell(v) for c, v in zip(cols, r)} for r in rows]}), flush=True)
"#;

/// A Python that imports duckdb, installing it into the cache virtualenv when `install`.
pub(crate) fn python(install: bool) -> anyhow::Result<Option<PathBuf>> {
    let has_duckdb = |p: &Path| {
        Command::new(p)
            .args(["-c", "import duckdb"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let mut candidates: Vec<PathBuf> = std::env::var_os("BENCH_PYTHON").map(PathBuf::from).into_iter().collect();
    candidates.extend([
        PathBuf::from(".venv/bin/python"),
        PathBuf::from(CACHE_VENV).join("bin/python"),
        PathBuf::from("python3"),
    ]);
    if let Some(found) = candidates.into_iter().find(|p| has_duckdb(p)) {
        return Ok(Some(found));
    }
    if !install {
        return Ok(None);
    }
    println!("installing duckdb into {CACHE_VENV} (PyPI) ...");
    let ok = Command::new("python3").args(["-m", "venv", CACHE_VENV]).status()?.success()
        && Command::new(Path::new(CACHE_VENV).join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "duckdb"])
            .status()?
            .success();
    anyhow::ensure!(ok, "could not install duckdb into {CACHE_VENV}");
    Ok(Some(PathBuf::from(CACHE_VENV).join("bin/python")))
}

/// A running DuckDB worker (see `SCRIPT`), so its runs can interleave with the emulator's.
pub(crate) struct Worker {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: std::io::BufReader<std::process::ChildStdout>,
    pub(crate) version: String,
}

impl Worker {
    /// Starts the worker with `threads` threads; `sources` maps input names to `read_json(...)`.
    pub(crate) fn start(python: &Path, threads: usize, sources: serde_json::Value) -> anyhow::Result<Worker> {
        let mut child = Command::new(python).args(["-c", SCRIPT]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
        let input = child.stdin.take().ok_or_else(|| anyhow::anyhow!("no stdin"))?;
        let output = std::io::BufReader::new(child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?);
        let mut w = Worker { child, input, output, version: String::new() };
        let head = serde_json::json!({ "threads": threads, "sources": sources });
        let hello = w.call(&head)?;
        w.version = hello["version"].as_str().unwrap_or("?").to_owned();
        Ok(w)
    }

    fn call(&mut self, msg: &serde_json::Value) -> anyhow::Result<serde_json::Value> {
        use std::io::BufRead as _;
        writeln!(self.input, "{msg}")?;
        self.input.flush()?;
        // Answers are single JSON lines; anything else DuckDB prints is skipped.
        loop {
            let mut line = String::new();
            self.output.read_line(&mut line)?;
            anyhow::ensure!(!line.is_empty(), "the DuckDB worker stopped");
            if line.starts_with('{') {
                return Ok(serde_json::from_str(&line)?);
            }
        }
    }

    /// Runs `sql` (with `{src}`) over `input`: (seconds, rows).
    pub(crate) fn run(&mut self, sql: &str, input: &str) -> anyhow::Result<(f64, Vec<serde_json::Value>)> {
        let r = self.call(&serde_json::json!({ "sql": sql, "input": input }))?;
        Ok((r["seconds"].as_f64().unwrap_or(f64::NAN), r["rows"].as_array().cloned().unwrap_or_default()))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
