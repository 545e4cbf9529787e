//! Real Python clients (boto3, the aws CLI; installed by `.ci/run` into `.venv`) against the
//! emulator on a real socket.

use crate::support::{PyTool, TestEmulator, py_tool, run_py_tool};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_converse_writes_a_record_with_its_request_metadata() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let emu = TestEmulator::start().await;
    let script = r#"
import boto3, json
c = boto3.client("bedrock-runtime")
r = c.converse(
    modelId="anthropic.claude-3-haiku-20240307-v1:0",
    messages=[{"role": "user", "content": [{"text": "What is Amazon Bedrock?"}]}],
    requestMetadata={"application_name": "CustomerServiceApp", "tenant_id": "tenant-001"},
)
print(json.dumps({"requestId": r["ResponseMetadata"]["RequestId"], "usage": r["usage"]}))
"#;
    let url = emu.url();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &["-c", script])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    let out: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let records = emu.records(bedrock_emulator::DEFAULT_LOG_GROUP);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["requestId"], out["requestId"]);
    assert_eq!(records[0]["requestMetadata"]["tenant_id"], "tenant-001");
    assert_eq!(records[0]["input"]["inputTokenCount"], out["usage"]["inputTokens"]);
}

/// The aws CLI's CloudWatch Logs commands over records written by Converse calls:
/// describe-log-groups (the seed's own command), describe-log-streams, start-query and
/// get-query-results.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_reads_converse_records_through_the_logs_api() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let emu = TestEmulator::start().await;
    let client = emu.runtime("us-east-1");
    let mut tokens = 0i64;
    for tenant in ["tenant-001", "tenant-002"] {
        let out = client
            .converse()
            .model_id(crate::support::HAIKU)
            .messages(
                aws_sdk_bedrockruntime::types::Message::builder()
                    .role(aws_sdk_bedrockruntime::types::ConversationRole::User)
                    .content(aws_sdk_bedrockruntime::types::ContentBlock::Text("What is Amazon Bedrock?".into()))
                    .build()
                    .unwrap(),
            )
            .request_metadata("tenant_id", tenant)
            .send()
            .await
            .unwrap();
        tokens += i64::from(out.usage().unwrap().total_tokens());
    }
    let url = emu.url();
    // Each CLI call runs on a blocking thread while the emulator serves on the runtime.
    let cli = |args: &[&str]| {
        let (aws, url) = (aws.clone(), url.clone());
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, stdout, stderr) = run_py_tool(&aws, &url, &args);
            assert_eq!(code, 0, "aws {args:?} failed: {stderr}");
            serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
        })
    };
    let group = "/aws/bedrock/modelinvocations";
    let groups = cli(&["logs", "describe-log-groups", "--log-group-name-prefix", group, "--region", "us-east-1"]).await.unwrap();
    assert_eq!(groups["logGroups"][0]["logGroupName"], group);
    let streams =
        cli(&["logs", "describe-log-streams", "--log-group-name", group, "--order-by", "LastEventTime", "--descending"])
            .await
            .unwrap();
    assert_eq!(streams["logStreams"][0]["logStreamName"], "aws/bedrock/modelinvocations");
    let t0 = crate::support::T0_MS / 1000;
    let (start, end) = ((t0 - 3600).to_string(), (t0 + 3600).to_string());
    let query = "stats sum(input.inputTokenCount + output.outputTokenCount) as total, count(*) as calls";
    let started = cli(&[
        "logs", "start-query", "--log-group-name", group, "--start-time", &start, "--end-time", &end, "--query-string", query,
    ])
    .await
    .unwrap();
    let id = started["queryId"].as_str().unwrap().to_owned();
    let mut results = serde_json::Value::Null;
    for _ in 0..30 {
        results = cli(&["logs", "get-query-results", "--query-id", &id]).await.unwrap();
        if results["status"] == "Complete" {
            break;
        }
    }
    assert_eq!(results["status"], "Complete");
    let row = &results["results"][0];
    let value = |field: &str| row.as_array().unwrap().iter().find(|f| f["field"] == field).unwrap()["value"].clone();
    assert_eq!(value("total"), tokens.to_string());
    assert_eq!(value("calls"), "2");
    assert_eq!(results["statistics"]["recordsMatched"], 2.0);
}
