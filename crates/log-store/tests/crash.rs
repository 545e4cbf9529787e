//! Kill -9 a writer process mid-stream: every append it acknowledged must be there on reopen.
//!
//! The test re-runs its own binary as the writer (selected by an environment variable); the
//! writer prints `ack <thread> <n>` after each `put_log_events` returned `Ok`.

mod common;

use common::*;
use log_store::InputLogEvent;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const CHILD_ENV: &str = "LOG_STORE_CRASH_CHILD_ROOT";
const THREADS: usize = 4;

fn child(root: &str) -> ! {
    let store = open(std::path::Path::new(root));
    store.ensure_log_stream("g", "s", 0).unwrap();
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let store = store.clone();
            scope.spawn(move || {
                for n in 0.. {
                    let msg = format!("{t} {n} {}", "x".repeat(2000));
                    // Spread over two windows so several files are being appended to.
                    let ts = T0 + (n % 2) * HOUR;
                    store
                        .put_log_events("g", "s", &[InputLogEvent::new(ts, &msg)], ts)
                        .unwrap();
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "ack {t} {n}").unwrap();
                    out.flush().unwrap();
                }
            });
        }
    });
    std::process::exit(0)
}

#[test]
fn kill_mid_append_loses_nothing_acknowledged() {
    if let Ok(root) = std::env::var(CHILD_ENV) {
        child(&root);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut proc = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill_mid_append_loses_nothing_acknowledged",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(proc.stdout.take().unwrap()).lines();
    let mut acked = HashSet::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("ack ") {
            acked.insert(rest.to_string());
            if acked.len() >= 3000 {
                break;
            }
        }
    }
    assert!(acked.len() >= 3000, "the writer stopped early");
    proc.kill().unwrap(); // SIGKILL
    proc.wait().unwrap();
    // Acknowledgements already in the pipe count too.
    for line in lines {
        if let Some(rest) = line.unwrap().strip_prefix("ack ") {
            acked.insert(rest.to_string());
        }
    }

    let store = open(dir.path());
    let stored: HashSet<String> = all_events(&store, "g")
        .into_iter()
        .map(|(_, m)| m.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    let missing: Vec<_> = acked.difference(&stored).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged records lost, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    assert!(stored.len() >= acked.len());
}
