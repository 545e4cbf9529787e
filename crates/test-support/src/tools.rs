//! The clients besides aws-sdk-rust that `.ci/run` installs: the aws CLI
//! (`BEDROCK_EMULATOR_AWS_CLI`) and a Python with boto3 (`BEDROCK_EMULATOR_PYTHON`) in `.venv`,
//! and aws-sdk-js v3 run by node (`BEDROCK_EMULATOR_NODE`, `BEDROCK_EMULATOR_JS_DIR`: the
//! `tests/js` folder after `npm ci`), as scripts (`run_js`) or `node --test` files (`run_node_test`).

use std::path::{Path, PathBuf};

/// A Python-side client tool.
#[derive(Debug, Clone, Copy)]
pub enum PyTool {
    /// The aws CLI.
    AwsCli,
    /// Python with boto3.
    Python,
}

/// The path of `tool`. Without it the calling test is skipped with a message, except under CI
/// (`CI` set), where a missing tool fails the test: CI must run every client.
pub fn py_tool(tool: PyTool) -> Option<PathBuf> {
    let (var, venv_bin) = match tool {
        PyTool::AwsCli => ("BEDROCK_EMULATOR_AWS_CLI", "aws"),
        PyTool::Python => ("BEDROCK_EMULATOR_PYTHON", "python"),
    };
    let from_env = std::env::var_os(var).map(PathBuf::from);
    let from_venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin").join(venv_bin);
    let found = from_env.or_else(|| from_venv.exists().then_some(from_venv)).filter(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{var} is not set and .venv/bin/{venv_bin} does not exist; .ci/run installs it"
        );
        eprintln!(
            "skipped: {var} not set and no .venv (run .ci/run once, or python3 -m venv .venv && .venv/bin/pip install awscli boto3)"
        );
    }
    found
}

/// Runs a Python client tool against `url` with static credentials (`access_key`, `secret_key`,
/// region us-east-1, no config files); returns (status, stdout, stderr).
pub fn run_py_tool(path: &Path, url: &str, access_key: &str, secret_key: &str, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(path)
        .args(args)
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", access_key)
        .env("AWS_SECRET_ACCESS_KEY", secret_key)
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

/// aws-sdk-js v3 as `.ci/run` installs it: node, and the folder whose `node_modules` holds the
/// clients (`tests/js/`, `npm ci`).
#[derive(Debug, Clone)]
pub struct JsTool {
    pub node: PathBuf,
    /// The folder with `node_modules`.
    pub modules: PathBuf,
}

/// The JS clients, from `BEDROCK_EMULATOR_NODE` (else `node` on `PATH`) and
/// `BEDROCK_EMULATOR_JS_DIR` (else `tests/js` when it has `node_modules`). Without them the
/// calling test is skipped with a message, except under CI, where it fails.
pub fn js_tool() -> Option<JsTool> {
    let node = std::env::var_os("BEDROCK_EMULATOR_NODE").map(PathBuf::from).or_else(|| {
        std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|p| p.join("node")).find(|p| p.is_file()))
    });
    let default_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/js");
    let modules = std::env::var_os("BEDROCK_EMULATOR_JS_DIR").map(PathBuf::from).unwrap_or(default_dir);
    let found = match node {
        Some(node) if modules.join("node_modules/@aws-sdk/client-s3").is_dir() => Some(JsTool { node, modules }),
        _ => None,
    };
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "node or the aws-sdk-js clients are missing (BEDROCK_EMULATOR_NODE, BEDROCK_EMULATOR_JS_DIR); .ci/run installs them"
        );
        eprintln!("skipped: node or tests/js/node_modules missing (cd tests/js && npm ci)");
    }
    found
}

/// Runs the CommonJS `script` with node against `url` with static credentials (region
/// us-east-1); `args` follow the script. Returns (status, stdout, stderr).
pub fn run_js(tool: &JsTool, script: &Path, url: &str, access_key: &str, secret_key: &str, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(&tool.node)
        .arg(script)
        .args(args)
        .env("NODE_PATH", tool.modules.join("node_modules"))
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", access_key)
        .env("AWS_SECRET_ACCESS_KEY", secret_key)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("node runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `node --test FILE` (a file of `tests/js`) against `url` with static credentials;
/// returns (status, stdout, stderr).
pub fn run_node_test(tool: &JsTool, file: &str, url: &str) -> (i32, String, String) {
    run_node_test_with(tool, file, url, &[])
}

/// [`run_node_test`] with more environment variables for the test file.
pub fn run_node_test_with(tool: &JsTool, file: &str, url: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let out = std::process::Command::new(&tool.node)
        .args(["--test", "--test-reporter=spec", file])
        .envs(env.iter().copied())
        .current_dir(&tool.modules)
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", "AKIDJSTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("node runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
