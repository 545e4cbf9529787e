//! The emulator as its own release-built process for the benchmarks: a fresh data directory,
//! port 0, the bound address read from its first line; killed (and its directory removed) when
//! dropped. `XTASK_EMULATOR_BIN` names a binary built elsewhere (another commit's release build,
//! to compare or re-measure it) instead of building this workspace's.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

/// A running `bedrock-emulator serve`.
pub(crate) struct EmulatorProcess {
    child: Child,
    /// `127.0.0.1:<port>`.
    pub(crate) addr: String,
    /// Its data directory.
    pub(crate) data_dir: PathBuf,
}

impl EmulatorProcess {
    /// Builds the emulator in release mode and starts it with `extra` `serve` arguments.
    pub(crate) fn start(name: &str, extra: &[&str]) -> anyhow::Result<Self> {
        let binary = match std::env::var_os("XTASK_EMULATOR_BIN") {
            Some(path) => {
                println!("(the emulator: {} from XTASK_EMULATOR_BIN, not built here)", PathBuf::from(&path).display());
                PathBuf::from(path)
            }
            None => {
                let status = Command::new(env!("CARGO"))
                    .args(["build", "--release", "-q", "-p", "bedrock-emulator"])
                    .status()
                    .context("cargo build")?;
                if !status.success() {
                    bail!("building the emulator failed");
                }
                let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
                target_dir.join("release").join("bedrock-emulator")
            }
        };
        let data_dir = std::env::temp_dir().join(format!("bedrock-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        let mut child = Command::new(&binary)
            .args(["serve", "--port", "0", "--data-dir"])
            .arg(&data_dir)
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
        Ok(Self { child, addr, data_dir })
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}
