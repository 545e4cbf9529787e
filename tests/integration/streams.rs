//! ConverseStream and InvokeModelWithResponseStream consumed through aws-sdk-bedrockruntime's own
//! event receivers: the events, the usage, the record written for each completed stream, and
//! declared faults ending a stream with an exception frame (and no record).

use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ContentBlockDelta, ConversationRole, ConverseStreamOutput, Message, ResponseStream,
};
use bedrock_emulator::responder::Responder;
use serde_json::{Value, json};

use crate::support::{HAIKU, TestEmulator};

const GROUP: &str = "/aws/bedrock/modelinvocations";

fn user(text: &str) -> Message {
    Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.to_owned())).build().unwrap()
}

/// Declares a stream that fails with `exception` after `after` frames for prompts containing "fail".
fn faulty(exception: &str, after: usize) -> Responder {
    Responder::from_declared_json(&format!(
        r#"{{"responses": [{{"promptContains": "fail", "text": "one two three four five six seven eight nine ten",
            "streamError": {{"afterChunks": {after}, "exception": "{exception}"}}}}]}}"#
    ))
    .unwrap()
}

#[tokio::test]
async fn converse_stream_events_through_the_sdk_and_its_record() {
    let t = TestEmulator::start().await;
    let client = t.runtime("us-east-1");
    let mut out = client
        .converse_stream()
        .model_id(HAIKU)
        .messages(user("Explain RAG in simple terms."))
        .request_metadata("tenant_id", "tenant-007")
        .send()
        .await
        .unwrap();
    let request_id = out.request_id().unwrap().to_owned();
    let mut kinds = Vec::new();
    let mut deltas = Vec::new();
    let mut usage = None;
    let mut stop = None;
    while let Some(event) = out.stream.recv().await.unwrap() {
        match &event {
            ConverseStreamOutput::MessageStart(e) => assert_eq!(e.role(), &ConversationRole::Assistant),
            ConverseStreamOutput::ContentBlockDelta(e) => match e.delta() {
                Some(ContentBlockDelta::Text(text)) => deltas.push(text.clone()),
                other => panic!("not a text delta: {other:?}"),
            },
            ConverseStreamOutput::MessageStop(e) => stop = Some(e.stop_reason().as_str().to_owned()),
            ConverseStreamOutput::Metadata(e) => {
                let u = e.usage().unwrap();
                usage = Some((u.input_tokens(), u.output_tokens(), u.total_tokens()));
                assert!(e.metrics().unwrap().latency_ms() > 0);
            }
            _ => {}
        }
        kinds.push(format!("{event:?}").split('(').next().unwrap().to_owned());
    }
    assert!(deltas.len() >= 2, "the text comes in several deltas: {deltas:?}");
    assert_eq!(kinds.first().map(String::as_str), Some("MessageStart"));
    assert_eq!(kinds.last().map(String::as_str), Some("Metadata"), "metadata is last: {kinds:?}");
    assert_eq!(kinds[kinds.len() - 2..kinds.len() - 1], ["MessageStop".to_owned()]);
    let (input, output, total) = usage.unwrap();
    assert_eq!(input, 7, "ceil(28 chars / 4)");
    assert_eq!(total, input + output);

    let records = t.records(GROUP);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["operation"], "ConverseStream");
    assert_eq!(r["requestId"], request_id.as_str());
    assert_eq!(r["requestMetadata"], json!({"tenant_id": "tenant-007"}));
    assert_eq!(r["input"]["inputTokenCount"], input);
    assert_eq!(r["output"]["outputTokenCount"], output);
    let logged = &r["output"]["outputBodyJson"]["output"];
    assert_eq!(logged["message"]["content"][0]["text"], deltas.concat().as_str());
    assert_eq!(logged["stopReason"].as_str(), stop.as_deref());
    assert_eq!(r["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"], "Explain RAG in simple terms.");
}

#[tokio::test]
async fn converse_stream_validation_errors_are_http_errors_and_write_nothing() {
    let t = TestEmulator::start().await;
    let err = t.runtime("us-east-1").converse_stream().model_id(HAIKU).messages(user("")).send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert!(format!("{err:?}").contains("is blank"), "{err:?}");
    assert!(t.records(GROUP).is_empty());
}

#[tokio::test]
async fn a_declared_fault_ends_a_converse_stream_with_an_exception_frame_and_no_record() {
    let t = TestEmulator::start_with(|c| c.responder = faulty("throttlingException", 2)).await;
    let mut out =
        t.runtime("us-east-1").converse_stream().model_id(HAIKU).messages(user("please fail now")).send().await.unwrap();
    let mut events = 0;
    let err = loop {
        match out.stream.recv().await {
            Ok(Some(_)) => events += 1,
            Ok(None) => panic!("the stream completed"),
            Err(err) => break err,
        }
    };
    assert_eq!(events, 2);
    let err = err.into_service_error();
    assert!(err.is_throttling_exception(), "{err:?}");
    assert_eq!(err.meta().message(), Some("Too many tokens, please wait before trying again."));
    assert!(t.records(GROUP).is_empty(), "an unfinished stream has no record");

    // The same emulator completes streams that declare nothing.
    let mut ok = t.runtime("us-east-1").converse_stream().model_id(HAIKU).messages(user("hello")).send().await.unwrap();
    while ok.stream.recv().await.unwrap().is_some() {}
    assert_eq!(t.records(GROUP).len(), 1);
}

