//! The binary under a descriptor limit it cannot raise (`ulimit -n`, soft and hard), as macOS's
//! default of 256 leaves a new user: thousands of log groups, streams and segment files stay
//! served within the limit; and when descriptors do run out, the request gets a 503, idle files
//! are released, open connections keep being served, and the next requests succeed.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use test_support::proc_stats::{nofile_limits, open_fd_numbers, open_fds};
use test_support::process::{KillOnDrop, serve_with_fd_limit};
use test_support::raw_http::Connection;

use common::signal;

/// `--now` of test-support's `serve`: the emulator's (frozen) clock.
const NOW_MS: i64 = 1_734_255_000_000;
const HOUR: i64 = 3_600_000;
const TIMEOUT: Duration = Duration::from_secs(60);
const CLIENTS: usize = 16;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
}

fn ok(result: std::io::Result<(u16, String)>, what: &str) -> Value {
    let (status, body) = result.unwrap_or_else(|err| panic!("{what}: {err}"));
    assert_eq!(status, 200, "{what}: {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// Two events an hour apart: two segment files per stream.
fn two_hours() -> Value {
    json!([{ "timestamp": NOW_MS - HOUR, "message": "{\"n\":1}" }, { "timestamp": NOW_MS, "message": "{\"n\":2}" }])
}

/// Runs `jobs` on `CLIENTS` threads, each with its own keep-alive connection; samples the
/// emulator's open descriptors every few requests into `peak`.
fn on_clients<J: Send + Sync>(addr: &str, pid: u32, peak: &AtomicUsize, jobs: &[J], run: impl Fn(&mut Connection, &J) + Sync) {
    std::thread::scope(|scope| {
        for part in jobs.chunks(jobs.len().div_ceil(CLIENTS).max(1)) {
            let run = &run;
            scope.spawn(move || {
                let mut conn = Connection::open(addr, TIMEOUT).expect("connect");
                for (i, job) in part.iter().enumerate() {
                    run(&mut conn, job);
                    if i % 8 == 0 {
                        peak.fetch_max(open_fds(pid).expect("the emulator's descriptors"), Ordering::Relaxed);
                    }
                }
            });
        }
    });
}

fn segment_files(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                n += usize::from(path.extension().is_some_and(|e| e == "seg"));
            }
        }
    }
    n
}

