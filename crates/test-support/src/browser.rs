//! Headless Chromium (Debian's `chromium`, which `.ci/run` installs and names in
//! `BEDROCK_EMULATOR_CHROMIUM`) for tests of the emulator's web pages: the DOM after the page's
//! scripts ran, screenshots, and the browser console's messages (Chromium logs each one to
//! stderr as a `CONSOLE` line). Every run gets a fresh profile directory and no network besides
//! the page's own origin.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser's path, from `BEDROCK_EMULATOR_CHROMIUM`, else `chromium` on `PATH`. Without it
/// the calling test is skipped with a message, except under CI (`CI` set), where it fails.
pub fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("BEDROCK_EMULATOR_CHROMIUM").map(PathBuf::from).filter(|p| p.exists()).or_else(|| {
        std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|p| p.join("chromium")).find(|p| p.is_file()))
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is missing (BEDROCK_EMULATOR_CHROMIUM, or chromium on PATH); .ci/run installs it with apt-get"
        );
        eprintln!("skipped: chromium not found (apt-get install chromium, or set BEDROCK_EMULATOR_CHROMIUM)");
    }
    found
}

/// What a page run left: its DOM (for `--dump-dom`) and the console's messages.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The serialized DOM after the load event and the page's scripts.
    pub dom: String,
    /// Each console message Chromium logged (`"text", source: url (line)`).
    pub console: Vec<String>,
}

/// Loads `url` and returns its DOM after the scripts ran.
pub fn dump_dom(chromium: &Path, url: &str) -> Rendered {
    run(chromium, &["--dump-dom", url])
}

/// Loads `url` in a `width`×`height` window and saves a PNG screenshot at `png`; returns the
/// console's messages.
pub fn screenshot(chromium: &Path, url: &str, png: &Path, (width, height): (u32, u32)) -> Vec<String> {
    if let Some(dir) = png.parent() {
        std::fs::create_dir_all(dir).expect("the screenshot directory is created");
    }
    let shot = format!("--screenshot={}", png.display());
    let size = format!("--window-size={width},{height}");
    let out = run(chromium, &["--hide-scrollbars", &size, &shot, url]);
    assert!(png.is_file(), "chromium wrote no screenshot at {}", png.display());
    out.console
}

fn run(chromium: &Path, args: &[&str]) -> Rendered {
    let profile = tempfile::tempdir().expect("a profile directory");
    let out = Command::new("timeout")
        .arg("120")
        .arg(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "chromium failed ({}):\n{stderr}", out.status);
    let console = stderr
        .lines()
        .filter_map(|line| line.split_once(":CONSOLE").map(|(_, rest)| rest.split_once("] ").map_or(rest, |(_, m)| m).to_owned()))
        .collect();
    Rendered { dom: String::from_utf8_lossy(&out.stdout).into_owned(), console }
}

/// Where a test saves what a person reviews: `<target dir>/<name>` (`CARGO_TARGET_DIR`, else the
/// workspace's `target/`).
pub fn review_dir(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join(name)
}
