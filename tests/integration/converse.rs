//! Converse through aws-sdk-bedrockruntime: the response, and the record's every field.

use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, InferenceConfiguration, Message, SystemContentBlock};
use serde_json::json;

use crate::support::{HAIKU, PRINCIPAL_ARN, TestEmulator};

fn user(text: &str) -> Message {
    Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.to_owned())).build().unwrap()
}

#[tokio::test]
async fn converse_answers_and_writes_the_record_field_for_field() {
    let t = TestEmulator::start().await;
    let client = t.runtime("eu-west-1");
    let out = client
        .converse()
        .model_id(HAIKU)
        .messages(user("Generate a SQL query to find all users created in the last 30 days"))
        .system(SystemContentBlock::Text("You are a SQL expert.".into()))
        .inference_config(InferenceConfiguration::builder().max_tokens(512).temperature(0.5).build())
        .request_metadata("application_name", "DeveloperToolsApp")
        .request_metadata("tenant_id", "tenant-042")
        .request_metadata("cost_center", "ENG-789")
        .send()
        .await
        .unwrap();

    let usage = out.usage().unwrap();
    assert!(usage.input_tokens() > 0 && usage.output_tokens() > 0);
    assert_eq!(usage.total_tokens(), usage.input_tokens() + usage.output_tokens());
    let text = match out.output().unwrap().as_message().unwrap().content()[0].as_text() {
        Ok(text) => text.clone(),
        Err(other) => panic!("not text: {other:?}"),
    };
    assert!(!text.is_empty());
    let request_id = out.request_id().unwrap().to_owned();

    let records = t.records("/aws/bedrock/modelinvocations");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["schemaType"], "ModelInvocationLog");
    assert_eq!(r["schemaVersion"], "1.0");
    assert_eq!(r["timestamp"], "2025-12-03T10:54:44Z");
    assert_eq!(r["accountId"], "123456789012");
    assert_eq!(r["identity"], json!({ "arn": PRINCIPAL_ARN }));
    assert_eq!(r["region"], "eu-west-1");
    assert_eq!(r["requestId"], request_id.as_str());
    assert_eq!(r["operation"], "Converse");
    assert_eq!(r["modelId"], HAIKU);
    assert_eq!(
        r["requestMetadata"],
        json!({ "application_name": "DeveloperToolsApp", "tenant_id": "tenant-042", "cost_center": "ENG-789" })
    );
    let input = &r["input"];
    assert_eq!(input["inputContentType"], "application/json");
    assert_eq!(
        input["inputBodyJson"]["messages"],
        json!([{ "role": "user", "content": [{ "text": "Generate a SQL query to find all users created in the last 30 days" }] }])
    );
    assert_eq!(input["inputBodyJson"]["system"], json!([{ "text": "You are a SQL expert." }]));
    assert_eq!(input["inputBodyJson"]["inferenceConfig"]["maxTokens"], 512);
    assert!(input["inputBodyJson"].get("requestMetadata").is_none(), "metadata is logged beside the body, not in it");
    assert_eq!(input["inputTokenCount"], usage.input_tokens());
    let output = &r["output"];
    assert_eq!(output["outputContentType"], "application/json");
    assert_eq!(output["outputTokenCount"], usage.output_tokens());
    assert_eq!(output["outputBodyJson"]["output"]["message"]["content"][0]["text"], text.as_str());
    // The December 2025 layout: stopReason, metrics and usage nested in `output` beside `message`.
    assert_eq!(output["outputBodyJson"]["output"]["stopReason"], "end_turn");
    assert_eq!(output["outputBodyJson"]["output"]["usage"]["totalTokens"], usage.total_tokens());
    assert_eq!(output["outputBodyJson"]["output"]["usage"]["inputTokens"], usage.input_tokens());

    // The event's timestamp is the record's (second precision); ingestion time is the clock's.
    let segments = t.emulator.log_store().segments("/aws/bedrock/modelinvocations", None, i64::MIN, i64::MAX).unwrap();
    let data = segments[0].read().unwrap();
    let event = data.events().next().unwrap();
    assert_eq!(event.timestamp, 1_764_759_284_000);
    assert_eq!(event.ingestion_time, crate::support::T0_MS);
}

#[tokio::test]
async fn same_request_same_answer_and_no_metadata_means_no_metadata_field() {
    let t = TestEmulator::start().await;
    let client = t.runtime("us-east-1");
    let ask = || client.converse().model_id(HAIKU).messages(user("What is Amazon Bedrock?")).send();
    let (a, b) = (ask().await.unwrap(), ask().await.unwrap());
    assert_eq!(format!("{:?}", a.output()), format!("{:?}", b.output()));
    assert_eq!(a.usage(), b.usage());
    let records = t.records("/aws/bedrock/modelinvocations");
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.get("requestMetadata").is_none()));
    assert_ne!(records[0]["requestId"], records[1]["requestId"]);
}

#[tokio::test]
async fn max_tokens_is_honoured() {
    let t = TestEmulator::start().await;
    let out = t
        .runtime("us-east-1")
        .converse()
        .model_id(HAIKU)
        .messages(user("Write a long essay."))
        .inference_config(InferenceConfiguration::builder().max_tokens(2).build())
        .send()
        .await
        .unwrap();
    assert_eq!(out.stop_reason().as_str(), "max_tokens");
    assert_eq!(out.usage().unwrap().output_tokens(), 2);
}

#[tokio::test]
async fn inference_profiles_work_and_bare_profile_only_ids_are_rejected() {
    let t = TestEmulator::start().await;
    let client = t.runtime("us-east-1");
    let profile = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    client.converse().model_id(profile).messages(user("hi")).send().await.unwrap();
    let err = client
        .converse()
        .model_id("anthropic.claude-sonnet-4-5-20250929-v1:0")
        .messages(user("hi"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(err.to_string().contains("with on-demand throughput isn\u{2019}t supported"), "{err}");
    let err = client.converse().model_id("anthropic.claude-9-v1:0").messages(user("hi")).send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_validation_exception());
    assert_eq!(err.meta().message(), Some("The provided model identifier is invalid."));
    let records = t.records("/aws/bedrock/modelinvocations");
    assert_eq!(records.len(), 1, "rejected calls write nothing");
    assert_eq!(records[0]["modelId"], profile);
}

#[tokio::test]
async fn invalid_request_metadata_is_a_validation_exception_through_the_sdk() {
    let t = TestEmulator::start().await;
    let client = t.runtime("us-east-1");
    let mut req = client.converse().model_id(HAIKU).messages(user("hi"));
    for i in 0..17 {
        req = req.request_metadata(format!("k{i}"), "v");
    }
    let err = req.send().await.unwrap_err().into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    let err = client
        .converse()
        .model_id(HAIKU)
        .messages(user("hi"))
        .request_metadata("bad key!", "v")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(t.records("/aws/bedrock/modelinvocations").is_empty());
}
