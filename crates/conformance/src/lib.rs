//! The conformance harness behind `cargo xtask e2e --mock | --aws`. The scenarios of
//! `fixtures/scenarios/*.json` run through the same client code against the in-process emulator
//! (`--mock`, offline, deterministic) or a live account (`--aws`, default credential chain);
//! each query's rows must equal what the harness computes from its own calls, and match the
//! snapshot shared by both targets.
//!
//! `--aws-via-emulator` is the CI exercise of the `--aws` code path: it checks that `--aws`
//! refuses to start without credentials, then starts `bedrock-emulator serve --port 0` as a
//! separate process and runs `e2e --aws --record-dir <tmp>` against it through
//! `AWS_ENDPOINT_URL` with static test credentials.
//!
//! | file | job |
//! |---|---|
//! | `scenario.rs` | the scenario files: calls, metadata, queries and their expectations |
//! | `target.rs` | `--mock` / `--aws`: SDK clients, clock, what the harness knows of the target |
//! | `runner.rs` | one scenario: logging, calls, record delivery and checks, queries |
//! | `expected.rs` | each query's expected rows, from the calls' metadata and usage; the metric sums |
//! | `athena.rs` | S3 delivery and Athena: the run's database and table, its queries against the harness's sums |
//! | `monitoring.rs` | CloudWatch checks: `AWS/Bedrock` per `ModelId`, a metric filter's sum, an alarm reaching ALARM |
//! | `compare.rs` | matching rows, sort order, limits, the readable diff |
//! | `snapshot.rs` | redacted insta snapshots, one set for both targets |
//! | `insta_env.rs` | the insta environment: inherited overrides cleared outside `--update-snapshots` |
//! | `record.rs` | `--record`: scrubbed responses, records and transient errors; replay in `--mock` |
//! | `faults.rs` | a scenario's fault rules on a target that takes them; recorded errors as rules |
//! | `cost.rs` | each scenario's estimated cost on AWS, from the usage its calls returned and the price table |
//! | `report.rs` | the plan and cost estimate, progress lines, the summary table with each scenario's cost |

mod athena;
mod compare;
mod cost;
mod expected;
mod faults;
mod insta_env;
mod monitoring;
mod record;
mod report;
mod runner;
mod scenario;
mod snapshot;
mod target;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::Context;

use target::{Mode, Target};

/// The workspace root: two levels above this crate's manifest directory.
pub(crate) fn workspace_root() -> PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).map_or_else(|| manifest.to_path_buf(), std::path::Path::to_path_buf)
}

const USAGE: &str = "usage: cargo xtask e2e (--mock | --aws | --aws-via-emulator) [--scenario NAME]... \
[--record | --record-dir DIR] [--replay-dir DIR | --no-replay] [--update-snapshots] [--allow-skip] [--logging-role-arn ARN] [--dry-run]";

#[derive(Debug, Default)]
struct Args {
    mode: Option<String>,
    scenarios: Vec<String>,
    record_dir: Option<PathBuf>,
    update_snapshots: bool,
    no_replay: bool,
    replay_dir: Option<PathBuf>,
    role_arn: Option<String>,
    dry_run: bool,
    /// A skipped scenario does not fail the run.
    allow_skip: bool,
}

fn parse(args: &[String]) -> anyhow::Result<Args> {
    let mut out = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--mock" | "--aws" | "--aws-via-emulator" => {
                anyhow::ensure!(out.mode.is_none(), "choose one of --mock, --aws, --aws-via-emulator\n{USAGE}");
                out.mode = Some(arg.clone());
            }
            "--scenario" => out.scenarios.push(it.next().context(USAGE)?.clone()),
            "--record" => out.record_dir = Some(crate::workspace_root().join(record::DEFAULT_DIR)),
            "--record-dir" => out.record_dir = Some(PathBuf::from(it.next().context(USAGE)?)),
            "--update-snapshots" => out.update_snapshots = true,
            "--no-replay" => out.no_replay = true,
            "--replay-dir" => out.replay_dir = Some(PathBuf::from(it.next().context(USAGE)?)),
            "--logging-role-arn" => out.role_arn = Some(it.next().context(USAGE)?.clone()),
            "--dry-run" => out.dry_run = true,
            "--allow-skip" => out.allow_skip = true,
            other => anyhow::bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    anyhow::ensure!(out.mode.is_some(), "{USAGE}");
    Ok(out)
}

