//! boto3 against fault rules and quotas: the first N matching calls throttled then a success; a
//! standard-retry client recovering with `RetryAttempts` equal to the injected count; selection
//! by request metadata; latency added and removed; a mid-stream exception and a dropped
//! connection seen by boto3's event-stream reader; a quota throttling the third call of a minute
//! and recovering when the minute slides; no record for any faulted call; and, under a delivery
//! delay, records that boto3's CloudWatch Logs client sees only once due.

use serde_json::json;

use bedrock_emulator::s3::DeliveryDelay;

use crate::support::{PyTool, TestEmulator, py_tool, run_py_tool};

/// Runs the prelude and `script` with boto3 against `t`; returns its stdout's JSON (`None`: no
/// boto3 here, the test is skipped).
async fn boto3(t: &TestEmulator, script: &str) -> Option<serde_json::Value> {
    let python = py_tool(PyTool::Python)?;
    let url = t.url();
    let script = format!("{PRELUDE}{script}");
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &["-c", &script])).await.unwrap();
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
    let (status, _) = t
        .emulator_route(
            "POST",
            "/_emulator/quotas",
            &json!({"quotas": [{"modelId": "amazon.nova-*", "requestsPerMinute": 2}]}).to_string(),
        )
        .await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_latency_removed_at_run_time_quota_recovery_and_records_seen_only_once_due() {
    let t = TestEmulator::start_with(|c| c.delivery_delay = Some(DeliveryDelay::parse("2m").unwrap())).await;
    t.set_faults(json!({"rules": [{"operation": "Converse", "latencyMs": 400}]})).await;
    let script = r#"
import urllib.request
base = no_retry.meta.endpoint_url
def route(method, path, doc=None):
    data = None if doc is None else json.dumps(doc).encode()
    return json.loads(urllib.request.urlopen(urllib.request.Request(base + path, method=method, data=data)).read() or b"null")
def clock():
    return route("GET", "/_emulator/clock")["nowMs"]
logs = boto3.client("logs")
def records():
    try:
        events = logs.filter_log_events(logGroupName="/aws/bedrock/modelinvocations")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [json.loads(e["message"])["requestId"] for e in events if e["message"].startswith("{")]
out = {"ids": []}
before = clock()
out["ids"].append(converse(no_retry, "slow")["ResponseMetadata"]["RequestId"])
out["with_latency"] = clock() - before
out["listed"] = route("GET", "/_emulator/faults")["rules"][0]["fired"]
route("DELETE", "/_emulator/faults")
before = clock()
out["ids"].append(converse(no_retry, "fast")["ResponseMetadata"]["RequestId"])
out["without_latency"] = clock() - before
out["rules_left"] = len(route("GET", "/_emulator/faults")["rules"])

route("POST", "/_emulator/quotas", {"quotas": [{"modelId": "amazon.nova-micro-v1:0", "requestsPerMinute": 1}]})
nova = lambda: no_retry.converse(modelId="amazon.nova-micro-v1:0", messages=[{"role": "user", "content": [{"text": "q"}]}])
out["ids"].append(nova()["ResponseMetadata"]["RequestId"])
out["quota"] = error_of(nova)

out["records_before"] = records()
route("POST", "/_emulator/clock", {"advance": "PT1M"})
out["ids"].append(nova()["ResponseMetadata"]["RequestId"])
out["records_after_1m"] = records()
route("POST", "/_emulator/clock", {"advance": "PT1M"})
out["records_after_2m"] = records()
route("POST", "/_emulator/clock", {"advance": "PT1M"})
out["records_after_3m"] = records()
print(json.dumps(out))
"#;
    let Some(out) = boto3(&t, script).await else { return };
    assert_eq!(out["with_latency"], 400, "the rule's latency, spent on the emulator's clock");
    assert_eq!(out["listed"], 1, "the rule fired once");
    assert_eq!(out["without_latency"], 0, "the rule removed at run time: answered at once");
    assert_eq!(out["rules_left"], 0);
    assert_eq!(out["quota"]["code"], "ThrottlingException");
    assert_eq!(out["quota"]["message"], "Too many requests, please wait before trying again.");
    let ids: Vec<&str> = out["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4, "three calls, then the Nova call the slid minute admitted");
    let seen = |key: &str| -> Vec<String> {
        let mut v: Vec<String> = out[key].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        v.sort();
        v
    };
    let sorted = |ids: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    };
    assert!(seen("records_before").is_empty(), "every record held for two minutes: {}", out["records_before"]);
    assert!(seen("records_after_1m").is_empty(), "one minute in: still held");
    assert_eq!(seen("records_after_2m"), sorted(&ids[..3]), "the first three are due two minutes after their calls");
    assert_eq!(seen("records_after_3m"), sorted(&ids), "the last one a minute later; the throttled call never");
}