#[test]
fn under_ulimit_256_a_thousand_groups_and_four_thousand_segment_files_stay_served() {
    let dir = tempfile::tempdir().unwrap();
    let (child, first, addr) = serve_with_fd_limit(binary(), dir.path(), 256, &["--freeze-clock"]);
    let mut child = KillOnDrop(child);
    assert!(first.starts_with("bedrock-emulator listening on http://"), "{first}");
    let pid = child.0.id();
    if let Some(limits) = nofile_limits(pid) {
        assert_eq!(limits, (256, 256), "the emulator runs under the limit the test set");
    }
    let peak = AtomicUsize::new(0);

    // 1,000 groups with a stream each; one of them gets 1,000 more streams.
    let groups: Vec<String> = (0..1000).map(|i| format!("/soak/g{i:04}")).collect();
    on_clients(&addr, pid, &peak, &groups, |c, g| {
        ok(c.logs("CreateLogGroup", &json!({ "logGroupName": g })), "CreateLogGroup");
        ok(c.logs("CreateLogStream", &json!({ "logGroupName": g, "logStreamName": "s" })), "CreateLogStream");
    });
    let big = &groups[0];
    let streams: Vec<(String, String)> =
        (0..1000).map(|i| (big.clone(), format!("s{i:04}"))).chain(groups.iter().map(|g| (g.clone(), "s".to_owned()))).collect();
    on_clients(&addr, pid, &peak, &streams[..1000], |c, (g, s)| {
        ok(c.logs("CreateLogStream", &json!({ "logGroupName": g, "logStreamName": s })), "CreateLogStream");
    });
    // PutLogEvents to every stream, two hours each: 4,000 segment files.
    on_clients(&addr, pid, &peak, &streams, |c, (g, s)| {
        let body = json!({ "logGroupName": g, "logStreamName": s, "logEvents": two_hours() });
        let reply = ok(c.logs("PutLogEvents", &body), "PutLogEvents");
        assert!(reply.get("rejectedLogEventsInfo").is_none(), "{reply}");
    });
    assert!(segment_files(dir.path()) >= 4000, "{} segment files", segment_files(dir.path()));
    // Converse, recorded in the Bedrock group.
    let calls: Vec<usize> = (0..160).collect();
    on_clients(&addr, pid, &peak, &calls, |c, i| {
        let body = format!(r#"{{"messages":[{{"role":"user","content":[{{"text":"call {i}"}}]}}]}}"#);
        let headers = [("content-type", "application/json")];
        ok(c.request("POST", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", &headers, &body), "Converse");
    });
    // FilterLogEvents over every group.
    on_clients(&addr, pid, &peak, &groups, |c, g| {
        let reply = ok(c.logs("FilterLogEvents", &json!({ "logGroupName": g })), "FilterLogEvents");
        let want = if g == big { 2 * 1001 } else { 2 };
        assert_eq!(reply["events"].as_array().map(Vec::len), Some(want), "{g}");
    });
    // StartQuery over every group, 50 at a time (StartQuery's limit), all submitted at once.
    let batches: Vec<&[String]> = groups.chunks(50).collect();
    let mut conn = Connection::open(&addr, TIMEOUT).unwrap();
    let ids: Vec<String> = batches
        .iter()
        .map(|names| {
            let body = json!({ "logGroupNames": names, "startTime": NOW_MS / 1000 - 7200, "endTime": NOW_MS / 1000, "queryString": "stats count(*) as n" });
            ok(conn.logs("StartQuery", &body), "StartQuery")["queryId"].as_str().unwrap().to_owned()
        })
        .collect();
    let mut counted = 0;
    for id in ids {
        // GetQueryResults waits up to a second for the query to finish; the bound is a failure.
        let deadline = Instant::now() + TIMEOUT;
        let reply = loop {
            let reply = ok(conn.logs("GetQueryResults", &json!({ "queryId": id })), "GetQueryResults");
            if reply["status"] != "Running" && reply["status"] != "Scheduled" {
                break reply;
            }
            assert!(Instant::now() < deadline, "query {id} still {}", reply["status"]);
        };
        assert_eq!(reply["status"], "Complete", "{reply}");
        counted += reply["results"][0][0]["value"].as_str().unwrap().parse::<usize>().unwrap();
        peak.fetch_max(open_fds(pid).unwrap(), Ordering::Relaxed);
    }
    assert_eq!(counted, 2 * streams.len(), "every event of every group was counted");

    // Sized from its budget, the emulator never even came near its limit: the reserve for what
    // it opens briefly (and for more clients) stayed free.
    let peak = peak.into_inner();
    assert!(peak > 0 && peak as u64 + fd_budget::RESERVED <= 256, "the emulator held {peak} descriptors at most, limit 256");
    eprintln!("peak open descriptors: {peak} of 256");
    assert!(signal(&mut child.0, "-TERM").success());
}

/// Every descriptor taken by client connections, the store holding none: a PutLogEvents is a
/// 503 (an AWS-shaped ServiceUnavailableException) on a connection that stays served; once a
/// client leaves, the next request succeeds; an idle append handle is released to make room for
/// another file; and a connection that arrived while the accept loop had no descriptor is
/// served as soon as one is free.
#[cfg(target_os = "linux")]
#[test]
fn out_of_descriptors_is_a_503_the_next_requests_succeed_and_accepting_resumes() {
    const LIMIT: usize = 64;
    let dir = tempfile::tempdir().unwrap();
    let (child, _, addr) = serve_with_fd_limit(binary(), dir.path(), LIMIT as u64, &["--freeze-clock"]);
    let mut child = KillOnDrop(child);
    let pid = child.0.id();
    assert_eq!(nofile_limits(pid), Some((LIMIT as u64, LIMIT as u64)));
    // Descriptors numbered below the limit: the ones a new open competes for (the emulator may
    // have inherited some above it, such as the test runner's jobserver pipe).
    let fds = || open_fd_numbers(pid).expect("the emulator's descriptors").into_iter().filter(|fd| *fd < LIMIT as u64).count();
    let put = |c: &mut Connection, s: &str| {
        c.logs(
            "PutLogEvents",
            &json!({ "logGroupName": "g", "logStreamName": s, "logEvents": [{ "timestamp": NOW_MS, "message": s }] }),
        )
        .expect("an answer")
    };
    let mut a = Connection::open(&addr, TIMEOUT).unwrap();
    ok(a.logs("CreateLogGroup", &json!({ "logGroupName": "g" })), "CreateLogGroup");
    for s in ["s1", "s2"] {
        ok(a.logs("CreateLogStream", &json!({ "logGroupName": "g", "logStreamName": s })), "CreateLogStream");
    }
    // Fill every free descriptor with a served client connection.
    let mut fillers = Vec::new();
    while fds() < LIMIT {
        let mut c = Connection::open(&addr, TIMEOUT).unwrap();
        assert_eq!(c.request("GET", "/_emulator/health", &[], "").unwrap().0, 200);
        fillers.push(c);
    }
    assert_eq!(fds(), LIMIT);

    let (status, body) = put(&mut a, "s1");
    assert_eq!(status, 503, "{body}");
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["__type"], "ServiceUnavailableException", "{body}");

    // A client leaves; once the emulator has closed its side, the next request succeeds.
    drop(fillers.pop());
    let deadline = Instant::now() + TIMEOUT;
    while fds() >= LIMIT {
        assert!(Instant::now() < deadline, "the emulator never closed the departed connection");
        std::thread::yield_now();
    }
    assert_eq!(put(&mut a, "s1").0, 200);
    assert_eq!(fds(), LIMIT, "s1's append handle took the freed descriptor");
    // s2 needs a file of its own: the idle s1 handle is closed to make room.
    assert_eq!(put(&mut a, "s2").0, 200);
    let events = ok(a.logs("FilterLogEvents", &json!({ "logGroupName": "g" })), "FilterLogEvents");
    assert_eq!(events["events"].as_array().map(Vec::len), Some(2));

    // Reading closed the idle s2 handle too: take that descriptor with one more client.
    while fds() < LIMIT {
        let mut c = Connection::open(&addr, TIMEOUT).unwrap();
        assert_eq!(c.request("GET", "/_emulator/health", &[], "").unwrap().0, 200);
        fillers.push(c);
    }
    // A connection arriving now (the kernel completes it) cannot be accepted yet: the accept
    // loop backs off while open connections stay served; it is served once a descriptor frees.
    let mut late = Connection::open(&addr, TIMEOUT).unwrap();
    let late = std::thread::spawn(move || late.request("GET", "/_emulator/health", &[], ""));
    assert_eq!(a.request("GET", "/_emulator/health", &[], "").unwrap().0, 200, "open connections stay served");
    assert_eq!(fds(), LIMIT, "the late connection is not accepted yet");
    drop(fillers.pop());
    assert_eq!(late.join().unwrap().expect("the late connection is answered").0, 200);
    assert!(signal(&mut child.0, "-TERM").success());
}
