//! Fault rules and quotas through aws-sdk-rust: the first N matching calls throttled then a
//! success, a standard-retry client recovering, selection by request metadata and model,
//! latency added and removed at run time, mid-stream exceptions and dropped connections seen by
//! the SDK's stream readers, errors of other protocols (IAM, S3) rendered as those services'
//! own, quotas throttling the (N+1)th call of a minute and recovering when the minute slides,
//! the metrics each failure counts in, and no record for any faulted call.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, ConverseStreamOutput, Message};
use serde_json::json;

use crate::support::{ACCESS_KEY, HAIKU, SECRET_KEY, TestEmulator, bedrock_metric_sum};

fn user(text: &str) -> Message {
    Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.to_owned())).build().unwrap()
}

/// A runtime client with `retry` (disabled: every error is seen; standard: the SDK retries).
fn runtime(t: &TestEmulator, retry: RetryConfig) -> aws_sdk_bedrockruntime::Client {
    let sdk = test_support::sdk_config(&t.url(), "us-east-1", ACCESS_KEY, SECRET_KEY);
    aws_sdk_bedrockruntime::Client::from_conf(aws_sdk_bedrockruntime::config::Builder::from(&sdk).retry_config(retry).build())
}

/// The standard retry mode with a millisecond backoff (three attempts, as the SDK's default).
fn quick_standard_retry() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5))
}

fn records(t: &TestEmulator) -> Vec<serde_json::Value> {
    t.records(bedrock_emulator::DEFAULT_LOG_GROUP)
}

#[tokio::test]
async fn the_first_n_matching_calls_are_throttled_then_one_succeeds_and_only_it_has_a_record() {
    let t = TestEmulator::start().await;
    t.set_faults(json!({"rules": [{"operation": "Converse", "modelId": "anthropic.claude-3-*", "count": 2, "error": "ThrottlingException"}]}))
        .await;
    let rt = runtime(&t, RetryConfig::disabled());
    for _ in 0..2 {
        let err = rt.converse().model_id(HAIKU).messages(user("hi")).send().await.unwrap_err();
        let service = err.as_service_error().expect("a modelled error");
        assert!(service.is_throttling_exception(), "{service:?}");
        assert_eq!(service.message(), Some("Too many requests, please wait before trying again."));
        assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(429));
    }
    let ok = rt.converse().model_id(HAIKU).messages(user("hi")).send().await.unwrap();
    let records = records(&t);
    assert_eq!(records.len(), 1, "throttled calls write no record");
    assert_eq!(records[0]["requestId"].as_str(), aws_sdk_bedrockruntime::operation::RequestId::request_id(&ok));
    // A model the glob does not select is never throttled.
    rt.converse().model_id("amazon.nova-micro-v1:0").messages(user("hi")).send().await.unwrap();

    let (status, listing) = t.emulator_route("GET", "/_emulator/faults", "").await;
    assert_eq!(status, 200);
    assert_eq!(listing["rules"][0]["fired"], 2);
    assert_eq!(listing["rules"][0]["remaining"], 0);
    let injected = listing["injected"].as_array().unwrap();
    assert_eq!(injected.len(), 2);
    assert_eq!(injected[0]["error"], "ThrottlingException");
    assert_eq!(injected[0]["modelId"], HAIKU);
    // Throttles count in InvocationThrottles only; the success is the one invocation.
    assert_eq!(bedrock_metric_sum(&t, "InvocationThrottles", HAIKU).await, Some(2.0));
    assert_eq!(bedrock_metric_sum(&t, "Invocations", HAIKU).await, Some(1.0));
    assert_eq!(bedrock_metric_sum(&t, "InvocationClientErrors", HAIKU).await, None);
}

