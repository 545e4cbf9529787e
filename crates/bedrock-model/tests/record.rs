//! The `ModelInvocationLog` record, the Converse response JSON, the logging GET shape and the
//! InvokeModel metadata header, checked against real examples.

use std::path::PathBuf;

use bedrock_model::converse::{ConverseResponse, StopReason, TokenUsage, parse_converse_request};
use bedrock_model::logging::{GetModelInvocationLoggingConfigurationResponse, LoggingConfig, parse_put_logging_request};
use bedrock_model::metadata::parse_request_metadata_header;
use bedrock_model::record::{InvocationContext, ModelInvocationLog, Operation, OutputBodyLayout, logged_output_body};
use bedrock_model::{ErrorCode, ServiceError};
use serde_json::{Value, json};
use time::OffsetDateTime;

fn real_example() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/records/converse-masked-example.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["event"].clone()
}

fn text_on() -> LoggingConfig {
    parse_put_logging_request(
        br#"{"loggingConfig":{"cloudWatchConfig":{"logGroupName":"g","roleArn":"arn:aws:iam::123456789012:role/r"},"textDataDeliveryEnabled":true}}"#,
    )
    .unwrap()
}

/// Rebuilds the real record from its own request body and response and compares it, key
/// order included, with what Bedrock wrote.
#[test]
fn converse_record_matches_the_real_one_field_for_field() {
    let event = real_example();
    let real = &event["message"];
    let mut body = real["input"]["inputBodyJson"].clone();
    body["requestMetadata"] = real["requestMetadata"].clone();
    let request = parse_converse_request(&serde_json::to_vec(&body).unwrap()).unwrap();
    // Dec 2025 records nest stopReason/metrics/usage inside `output`.
    let out = &real["output"]["outputBodyJson"]["output"];
    let text = out["message"]["content"][0]["text"].as_str().unwrap();
    let usage = TokenUsage::new(
        out["usage"]["inputTokens"].as_i64().unwrap() as i32,
        out["usage"]["outputTokens"].as_i64().unwrap() as i32,
    );
    let response = ConverseResponse::text(text, StopReason::EndTurn, usage, out["metrics"]["latencyMs"].as_i64().unwrap());
    assert_eq!(logged_output_body(&response, OutputBodyLayout::Nested), real["output"]["outputBodyJson"]);
    assert_eq!(
        response.to_json().to_string(),
        format!(
            r#"{{"output":{{"message":{}}},"stopReason":"end_turn","metrics":{},"usage":{}}}"#,
            out["message"], out["metrics"], out["usage"]
        )
    );

    let ctx = InvocationContext {
        timestamp: OffsetDateTime::from_unix_timestamp(event["timestamp"].as_i64().unwrap() / 1000).unwrap(),
        account_id: real["accountId"].as_str().unwrap().to_owned(),
        identity_arn: real["identity"]["arn"].as_str().unwrap().to_owned(),
        region: real["region"].as_str().unwrap().to_owned(),
        request_id: real["requestId"].as_str().unwrap().to_owned(),
        operation: Operation::Converse,
        model_id: real["modelId"].as_str().unwrap().to_owned(),
    };
    let record = ModelInvocationLog::for_converse(&ctx, &request, &response, &text_on());
    // The real inputBodyJson has no requestMetadata although the caller sent it: Bedrock
    // logs it only at the top level.
    assert_eq!(record.to_json_string(), serde_json::to_string(real).unwrap());
    assert_eq!(record.event_timestamp_ms(), event["timestamp"].as_i64().unwrap());
}

fn sample(config: &LoggingConfig, body: Value) -> Value {
    let request = parse_converse_request(&serde_json::to_vec(&body).unwrap()).unwrap();
    let response = ConverseResponse::text("Hi", StopReason::EndTurn, TokenUsage::new(3, 1), 12);
    let ctx = InvocationContext {
        timestamp: OffsetDateTime::from_unix_timestamp(1_755_262_294).unwrap(),
        account_id: "123456789012".into(),
        identity_arn: "arn:aws:iam::123456789012:user/dev".into(),
        region: "us-east-1".into(),
        request_id: "00000000-0000-4000-8000-000000000000".into(),
        operation: Operation::Converse,
        model_id: "anthropic.claude-3-haiku-20240307-v1:0".into(),
    };
    ModelInvocationLog::for_converse(&ctx, &request, &response, config).to_json()
}

