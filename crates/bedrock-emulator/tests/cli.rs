//! The `bedrock-emulator serve` binary as a user runs it: port 0 with the bound address printed,
//! `--now` setting the clock (`--freeze-clock` holding it there), a clean exit on SIGTERM, and the
//! records (and, with `--cost-metrics`, the `EstimatedCost` datapoints) on disk afterwards.

mod common;

use std::process::Command;

use common::{converse, serve_with, signal};

#[test]
fn serve_prints_its_address_honours_now_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, first, addr) = serve_with(dir.path(), &["--freeze-clock"]);
    assert!(first.starts_with("bedrock-emulator listening on http://127.0.0.1:"), "{first}");

    let body = r#"{"messages":[{"role":"user","content":[{"text":"hello"}]}],"requestMetadata":{"team":"cli"}}"#;
    let response = converse(&addr, body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let exit = signal(&mut child, "-TERM");
    assert!(exit.success(), "exit status {exit:?}");

    let store = log_store::LogStore::open(&dir.path().join("logs"), log_store::StoreOptions::default()).unwrap();
    let segments = store.segments("/aws/bedrock/modelinvocations", None, i64::MIN, i64::MAX).unwrap();
    let data = segments[0].read().unwrap();
    let events: Vec<_> = data.events().collect();
    let records: Vec<serde_json::Value> = events.iter().map(|e| serde_json::from_slice(e.message).unwrap()).collect();
    assert_eq!(records.len(), 1);
    // The record's times are the injected clock's to the millisecond, not however long the test
    // took to get here.
    assert_eq!(records[0]["timestamp"], "2024-12-15T09:30:00Z");
    assert_eq!(events[0].ingestion_time, 1_734_255_000_000);
    assert_eq!(records[0]["requestMetadata"]["team"], "cli");
    drop(store);

    // The stopped emulator's data directory answers `query` directly.
    let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .args(["query", "stats count(*) as calls by requestMetadata.team as team", "--csv", "--data-dir"])
        .arg(dir.path())
        .args(["--start", "2024-12-15T09:00:00Z", "--end", "1734258600"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "team,calls\ncli,1\n");
}

#[test]
fn serve_cost_metrics_prices_calls_with_the_prices_file() {
    let dir = tempfile::tempdir().unwrap();
    // A negotiated Claude 3 Haiku rate from 2024-12-01: 1 USD per 1,000 input tokens, 2 per 1,000 output.
    let prices = dir.path().join("contract.json");
    std::fs::write(
        &prices,
        r#"{"entries": [{"modelId": "anthropic.claude-3-haiku-20240307-v1:0", "region": "us-east-1",
            "effectiveFrom": "2024-12-01", "inputPer1k": 1, "outputPer1k": 2, "source": "our contract"}]}"#,
    )
    .unwrap();
    let prices_arg = prices.to_str().unwrap();
    let data = dir.path().join("data");
    let extra = ["--freeze-clock", "--cost-metrics", "requestMetadata.team", "--prices", prices_arg];
    let (mut child, first, addr) = serve_with(&data, &extra);
    assert!(first.starts_with("bedrock-emulator listening on"), "{first}");
    let body = r#"{"messages":[{"role":"user","content":[{"text":"price me"}]}],"requestMetadata":{"team":"cli"}}"#;
    let response = converse(&addr, body);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let answer: serde_json::Value = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    let (input, output) = (answer["usage"]["inputTokens"].as_f64().unwrap(), answer["usage"]["outputTokens"].as_f64().unwrap());
    assert!(signal(&mut child, "-TERM").success());

    let (store, _) = metric_store::MetricStore::open(&data.join("metrics"), metric_store::StoreOptions::default()).unwrap();
    let at = 1_734_255_000_000; // --now 2024-12-15T09:30:00Z
    let sum = |dimensions: Vec<metric_store::Dimension>| {
        let key = metric_store::MetricKey::new("CustomMetrics", "EstimatedCost", dimensions);
        let q = metric_store::StatsQuery {
            key: &key,
            start_ms: at,
            end_ms: at + 60_000,
            period_s: 60,
            unit: None,
            need_distribution: false,
        };
        store.query(&q, at).unwrap().first().and_then(|p| metric_store::Statistic::Sum.compute(&p.merged(false)))
    };
    let want = (input * 1.0 + output * 2.0) / 1000.0;
    assert_eq!(sum(vec![metric_store::Dimension::new("team", "cli")]), Some(want), "the contract's rate, not the embedded one");
    assert_eq!(sum(Vec::new()), Some(want));

    // Only requestMetadata keys; --prices only with --cost-metrics (it would be ignored).
    let refused = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
            .args(["serve", "--port", "0", "--data-dir", "/nonexistent-never-created"])
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?} was accepted");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let stderr = refused(&["--cost-metrics", "identity.arn"]);
    assert!(stderr.contains("only a request metadata key can be a dimension"), "{stderr}");
    let stderr = refused(&["--cost-metrics", "requestMetadata.team", "--cost-metrics", "requestMetadata.team"]);
    assert!(stderr.contains("is given twice"), "{stderr}");
    let stderr = refused(&["--prices", prices_arg]);
    assert!(stderr.contains("--cost-metrics"), "{stderr}");
    std::fs::write(&prices, r#"{"currency": "EUR", "entries": []}"#).unwrap();
    let stderr = refused(&["--cost-metrics", "requestMetadata.team", "--prices", prices_arg]);
    assert!(stderr.contains("invalid price table") && stderr.contains("EUR"), "{stderr}");
}

#[test]
fn query_over_a_records_file_prints_a_table_or_json_and_bad_queries_fail() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("records.jsonl");
    let records = [
        r#"{"timestamp":"2025-12-03T10:54:44Z","modelId":"m1","input":{"inputTokenCount":10},"requestMetadata":{"tenant_id":"t1"}}"#,
        r#"{"timestamp":"2025-12-03T10:55:44Z","modelId":"m1","input":{"inputTokenCount":5},"requestMetadata":{"tenant_id":"t2"}}"#,
    ];
    std::fs::write(&file, records.join("\n")).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_bedrock-emulator")).arg("query").args(args).arg("--events").arg(&file).output().unwrap()
    };

    let out = run(&["stats sum(input.inputTokenCount) as tokens by requestMetadata.tenant_id as tenant | sort tokens desc"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("| tenant | tokens |\n"), "{table}");
    assert!(table.contains("| t1     | 10     |"), "{table}");

    let out = run(&["--json", "stats count(*) as n"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["results"][0][0]["value"], "2");

    // The seed's `--` comment: the rendered diagnostic, a non-zero exit.
    let out = run(&["fields @timestamp | filter @timestamp >= 1701388800000  -- 2024-12-01 00:00:00"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error"), "{stderr}");
    assert!(stderr.contains('^'), "a caret under the error: {stderr}");
    assert!(stderr.contains('#'), "the hint names # comments: {stderr}");
}

#[test]
fn bad_arguments_fail_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .args(["serve", "--port", "0", "--now", "yesterday", "--data-dir", "/nonexistent-never-created"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid RFC 3339 instant"), "{stderr}");

    // A retention CloudWatch does not allow is refused with its allowed values.
    let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
        .args(["serve", "--port", "0", "--retention-days", "2", "--data-dir", "/nonexistent-never-created"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--retention-days") && stderr.contains("enum value set: [1, 3, 5, 7"), "{stderr}");
}
