//! The seed project's own set-up scripts (`fixtures/seed-scripts/`, verbatim copies of the seed
//! repository's `basic/` scripts) run unmodified with bash and the aws CLI against the emulator,
//! in the order the seed's README gives, with only `AWS_ENDPOINT_URL` and test credentials set,
//! on an account that starts empty (`--logging-off`): each exits 0 and prints no AWS error and
//! none of the scripts' own failure marks, and the account ends up as the scripts meant.

use std::path::{Path, PathBuf};
use std::process::Command;

use bedrock_emulator::InitialLogging;

use crate::support::{ACCESS_KEY, PyTool, SECRET_KEY, TestEmulator, py_tool};

/// The seed's bucket variable, as `setup-s3-bucket-for-bedrock.sh` sets it.
const BUCKET: &str = "my-bedrock-logs-bucket";

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/seed-scripts")
}

/// Runs `program args` in `cwd` as a user would: the aws CLI on `PATH`, the endpoint and test
/// credentials in the environment, no config files. Returns (status, stdout + stderr).
fn run(aws: &Path, url: &str, cwd: &Path, program: &str, args: &[&str]) -> (i32, String) {
    let bin = aws.parent().expect("the aws CLI lives in a directory");
    let path = std::env::join_paths(
        std::iter::once(bin.to_owned()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let out = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .env("PATH", path)
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_PAGER", "")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .output()
        .expect("the program runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// A script step must exit 0 and print no AWS error and none of the scripts' failure marks
/// (`✗` failed, `⚠` "already exists or failed"); `allowed` lists the info lines a later script
/// prints when an earlier one already made something.
fn assert_clean(step: &str, status: i32, output: &str, allowed: &[&str]) {
    assert_eq!(status, 0, "{step} exited {status}:\n{output}");
    assert!(!output.contains("An error occurred"), "{step} printed an AWS error:\n{output}");
    for line in output.lines() {
        let failed =
            line.contains('✗') || line.contains('⚠') || line.contains("already exists") || line.contains("already attached");
        assert!(!failed || allowed.iter().any(|a| line.contains(a)), "{step}: {line}\n{output}");
    }
}

#[tokio::test]
async fn the_seeds_setup_scripts_run_unmodified_in_readme_order() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let t = TestEmulator::start_with(|c| c.initial_logging = InitialLogging::Off).await;
    let url = t.url();
    let work = tempfile::tempdir().unwrap();
    let cwd = work.path().to_owned();
    let scripts = scripts();
    let outputs = tokio::task::spawn_blocking(move || {
        let script = |name: &str| scripts.join(name).display().to_string();
        let mut out = Vec::new();
        let role = script("create-bedrock-logging-role.sh");
        out.push((
            "create-bedrock-logging-role.sh",
            run(&aws, &url, &cwd, "bash", &[&role, "--type", "both", "--bucket", BUCKET]),
        ));
        out.push(("setup-s3-bucket-for-bedrock.sh", run(&aws, &url, &cwd, "bash", &[&script("setup-s3-bucket-for-bedrock.sh")])));
        out.push(("enable-bedrock-logging.sh", run(&aws, &url, &cwd, "bash", &[&script("enable-bedrock-logging.sh")])));
        out.push(("setup_bedrock_logging.sh", run(&aws, &url, &cwd, "bash", &[&script("setup_bedrock_logging.sh")])));
        let aws = aws.display().to_string();
        out.push((
            "aws iam get-role",
            run(Path::new(&aws), &url, &cwd, &aws, &["iam", "get-role", "--role-name", "BedrockLoggingRole"]),
        ));
        out.push((
            "aws bedrock get-model-invocation-logging-configuration",
            run(Path::new(&aws), &url, &cwd, &aws, &["bedrock", "get-model-invocation-logging-configuration"]),
        ));
        out.push((
            "aws logs describe-log-groups",
            run(
                Path::new(&aws),
                &url,
                &cwd,
                &aws,
                &["logs", "describe-log-groups", "--log-group-name-prefix", "/aws/bedrock/modelinvocations"],
            ),
        ));
        // The scripts clean up the files they write.
        let left: Vec<_> = std::fs::read_dir(&cwd).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(left.is_empty(), "files left behind: {left:?}");
        out
    })
    .await
    .unwrap();
    for (step, (status, output)) in &outputs {
        // setup_bedrock_logging.sh creates the log group the first script already made.
        assert_clean(step, *status, output, &["Log group already exists"]);
    }
    let output = |step: &str| &outputs.iter().find(|(s, _)| *s == step).unwrap().1.1;
    assert!(output("create-bedrock-logging-role.sh").contains("Account ID: 123456789012"));
    assert!(output("aws iam get-role").contains("\"Arn\": \"arn:aws:iam::123456789012:role/BedrockLoggingRole\""));
    assert!(output("aws bedrock get-model-invocation-logging-configuration").contains("BedrockModelInvocationLoggingRole"));
    assert!(output("aws logs describe-log-groups").contains("\"logGroupName\": \"/aws/bedrock/modelinvocations\""));

    // What the scripts built, through the SDK.
    let c = t.clients("us-east-1");
    let policies = c.iam.list_role_policies().role_name("BedrockLoggingRole").send().await.unwrap();
    assert_eq!(policies.policy_names(), ["BedrockCloudWatchLogsPolicy", "BedrockS3LogsPolicy"]);
    let attached = c.iam.list_attached_role_policies().role_name("BedrockModelInvocationLoggingRole").send().await.unwrap();
    assert_eq!(attached.attached_policies()[0].policy_arn(), Some("arn:aws:iam::123456789012:policy/BedrockLoggingPolicy"));
    let policy = c.s3.get_bucket_policy().bucket(BUCKET).send().await.unwrap();
    assert!(policy.policy().unwrap().contains("bedrock-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/*"));
    let pab = c.s3.get_public_access_block().bucket(BUCKET).send().await.unwrap();
    assert_eq!(pab.public_access_block_configuration().unwrap().block_public_policy(), Some(true));
    let ownership = c.s3.get_bucket_ownership_controls().bucket(BUCKET).send().await.unwrap();
    assert_eq!(ownership.ownership_controls().unwrap().rules()[0].object_ownership().as_str(), "BucketOwnerEnforced");
    // Logging is on: a call is logged, after Bedrock's permission-check lines.
    let message = aws_sdk_bedrockruntime::types::Message::builder()
        .role(aws_sdk_bedrockruntime::types::ConversationRole::User)
        .content(aws_sdk_bedrockruntime::types::ContentBlock::Text("hello".into()))
        .build()
        .unwrap();
    c.runtime.converse().model_id(crate::support::HAIKU).messages(message).send().await.unwrap();
    assert_eq!(t.records(bedrock_emulator::DEFAULT_LOG_GROUP).len(), 1);
}
