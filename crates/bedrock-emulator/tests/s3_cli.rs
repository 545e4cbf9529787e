//! The `serve` binary with S3 invocation logging: records queued for S3 are written on SIGTERM,
//! and a killed process (SIGKILL) leaves them journaled for the next start to write.

mod common;

use std::path::Path;
use std::process::Command;

use common::{request, serve, signal};

fn converse(addr: &str, text: &str) {
    let body = format!(r#"{{"messages":[{{"role":"user","content":[{{"text":"{text}"}}]}}]}}"#);
    let response = common::converse(addr, &body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

fn texts(dir: &Path) -> Vec<String> {
    bedrock_emulator::s3::delivered_records(dir, "seed-logs", "")
        .unwrap()
        .into_iter()
        .map(|(_, line)| {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            v["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn sigterm_writes_pending_s3_records_and_sigkill_loses_none() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, _, addr) = serve(dir.path());
    let put = r#"{"loggingConfig":{"s3Config":{"bucketName":"seed-logs"},"textDataDeliveryEnabled":true}}"#;
    let response = request(&addr, "PUT", "/logging/modelinvocations", put);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    converse(&addr, "before sigterm");
    assert!(signal(&mut child, "-TERM").success());
    assert_eq!(texts(dir.path()), ["before sigterm"]);

    let (mut child, _, addr) = serve(dir.path());
    converse(&addr, "before sigkill");
    signal(&mut child, "-KILL");
    // The next start replays the journal; its clean stop writes the batch.
    let (mut child, _, _) = serve(dir.path());
    assert!(signal(&mut child, "-TERM").success());
    let mut got = texts(dir.path());
    got.sort();
    assert_eq!(got, ["before sigkill", "before sigterm"]);

    // `query --s3` reads the delivered batches.
    let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .args(["query", "stats count(*) as calls by operation", "--csv", "--s3", "seed-logs/AWSLogs/", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "operation,calls\nConverse,2\n");
}
