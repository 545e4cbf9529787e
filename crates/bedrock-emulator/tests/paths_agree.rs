//! The three inputs of `query` give the same answers, on 1, 2 and 4 threads: every query of the
//! seed catalog and every `ok/` fixture over Bedrock records, run over the reference fixtures'
//! records as a JSON lines file (`--events`), as gzip batches in S3 delivery's layout in a data
//! directory's bucket (`--s3`), and imported into the store (`--data-dir`). The records are
//! written in time order, so every input presents them in the same order (S3 batches and store
//! segments are per hour) and ties break alike. Rows are compared without `@ptr` (each input
//! points its own way); across inputs as multisets (unsorted rows come in first-seen order),
//! across thread counts exactly.

use std::io::Write;
use std::path::Path;
use std::process::Command;

const FIXTURE_EVENTS: [&str; 2] = ["bedrock_small.jsonl", "bedrock_reference.jsonl"];

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The records of a fixture events file (its `message` objects), as (timestamp ms, JSON line), in time order.
fn records(file: &str) -> Vec<(i64, String)> {
    let text = std::fs::read_to_string(fixtures().join("events").join(file)).unwrap();
    let mut records: Vec<(i64, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["timestamp"].as_i64().unwrap(), v["message"].to_string())
        })
        .collect();
    records.sort_by_key(|(ts, _)| *ts);
    records
}

/// The queries that run over `file`: the seed catalog, and `ok/` fixtures that name it.
fn queries(file: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["seed", "ok"] {
        let mut paths: Vec<_> =
            std::fs::read_dir(fixtures().join("queries").join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for p in paths {
            let src = std::fs::read_to_string(&p).unwrap();
            let names_file = src.lines().any(|l| l.starts_with("# events:") && l.contains(file));
            let fails = src.lines().any(|l| l.starts_with("# expect: error"));
            if (dir == "seed" || names_file)
                && !fails
                && !src.lines().any(|l| l.starts_with("# now:") || l.starts_with("# range:"))
            {
                out.push((p.file_name().unwrap().to_string_lossy().into_owned(), src));
            }
        }
    }
    out
}

fn run(args: &[&str], dir: &Path) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .args(args)
        .env_remove("BEDROCK_EMULATOR_DATA_DIR")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| serde_json::Value::Array(row.as_array().unwrap().iter().filter(|f| f["field"] != "@ptr").cloned().collect()))
        .collect()
}

fn sorted(mut rows: Vec<serde_json::Value>) -> Vec<String> {
    let mut out: Vec<String> = rows.drain(..).map(|r| r.to_string()).collect();
    out.sort();
    out
}

#[test]
fn events_s3_and_store_answer_alike_on_1_2_and_4_threads() {
    for file in FIXTURE_EVENTS {
        let dir = tempfile::tempdir().unwrap();
        let records = records(file);
        let jsonl = dir.path().join("records.jsonl");
        std::fs::write(&jsonl, records.iter().map(|(_, l)| format!("{l}\n")).collect::<String>()).unwrap();
        // S3 delivery's layout: one gzip batch per delivery hour.
        let data = dir.path().join("data");
        let bucket = object_store::bucket_store::BucketStore::new(data.join("s3"), false);
        bucket.ensure_bucket("logs", 0).unwrap();
        let mut by_hour: std::collections::BTreeMap<String, (i64, String)> = Default::default();
        for (ts, line) in &records {
            let hour = service_bedrock::delivery::keys::hour_dir("p", "123456789012", "us-east-1", *ts);
            let e = by_hour.entry(hour).or_insert((*ts, String::new()));
            e.1.push_str(line);
            e.1.push('\n');
        }
        for (hour, (first, body)) in &by_hour {
            let key = format!("{hour}{}", service_bedrock::delivery::keys::batch_object_name(*first, 7));
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(body.as_bytes()).unwrap();
            bucket.put_object("logs", &key, &gz.finish().unwrap(), *first).unwrap();
        }
        let imported = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
            .args(["import", "--events", jsonl.to_str().unwrap(), "--data-dir", data.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
        let mut checked = 0;
        for (name, query) in queries(file) {
            let qfile = dir.path().join("q.insights");
            std::fs::write(&qfile, &query).unwrap();
            let q = qfile.to_str().unwrap();
            let d = data.to_str().unwrap();
            let inputs: [(&str, Vec<&str>); 3] = [
                ("--events", vec!["--events", jsonl.to_str().unwrap()]),
                ("--s3", vec!["--s3", "logs/p/", "--data-dir", d]),
                ("--data-dir", vec!["--data-dir", d]),
            ];
            let mut reference: Option<Vec<String>> = None;
            for (label, input) in &inputs {
                let mut one: Option<Vec<serde_json::Value>> = None;
                for threads in ["1", "2", "4"] {
                    let mut args = vec!["query", "--json", "--file", q, "--threads", threads];
                    args.extend(input.iter().copied());
                    let rows = run(&args, dir.path());
                    match &one {
                        None => one = Some(rows),
                        Some(first) => assert_eq!(&rows, first, "{file} {name} {label}: {threads} threads differ from 1"),
                    }
                }
                let rows = sorted(one.unwrap_or_default());
                match &reference {
                    None => reference = Some(rows),
                    Some(r) => assert_eq!(&rows, r, "{file} {name}: {label} differs from --events"),
                }
            }
            checked += 1;
        }
        assert!(checked >= 20, "{file}: only {checked} queries ran");
    }
}