/// Sends an InvokeModelWithResponseStream and decodes every chunk.
async fn stream_chunks(t: &TestEmulator, model: &str, body: Value) -> (String, Vec<Value>) {
    let mut out = t
        .runtime("us-east-1")
        .invoke_model_with_response_stream()
        .model_id(model)
        .content_type("application/json")
        .body(Blob::new(serde_json::to_vec(&body).unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(out.content_type(), "application/json");
    let request_id = out.request_id().unwrap().to_owned();
    let mut chunks = Vec::new();
    while let Some(event) = out.body.recv().await.unwrap() {
        match event {
            ResponseStream::Chunk(part) => chunks.push(serde_json::from_slice(part.bytes().unwrap().as_ref()).unwrap()),
            other => panic!("unexpected event {other:?}"),
        }
    }
    (request_id, chunks)
}

#[tokio::test]
async fn invoke_model_with_response_stream_anthropic_chunks_and_record() {
    let t = TestEmulator::start().await;
    let body = json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 128,
        "messages": [{"role": "user", "content": "What is prompt engineering?"}]});
    let (request_id, chunks) = stream_chunks(&t, HAIKU, body.clone()).await;
    let types: Vec<&str> = chunks.iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(types[..2], ["message_start", "content_block_start"]);
    assert_eq!(types[types.len() - 3..], ["content_block_stop", "message_delta", "message_stop"]);
    let text: String =
        chunks.iter().filter(|c| c["type"] == "content_block_delta").map(|c| c["delta"]["text"].as_str().unwrap()).collect();
    assert!(types.iter().filter(|t| **t == "content_block_delta").count() >= 2);
    let input_tokens = chunks[0]["message"]["usage"]["input_tokens"].as_u64().unwrap();
    assert_eq!(input_tokens, 7, "ceil(27 chars / 4)");
    let output_tokens = chunks[types.len() - 2]["usage"]["output_tokens"].as_u64().unwrap();
    assert_eq!(output_tokens, text.chars().count().div_ceil(4) as u64);
    let metrics = &chunks.last().unwrap()["amazon-bedrock-invocationMetrics"];
    assert_eq!(metrics["inputTokenCount"], input_tokens);
    assert_eq!(metrics["outputTokenCount"], output_tokens);
    assert!(metrics["invocationLatency"].as_u64().unwrap() >= metrics["firstByteLatency"].as_u64().unwrap());

    let records = t.records(GROUP);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["operation"], "InvokeModelWithResponseStream");
    assert_eq!(r["requestId"], request_id.as_str());
    assert_eq!(r["input"]["inputBodyJson"], body);
    assert_eq!(r["output"]["outputBodyJson"], Value::Array(chunks));
    assert_eq!(r["input"]["inputTokenCount"], input_tokens);
    assert_eq!(r["output"]["outputTokenCount"], output_tokens);
}

#[tokio::test]
async fn invoke_model_with_response_stream_in_every_family_ends_with_invocation_metrics() {
    let t = TestEmulator::start().await;
    let cases = [
        ("amazon.titan-text-express-v1", json!({"inputText": "What is Amazon Bedrock?"}), "outputText"),
        (
            "amazon.nova-micro-v1:0",
            json!({"messages": [{"role": "user", "content": [{"text": "What is Amazon Bedrock?"}]}]}),
            "contentBlockDelta",
        ),
        ("meta.llama3-8b-instruct-v1:0", json!({"prompt": "What is Amazon Bedrock?"}), "generation"),
        ("mistral.mistral-7b-instruct-v0:2", json!({"prompt": "<s>[INST] What is Amazon Bedrock? [/INST]"}), "outputs"),
    ];
    for (i, (model, body, key)) in cases.into_iter().enumerate() {
        let (_, chunks) = stream_chunks(&t, model, body).await;
        assert!(chunks.iter().filter(|c| c.get(key).is_some()).count() >= 2, "{model}: {chunks:?}");
        let metrics = &chunks.last().unwrap()["amazon-bedrock-invocationMetrics"];
        let records = t.records(GROUP);
        assert_eq!(records.len(), i + 1, "{model}");
        let r = &records[i];
        assert_eq!(r["operation"], "InvokeModelWithResponseStream");
        assert_eq!(r["modelId"], model);
        assert_eq!(metrics["inputTokenCount"], r["input"]["inputTokenCount"], "{model}");
        assert_eq!(metrics["outputTokenCount"], r["output"]["outputTokenCount"], "{model}");
        assert!(metrics["inputTokenCount"].as_u64().unwrap() > 0, "{model}");
    }
}

#[tokio::test]
async fn a_declared_fault_ends_an_invoke_stream_with_model_stream_error_and_no_record() {
    let t = TestEmulator::start_with(|c| c.responder = faulty("modelStreamErrorException", 3)).await;
    let body = json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64,
        "messages": [{"role": "user", "content": "please fail"}]});
    let mut out = t
        .runtime("us-east-1")
        .invoke_model_with_response_stream()
        .model_id(HAIKU)
        .body(Blob::new(serde_json::to_vec(&body).unwrap()))
        .send()
        .await
        .unwrap();
    let mut chunks = 0;
    let err = loop {
        match out.body.recv().await {
            Ok(Some(_)) => chunks += 1,
            Ok(None) => panic!("the stream completed"),
            Err(err) => break err,
        }
    };
    assert_eq!(chunks, 3);
    assert!(err.into_service_error().is_model_stream_error_exception());
    assert!(t.records(GROUP).is_empty());
}
