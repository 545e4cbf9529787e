//! The `serve` binary with S3 invocation logging: records queued for S3 are written on SIGTERM,
//! and a killed process (SIGKILL) leaves them journaled for the next start to write.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

fn request(addr: &str, method: &str, path: &str, body: &str) -> String {
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

fn serve(dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .args(["serve", "--port", "0", "--now", "2024-12-15T09:30:00Z", "--data-dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let addr = first.split("http://").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    (child, addr)
}

fn converse(addr: &str, text: &str) {
    let body = format!(r#"{{"messages":[{{"role":"user","content":[{{"text":"{text}"}}]}}]}}"#);
    let response = request(addr, "POST", "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", &body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

fn signal(child: &mut Child, sig: &str) {
    assert!(Command::new("kill").args([sig, &child.id().to_string()]).status().unwrap().success());
    child.wait().unwrap();
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
    let (mut child, addr) = serve(dir.path());
    let put = r#"{"loggingConfig":{"s3Config":{"bucketName":"seed-logs"},"textDataDeliveryEnabled":true}}"#;
    let response = request(&addr, "PUT", "/logging/modelinvocations", put);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    converse(&addr, "before sigterm");
    signal(&mut child, "-TERM");
    assert_eq!(texts(dir.path()), ["before sigterm"]);

    let (mut child, addr) = serve(dir.path());
    converse(&addr, "before sigkill");
    signal(&mut child, "-KILL");
    // The next start replays the journal; its clean stop writes the batch.
    let (mut child, _) = serve(dir.path());
    signal(&mut child, "-TERM");
    let mut got = texts(dir.path());
    got.sort();
    assert_eq!(got, ["before sigkill", "before sigterm"]);

    // `query --s3` reads the delivered batches.
    let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .args(["query", "stats count(*) as calls by operation", "--csv", "--s3", "s3://seed-logs/AWSLogs/", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "operation,calls\nConverse,2\n");
}