#[test]
fn text_delivery_off_drops_bodies_and_no_metadata_means_no_key() {
    let off = LoggingConfig { text_data_delivery_enabled: Some(false), ..text_on() };
    let rec = sample(&off, json!({"messages":[{"role":"user","content":[{"text":"hello"}]}]}));
    assert_eq!(
        rec.to_string(),
        r#"{"timestamp":"2025-08-15T12:51:34Z","accountId":"123456789012","identity":{"arn":"arn:aws:iam::123456789012:user/dev"},"region":"us-east-1","requestId":"00000000-0000-4000-8000-000000000000","operation":"Converse","modelId":"anthropic.claude-3-haiku-20240307-v1:0","input":{"inputContentType":"application/json","inputTokenCount":3},"output":{"outputContentType":"application/json","outputTokenCount":1},"schemaType":"ModelInvocationLog","schemaVersion":"1.0"}"#
    );
    let rec = sample(
        &text_on(),
        json!({"messages":[{"role":"user","content":[{"text":"hello"}]}],"requestMetadata":{"b":"2","a":"1"}}),
    );
    assert_eq!(rec["requestMetadata"].to_string(), r#"{"b":"2","a":"1"}"#);
    assert_eq!(rec["input"]["inputBodyJson"].to_string(), r#"{"messages":[{"role":"user","content":[{"text":"hello"}]}]}"#);
}

#[test]
fn cache_counts_appear_only_when_reported() {
    let request = parse_converse_request(br#"{"messages":[{"role":"user","content":[{"text":"x"}]}]}"#).unwrap();
    let mut usage = TokenUsage::new(3, 52);
    usage.cache_read_input_tokens = Some(0);
    usage.cache_write_input_tokens = Some(24479);
    usage.total_tokens = 3 + 24479 + 52;
    let response = ConverseResponse::text("x", StopReason::EndTurn, usage, 1);
    assert_eq!(
        serde_json::to_string(&response.usage).unwrap(),
        r#"{"inputTokens":3,"outputTokens":52,"totalTokens":24534,"cacheReadInputTokens":0,"cacheWriteInputTokens":24479}"#
    );
    let ctx = InvocationContext {
        timestamp: OffsetDateTime::UNIX_EPOCH,
        account_id: "1".into(),
        identity_arn: "a".into(),
        region: "r".into(),
        request_id: "q".into(),
        operation: Operation::ConverseStream,
        model_id: "m".into(),
    };
    let rec = ModelInvocationLog::for_converse(&ctx, &request, &response, &text_on()).to_json();
    assert_eq!(rec["input"]["cacheWriteInputTokenCount"], 24479);
    assert_eq!(rec["operation"], "ConverseStream");
    assert_eq!(rec["timestamp"], "1970-01-01T00:00:00Z");
}

#[test]
fn logging_get_shape() {
    assert_eq!(GetModelInvocationLoggingConfigurationResponse::new(None).to_json_string(), "{}");
    let cfg = parse_put_logging_request(
        br#"{"loggingConfig":{"s3Config":{"bucketName":"abc","keyPrefix":null},"textDataDeliveryEnabled":true,"unknown":1}}"#,
    )
    .unwrap();
    assert!(cfg.text_delivery());
    assert_eq!(
        GetModelInvocationLoggingConfigurationResponse::new(Some(cfg)).to_json_string(),
        r#"{"loggingConfig":{"s3Config":{"bucketName":"abc"},"textDataDeliveryEnabled":true}}"#
    );
    assert!(!LoggingConfig::default().text_delivery());
}

#[test]
fn metadata_header() {
    let md = parse_request_metadata_header(r#"{"team": "orchestrator", "environment": "preview-test"}"#).unwrap();
    assert_eq!(md.get("team"), Some("orchestrator"));
    assert_eq!(md.entries()[1].0, "environment");
    let too_long = format!(r#"{{"k":"{}"}}"#, "v".repeat(8500));
    assert_eq!(
        parse_request_metadata_header(&too_long).unwrap_err().message,
        "1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: Member must have length less than or equal to 8500"
    );
    let e = parse_request_metadata_header(r#"{"bad key!":"v"}"#).unwrap_err();
    assert!(
        e.message.starts_with("1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: Map keys")
    );
    for bad in ["not json", "[]", r#"{"k":1}"#] {
        assert_eq!(parse_request_metadata_header(bad).unwrap_err().code, ErrorCode::ValidationException);
    }
    assert!(parse_request_metadata_header("{}").is_err());
}

#[test]
fn error_codes() {
    assert_eq!(ErrorCode::ServiceQuotaExceededException.http_status(), 400);
    assert_eq!(ErrorCode::ModelErrorException.http_status(), 424);
    assert!(ErrorCode::ServiceUnavailableException.is_fault());
    assert!(!ErrorCode::ThrottlingException.is_fault());
    assert_eq!(
        ErrorCode::ValidationException.error_type_header(),
        "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"
    );
    assert_eq!(
        ErrorCode::from_name("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
        Some(ErrorCode::ValidationException)
    );
    assert_eq!(ErrorCode::ThrottlingException.event_stream_name(), "throttlingException");
    assert_eq!(ServiceError::validation("m").body_json(), r#"{"message":"m"}"#);
}

#[test]
fn request_accessors() {
    let req = parse_converse_request(
        br#"{"system":[{"text":"Be brief."}],"messages":[{"role":"user","content":[{"text":"one"}]},{"role":"assistant","content":[{"toolUse":{"toolUseId":"t1","name":"f","input":{}}}]},{"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"42"}]}},{"text":"two"}]}],"toolConfig":{"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":{}}}}]},"inferenceConfig":{"maxTokens":5,"stopSequences":["END"]}}"#,
    )
    .unwrap();
    assert_eq!(req.input_texts().collect::<Vec<_>>(), ["Be brief.", "one", "42", "two"]);
    assert_eq!(req.last_user_text(), Some("two"));
    assert_eq!(req.max_tokens(), Some(5));
    assert_eq!(req.stop_sequences(), ["END"]);
    assert!(req.request_metadata().is_none());
}
