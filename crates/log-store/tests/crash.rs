//! Kill -9 a writer process mid-stream: every append it acknowledged must be there on reopen,
//! also while retention deletes expired segment files concurrently.
//!
//! The tests re-run their own binary as the writer (selected by an environment variable); the
//! writer prints `ack <thread> <n>` after each `put_log_events` returned `Ok` (for events that
//! cannot expire), and `swept <n>` after each sweep that deleted files.

mod common;

use common::*;
use log_store::{InputLogEvent, LogStore};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const CHILD_ENV: &str = "LOG_STORE_CRASH_CHILD_ROOT";
const SWEEPING_CHILD_ENV: &str = "LOG_STORE_CRASH_SWEEPING_CHILD_ROOT";
const THREADS: usize = 4;
const DAY: i64 = 24 * HOUR;
/// The sweeping child's clock: well past `T0`, so a one-day retention expires older windows.
const NOW: i64 = T0 + 10 * DAY;

fn say(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").unwrap();
    out.flush().unwrap();
}

/// Writers only: each thread appends to two windows in turn.
fn child(root: &str) -> ! {
    let store = open(std::path::Path::new(root));
    store.ensure_log_stream("g", "s", 0).unwrap();
    writers(&store, |n| T0 + (n % 2) * HOUR);
    std::process::exit(0)
}

/// Writers to live and expired windows, and a thread sweeping expired segments all along.
fn sweeping_child(root: &str) -> ! {
    let store = open(std::path::Path::new(root));
    store.ensure_log_stream("g", "s", 0).unwrap();
    store.put_retention_policy("g", 1).unwrap();
    std::thread::scope(|scope| {
        let sweeper = store.clone();
        scope.spawn(move || {
            loop {
                let report = sweeper.sweep_expired(NOW).unwrap();
                if report.segments_deleted > 0 {
                    say(format_args!("swept {}", report.segments_deleted));
                }
            }
        });
        // Odd appends go to windows two to three days old: expired, deleted by the sweeper.
        writers(&store, |n| if n % 2 == 0 { NOW + (n / 2 % 2) * HOUR } else { NOW - 2 * DAY - (n % 24) * HOUR });
    });
    std::process::exit(0)
}

/// `THREADS` threads appending forever; events at `ts(n) >= NOW - DAY` or in the plain child's
/// windows are acknowledged on stdout.
fn writers(store: &LogStore, ts: impl Fn(i64) -> i64 + Sync) {
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let (store, ts) = (store.clone(), &ts);
            scope.spawn(move || {
                for n in 0.. {
                    let msg = format!("{t} {n} {}", "x".repeat(2000));
                    let at = ts(n);
                    store.put_log_events("g", "s", &[InputLogEvent::new(at, &msg)], at.max(T0)).unwrap();
                    if !(T0 + DAY..NOW - DAY).contains(&at) {
                        say(format_args!("ack {t} {n}"));
                    }
                }
            });
        }
    });
}

/// Runs `test` as the writer child over a fresh directory, kills it once it acknowledged 3,000
/// appends, and returns the directory, the acknowledged `<thread> <n>` and the sweeps seen.
fn run_and_kill(test: &str, env: &str) -> (tempfile::TempDir, HashSet<String>, usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut proc = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(env, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(proc.stdout.take().unwrap()).lines();
    let mut acked = HashSet::new();
    let mut swept = 0;
    let mut take = |line: &str, acked: &mut HashSet<String>| {
        if let Some(rest) = line.strip_prefix("ack ") {
            acked.insert(rest.to_string());
        } else if let Some(n) = line.strip_prefix("swept ") {
            swept += n.parse::<usize>().unwrap();
        }
    };
    for line in lines.by_ref() {
        take(&line.unwrap(), &mut acked);
        if acked.len() >= 3000 {
            break;
        }
    }
    assert!(acked.len() >= 3000, "the writer stopped early");
    proc.kill().unwrap(); // SIGKILL
    proc.wait().unwrap();
    // Acknowledgements already in the pipe count too.
    for line in lines {
        take(&line.unwrap(), &mut acked);
    }
    (dir, acked, swept)
}

fn assert_all_kept(store: &LogStore, acked: &HashSet<String>) {
    let stored: HashSet<String> =
        all_events(store, "g").into_iter().map(|(_, m)| m.split(' ').take(2).collect::<Vec<_>>().join(" ")).collect();
    let missing: Vec<_> = acked.difference(&stored).collect();
    assert!(missing.is_empty(), "{} acknowledged records lost, e.g. {:?}", missing.len(), missing.first());
    assert!(store.recovery_report().corrupt.is_empty(), "{:?}", store.recovery_report());
}

#[test]
fn kill_mid_append_loses_nothing_acknowledged() {
    if let Ok(root) = std::env::var(CHILD_ENV) {
        child(&root);
    }
    let (dir, acked, _) = run_and_kill("kill_mid_append_loses_nothing_acknowledged", CHILD_ENV);
    let store = open(dir.path());
    assert_all_kept(&store, &acked);
    assert!(all_events(&store, "g").len() >= acked.len());
}

#[test]
fn kill_mid_append_while_retention_deletes_files_loses_nothing_live() {
    if let Ok(root) = std::env::var(SWEEPING_CHILD_ENV) {
        sweeping_child(&root);
    }
    let (dir, acked, swept) =
        run_and_kill("kill_mid_append_while_retention_deletes_files_loses_nothing_live", SWEEPING_CHILD_ENV);
    assert!(swept > 0, "the sweeper deleted files while the writers ran");
    let store = open(dir.path());
    assert_eq!(store.log_group("g").unwrap().retention_in_days, Some(1));
    assert_all_kept(&store, &acked);
    // What the kill left of the expired windows goes with the next sweep, whole files only.
    store.sweep_expired(NOW).unwrap();
    assert!(all_events(&store, "g").iter().all(|(ts, _)| *ts >= NOW));
}
