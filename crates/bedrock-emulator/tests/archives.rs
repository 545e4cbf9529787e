//! Archives a team already has: `import` of a month of records older than PutLogEvents' 14 days,
//! then StartQuery and FilterLogEvents over them through boto3; `query --s3 s3://...` and
//! `import --s3 s3://...` with the emulator's own S3 API as the endpoint (object_store, SigV4,
//! ListObjectsV2, GetObject), answering what `--events` and the local bucket answer.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use common::{serve, signal};

const DAY_MS: i64 = 86_400_000;
/// 2024-10-01T00:00:00Z: ten weeks before the emulator's clock (2024-12-15).
const OCTOBER: i64 = 1_727_740_800_000;

fn iso(ms: i64) -> String {
    logs_insights::time::format_timestamp(ms).replacen(' ', "T", 1).replace(".000", "") + "Z"
}

/// A month of October records, one every 2 hours: (timestamp ms, JSON line).
fn october() -> Vec<(i64, String)> {
    (0..31 * 12)
        .map(|i: i64| {
            let ts = OCTOBER + i * 2 * 3_600_000 + 17_000;
            let line = format!(
                r#"{{"timestamp":"{}","requestId":"req-{i:04}","operation":"Converse","modelId":"m{}","input":{{"inputTokenCount":{}}},"output":{{"outputTokenCount":{}}},"requestMetadata":{{"tenant_id":"t{}"}},"schemaType":"ModelInvocationLog","schemaVersion":"1.0"}}"#,
                iso(ts),
                i % 3,
                10 + i % 7,
                20 + i % 5,
                i % 4
            );
            (ts, line)
        })
        .collect()
}

