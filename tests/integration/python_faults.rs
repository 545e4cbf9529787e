//! boto3 against fault rules and quotas: the first N matching calls throttled then a success; a
//! standard-retry client recovering with `RetryAttempts` equal to the injected count; selection
//! by request metadata; latency added and removed; a mid-stream exception and a dropped
//! connection seen by boto3's event-stream reader; a quota throttling the third call of a minute
//! and recovering when the minute slides; and no record for any faulted call.

use serde_json::json;

use crate::support::{PyTool, TestEmulator, py_tool, run_py_tool};

/// Runs the prelude and `script` with boto3 against `t`; returns its stdout's JSON (`None`: no
/// boto3 here, the test is skipped).
async fn boto3(t: &TestEmulator, script: &str) -> Option<serde_json::Value> {
    let python = py_tool(PyTool::Python)?;
    let url = t.url();
    let script = format!("{PRELUDE}{script}");
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &["-c", &script])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    Some(serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}")))
}

const PRELUDE: &str = r#"
import boto3, json
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
no_retry = boto3.client("bedrock-runtime", config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
standard = boto3.client("bedrock-runtime", config=Config(retries={"mode": "standard", "total_max_attempts": 3}))
def converse(client, text, **kw):
    return client.converse(modelId=HAIKU, messages=[{"role": "user", "content": [{"text": text}]}], **kw)
def error_of(f):
    try:
        f()
        return None
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_sees_n_throttles_then_a_success_and_a_standard_retry_recovers_with_retry_attempts() {
    let t = TestEmulator::start().await;
    t.set_faults(json!({"rules": [{"operation": "Converse", "count": 2, "error": "ThrottlingException"}]})).await;
    let script = r#"
out = {"errors": [error_of(lambda: converse(no_retry, "hi")) for _ in range(2)]}
out["ok"] = converse(no_retry, "hi")["ResponseMetadata"]["HTTPStatusCode"]
import urllib.request
req = urllib.request.Request(standard.meta.endpoint_url + "/_emulator/faults", method="POST",
    data=json.dumps({"rules": [{"operation": "Converse", "count": 2, "error": "ThrottlingException"}]}).encode())
urllib.request.urlopen(req).read()
r = converse(standard, "retried")
out["retry_attempts"] = r["ResponseMetadata"]["RetryAttempts"]
print(json.dumps(out))
"#;
    let Some(out) = boto3(&t, script).await else { return };
    for err in out["errors"].as_array().unwrap() {
        assert_eq!(err["code"], "ThrottlingException");
        assert_eq!(err["message"], "Too many requests, please wait before trying again.");
        assert_eq!(err["status"], 429);
    }
    assert_eq!(out["ok"], 200);
    assert_eq!(out["retry_attempts"], 2, "boto3 retried exactly the injected throttles");
    assert_eq!(t.records(bedrock_emulator::DEFAULT_LOG_GROUP).len(), 2, "the two successes only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_selection_by_metadata_latency_streams_and_quotas() {
    let t = TestEmulator::start().await;
    t.set_faults(json!({"rules": [
        {"requestMetadata": {"tenant_id": "tenant-b"}, "operation": "Converse", "error": "ThrottlingException"},
        {"operation": "Converse", "requestMetadata": {"tenant_id": "slow"}, "latencyMs": 750},
        {"operation": "ConverseStream", "afterChunks": 2, "error": "throttlingException", "count": 1},
        {"operation": "ConverseStream", "afterChunks": 1, "disconnect": true, "count": 1}
    ]}))
    .await;
    let (status, _) =
        t.emulator_route("POST", "/_emulator/quotas", &json!({"quotas": [{"modelId": "amazon.nova-*", "requestsPerMinute": 2}]}).to_string()).await;
    assert_eq!(status, 200);
    let script = r#"
import urllib.request
def clock():
    return json.loads(urllib.request.urlopen(no_retry.meta.endpoint_url + "/_emulator/clock").read())["nowMs"]
out = {}
out["tenant_a"] = error_of(lambda: converse(no_retry, "hi", requestMetadata={"tenant_id": "tenant-a"}))
out["tenant_b"] = error_of(lambda: converse(no_retry, "hi", requestMetadata={"tenant_id": "tenant-b"}))
before = clock()
converse(no_retry, "hi", requestMetadata={"tenant_id": "slow"})
out["latency"] = clock() - before

def read(stream):
    events = 0
    try:
        for _ in stream["stream"]:
            events += 1
        return {"events": events, "error": None}
    except EventStreamError as e:
        return {"events": events, "error": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}
    except Exception as e:
        return {"events": events, "error": "dropped", "type": type(e).__name__}
stream = lambda: no_retry.converse_stream(modelId=HAIKU, messages=[{"role": "user", "content": [{"text": "stream"}]}])
out["exception"] = read(stream())
out["dropped"] = read(stream())
out["complete"] = read(stream())

nova = lambda: no_retry.converse(modelId="amazon.nova-micro-v1:0", messages=[{"role": "user", "content": [{"text": "q"}]}])
nova(); nova()
out["quota"] = error_of(nova)
print(json.dumps(out))
"#;
    let Some(out) = boto3(&t, script).await else { return };
    assert_eq!(out["tenant_a"], serde_json::Value::Null);
    assert_eq!(out["tenant_b"]["code"], "ThrottlingException");
    assert_eq!(out["latency"], 750, "the rule's latency, spent on the emulator's clock");
    assert_eq!(out["exception"]["events"], 2);
    assert_eq!(out["exception"]["error"], "throttlingException", "boto3 names the frame's :exception-type");
    assert_eq!(out["exception"]["message"], "Too many tokens, please wait before trying again.");
    // boto3 reads the body in blocks: the frame sent before the drop may be lost with it.
    assert!(out["dropped"]["events"].as_u64().unwrap() <= 1, "{}", out["dropped"]);
    assert_eq!(out["dropped"]["error"], "dropped", "{}", out["dropped"]);
    assert_eq!(out["complete"]["error"], serde_json::Value::Null);
    assert_eq!(out["quota"]["code"], "ThrottlingException");
    assert_eq!(out["quota"]["message"], "Too many requests, please wait before trying again.");
    // Records: tenant-a, the slow call, the complete stream and two Nova calls.
    assert_eq!(t.records(bedrock_emulator::DEFAULT_LOG_GROUP).len(), 5);
    // The minute slides: the Nova quota admits again.
    t.clock.advance(60_000);
    let rt = t.runtime("us-east-1");
    let msg = aws_sdk_bedrockruntime::types::Message::builder()
        .role(aws_sdk_bedrockruntime::types::ConversationRole::User)
        .content(aws_sdk_bedrockruntime::types::ContentBlock::Text("again".into()))
        .build()
        .unwrap();
    rt.converse().model_id("amazon.nova-micro-v1:0").messages(msg).send().await.unwrap();
}