/// `cargo xtask e2e ...`
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let args = parse(args)?;
    if args.mode.as_deref() == Some("--aws-via-emulator") {
        return aws_via_emulator(&args);
    }
    // insta: snapshots live under the workspace; rewritten only with --update-snapshots.
    let root = crate::workspace_root();
    let env = insta_env::insta_env(args.update_snapshots, &root.to_string_lossy(), |name| std::env::var(name).ok());
    for notice in &env.notices {
        println!("note: {notice}");
    }
    for (name, value) in env.vars {
        // SAFETY: set before the runtime starts any thread.
        unsafe {
            match value {
                Some(value) => std::env::set_var(name, value),
                None => std::env::remove_var(name),
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(run_async(args))
}

async fn run_async(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = crate::workspace_root();
    let mut scenarios = scenario::load_all(&root.join("fixtures/scenarios"))?;
    if !args.scenarios.is_empty() {
        scenarios.retain(|s| args.scenarios.contains(&s.name));
        anyhow::ensure!(!scenarios.is_empty(), "no scenario named {:?}", args.scenarios);
    }
    let mode = if args.mode.as_deref() == Some("--mock") { Mode::Mock } else { Mode::Aws };
    let target = match mode {
        Mode::Mock => {
            let replay_dir = args.replay_dir.clone().unwrap_or_else(|| root.join(record::DEFAULT_DIR));
            let declared = if args.no_replay { None } else { record::load_declared(&replay_dir)? };
            let responder = match &declared {
                Some((json, n)) => {
                    println!("replaying {n} recorded response(s) from {}", replay_dir.display());
                    Some(bedrock_emulator::responder::Responder::from_declared_json(json)?)
                }
                None => None,
            };
            let mut target = Target::mock(responder).await?;
            if !args.no_replay {
                target.replayed_faults = record::load_faults(&replay_dir)?;
                let n: usize = target.replayed_faults.values().map(Vec::len).sum();
                if n > 0 {
                    println!("replaying {n} recorded error(s) from {} through the fault engine", replay_dir.display());
                }
            }
            target
        }
        Mode::Aws => {
            let target = Target::aws().await?;
            report::print_plan(&scenarios, &target.description);
            if args.dry_run {
                return Ok(());
            }
            target
        }
    };
    println!("== e2e {}: {}", if mode == Mode::Mock { "--mock" } else { "--aws" }, target.description);

    let previous = target
        .bedrock
        .get_model_invocation_logging_configuration()
        .send()
        .await
        .map_err(aws_sdk_bedrock::Error::from)
        .context("GetModelInvocationLoggingConfiguration")?
        .logging_config()
        .cloned();
    let role_arn = match mode {
        Mode::Mock => target::MOCK_LOGGING_ROLE_ARN.to_owned(),
        Mode::Aws => args
            .role_arn
            .clone()
            .or_else(|| std::env::var(target::ROLE_ENV).ok())
            .or_else(|| Some(previous.as_ref()?.cloud_watch_config()?.role_arn().to_owned()))
            .with_context(|| {
                format!(
                    "--aws needs the IAM role Bedrock uses to write to CloudWatch Logs (the seed's BedrockLoggingRole): \
                     pass --logging-role-arn ARN or set {}; the current logging configuration has none. \
                     No runtime call was made.",
                    target::ROLE_ENV
                )
            })?,
    };

    let prices = service_bedrock::prices::PriceTable::embedded();
    let mut reports = Vec::new();
    let mut previous_end: Option<i64> = None;
    for (i, s) in scenarios.iter().enumerate() {
        if let Some(end) = previous_end {
            target.separate(end, target.knowledge.skew_ms).await;
        }
        let mut run = runner::run(&target, s, i, &role_arn, args.update_snapshots).await;
        run.report.cost = cost::ScenarioCost::of(&prices, &target.region, &run.outcomes);
        if let Some(dir) = &args.record_dir
            && !matches!(run.report.status, report::Status::Skipped(_))
            && let Err(err) = record::save(dir, &run, target.attempts())
        {
            println!("  FAIL record   {err:#}");
        }
        let mut report = run.report;
        report.finish();
        previous_end = Some(report.window_end_ms.max(target.now_ms()));
        reports.push(report);
    }

    restore_logging(&target, previous).await;
    let target_region = target.region.clone();
    target.shutdown().await;
    let ok = report::summary(&reports, started.elapsed(), args.allow_skip, &target_region);
    anyhow::ensure!(ok, "e2e: at least one scenario failed (see the diffs above)");
    Ok(())
}

/// Puts back the logging configuration found at start (or deletes the harness's one).
async fn restore_logging(target: &Target, previous: Option<aws_sdk_bedrock::types::LoggingConfig>) {
    let result = match previous {
        Some(config) => target
            .bedrock
            .put_model_invocation_logging_configuration()
            .logging_config(config)
            .send()
            .await
            .map(|_| "restored the logging configuration found at start")
            .map_err(aws_sdk_bedrock::Error::from),
        None => target
            .bedrock
            .delete_model_invocation_logging_configuration()
            .send()
            .await
            .map(|_| "deleted the harness's logging configuration (there was none at start)")
            .map_err(aws_sdk_bedrock::Error::from),
    };
    match result {
        Ok(what) => println!("\n  ok   logging  {what}"),
        Err(err) => println!("\n  FAIL logging   could not restore the logging configuration: {err}"),
    }
}

/// The CI exercise of `--aws`: no credentials → refusal; then a separately started emulator
/// reached through `AWS_ENDPOINT_URL` with static test credentials, with `--record-dir`.
fn aws_via_emulator(args: &Args) -> anyhow::Result<()> {
    let root = crate::workspace_root();
    let exe = std::env::current_exe().context("current executable")?;
    let tmp = tempfile::tempdir()?;
    let isolate = |cmd: &mut Command| {
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("AWS_CONFIG_FILE", tmp.path().join("no-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", tmp.path().join("no-credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_REGION", "us-east-1");
    };

    println!("== e2e --aws-via-emulator: 1. --aws without credentials must refuse before any call");
    let mut cmd = Command::new(&exe);
    cmd.args(["e2e", "--aws"]).env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    isolate(&mut cmd);
    let out = cmd.output().context("running e2e --aws without credentials")?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        !out.status.success() && stderr.contains("needs credentials") && stderr.contains("No call was made"),
        "e2e --aws without credentials should fail with a clear message; exit {:?}, stderr:\n{stderr}",
        out.status.code()
    );
    println!("  ok   refused: {}", stderr.lines().find(|l| l.contains("needs credentials")).unwrap_or_default().trim());

    println!("== e2e --aws-via-emulator: 2. bedrock-emulator serve --port 0 as a separate process");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "-p", "bedrock-emulator"])
        .current_dir(&root)
        .status()
        .context("building bedrock-emulator")?;
    anyhow::ensure!(status.success(), "cargo build -p bedrock-emulator failed");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bin = target_dir.join("debug").join(format!("bedrock-emulator{}", std::env::consts::EXE_SUFFIX));
    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--logging-off", "--data-dir"])
        .arg(tmp.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().context("emulator stdout")?).read_line(&mut first)?;
    let url = first.split_whitespace().find(|w| w.starts_with("http://")).map(str::to_owned);
    let result = (|| -> anyhow::Result<()> {
        let url = url.with_context(|| format!("no URL in the emulator's first line {first:?}"))?;
        println!("  ok   {}", first.trim());
        println!("== e2e --aws-via-emulator: 3. e2e --aws with AWS_ENDPOINT_URL={url}");
        let record_dir = tmp.path().join("recorded");
        let mut cmd = Command::new(&exe);
        cmd.args(["e2e", "--aws", "--record-dir"]).arg(&record_dir);
        if args.allow_skip {
            cmd.arg("--allow-skip");
        }
        for s in &args.scenarios {
            cmd.args(["--scenario", s]);
        }
        isolate(&mut cmd);
        cmd.env("AWS_ENDPOINT_URL", &url)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env(target::ROLE_ENV, target::MOCK_LOGGING_ROLE_ARN)
            .env(athena::BUCKET_ENV, "e2e-invocation-logs")
            // Same machine, same clock: no skew margin, so scenarios need not wait seconds apart.
            .env("E2E_CLOCK_SKEW_MS", "0");
        let status = cmd.status().context("running e2e --aws")?;
        anyhow::ensure!(status.success(), "e2e --aws against the emulator failed");
        let saved = std::fs::read_dir(&record_dir).map(|d| d.count()).unwrap_or(0);
        anyhow::ensure!(saved > 0, "--record-dir {} is empty", record_dir.display());
        println!("  ok   --record-dir wrote {saved} file(s)");
        println!("== e2e --aws-via-emulator: 4. e2e --mock replaying what --record saved");
        let mut cmd = Command::new(&exe);
        cmd.args(["e2e", "--mock", "--replay-dir"]).arg(&record_dir);
        if args.allow_skip {
            cmd.arg("--allow-skip");
        }
        for s in &args.scenarios {
            cmd.args(["--scenario", s]);
        }
        let status = cmd.status().context("running e2e --mock --replay-dir")?;
        anyhow::ensure!(status.success(), "e2e --mock replaying the recording failed");
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    result
}