#[tokio::test]
async fn a_standard_retry_client_recovers_from_injected_throttles() {
    let t = TestEmulator::start().await;
    t.set_faults(json!({"rules": [{"operation": "Converse", "count": 2, "error": "ThrottlingException"}]})).await;
    let out = runtime(&t, quick_standard_retry()).converse().model_id(HAIKU).messages(user("retry me")).send().await;
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(t.emulator_route("GET", "/_emulator/faults", "").await.1["rules"][0]["fired"], 2);
    assert_eq!(records(&t).len(), 1);
    // Server errors are retried as well, and count as server errors (and invocations).
    t.set_faults(json!({"rules": [{"operation": "Converse", "count": 1, "error": "ServiceUnavailableException"}]})).await;
    runtime(&t, quick_standard_retry()).converse().model_id(HAIKU).messages(user("again")).send().await.unwrap();
    assert_eq!(bedrock_metric_sum(&t, "InvocationServerErrors", HAIKU).await, Some(1.0));
    assert_eq!(bedrock_metric_sum(&t, "Invocations", HAIKU).await, Some(3.0), "two successes and the accepted-then-failed call");
}

#[tokio::test]
async fn rules_select_by_request_metadata_and_invoke_model_header() {
    let t = TestEmulator::start().await;
    t.set_faults(json!({"rules": [{"requestMetadata": {"tenant_id": "tenant-b*"}, "error": "ThrottlingException"}]})).await;
    let rt = runtime(&t, RetryConfig::disabled());
    let call = |tenant: &str| rt.converse().model_id(HAIKU).messages(user("hello")).request_metadata("tenant_id", tenant).send();
    assert!(call("tenant-a").await.is_ok());
    assert!(call("tenant-b").await.unwrap_err().as_service_error().unwrap().is_throttling_exception());
    assert!(call("tenant-b-eu").await.is_err(), "a glob value");
    assert!(rt.converse().model_id(HAIKU).messages(user("no metadata")).send().await.is_ok());
    let body =
        json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 32, "messages": [{"role": "user", "content": "hi"}]});
    let invoke = |tenant: &str| {
        rt.invoke_model()
            .model_id(HAIKU)
            .body(aws_sdk_bedrockruntime::primitives::Blob::new(body.to_string()))
            .request_metadata(json!({"tenant_id": tenant}).to_string())
            .send()
    };
    assert!(invoke("tenant-a").await.is_ok());
    assert!(invoke("tenant-b").await.unwrap_err().as_service_error().unwrap().is_throttling_exception());
    let tenants: Vec<String> =
        records(&t).iter().filter_map(|r| r["requestMetadata"]["tenant_id"].as_str().map(str::to_owned)).collect();
    assert_eq!(tenants, ["tenant-a", "tenant-a"], "only tenant-a's calls have records");
}

#[tokio::test]
async fn latency_is_added_and_removed_at_run_time() {
    let t = TestEmulator::start().await;
    let rt = runtime(&t, RetryConfig::disabled());
    let clock = || async { t.emulator_route("GET", "/_emulator/clock", "").await.1["nowMs"].as_i64().unwrap() };
    let before = clock().await;
    t.set_faults(json!({"rules": [{"operation": "Converse", "latencyMs": 1500}]})).await;
    rt.converse().model_id(HAIKU).messages(user("slow")).send().await.unwrap();
    // Tests spend waits by moving the emulator's clock: the call took exactly 1.5 s of it.
    assert_eq!(clock().await - before, 1500);
    let (status, _) = t.emulator_route("DELETE", "/_emulator/faults", "").await;
    assert_eq!(status, 200);
    let before = clock().await;
    rt.converse().model_id(HAIKU).messages(user("fast")).send().await.unwrap();
    assert_eq!(clock().await, before, "no latency once the rule is removed");
    assert_eq!(records(&t).len(), 2, "latency alone fails nothing");
}

