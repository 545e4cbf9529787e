//! InvokeModel in each model family (the lab's Anthropic Messages calls first), its usage
//! headers and records, its validation, and CountTokens agreeing with what the calls report.

use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, ConverseTokensRequest, CountTokensInput, InvokeModelTokensRequest, Message,
};
use serde_json::{Value, json};

use crate::support::{ACCESS_KEY, HAIKU, RawResponse, TestEmulator, raw};

const GROUP: &str = "/aws/bedrock/modelinvocations";

/// The lab's prompts (seed 004) and its body.
const LAB_PROMPTS: [&str; 5] = [
    "What is Amazon Bedrock?",
    "Explain RAG in simple terms.",
    "List 3 benefits of serverless computing.",
    "What is prompt engineering?",
    "How does vector search work?",
];

fn lab_body(prompt: &str) -> Value {
    json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 128, "messages": [{"role": "user", "content": prompt}]})
}

async fn raw_invoke(url: &str, model_encoded: &str, body: &Value, extra: &[(&str, &str)]) -> RawResponse {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20251203/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=0"
    );
    let mut headers =
        vec![("content-type", "application/json"), ("accept", "application/json"), ("authorization", auth.as_str())];
    headers.extend_from_slice(extra);
    raw(url, "POST", &format!("/model/{model_encoded}/invoke"), &headers, serde_json::to_vec(body).unwrap()).await
}

