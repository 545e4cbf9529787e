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
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &["-c", script])).await.unwrap();
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
    assert_eq!(records[0]["output"]["outputBodyJson"]["output"]["message"]["content"][0]["text"], calls[0]["text"]);
    assert_eq!(records[2]["output"]["outputBodyJson"].as_array().unwrap().len() as u64, calls[2]["chunks"].as_u64().unwrap());
}

/// boto3 end to end for what invocation logging moves out of the record: S3 delivery
/// configured through the control plane, a Converse call with an image, the media object read
/// back with the S3 client; and a Titan embedding with its record.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_reads_back_a_converse_image_and_logs_an_embedding() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let emu = TestEmulator::start_with(|c| c.s3_flush_interval = None).await;
    let script = r#"
import boto3, gzip, json, os, urllib.request
bucket = "bedrock-logs-123456789012-us-east-1"
boto3.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
    "s3Config": {"bucketName": bucket, "keyPrefix": "media-test"},
    "textDataDeliveryEnabled": True, "imageDataDeliveryEnabled": True, "embeddingDataDeliveryEnabled": True,
})
rt = boto3.client("bedrock-runtime")
image = bytes(range(256)) * 8
r = rt.converse(
    modelId="anthropic.claude-3-haiku-20240307-v1:0",
    messages=[{"role": "user", "content": [{"text": "Describe this."}, {"image": {"format": "jpeg", "source": {"bytes": image}}}]}],
)
converse_id = r["ResponseMetadata"]["RequestId"]
e = rt.invoke_model(modelId="amazon.titan-embed-text-v2:0", body=json.dumps({"inputText": "index me", "dimensions": 512}))
embedding = json.loads(e["body"].read())
urllib.request.urlopen(urllib.request.Request(os.environ["AWS_ENDPOINT_URL"] + "/_emulator/flush-deliveries", method="POST")).read()

s3 = boto3.client("s3")
keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="media-test/")["Contents"]]
batch = [k for k in keys if k.endswith(".json.gz") and "/data/" not in k]
records = [json.loads(l) for k in batch for l in gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read()).decode().splitlines()]
converse = next(x for x in records if x["requestId"] == converse_id)
uri = converse["input"]["inputBodyJson"]["messages"][0]["content"][1]["image"]["source"]["s3Uri"]
assert uri.startswith("s3://" + bucket + "/media-test/AWSLogs/"), uri
assert uri.endswith("/data/" + converse_id + "_input_media_00.jpeg"), uri
media = s3.get_object(Bucket=bucket, Key=uri[len("s3://" + bucket + "/"):])["Body"].read()
assert media == image, len(media)
emb = next(x for x in records if x["modelId"] == "amazon.titan-embed-text-v2:0")
assert len(emb["output"]["outputBodyJson"]["embedding"]) == 512
assert emb["output"]["outputBodyJson"] == embedding
print(json.dumps({"in": emb["input"]["inputTokenCount"], "out": emb["output"]["outputTokenCount"], "tokens": embedding["inputTextTokenCount"]}))
"#;
    let url = emu.url();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &["-c", script])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    let got: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(got, serde_json::json!({"in": 2, "out": 0, "tokens": 2}));
}
