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
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &["-c", script])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    let out: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let records = emu.records(bedrock_emulator::DEFAULT_LOG_GROUP);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["requestId"], out["requestId"]);
    assert_eq!(records[0]["requestMetadata"]["tenant_id"], "tenant-001");
    assert_eq!(records[0]["input"]["inputTokenCount"], out["usage"]["inputTokens"]);
}