#[tokio::test]
async fn a_mid_stream_exception_and_a_dropped_connection_reach_the_sdk_stream_readers() {
    let t = TestEmulator::start().await;
    t.set_faults(json!({"rules": [
        {"operation": "ConverseStream", "afterChunks": 2, "error": "throttlingException", "count": 1},
        {"operation": "ConverseStream", "afterChunks": 1, "disconnect": true, "count": 1},
        {"operation": "InvokeModelWithResponseStream", "afterChunks": 1, "error": "ModelStreamErrorException", "count": 1}
    ]}))
    .await;
    let rt = runtime(&t, RetryConfig::disabled());
    let mut out = rt.converse_stream().model_id(HAIKU).messages(user("stream")).send().await.unwrap();
    let mut events = 0;
    let err = loop {
        match out.stream.recv().await {
            Ok(Some(_)) => events += 1,
            Ok(None) => panic!("the stream ended without the exception"),
            Err(err) => break err,
        }
    };
    assert_eq!(events, 2);
    let service = err.as_service_error().expect("a modelled stream exception");
    assert!(service.is_throttling_exception(), "{service:?}");
    assert_eq!(service.message(), Some("Too many tokens, please wait before trying again."));

    let mut out = rt.converse_stream().model_id(HAIKU).messages(user("stream")).send().await.unwrap();
    let mut events = 0;
    let dropped = loop {
        match out.stream.recv().await {
            Ok(Some(ConverseStreamOutput::Metadata(_))) => panic!("the final frame was sent"),
            Ok(Some(_)) => events += 1,
            Ok(None) => break None,
            Err(err) => break Some(err),
        }
    };
    assert_eq!(events, 1);
    let dropped = dropped.expect("a dropped connection is an error, not a clean end");
    assert!(dropped.as_service_error().is_none(), "not a modelled exception: {dropped:?}");

    let body =
        json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]});
    let mut out = rt
        .invoke_model_with_response_stream()
        .model_id(HAIKU)
        .body(aws_sdk_bedrockruntime::primitives::Blob::new(body.to_string()))
        .send()
        .await
        .unwrap();
    let err = loop {
        match out.body.recv().await {
            Ok(Some(_)) => {}
            Ok(None) => panic!("the stream ended without the exception"),
            Err(err) => break err,
        }
    };
    assert!(err.as_service_error().unwrap().is_model_stream_error_exception());

    assert!(records(&t).is_empty(), "no record for a stream that ended early");
    assert_eq!(bedrock_metric_sum(&t, "InvocationThrottles", HAIKU).await, Some(1.0));
    // The dropped connection and the model's stream error: accepted, then failed on Bedrock's side.
    assert_eq!(bedrock_metric_sum(&t, "InvocationServerErrors", HAIKU).await, Some(2.0));
    assert_eq!(bedrock_metric_sum(&t, "InvocationClientErrors", HAIKU).await, None);
    // The rules are spent: the next stream completes and has its record.
    let mut ok = rt.converse_stream().model_id(HAIKU).messages(user("stream")).send().await.unwrap();
    while ok.stream.recv().await.unwrap().is_some() {}
    assert_eq!(records(&t).len(), 1);
}

#[tokio::test]
async fn errors_of_other_services_render_as_their_own() {
    let t = TestEmulator::start().await;
    t.set_faults(json!({"rules": [
        {"service": "iam", "operation": "GetRole", "error": "NoSuchEntity", "message": "injected"},
        {"service": "s3", "operation": "ListBuckets", "error": "SlowDown", "count": 1},
        {"service": "logs", "operation": "DescribeLogGroups", "error": "ThrottlingException", "count": 1},
        {"service": "cloudwatch", "operation": "ListMetrics", "error": "InvalidParameterValue", "count": 1}
    ]}))
    .await;
    let c = t.clients("us-east-1");
    let err = c.iam.get_role().role_name("r").send().await.unwrap_err();
    let service = err.as_service_error().unwrap();
    assert!(service.is_no_such_entity_exception(), "{service:?}");
    assert_eq!(aws_sdk_iam::error::ProvideErrorMetadata::message(service), Some("injected"));
    // The SDKs' default retries absorb one SlowDown / Throttling.
    c.s3.list_buckets().send().await.unwrap();
    c.logs.describe_log_groups().send().await.unwrap();
    let err = c.cloudwatch.list_metrics().send().await.unwrap_err();
    assert!(err.as_service_error().unwrap().is_invalid_parameter_value_exception(), "{err:?}");
    let listing = t.emulator_route("GET", "/_emulator/faults", "").await.1;
    let fired: Vec<u64> = listing["rules"].as_array().unwrap().iter().map(|r| r["fired"].as_u64().unwrap()).collect();
    assert_eq!(fired, [1, 1, 1, 1]);
}

