//! CloudWatch, SNS and metric filters through boto3 (awsJson1.0 with `x-amzn-query-mode`, as
//! botocore ≥ 1.42.7 speaks it) and the aws CLI: the seed's alarm command verbatim, reaching
//! ALARM once the emulator's clock passes its hour with more than 10,000 tokens published.

use serde_json::Value;

use crate::support::{PyTool, TestEmulator, py_tool, raw, run_py_tool};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_drives_every_cloudwatch_operation_and_its_errors() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let emu = TestEmulator::start().await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("python/cloudwatch_boto3.py");
    let url = emu.url();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &[script.to_str().unwrap()])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    let out: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        out["stats"],
        serde_json::json!([["2025-12-03T10:44:00+00:00", 14.0, 4.0, "Count"], ["2025-12-03T10:45:00+00:00", 6.0, 2.0, "Count"]])
    );
    assert_eq!(out["percentiles"], serde_json::json!({"p50": 2.0, "p100": 10.0}));
    assert_eq!(out["highResolutionPoints"], 1);
    assert_eq!(out["metricData"]["e1"], serde_json::json!(["times ten", [140.0, 60.0]]));
    assert_eq!(out["metricData"]["s1"], serde_json::json!(["m", [4.0, 2.0]]));
    assert_eq!(out["listed"], serde_json::json!(["Fast", "Tokens"]));
    assert_eq!(out["created"], serde_json::json!(["INSUFFICIENT_DATA", "Unchecked: Initial alarm creation", "ignore", 1]));
    assert_eq!(out["composite"], "ALARM");
    assert_eq!(out["forMetric"], serde_json::json!(["py-alarm"]));
    assert_eq!(out["actionsEnabled"], false);
    assert_eq!(out["history"][0], "Alarm updated from INSUFFICIENT_DATA to ALARM");
    assert_eq!(
        out["errors"],
        serde_json::json!({
            "old": "InvalidParameterValue", "missing": "MissingParameter", "combination": "InvalidParameterCombination",
            "period": "ValidationError", "notFound": "ResourceNotFound", "nextToken": "InvalidNextToken"
        })
    );
    assert_eq!(out["modelledException"], "InvalidParameterValueException");
    assert_eq!(out["sns"]["topic"], "arn:aws:sns:us-east-1:123456789012:py-topic");
    assert_eq!(out["sns"]["subscription"], "pending confirmation");
    assert_eq!(out["sns"]["subscriptions"], serde_json::json!(["PendingConfirmation"]));
    assert_eq!(out["sns"]["notFound"], "NotFound");
    assert_eq!(out["filters"], serde_json::json!(["py-filter"]));
    assert_eq!(out["test"], serde_json::json!({"$.a": "1"}));
    assert_eq!(out["filterSum"][0].as_f64(), out["filterSum"][1].as_f64());
    assert_eq!(out["invocations"], 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_runs_the_seed_alarm_command_unmodified() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let emu = TestEmulator::start().await;
    let url = emu.url();
    let cli = |args: &[&str]| {
        let (aws, url) = (aws.clone(), url.clone());
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            run_py_tool(&aws, &url, &args)
        })
    };
    let ok = |r: (i32, String, String)| -> Value {
        assert_eq!(r.0, 0, "aws failed: {}", r.2);
        if r.1.trim().is_empty() { Value::Null } else { serde_json::from_str(&r.1).unwrap() }
    };
    let topic = ok(cli(&["sns", "create-topic", "--name", "my-alerts"]).await.unwrap());
    assert_eq!(topic["TopicArn"], "arn:aws:sns:us-east-1:123456789012:my-alerts");
    // The seed README's command, as written.
    ok(cli(&[
        "cloudwatch",
        "put-metric-alarm",
        "--alarm-name",
        "bedrock-high-token-usage",
        "--alarm-description",
        "Alert when hourly token usage exceeds 10000",
        "--metric-name",
        "BedrockTokenUsage",
        "--namespace",
        "CustomMetrics",
        "--statistic",
        "Sum",
        "--period",
        "3600",
        "--threshold",
        "10000",
        "--comparison-operator",
        "GreaterThanThreshold",
        "--evaluation-periods",
        "1",
        "--alarm-actions",
        "arn:aws:sns:us-east-1:123456789012:my-alerts",
    ])
    .await
    .unwrap());
    for tokens in ["6000", "5500"] {
        ok(cli(&[
            "cloudwatch", "put-metric-data", "--namespace", "CustomMetrics", "--metric-name", "BedrockTokenUsage", "--value",
            tokens, "--unit", "Count",
        ])
        .await
        .unwrap());
    }
    let alarms = ok(cli(&["cloudwatch", "describe-alarms", "--alarm-names", "bedrock-high-token-usage"]).await.unwrap());
    assert_eq!(alarms["MetricAlarms"][0]["StateValue"], "INSUFFICIENT_DATA");
    let res = raw(&emu.url(), "POST", "/_emulator/clock", &[], r#"{"advance": "PT1H"}"#).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let alarms = ok(cli(&["cloudwatch", "describe-alarms", "--alarm-names", "bedrock-high-token-usage"]).await.unwrap());
    assert_eq!(alarms["MetricAlarms"][0]["StateValue"], "ALARM");
    assert!(
        alarms["MetricAlarms"][0]["StateReason"]
            .as_str()
            .unwrap()
            .contains("[11500.0 (03/12/25 10:00:00)] was greater than the threshold (10000.0)")
    );
    let history = ok(cli(&[
        "cloudwatch",
        "describe-alarm-history",
        "--alarm-name",
        "bedrock-high-token-usage",
        "--history-item-type",
        "Action",
    ])
    .await
    .unwrap());
    assert_eq!(
        history["AlarmHistoryItems"][0]["HistorySummary"],
        "Successfully executed action arn:aws:sns:us-east-1:123456789012:my-alerts"
    );
    let messages = raw(&emu.url(), "GET", "/_emulator/sns/messages", &[], "").await.json();
    assert_eq!(messages["messages"][0]["subject"], "ALARM: \"bedrock-high-token-usage\" in US East (N. Virginia)");

    let stats = ok(cli(&[
        "cloudwatch", "get-metric-statistics", "--namespace", "CustomMetrics", "--metric-name", "BedrockTokenUsage",
        "--start-time", "2025-12-03T10:00:00Z", "--end-time", "2025-12-03T11:00:00Z", "--period", "3600", "--statistics", "Sum",
    ])
    .await
    .unwrap());
    assert_eq!(stats["Datapoints"][0]["Sum"], 11500.0);
    let listed = ok(cli(&["cloudwatch", "list-metrics", "--namespace", "CustomMetrics"]).await.unwrap());
    assert_eq!(listed["Metrics"][0]["MetricName"], "BedrockTokenUsage");
    let data = ok(cli(&[
        "cloudwatch", "get-metric-data", "--start-time", "2025-12-03T10:00:00Z", "--end-time", "2025-12-03T11:00:00Z",
        "--metric-data-queries",
        r#"[{"Id": "tokens", "MetricStat": {"Metric": {"Namespace": "CustomMetrics", "MetricName": "BedrockTokenUsage"}, "Period": 3600, "Stat": "Sum"}}]"#,
    ])
    .await
    .unwrap());
    assert_eq!(data["MetricDataResults"][0]["Values"][0], 11500.0);
    ok(cli(&[
        "cloudwatch",
        "set-alarm-state",
        "--alarm-name",
        "bedrock-high-token-usage",
        "--state-value",
        "OK",
        "--state-reason",
        "acknowledged",
    ])
    .await
    .unwrap());
    ok(cli(&["cloudwatch", "delete-alarms", "--alarm-names", "bedrock-high-token-usage"]).await.unwrap());

    // A period CloudWatch refuses: the CLI shows the ValidationError code.
    let (code, _, stderr) = cli(&[
        "cloudwatch", "put-metric-alarm", "--alarm-name", "bad", "--metric-name", "m", "--namespace", "n", "--statistic", "Sum",
        "--period", "45", "--threshold", "1", "--comparison-operator", "GreaterThanThreshold", "--evaluation-periods", "1",
    ])
    .await
    .unwrap();
    assert_ne!(code, 0);
    assert!(stderr.contains("(ValidationError)"), "{stderr}");
    let subs = ok(cli(&["sns", "list-subscriptions"]).await.unwrap());
    assert_eq!(subs["Subscriptions"], serde_json::json!([]));
    let filters = ok(cli(&["logs", "describe-metric-filters"]).await.unwrap());
    assert_eq!(filters["metricFilters"], serde_json::json!([]));
}