fn cli(args: &[&str], dir: Option<&Path>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"));
    cmd.args(args);
    if let Some(dir) = dir {
        cmd.arg("--data-dir").arg(dir);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.env_remove("BEDROCK_EMULATOR_DATA_DIR").output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_month_older_than_14_days_is_imported_once_and_served_by_start_query_and_filter_log_events() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("october.jsonl");
    let records = october();
    std::fs::write(&file, records.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")).unwrap();
    let data = dir.path().join("data");
    let file_arg = file.to_str().unwrap();
    let first = cli(&["import", "--events", file_arg], Some(&data), &[]);
    assert!(stdout(&first).starts_with("imported 372 records into /aws/bedrock/modelinvocations"), "{}", stdout(&first));
    let again = cli(&["import", "--events", file_arg, "--threads", "1"], Some(&data), &[]);
    assert!(stdout(&again).starts_with("imported 0 records"), "idempotent by requestId: {}", stdout(&again));

    let Some(python) = test_support::tools::py_tool(test_support::tools::PyTool::Python) else { return };
    let (mut child, _, addr) = serve(&data);
    let script = format!(
        r#"
import boto3, json
logs = boto3.client("logs")
group = "/aws/bedrock/modelinvocations"
q = logs.start_query(logGroupName=group, startTime={start}, endTime={end},
    queryString="stats count(*) as n, sum(input.inputTokenCount) as tokens by requestMetadata.tenant_id as tenant | sort tenant")
for _ in range(200):
    r = logs.get_query_results(queryId=q["queryId"])
    if r["status"] == "Complete":
        break
rows = [{{f["field"]: f["value"] for f in row}} for row in r["results"]]
events = logs.filter_log_events(logGroupName=group, startTime={first_day_ms}, endTime={second_day_ms})["events"]
print(json.dumps({{"status": r["status"], "rows": rows, "day_one": len(events)}}))
"#,
        start = OCTOBER / 1000,
        end = (OCTOBER + 31 * DAY_MS) / 1000 - 1,
        first_day_ms = OCTOBER,
        second_day_ms = OCTOBER + DAY_MS - 1,
    );
    let url = format!("http://{addr}");
    let (code, out, err) = test_support::tools::run_py_tool(&python, &url, "AKIDEXAMPLE", "secret", &["-c", &script]);
    signal(&mut child, "-TERM");
    assert_eq!(code, 0, "boto3 failed: {err}");
    let got: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(got["status"], "Complete");
    let mut want = std::collections::BTreeMap::<String, (u64, i64)>::new();
    for (i, _) in records.iter().enumerate() {
        let e = want.entry(format!("t{}", i % 4)).or_default();
        e.0 += 1;
        e.1 += 10 + (i as i64) % 7;
    }
    let rows = got["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    for (row, (tenant, (n, tokens))) in rows.iter().zip(want) {
        assert_eq!(row["tenant"], tenant);
        assert_eq!(row["n"], n.to_string());
        assert_eq!(row["tokens"], tokens.to_string());
    }
    assert_eq!(got["day_one"], 12, "FilterLogEvents serves the imported records too");
}

fn gzip(text: &str) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(text.as_bytes()).unwrap();
    e.finish().unwrap()
}

#[test]
fn query_and_import_read_s3_archives_through_the_emulators_own_s3_api() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let records = october();
    // Delivered batches: one object per delivery hour, in S3 delivery's key layout.
    let store = object_store::bucket_store::BucketStore::new(data.join("s3"), false);
    store.ensure_bucket("team-logs", 0).unwrap();
    let prefix = "archive";
    for hour in records.chunk_by(|a, b| a.0 / 3_600_000 == b.0 / 3_600_000) {
        let dir_key = service_bedrock::delivery::keys::hour_dir(prefix, "123456789012", "us-east-1", hour[0].0);
        let key = format!("{dir_key}{}", service_bedrock::delivery::keys::batch_object_name(hour[0].0, hour[0].0 as u64));
        let body: String = hour.iter().map(|(_, l)| format!("{l}\n")).collect();
        store.put_object("team-logs", &key, &gzip(&body), hour[0].0).unwrap();
    }
    let file = dir.path().join("october.jsonl");
    std::fs::write(&file, records.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")).unwrap();
    let query = "stats count(*) as n, sum(output.outputTokenCount) as out by modelId | sort modelId";
    let range = ["--start", "2024-10-10T00:00:00Z", "--end", "2024-10-19T23:59:59Z"];
    let expect = stdout(&cli(
        &["query", query, "--csv", "--events", file.to_str().unwrap(), range[0], range[1], range[2], range[3]],
        None,
        &[],
    ));
    assert!(expect.starts_with("modelId,n,out\nm0,40,"), "{expect}");

    let (mut child, _, addr) = serve(&data);
    let endpoint = format!("http://{addr}");
    let env = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_REGION", "us-east-1"),
    ];
    let remote = stdout(&cli(
        &["query", query, "--csv", "--s3", "s3://team-logs/archive/AWSLogs/", range[0], range[1], range[2], range[3]],
        None,
        &env,
    ));
    let local = stdout(&cli(
        &["query", query, "--csv", "--s3", "team-logs/archive/", range[0], range[1], range[2], range[3]],
        Some(&data),
        &[],
    ));
    assert_eq!(remote, expect, "s3:// through the emulator's S3 API answers as the file does");
    assert_eq!(local, expect, "the local bucket answers as the file does");

    let other = dir.path().join("imported");
    let imported = cli(
        &["import", "--s3", "s3://team-logs/archive/", "--start", "2024-10-10T00:00:00Z", "--end", "2024-10-19T23:59:59Z"],
        Some(&other),
        &env,
    );
    signal(&mut child, "-TERM");
    let summary = stdout(&imported);
    assert!(summary.starts_with("imported 120 records"), "{summary}");
    assert!(summary.contains("skipped by their hour"), "objects outside the range are not read: {summary}");
    let from_store = stdout(&cli(&["query", query, "--csv", range[0], range[1], range[2], range[3]], Some(&other), &[]));
    assert_eq!(from_store, expect, "the imported records answer as the file does");
}