#[tokio::test]
async fn refused_documents_name_the_problem_and_change_nothing() {
    let t = TestEmulator::start().await;
    t.set_faults(json!({"rules": [{"latencyMs": 5}]})).await;
    for (doc, want) in [
        (json!({"rules": [{"error": "NoSuchError"}]}), "rules[0].error"),
        (json!({"rules": [{"error": "ThrottlingException", "count": "two"}]}), "rules[0].count"),
        (json!({"rules": [{"operation": "Converse", "afterChunks": 1, "error": "ThrottlingException"}]}), "never match"),
    ] {
        let (status, body) = t.emulator_route("POST", "/_emulator/faults", &doc.to_string()).await;
        assert_eq!(status, 400, "{doc}");
        assert!(body["message"].as_str().unwrap().contains(want), "{body}");
    }
    let (status, body) = t.emulator_route("PATCH", "/_emulator/faults", "not json").await;
    assert_eq!((status, body["message"].as_str().map(|m| m.starts_with("the body is not JSON"))), (400, Some(true)));
    let listing = t.emulator_route("GET", "/_emulator/faults", "").await.1;
    assert_eq!(listing["rules"].as_array().unwrap().len(), 1, "the rule set is unchanged");
    let (status, _) = t.emulator_route("PUT", "/_emulator/faults", "").await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn quotas_throttle_the_call_past_the_minute_s_limit_and_recover_when_it_slides() {
    let t = TestEmulator::start().await;
    let (status, _) = t
        .emulator_route(
            "POST",
            "/_emulator/quotas",
            &json!({"quotas": [{"modelId": "*claude-3-haiku*", "requestsPerMinute": 3}]}).to_string(),
        )
        .await;
    assert_eq!(status, 200);
    let rt = runtime(&t, RetryConfig::disabled());
    for i in 0..3 {
        t.clock.advance(10_000);
        rt.converse().model_id(HAIKU).messages(user(&format!("call {i}"))).send().await.unwrap();
    }
    let err = rt.converse().model_id(HAIKU).messages(user("one too many")).send().await.unwrap_err();
    let service = err.as_service_error().unwrap();
    assert!(service.is_throttling_exception());
    assert_eq!(service.message(), Some("Too many requests, please wait before trying again."));
    let usage = t.emulator_route("GET", "/_emulator/quotas", "").await.1;
    assert_eq!(usage["usage"][0]["requests"], 3);
    assert_eq!(usage["usage"][0]["requestsPerMinute"], 3);
    // 60 s after the first call it leaves the minute.
    t.clock.advance(40_000);
    rt.converse().model_id(HAIKU).messages(user("after the minute slid")).send().await.unwrap();
    assert_eq!(records(&t).len(), 4, "the throttled call has no record");
    assert_eq!(bedrock_metric_sum(&t, "InvocationThrottles", HAIKU).await, Some(1.0));
}

#[tokio::test]
async fn tokens_per_minute_reserve_input_plus_max_tokens_times_the_burndown() {
    let t = TestEmulator::start_with(|c| {
        c.quotas = ::faults::parse_quotas(br#"{"quotas": [{"modelId": "*", "tokensPerMinute": 1000}]}"#).unwrap();
    })
    .await;
    let rt = runtime(&t, RetryConfig::disabled());
    let call = |model: &'static str, max: i32| {
        rt.converse()
            .model_id(model)
            .messages(user("hi"))
            .inference_config(aws_sdk_bedrockruntime::types::InferenceConfiguration::builder().max_tokens(max).build())
            .send()
    };
    // Sonnet 4.5's output burns down 5x: 1 input token + 200 × 5 > 1000.
    let err = call("us.anthropic.claude-sonnet-4-5-20250929-v1:0", 200).await.unwrap_err();
    assert_eq!(err.as_service_error().unwrap().message(), Some("Too many tokens, please wait before trying again."));
    call("us.anthropic.claude-sonnet-4-5-20250929-v1:0", 150).await.unwrap();
    // Haiku burns down 1x; its reservation settles at what the answer used, freeing the rest
    // (two reservations of 801 would not fit the minute).
    call(HAIKU, 800).await.unwrap();
    call(HAIKU, 800).await.unwrap();
}
