//! Shared test glue: start an emulator in a temporary directory, build SDK clients pointed at it,
//! send raw HTTP requests, and read back the records it wrote.

use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use bedrock_emulator::clock::ManualClock;
use bedrock_emulator::ids::SequentialIds;
use bedrock_emulator::{EmulatorConfig, Principals, RunningEmulator};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// 2025-12-03T10:54:44.250Z: the first instant of the real example records, plus 250 ms.
pub(crate) const T0_MS: i64 = 1_764_759_284_250;
/// The access key the test clients sign with.
pub(crate) const ACCESS_KEY: &str = "AKIDINTEGRATIONTEST";
/// The principal the test principal map gives that key.
pub(crate) const PRINCIPAL_ARN: &str = "arn:aws:sts::123456789012:assumed-role/PlatformTeam/ci-session";
/// The Claude 3 Haiku model id (on-demand).
pub(crate) const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

/// An emulator in a temporary directory with a manual clock and sequential ids.
pub(crate) struct TestEmulator {
    pub(crate) emulator: RunningEmulator,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) dir: tempfile::TempDir,
}

/// A configuration for a test emulator in `dir`.
pub(crate) fn test_config(dir: &std::path::Path, clock: Arc<ManualClock>) -> EmulatorConfig {
    let mut config = EmulatorConfig::new(dir);
    config.clock = clock;
    config.ids = Arc::new(SequentialIds::default());
    config.principals = Principals::from_json(&format!(r#"{{"{ACCESS_KEY}": "{PRINCIPAL_ARN}"}}"#)).unwrap();
    config
}

impl TestEmulator {
    /// Starts with the default configuration (logging on to `/aws/bedrock/modelinvocations`).
    pub(crate) async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with a configuration adjusted by `adjust`.
    pub(crate) async fn start_with(adjust: impl FnOnce(&mut EmulatorConfig)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(T0_MS));
        let mut config = test_config(dir.path(), Arc::clone(&clock));
        adjust(&mut config);
        let emulator = bedrock_emulator::start(config).await.unwrap();
        Self { emulator, clock, dir }
    }

    pub(crate) fn url(&self) -> String {
        self.emulator.endpoint_url()
    }

    /// An aws-sdk-bedrockruntime client signing for `region`.
    pub(crate) fn runtime(&self, region: &str) -> aws_sdk_bedrockruntime::Client {
        runtime_client(&self.url(), region)
    }

    /// An aws-sdk-bedrock (control plane) client.
    pub(crate) fn control(&self) -> aws_sdk_bedrock::Client {
        let conf = aws_sdk_bedrock::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_sdk_bedrock::config::Region::new("us-east-1"))
            .credentials_provider(credentials())
            .endpoint_url(self.url())
            .build();
        aws_sdk_bedrock::Client::from_conf(conf)
    }

    /// An aws-sdk-cloudwatchlogs client.
    pub(crate) fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        let conf = aws_sdk_cloudwatchlogs::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_sdk_cloudwatchlogs::config::Region::new("us-east-1"))
            .credentials_provider(credentials())
            .endpoint_url(self.url())
            .build();
        aws_sdk_cloudwatchlogs::Client::from_conf(conf)
    }

    /// Every record in `group`'s `aws/bedrock/modelinvocations` stream, parsed, in append order.
    pub(crate) fn records(&self, group: &str) -> Vec<serde_json::Value> {
        read_records(self.emulator.log_store(), group)
    }
}

fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, "integration-secret", None, None, "integration-tests")
}

/// An aws-sdk-bedrockruntime client for an endpoint.
pub(crate) fn runtime_client(url: &str, region: &str) -> aws_sdk_bedrockruntime::Client {
    let conf = aws_sdk_bedrockruntime::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_sdk_bedrockruntime::config::Region::new(region.to_owned()))
        .credentials_provider(credentials())
        .endpoint_url(url)
        .build();
    aws_sdk_bedrockruntime::Client::from_conf(conf)
}

/// Every record in a group's Bedrock stream, parsed.
pub(crate) fn read_records(store: &log_store::LogStore, group: &str) -> Vec<serde_json::Value> {
    let Ok(segments) = store.segments(group, Some(&["aws/bedrock/modelinvocations"]), i64::MIN, i64::MAX) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for segment in segments {
        let data = segment.read().unwrap();
        for event in data.events() {
            let record: serde_json::Value = serde_json::from_slice(event.message).unwrap();
            out.push(record);
        }
    }
    out
}

/// A raw HTTP response: status, headers, body.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Bytes,
}

impl RawResponse {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| panic!("body is not JSON ({err}): {:?}", self.body))
    }
}

/// Sends one raw HTTP/1.1 request.
pub(crate) async fn raw(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> RawResponse {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut req = http::Request::builder().method(method).uri(format!("{url}{path}"));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let res = client.request(req.body(Full::new(body.into())).unwrap()).await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    RawResponse { status, headers, body }
}

/// A Converse request over raw HTTP, signed-looking (credential scope only) for `us-east-1`.
pub(crate) async fn raw_converse(url: &str, model_id_encoded: &str, body: impl Into<Bytes>) -> RawResponse {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20251203/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=0"
    );
    raw(
        url,
        "POST",
        &format!("/model/{model_id_encoded}/converse"),
        &[("content-type", "application/json"), ("authorization", &auth)],
        body,
    )
    .await
}

/// A Python-side client tool installed by `.ci/run` into `.venv`: the aws CLI
/// (`BEDROCK_EMULATOR_AWS_CLI`) or the Python with boto3 (`BEDROCK_EMULATOR_PYTHON`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum PyTool {
    AwsCli,
    Python,
}

/// The path of `tool`. Without it the calling test is skipped with a message, except under CI
/// (`CI` set), where a missing tool fails the test: CI must run every client.
pub(crate) fn py_tool(tool: PyTool) -> Option<std::path::PathBuf> {
    let (var, venv_bin) = match tool {
        PyTool::AwsCli => ("BEDROCK_EMULATOR_AWS_CLI", "aws"),
        PyTool::Python => ("BEDROCK_EMULATOR_PYTHON", "python"),
    };
    let from_env = std::env::var_os(var).map(std::path::PathBuf::from);
    let from_venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin").join(venv_bin);
    let found = from_env.or_else(|| from_venv.exists().then_some(from_venv)).filter(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{var} is not set and .venv/bin/{venv_bin} does not exist; .ci/run installs it"
        );
        eprintln!("skipped: {var} not set and no .venv (run .ci/run once, or python3 -m venv .venv && .venv/bin/pip install awscli boto3)");
    }
    found
}

/// Runs a Python client tool against `url` with static test credentials; returns (status, stdout,
/// stderr).
pub(crate) fn run_py_tool(path: &std::path::Path, url: &str, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(path)
        .args(args)
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", "integration-secret")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_PAGER", "")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("the Python tool runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
