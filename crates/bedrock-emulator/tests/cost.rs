//! `bedrock-emulator cost` over a fixture of records with known usage (`fixtures/cost/`): the
//! report by tenant equals the hand-computed table (`by-tenant.csv`, derived in the fixture's
//! README) over the three inputs (the JSON lines file, plain and gzip; S3 delivery's gzip
//! batches in a data directory's bucket, and the same bucket as `s3://` through the emulator's
//! own S3 API; the records imported into the data directory's store) on 1, 2 and 4 threads;
//! budgets flag the months over and near; a team's price file prices what the table could not.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/cost").join(name)
}

fn cost(args: &[&str]) -> String {
    cost_env(args, &[])
}

fn cost_env(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .arg("cost")
        .args(args)
        .envs(env.iter().copied())
        .env_remove("BEDROCK_EMULATOR_DATA_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "cost {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The fixture's records as S3 delivery's hourly gzip batches in bucket `logs` under `p/`, and
/// imported into the store of the same data directory.
fn data_dir(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    let text = std::fs::read_to_string(fixture("records.jsonl")).unwrap();
    let bucket = object_store::bucket_store::BucketStore::new(data.join("s3"), false);
    bucket.ensure_bucket("logs", 0).unwrap();
    let mut by_hour: std::collections::BTreeMap<String, (i64, String)> = Default::default();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let ts = logs_time(v["timestamp"].as_str().unwrap());
        let hour = service_bedrock::delivery::keys::hour_dir("p", "123456789012", "us-east-1", ts);
        let e = by_hour.entry(hour).or_insert((ts, String::new()));
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
        .args(["import", "--events", fixture("records.jsonl").to_str().unwrap(), "--data-dir", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    data
}

fn logs_time(text: &str) -> i64 {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap();
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

#[test]
fn the_report_by_tenant_equals_the_hand_computed_table_on_every_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_dir(dir.path());
    let d = data.to_str().unwrap();
    let events = fixture("records.jsonl");
    let gz = dir.path().join("records.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&std::fs::read(&events).unwrap()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let want = std::fs::read_to_string(fixture("by-tenant.csv")).unwrap();
    let inputs: [(&str, Vec<&str>); 4] = [
        ("--events", vec!["--events", events.to_str().unwrap()]),
        ("--events gzip", vec!["--events", gz.to_str().unwrap()]),
        ("--s3", vec!["--s3", "logs/p/", "--data-dir", d]),
        ("--data-dir", vec!["--data-dir", d]),
    ];
    for (label, input) in &inputs {
        for threads in ["1", "2", "4"] {
            let mut args = vec!["--csv", "--by", "requestMetadata.tenant_id", "--threads", threads];
            args.extend(input.iter().copied());
            assert_eq!(cost(&args), want, "{label} on {threads} threads");
        }
    }
    // The same records by day and model: the days and the profile ids as recorded.
    let by_day = cost(&["--csv", "--by", "bin(1d)", "--by", "modelId", "--data-dir", d]);
    assert!(
        by_day
            .contains("group,2025-12-04 00:00:00.000,global.anthropic.claude-sonnet-4-5-20250929-v1:0,1,1000,1000,0,0,0.018,0\n"),
        "{by_day}"
    );
    assert!(
        by_day.contains("group,2024-12-03 00:00:00.000,us.anthropic.claude-3-5-haiku-20241022-v1:0,1,10000,1000,0,0,0.015,0\n"),
        "{by_day}"
    );

    // The same bucket on an S3 endpoint (the emulator's own S3 API; it holds the data directory).
    let (mut child, _, addr) = common::serve(&data);
    let endpoint = format!("http://{addr}");
    let env = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
        ("AWS_REGION", "us-east-1"),
    ];
    let remote =
        std::panic::catch_unwind(|| cost_env(&["--csv", "--by", "requestMetadata.tenant_id", "--s3", "s3://logs/p/"], &env));
    common::signal(&mut child, "-TERM"); // stopped before any assertion can fail
    assert_eq!(remote.expect("cost --s3 s3://"), want, "s3:// through an S3 endpoint");
}

#[test]
fn budgets_flag_months_over_and_near_and_a_team_price_file_prices_the_rest() {
    let events = fixture("records.jsonl");
    let e = events.to_str().unwrap();
    let budget = fixture("budget.json");
    let json: serde_json::Value = serde_json::from_str(&cost(&[
        "--json",
        "--by",
        "requestMetadata.cost_center",
        "--budget",
        budget.to_str().unwrap(),
        "--events",
        e,
    ]))
    .unwrap();
    let line = |value: &str, month: &str| {
        json["budgets"].as_array().unwrap().iter().find(|b| b["value"] == value && b["month"] == month).cloned().unwrap()
    };
    let cs = line("CS-123", "2025-12");
    assert_eq!((cs["status"].as_str(), cs["spend"]["unpricedRequests"].as_u64()), (Some("over"), Some(1)), "{cs}");
    assert!((cs["spend"]["cost"].as_f64().unwrap() - 0.0306775).abs() < 1e-12, "{cs}");
    assert_eq!(line("SALES-200", "2025-12")["status"], "near");
    assert_eq!(line("ENG-789", "2025-12")["status"], "ok");
    assert_eq!(json["budgets"].as_array().unwrap().len(), 9, "three values in each of the three months with records");
    assert_eq!(json["notRecords"], 1);
    assert_eq!(json["unpriced"].as_array().unwrap().len(), 2);
    // The table says the same to a person: the months flagged, the calls without a price and why.
    let table = cost(&["--by", "requestMetadata.cost_center", "--budget", budget.to_str().unwrap(), "--events", e]);
    let budget_line = |value: &str| {
        table.lines().find(|l| l.contains(value) && l.contains("2025-12") && l.contains('%')).unwrap_or_default().to_owned()
    };
    assert!(budget_line("CS-123").contains(" 0.03  102.3%    OVER "), "{table}");
    assert!(budget_line("SALES-200").contains(" 0.025   86.0%    NEAR "), "{table}");
    assert!(table.contains("\nunpriced (no cost counted; add a price with --prices FILE):\n"), "{table}");
    assert!(
        table.contains(
            "  meta.llama3-1-70b-instruct-v1:0 in us-east-1 (on-demand): the price from 2024-07-23 is unknown; requests 1,"
        ),
        "{table}"
    );

    // Our contract: a cache-read price for Claude 3 Haiku, and the Llama 3.1 launch period.
    let dir = tempfile::tempdir().unwrap();
    let prices = dir.path().join("contract.json");
    std::fs::write(
        &prices,
        r#"{"entries": [
          {"modelId": "anthropic.claude-3-haiku-20240307-v1:0", "region": "us-east-1", "effectiveFrom": "2024-03-13",
           "inputPer1k": 0.0002, "outputPer1k": 0.001, "cacheReadPer1k": 0.00002, "source": "contract 42"},
          {"modelId": "meta.llama3-1-70b-instruct-v1:0", "region": "us-east-1", "effectiveFrom": "2024-07-23",
           "inputPer1k": 0.001, "outputPer1k": 0.001, "source": "contract 42"}]}"#,
    )
    .unwrap();
    let csv = cost(&["--csv", "--prices", prices.to_str().unwrap(), "--events", e]);
    // Haiku at 0.0002 / 0.001: #7 0.8 + 2 = 0.0028, #10 0.02 + 0.1 + 0.002 = 0.000122; Llama #1 0.5 + 0.5 = 0.001.
    // 0.0791775 - 0.0035 + 0.0028 + 0.000122 + 0.001 = 0.0795995
    assert_eq!(csv.lines().last(), Some("total,10,31825,6950,5100,2000,0.0795995,0"), "{csv}");
}
