//! boto3 against the runtime surface: converse_stream, invoke_model (the lab's calls) and
//! invoke_model_with_response_stream; each call's record lands with its operation name and the
//! usage boto3 saw adds up to the records'.

use crate::support::{PyTool, TestEmulator, py_tool, run_py_tool};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_streams_and_invoke_model_write_one_record_each() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let emu = TestEmulator::start().await;
    let script = r#"
import boto3, json
c = boto3.client("bedrock-runtime")
calls = []

r = c.converse_stream(
    modelId="anthropic.claude-3-haiku-20240307-v1:0",
    messages=[{"role": "user", "content": [{"text": "What is Amazon Bedrock?"}]}],
    requestMetadata={"tenant_id": "tenant-001"},
)
text, usage = "", None
for event in r["stream"]:
    if "contentBlockDelta" in event:
        text += event["contentBlockDelta"]["delta"]["text"]
    if "metadata" in event:
        usage = event["metadata"]["usage"]
calls.append({"op": "ConverseStream", "id": r["ResponseMetadata"]["RequestId"], "in": usage["inputTokens"], "out": usage["outputTokens"], "text": text})

r = c.invoke_model(
    modelId="us.anthropic.claude-3-5-sonnet-20241022-v2:0",
    contentType="application/json",
    accept="application/json",
    body=json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 128,
                     "messages": [{"role": "user", "content": "Explain RAG in simple terms."}]}),
)
result = json.loads(r["body"].read())
h = r["ResponseMetadata"]["HTTPHeaders"]
assert h["x-amzn-bedrock-input-token-count"] == str(result["usage"]["input_tokens"]), h
calls.append({"op": "InvokeModel", "id": r["ResponseMetadata"]["RequestId"], "in": result["usage"]["input_tokens"], "out": result["usage"]["output_tokens"], "text": result["content"][0]["text"]})

r = c.invoke_model_with_response_stream(
    modelId="anthropic.claude-3-haiku-20240307-v1:0",
    body=json.dumps({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64,
                     "messages": [{"role": "user", "content": "How does vector search work?"}]}),
)
chunks = [json.loads(e["chunk"]["bytes"]) for e in r["body"]]
m = chunks[-1]["amazon-bedrock-invocationMetrics"]
text = "".join(ch["delta"]["text"] for ch in chunks if ch["type"] == "content_block_delta")
calls.append({"op": "InvokeModelWithResponseStream", "id": r["ResponseMetadata"]["RequestId"], "in": m["inputTokenCount"], "out": m["outputTokenCount"], "text": text, "chunks": len(chunks)})
print(json.dumps(calls))
"#;
    let url = emu.url();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &["-c", script])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    let calls: Vec<serde_json::Value> = serde_json::from_str(stdout.trim()).unwrap();
    let records = emu.records(bedrock_emulator::DEFAULT_LOG_GROUP);
    assert_eq!(records.len(), 3);
    let (mut sum_in, mut sum_out) = (0, 0);
    for (call, record) in calls.iter().zip(&records) {
        assert_eq!(record["operation"], call["op"]);
        assert_eq!(record["requestId"], call["id"]);
        assert_eq!(record["input"]["inputTokenCount"], call["in"], "{}", call["op"]);
        assert_eq!(record["output"]["outputTokenCount"], call["out"], "{}", call["op"]);
        assert!(!call["text"].as_str().unwrap().is_empty());
        sum_in += record["input"]["inputTokenCount"].as_i64().unwrap();
        sum_out += record["output"]["outputTokenCount"].as_i64().unwrap();
    }
    let boto_in: i64 = calls.iter().map(|c| c["in"].as_i64().unwrap()).sum();
    let boto_out: i64 = calls.iter().map(|c| c["out"].as_i64().unwrap()).sum();
    assert_eq!((sum_in, sum_out), (boto_in, boto_out), "usage adds up");
    assert_eq!(records[0]["requestMetadata"]["tenant_id"], "tenant-001");
    assert_eq!(
        records[0]["output"]["outputBodyJson"]["output"]["message"]["content"][0]["text"],
        calls[0]["text"]
    );
    assert_eq!(records[2]["output"]["outputBodyJson"].as_array().unwrap().len() as u64, calls[2]["chunks"].as_u64().unwrap());
}