#[tokio::test]
async fn the_labs_invoke_model_calls_through_the_sdk() {
    let t = TestEmulator::start().await;
    let client = t.runtime("us-east-1");
    // The lab names anthropic.claude-3-5-sonnet-20241022-v2:0 bare; in us-east-1 Bedrock refuses
    // that id on demand, so the same call is made through its inference profile.
    let model = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
    let mut sums = (0u64, 0u64);
    for (i, prompt) in LAB_PROMPTS.iter().enumerate() {
        let out = client
            .invoke_model()
            .model_id(model)
            .content_type("application/json")
            .accept("application/json")
            .body(Blob::new(serde_json::to_vec(&lab_body(prompt)).unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(out.content_type(), "application/json");
        let result: Value = serde_json::from_slice(out.body().as_ref()).unwrap();
        assert_eq!(result["type"], "message");
        assert_eq!(result["role"], "assistant");
        assert_eq!(result["model"], "claude-3-5-sonnet-20241022");
        let input = result["usage"]["input_tokens"].as_u64().unwrap();
        let output = result["usage"]["output_tokens"].as_u64().unwrap();
        assert_eq!(input, prompt.chars().count().div_ceil(4) as u64);
        assert_eq!(output, result["content"][0]["text"].as_str().unwrap().chars().count().div_ceil(4) as u64);
        sums = (sums.0 + input, sums.1 + output);

        let records = t.records(GROUP);
        assert_eq!(records.len(), i + 1);
        let r = &records[i];
        assert_eq!(r["operation"], "InvokeModel");
        assert_eq!(r["modelId"], model);
        assert_eq!(r["requestId"], out.request_id().unwrap());
        assert_eq!(r["input"]["inputBodyJson"], lab_body(prompt));
        assert_eq!(r["output"]["outputBodyJson"], result);
        assert_eq!(r["input"]["inputTokenCount"], input);
        assert_eq!(r["output"]["outputTokenCount"], output);
        assert!(r.get("requestMetadata").is_none());
    }
    let records = t.records(GROUP);
    let logged: (u64, u64) = records.iter().fold((0, 0), |acc, r| {
        (acc.0 + r["input"]["inputTokenCount"].as_u64().unwrap(), acc.1 + r["output"]["outputTokenCount"].as_u64().unwrap())
    });
    assert_eq!(logged, sums, "usage adds up");

    // The lab's bare id gets Bedrock's on-demand answer, and no record.
    let err = client
        .invoke_model()
        .model_id("anthropic.claude-3-5-sonnet-20241022-v2:0")
        .body(Blob::new(serde_json::to_vec(&lab_body("hi")).unwrap()))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception());
    assert!(err.meta().message().unwrap().contains("with on-demand throughput isn\u{2019}t supported"));
    assert_eq!(t.records(GROUP).len(), LAB_PROMPTS.len());
}

#[tokio::test]
async fn each_family_reports_usage_in_its_own_fields_and_the_headers() {
    let t = TestEmulator::start().await;
    // (model, body, input-token pointer, output-token pointer); Mistral's body has no usage.
    let cases: [(&str, Value, Option<&str>, Option<&str>); 5] = [
        (HAIKU, lab_body("What is Amazon Bedrock?"), Some("/usage/input_tokens"), Some("/usage/output_tokens")),
        (
            "amazon.titan-text-express-v1",
            json!({"inputText": "What is Amazon Bedrock?", "textGenerationConfig": {"maxTokenCount": 200}}),
            Some("/inputTextTokenCount"),
            Some("/results/0/tokenCount"),
        ),
        (
            "amazon.nova-lite-v1:0",
            json!({"schemaVersion": "messages-v1", "messages": [{"role": "user", "content": [{"text": "What is Amazon Bedrock?"}]}]}),
            Some("/usage/inputTokens"),
            Some("/usage/outputTokens"),
        ),
        (
            "meta.llama3-70b-instruct-v1:0",
            json!({"prompt": "What is Amazon Bedrock?", "max_gen_len": 512}),
            Some("/prompt_token_count"),
            Some("/generation_token_count"),
        ),
        ("mistral.mixtral-8x7b-instruct-v0:1", json!({"prompt": "What is Amazon Bedrock?", "max_tokens": 200}), None, None),
    ];
    for (i, (model, body, input_at, output_at)) in cases.iter().enumerate() {
        let res = raw_invoke(&t.url(), &model.replace(':', "%3A"), body, &[]).await;
        assert_eq!(res.status, 200, "{model}: {:?}", res.body);
        let json = res.json();
        let header = |n: &str| res.header(n).unwrap().parse::<u64>().unwrap();
        let (input, output) = (header("x-amzn-bedrock-input-token-count"), header("x-amzn-bedrock-output-token-count"));
        assert_eq!(input, 6, "{model}: ceil(23 chars / 4)");
        assert_eq!(header("x-amzn-bedrock-invocation-latency"), 100 + 8 * output, "{model}");
        if let Some(p) = input_at {
            assert_eq!(json.pointer(p).and_then(Value::as_u64), Some(input), "{model}: {json}");
        }
        if let Some(p) = output_at {
            assert_eq!(json.pointer(p).and_then(Value::as_u64), Some(output), "{model}: {json}");
        }
        let r = &t.records(GROUP)[i];
        assert_eq!(r["operation"], "InvokeModel");
        assert_eq!(r["input"]["inputTokenCount"], input);
        assert_eq!(r["output"]["outputTokenCount"], output);
        assert_eq!(&r["input"]["inputBodyJson"], body);
        assert_eq!(r["output"]["outputBodyJson"], json);
    }
}

#[tokio::test]
async fn invoke_model_request_metadata_header_is_logged_and_checked() {
    let t = TestEmulator::start().await;
    let out = t
        .runtime("us-east-1")
        .invoke_model()
        .model_id(HAIKU)
        .request_metadata(r#"{"application_name": "CustomerServiceApp", "tenant_id": "tenant-001"}"#)
        .body(Blob::new(serde_json::to_vec(&lab_body("hello")).unwrap()))
        .send()
        .await
        .unwrap();
    assert!(!out.body().as_ref().is_empty());
    let records = t.records(GROUP);
    assert_eq!(records[0]["requestMetadata"], json!({"application_name": "CustomerServiceApp", "tenant_id": "tenant-001"}));

    let bad =
        raw_invoke(&t.url(), HAIKU, &lab_body("hello"), &[("X-Amzn-Bedrock-Request-Metadata", r#"{"bad key!": "x"}"#)]).await;
    assert_eq!(bad.status, 400);
    assert!(bad.header("x-amzn-ErrorType").unwrap().starts_with("ValidationException:"));
    assert!(bad.json()["message"].as_str().unwrap().contains("Map keys must satisfy constraint"));
    let long = format!(r#"{{"k": "{}"}}"#, "v".repeat(8500));
    let too_long = raw_invoke(&t.url(), HAIKU, &lab_body("hello"), &[("X-Amzn-Bedrock-Request-Metadata", &long)]).await;
    assert_eq!(too_long.status, 400);
    assert_eq!(t.records(GROUP).len(), 1, "rejected calls write nothing");
}

#[tokio::test]
async fn bad_bodies_get_each_familys_malformed_input_message_and_no_record() {
    let t = TestEmulator::start().await;
    let cases = [
        (
            HAIKU,
            json!({"anthropic_version": "bedrock-2023-05-31", "messages": [{"role": "user", "content": "hi"}]}),
            "Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again.",
        ),
        (
            "amazon.titan-text-lite-v1",
            json!({"inputText": "hi", "textGenerationConfig": {"maxTokens": 5}}),
            "Malformed input request: #/textGenerationConfig: extraneous key [maxTokens] is not permitted, please reformat your input and try again.",
        ),
        (
            "meta.llama3-8b-instruct-v1:0",
            json!({"prompt": "hi", "max_gen_len": 4096}),
            "Malformed input request: #/max_gen_len: 4096 is not less or equal to 2048, please reformat your input and try again.",
        ),
        (
            "mistral.mistral-7b-instruct-v0:2",
            json!({"messages": [{"role": "user", "content": "hi"}]}),
            "Malformed input request: 2 schema violations found, please reformat your input and try again.",
        ),
        (
            "amazon.nova-pro-v1:0",
            json!({"messages": [{"role": "user", "content": [{"text": "hi"}]}], "inferenceConfig": {"max_tokens": 5}}),
            "Malformed input request: #/inferenceConfig: extraneous key [max_tokens] is not permitted, please reformat your input and try again.",
        ),
    ];
    for (model, body, message) in cases {
        let res = raw_invoke(&t.url(), &model.replace(':', "%3A"), &body, &[]).await;
        assert_eq!(res.status, 400, "{model}");
        assert!(res.header("x-amzn-ErrorType").unwrap().starts_with("ValidationException:"), "{model}");
        assert_eq!(res.json()["message"], message, "{model}");
    }
    // Not JSON at all, and a family the emulator does not speak.
    let res = raw(&t.url(), "POST", &format!("/model/{HAIKU}/invoke"), &[], "not json").await;
    assert_eq!(res.status, 400);
    let res = raw_invoke(&t.url(), "cohere.command-r-v1%3A0", &json!({"message": "hi"}), &[]).await;
    assert_eq!(res.status, 400);
    assert!(res.json()["message"].as_str().unwrap().contains("cohere-command-r"), "{:?}", res.body);
    let res = raw_invoke(&t.url(), HAIKU, &lab_body("hi"), &[("X-Amzn-Bedrock-GuardrailIdentifier", "gr1")]).await;
    assert_eq!(res.status, 400);
    assert!(res.json()["message"].as_str().unwrap().contains("Guardrails are not supported"));
    assert!(t.records(GROUP).is_empty());
}

#[tokio::test]
async fn count_tokens_equals_what_converse_and_invoke_model_report() {
    let t = TestEmulator::start().await;
    let client = t.runtime("us-east-1");
    let message = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text("How does vector search work?".into()))
        .build()
        .unwrap();
    let converse = client.converse().model_id(HAIKU).messages(message.clone()).send().await.unwrap();
    let counted = client
        .count_tokens()
        .model_id(HAIKU)
        .input(CountTokensInput::Converse(ConverseTokensRequest::builder().messages(message).build()))
        .send()
        .await
        .unwrap();
    assert_eq!(counted.input_tokens(), converse.usage().unwrap().input_tokens());

    let body = serde_json::to_vec(&lab_body("List 3 benefits of serverless computing.")).unwrap();
    let invoked = client.invoke_model().model_id(HAIKU).body(Blob::new(body.clone())).send().await.unwrap();
    let reported: Value = serde_json::from_slice(invoked.body().as_ref()).unwrap();
    let counted = client
        .count_tokens()
        .model_id(HAIKU)
        .input(CountTokensInput::InvokeModel(InvokeModelTokensRequest::builder().body(Blob::new(body)).build().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(i64::from(counted.input_tokens()), reported["usage"]["input_tokens"].as_i64().unwrap());
    assert_eq!(t.records(GROUP).len(), 2, "CountTokens writes no record");

    let err = client
        .count_tokens()
        .model_id(HAIKU)
        .input(CountTokensInput::InvokeModel(
            InvokeModelTokensRequest::builder().body(Blob::new(br#"{"prompt": "x"}"#.to_vec())).build().unwrap(),
        ))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
}

const TITAN_EMBED: &str = "amazon.titan-embed-text-v2:0";

async fn embed(t: &TestEmulator, body: &Value) -> Value {
    let out = t
        .runtime("us-east-1")
        .invoke_model()
        .model_id(TITAN_EMBED)
        .content_type("application/json")
        .accept("application/json")
        .request_metadata(r#"{"application_name": "SearchIndexer", "tenant_id": "tenant-007"}"#)
        .body(Blob::new(serde_json::to_vec(body).unwrap()))
        .send()
        .await
        .unwrap();
    serde_json::from_slice(out.body().as_ref()).unwrap()
}

#[tokio::test]
async fn titan_embeddings_answer_in_the_models_shape_and_log_by_the_embedding_switch() {
    let t = TestEmulator::start().await;
    let body = json!({"inputText": "How does vector search work?", "dimensions": 256, "embeddingTypes": ["float", "binary"]});
    let result = embed(&t, &body).await;
    let floats: Vec<f64> = result["embedding"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(floats.len(), 256);
    let norm = floats.iter().map(|x| x * x).sum::<f64>().sqrt();
    assert!((norm - 1.0).abs() < 1e-3, "normalized by default: {norm}");
    assert_eq!(result["embeddingsByType"]["float"], result["embedding"]);
    let bits: Vec<u64> = result["embeddingsByType"]["binary"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(bits, floats.iter().map(|f| u64::from(*f > 0.0)).collect::<Vec<_>>());
    assert_eq!(result["inputTextTokenCount"], 7, "28 characters: ceil(28 / 4)");
    assert_eq!(embed(&t, &body).await, result, "the same text embeds the same way");
    let other = embed(&t, &json!({"inputText": "Something else entirely"})).await;
    assert_eq!(other["embedding"].as_array().unwrap().len(), 1024, "1024 dimensions by default");
    assert_eq!(other["embeddingsByType"].as_object().unwrap().keys().collect::<Vec<_>>(), ["float"]);

    // The default configuration delivers text and embeddings: both bodies, tokens, metadata.
    let records = t.records(GROUP);
    assert_eq!(records.len(), 3);
    let r = &records[0];
    assert_eq!((r["operation"].as_str(), r["modelId"].as_str()), (Some("InvokeModel"), Some(TITAN_EMBED)));
    assert_eq!((r["input"]["inputTokenCount"].as_u64(), r["output"]["outputTokenCount"].as_u64()), (Some(7), Some(0)));
    assert_eq!(r["input"]["inputBodyJson"], body);
    assert_eq!(r["output"]["outputBodyJson"], result);
    assert_eq!(r["requestMetadata"], json!({"application_name": "SearchIndexer", "tenant_id": "tenant-007"}));

    // embeddingDataDeliveryEnabled off: the text stays, the embedding is not logged.
    let cfg = aws_sdk_bedrock::types::LoggingConfig::builder()
        .cloud_watch_config(
            aws_sdk_bedrock::types::CloudWatchConfig::builder()
                .log_group_name(GROUP)
                .role_arn("arn:aws:iam::123456789012:role/BedrockLoggingRole")
                .build()
                .unwrap(),
        )
        .text_data_delivery_enabled(true)
        .embedding_data_delivery_enabled(false)
        .build();
    t.control().put_model_invocation_logging_configuration().logging_config(cfg).send().await.unwrap();
    embed(&t, &body).await;
    let last = t.records(GROUP).pop().unwrap();
    assert_eq!(last["input"]["inputBodyJson"], body);
    assert!(last["output"].get("outputBodyJson").is_none(), "{last}");
    assert_eq!(last["output"]["outputTokenCount"], 0);
    assert_eq!(last["input"]["inputTokenCount"], 7);
}

#[tokio::test]
async fn titan_embeddings_refuse_bad_bodies_streaming_and_converse() {
    let t = TestEmulator::start().await;
    let model = TITAN_EMBED.replace(':', "%3A");
    let res = raw_invoke(&t.url(), &model, &json!({"inputText": "hi", "dimensions": 100}), &[]).await;
    assert_eq!(res.status, 400);
    assert_eq!(
        res.json()["message"],
        "Malformed input request: #/dimensions: 100 is not a valid enum value, please reformat your input and try again."
    );
    let res = raw_invoke(&t.url(), &model, &json!({"inputText": "hi", "textGenerationConfig": {}}), &[]).await;
    assert!(res.json()["message"].as_str().unwrap().contains("extraneous key [textGenerationConfig] is not permitted"));

    let err = t
        .runtime("us-east-1")
        .invoke_model_with_response_stream()
        .model_id(TITAN_EMBED)
        .body(Blob::new(serde_json::to_vec(&json!({"inputText": "hi"})).unwrap()))
        .send()
        .await
        .unwrap_err();
    let service = err.into_service_error();
    assert!(service.is_validation_exception(), "{service:?}");
    assert_eq!(service.meta().message(), Some("The model is unsupported for streaming."));

    let msg = Message::builder().role(ConversationRole::User).content(ContentBlock::Text("hi".into())).build().unwrap();
    let err = t.runtime("us-east-1").converse().model_id(TITAN_EMBED).messages(msg).send().await.unwrap_err();
    assert!(err.into_service_error().is_validation_exception());
    assert!(t.records(GROUP).is_empty(), "refused calls write nothing");
}
