//! `cargo xtask bench converse --enforce-iam`: Converse with invocation logging on against two
//! release emulators at once, one unenforced and one under `--enforce-iam`, in alternating runs
//! (so load elsewhere on the machine hits both alike), and the ratio of their throughputs.
//!
//! Under enforcement each request carries a real SigV4 signature made by aws-sigv4 (re-signed
//! for each run, within the 15-minute window) from an IAM user whose inline policy allows
//! `bedrock:InvokeModel` on the model, so every request pays for signature verification (a
//! derived-key cache hit), the user's lookup and the policy's evaluation; the logging
//! configuration names a role that passes Bedrock's checks (seed 000's trust and log policies).

use anyhow::Context;

use crate::bench_converse::{Options, Row, measure, median};
use crate::emulator_process::EmulatorProcess;
use crate::load::{Target, call, converse_target, iam_target, logging_target, logs_target, send};
use crate::signing::{KeyPair, signed};

const ACCOUNT: &str = "123456789012";
const GROUP: &str = "/aws/bedrock/modelinvocations";

/// The application's policy: seed 000's 4-1 as corrected, for the benchmark's model.
const APP_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"],"Resource":["arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-3-haiku-*","arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-*"]}]}"#;

/// Runs the comparison (the options of `bench converse`; `--addr` is not supported).
pub(crate) fn run(opts: &Options) -> anyhow::Result<()> {
    anyhow::ensure!(opts.addr.is_none(), "--enforce-iam starts its own two emulators; --addr is not supported with it");
    let open = EmulatorProcess::start("bench-open", &[])?;
    let enforced = EmulatorProcess::start("bench-enforced", &["--enforce-iam"])?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let load = std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    println!(
        "bench converse --enforce-iam: {} connections, {} s per run, {} runs; unenforced at {} and enforced at {} alternate (logging on); load average before: {}",
        opts.connections,
        opts.seconds,
        opts.runs,
        open.addr,
        enforced.addr,
        load.as_deref().unwrap_or("unknown"),
    );
    let app = rt.block_on(set_up_account(&enforced.addr))?;
    let root = KeyPair::root();
    // Each run starts from an empty log group, with the logging configuration it measures.
    let configure = |addr: &str, keys: Option<&KeyPair>| {
        let sign = |target: Target, service: &str| match keys {
            Some(k) => signed(&target, addr, service, k),
            None => Ok(target),
        };
        let group = serde_json::json!({ "logGroupName": GROUP });
        let steps = [
            sign(logs_target("DeleteLogGroup", &group), "logs")?,
            sign(logs_target("CreateLogGroup", &group), "logs")?,
            sign(logging_target(None), "bedrock")?,
        ];
        rt.block_on(async {
            for step in &steps {
                call(addr, step).await?;
            }
            anyhow::Ok(())
        })
    };
    let converse = converse_target();
    let mut unenforced = Row::new("converse, unenforced");
    let mut enforcing = Row::new("converse, --enforce-iam");
    let warm_up = Options { seconds: 1, ..opts.clone() };
    configure(&open.addr, None)?;
    configure(&enforced.addr, Some(&root))?;
    measure(&rt, &open.addr, &converse, &warm_up)?;
    measure(&rt, &enforced.addr, &signed(&converse, &enforced.addr, "bedrock", &app)?, &warm_up)?;
    for run in 0..opts.runs {
        configure(&open.addr, None)?;
        unenforced.push(run, &measure(&rt, &open.addr, &converse, opts)?)?;
        configure(&enforced.addr, Some(&root))?;
        let as_app = signed(&converse, &enforced.addr, "bedrock", &app)?;
        enforcing.push(run, &measure(&rt, &enforced.addr, &as_app, opts)?)?;
    }
    println!();
    println!("{:<24} {:>12} {:>10} {:>10}", "route", "req/s", "p50 ms", "p99 ms");
    for row in [&unenforced, &enforcing] {
        println!(
            "{:<24} {:>12.0} {:>10.2} {:>10.2}",
            row.name,
            median(row.rps.clone()),
            median(row.p50.clone()),
            median(row.p99.clone())
        );
    }
    let ratio = median(enforcing.rps.clone()) / median(unenforced.rps.clone());
    println!("converse enforced / unenforced: {ratio:.2} (target: >= 0.70)");
    Ok(())
}

/// As the root: the application's user (its policy and key) and the logging role Bedrock's
/// checks accept (seed 000's `create-bedrock-logging-role.sh`); returns the user's key pair.
async fn set_up_account(addr: &str) -> anyhow::Result<KeyPair> {
    let root = KeyPair::root();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"bedrock.amazonaws.com"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{ACCOUNT}"}},"ArnLike":{{"aws:SourceArn":"arn:aws:bedrock:us-east-1:{ACCOUNT}:*"}}}}}}]}}"#
    );
    let logs = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{GROUP}:*"}}]}}"#
    );
    let iam = |action: &str, params: &[(&str, &str)]| signed(&iam_target(action, params), addr, "iam", &root);
    let steps = [
        iam("CreateUser", &[("UserName", "bench-app")])?,
        iam("PutUserPolicy", &[("UserName", "bench-app"), ("PolicyName", "invoke"), ("PolicyDocument", APP_POLICY)])?,
        iam("CreateRole", &[("RoleName", "BedrockLogging"), ("AssumeRolePolicyDocument", &trust)])?,
        iam(
            "PutRolePolicy",
            &[("RoleName", "BedrockLogging"), ("PolicyName", "BedrockCloudWatchLogsPolicy"), ("PolicyDocument", &logs)],
        )?,
    ];
    for step in &steps {
        expect_ok(addr, step).await?;
    }
    let key = expect_ok(addr, &iam("CreateAccessKey", &[("UserName", "bench-app")])?).await?;
    let element = |name: &str| key.split(&format!("<{name}>")).nth(1).and_then(|rest| rest.split('<').next()).map(str::to_owned);
    Ok(KeyPair {
        access_key: element("AccessKeyId").context("CreateAccessKey answered no AccessKeyId")?,
        secret: element("SecretAccessKey").context("CreateAccessKey answered no SecretAccessKey")?,
    })
}

/// Sends `target`, requiring a 2xx answer; its body as text.
async fn expect_ok(addr: &str, target: &Target) -> anyhow::Result<String> {
    let (status, body) = send(addr, target).await?;
    let body = String::from_utf8_lossy(&body).into_owned();
    anyhow::ensure!((200..300).contains(&status), "{} answered {status}: {body}", target.path);
    Ok(body)
}
