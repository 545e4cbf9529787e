//! `bedrock-emulator serve` as a child process, for tests of the binary itself (its first line,
//! signals, restarts, a descriptor limit). The binary's path comes from the calling test (`CARGO_BIN_EXE_...` exists
//! only in the package that builds the binary).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};

/// Starts `<binary> serve --port 0 --now 2024-12-15T09:30:00Z --data-dir <dir> <extra...>`;
/// returns the child, the first line it printed, and the bound address.
pub fn serve(binary: &Path, dir: &Path, extra: &[&str]) -> (Child, String, String) {
    let mut command = Command::new(binary);
    command.args(["serve", "--port", "0", "--now", "2024-12-15T09:30:00Z", "--data-dir"]).arg(dir).args(extra);
    start(command)
}

/// [`serve`] under `ulimit -n <limit>` (soft and hard: the emulator cannot raise it), through
/// `sh`, which `exec`s the emulator (the child's pid is the emulator's).
pub fn serve_with_fd_limit(binary: &Path, dir: &Path, limit: u64, extra: &[&str]) -> (Child, String, String) {
    let mut command = Command::new("sh");
    command
        .args(["-c", &format!("ulimit -n {limit} && exec \"$0\" \"$@\"")])
        .arg(binary)
        .args(["serve", "--port", "0", "--now", "2024-12-15T09:30:00Z", "--data-dir"])
        .arg(dir)
        .args(extra);
    start(command)
}

fn start(mut command: Command) -> (Child, String, String) {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("the emulator binary starts");
    let mut first = String::new();
    if let Some(stdout) = child.stdout.take() {
        BufReader::new(stdout).read_line(&mut first).expect("the first line is read");
    }
    let addr = first.split("http://").nth(1).unwrap_or_default().split_whitespace().next().unwrap_or_default().to_owned();
    (child, first, addr)
}

/// Sends `sig` (`-TERM`, `-KILL`) and waits for the process to end.
pub fn signal(child: &mut Child, sig: &str) -> ExitStatus {
    let sent = Command::new("kill").args([sig, &child.id().to_string()]).status().expect("kill runs");
    assert!(sent.success(), "kill {sig} failed");
    child.wait().expect("the process is waited for")
}

/// A child process killed (and reaped) when dropped, so a test that fails half-way leaves no
/// emulator running.
#[derive(Debug)]
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}
