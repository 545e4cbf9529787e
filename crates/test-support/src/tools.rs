//! The clients besides aws-sdk-rust that `.ci/run` installs. The aws CLI and a Python with
//! boto3: each test says which one it uses; outside CI a missing tool fails the test with how to
//! get it, unless `BEDROCK_EMULATOR_SKIP_PYTHON_CLIENTS` is set (then the test says it was
//! skipped); under CI (`CI` set) nothing may be skipped. They are looked for in
//! `BEDROCK_EMULATOR_AWS_CLI` / `BEDROCK_EMULATOR_PYTHON`, the workspace's `.venv/bin/`, then `PATH`
//! (`aws`; a `python3` that imports boto3). And aws-sdk-js v3 run by node
//! (`BEDROCK_EMULATOR_NODE`, `BEDROCK_EMULATOR_JS_DIR`: the `tests/js` folder after `npm ci`), as
//! scripts (`run_js`) or `node --test` files (`run_node_test`).

use std::path::{Path, PathBuf};

/// The variable that skips the Python-client tests outside CI.
pub const SKIP_VAR: &str = "BEDROCK_EMULATOR_SKIP_PYTHON_CLIENTS";

/// How to get the tools, for the failure message.
const HOW_TO_GET_THEM: &str = "python3 -m venv .venv && .venv/bin/pip install awscli boto3 (what .ci/run does), \
or point BEDROCK_EMULATOR_AWS_CLI / BEDROCK_EMULATOR_PYTHON at an aws CLI and a Python with boto3";

/// A Python-side client tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PyTool {
    /// The aws CLI.
    AwsCli,
    /// Python with boto3.
    Python,
}

impl PyTool {
    /// The variable naming the tool, its name in `.venv/bin`, its names on `PATH`.
    fn names(self) -> (&'static str, &'static str, &'static [&'static str]) {
        match self {
            PyTool::AwsCli => ("BEDROCK_EMULATOR_AWS_CLI", "aws", &["aws"]),
            PyTool::Python => ("BEDROCK_EMULATOR_PYTHON", "python", &["python3", "python"]),
        }
    }
}

/// What a test does about a tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoice {
    /// Run with this tool (found as the message says).
    Use(PathBuf, String),
    /// Skipped on purpose, with the message to print.
    Skip(String),
    /// Fail, with the message.
    Fail(String),
}

/// Decides for `tool`, given the environment (`var`), the workspace's `.venv/bin` and whether a
/// candidate is a working tool (`works`: it exists, and for Python, imports boto3).
pub fn choose_tool(
    tool: PyTool,
    var: impl Fn(&str) -> Option<String>,
    venv_bin: &Path,
    works: impl Fn(&Path) -> bool,
) -> ToolChoice {
    let (env_name, venv_name, path_names) = tool.names();
    let ci = var("CI").is_some();
    if let Some(skip) = var(SKIP_VAR) {
        if ci {
            return ToolChoice::Fail(format!("{SKIP_VAR}={skip} is refused under CI: CI must run every client"));
        }
        return ToolChoice::Skip(format!("skipped: {SKIP_VAR}={skip} is set, so this test runs no {tool:?} client"));
    }
    if let Some(path) = var(env_name).map(PathBuf::from) {
        return if works(&path) {
            ToolChoice::Use(path.clone(), format!("using {tool:?} {} (from {env_name})", path.display()))
        } else {
            ToolChoice::Fail(format!("{env_name}={} is not a working {tool:?} client; {HOW_TO_GET_THEM}", path.display()))
        };
    }
    let venv = venv_bin.join(venv_name);
    if works(&venv) {
        return ToolChoice::Use(venv.clone(), format!("using {tool:?} {} (the workspace's .venv)", venv.display()));
    }
    let on_path = var("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .flat_map(|dir| path_names.iter().map(move |n| dir.join(n)))
        .find(|candidate| works(candidate));
    match on_path {
        Some(path) => ToolChoice::Use(path.clone(), format!("using {tool:?} {} (from PATH)", path.display())),
        None => ToolChoice::Fail(format!(
            "no {tool:?} client: {env_name} is not set, .venv/bin/{venv_name} does not exist and PATH has none; \
             {HOW_TO_GET_THEM}; or set {SKIP_VAR}=1 to skip these tests outside CI"
        )),
    }
}

/// The path of `tool` for the calling test, printing which one it uses; `None` when the test is
/// to be skipped (printed). Panics with how to get the tool when it is missing.
pub fn py_tool(tool: PyTool) -> Option<PathBuf> {
    let venv_bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin");
    let works = |path: &Path| {
        path.is_file()
            && (tool != PyTool::Python
                || std::process::Command::new(path).args(["-c", "import boto3"]).output().is_ok_and(|out| out.status.success()))
    };
    match choose_tool(tool, |name| std::env::var(name).ok(), &venv_bin, works) {
        ToolChoice::Use(path, message) => {
            eprintln!("{message}");
            Some(path)
        }
        ToolChoice::Skip(message) => {
            eprintln!("{message}");
            None
        }
        ToolChoice::Fail(message) => panic!("{message}"),
    }
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
pub fn run_js(
    tool: &JsTool,
    script: &Path,
    url: &str,
    access_key: &str,
    secret_key: &str,
    args: &[&str],
) -> (i32, String, String) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn a_missing_tool_fails_with_how_to_get_it() {
        let choice = choose_tool(PyTool::Python, env(&[("PATH", "/nowhere")]), Path::new("/no-venv"), |_| false);
        let ToolChoice::Fail(message) = choice else { panic!("{choice:?}") };
        assert!(message.contains("pip install awscli boto3") && message.contains(SKIP_VAR), "{message}");
    }

    #[test]
    fn skipping_is_explicit_and_refused_under_ci() {
        let choice = choose_tool(PyTool::AwsCli, env(&[(SKIP_VAR, "1")]), Path::new("/no-venv"), |_| true);
        assert!(matches!(&choice, ToolChoice::Skip(m) if m.contains(SKIP_VAR)), "{choice:?}");
        let choice = choose_tool(PyTool::AwsCli, env(&[(SKIP_VAR, "1"), ("CI", "true")]), Path::new("/no-venv"), |_| true);
        assert!(matches!(choice, ToolChoice::Fail(_)), "{choice:?}");
    }

    #[test]
    fn the_variable_then_the_venv_then_path_and_the_choice_is_named() {
        let works = |p: &Path| p.starts_with("/bin") || p == Path::new("/venv/bin/aws");
        let choice = choose_tool(PyTool::AwsCli, env(&[("PATH", "/bin")]), Path::new("/venv/bin"), works);
        assert!(matches!(&choice, ToolChoice::Use(p, m) if p == Path::new("/venv/bin/aws") && m.contains(".venv")), "{choice:?}");
        let choice = choose_tool(PyTool::Python, env(&[("PATH", "/usr:/bin")]), Path::new("/venv/bin"), works);
        assert!(matches!(&choice, ToolChoice::Use(p, m) if p == Path::new("/bin/python3") && m.contains("PATH")), "{choice:?}");
        let choice = choose_tool(PyTool::Python, env(&[("BEDROCK_EMULATOR_PYTHON", "/opt/py")]), Path::new("/venv/bin"), works);
        assert!(matches!(choice, ToolChoice::Fail(_)), "a named tool that does not work fails: {choice:?}");
    }
}
