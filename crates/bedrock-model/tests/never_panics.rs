//! Property tests: arbitrary bytes and arbitrary JSON never panic and always end in `Ok` or an
//! AWS-shaped error (a 4xx client code with a non-empty message).

use bedrock_model::converse::{parse_converse_request, parse_converse_request_for};
use bedrock_model::invoke::{Family, parse_embedding_body, parse_invoke_body};
use bedrock_model::logging::parse_put_logging_request;
use bedrock_model::metadata::parse_request_metadata_header;
use bedrock_model::model_id::validate_model_id;
use bedrock_model::{ErrorCode, ServiceError};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn aws_shaped(r: Result<(), ServiceError>) -> Result<(), TestCaseError> {
    if let Err(e) = r {
        prop_assert!(!e.message.is_empty());
        prop_assert!(matches!(e.code, ErrorCode::ValidationException | ErrorCode::SerializationException));
        prop_assert_eq!(e.http_status(), 400);
    }
    Ok(())
}

/// Arbitrary JSON, biased towards the member names of ConverseRequest so deep shapes are hit.
fn json() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "messages", "role", "content", "text", "user", "assistant", "system", "inferenceConfig", "maxTokens", "temperature",
        "topP", "stopSequences", "toolConfig", "tools", "toolSpec", "name", "inputSchema", "json", "toolUse", "toolUseId",
        "input", "toolResult", "status", "image", "format", "source", "bytes", "document", "requestMetadata", "cachePoint",
        "type", "guardrailConfig", "serviceTier", "outputConfig", "promptVariables", "loggingConfig", "cloudWatchConfig",
        "logGroupName", "roleArn", "s3Config", "bucketName", "inputText", "dimensions", "normalize", "embeddingTypes",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(vec!["user", "assistant", "png", "default", "aGk=", "", "float", "binary"]).prop_map(Value::from),
        prop::sample::select(vec![256, 512, 1024]).prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((names.clone(), inner), 0..5)
                .prop_map(|kv| { Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>()) }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        aws_shaped(parse_converse_request(&bytes).map(|_| ()))?;
        aws_shaped(parse_put_logging_request(&bytes).map(|_| ()))?;
    }

    #[test]
    fn arbitrary_json(value in json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        aws_shaped(parse_converse_request(&bytes).map(|_| ()))?;
        aws_shaped(parse_put_logging_request(&bytes).map(|_| ()))?;
        let wrapped = serde_json::to_vec(&serde_json::json!({ "messages": [value.clone()] })).unwrap();
        aws_shaped(parse_converse_request(&wrapped).map(|_| ()))?;
        let logging = serde_json::to_vec(&serde_json::json!({ "loggingConfig": value })).unwrap();
        aws_shaped(parse_put_logging_request(&logging).map(|_| ()))?;
        for family in Family::ALL {
            aws_shaped(parse_invoke_body(family, &bytes).map(|_| ()))?;
        }
        aws_shaped(parse_embedding_body(&bytes).map(|_| ()))?;
    }

    #[test]
    fn arbitrary_model_ids_and_headers(s in ".{0,64}", body in json()) {
        aws_shaped(validate_model_id(&s))?;
        aws_shaped(parse_request_metadata_header(&s).map(|_| ()))?;
        let bytes = serde_json::to_vec(&body).unwrap();
        aws_shaped(parse_converse_request_for(&s, &bytes).map(|_| ()))?;
    }

    #[test]
    fn valid_metadata_round_trips(entries in prop::collection::vec(("[a-zA-Z0-9 :_@$#=/+,.-]{1,20}", "[a-zA-Z0-9 :_@$#=/+,.-]{0,20}"), 1..16)) {
        let obj: Map<String, Value> = entries.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect();
        let body = serde_json::json!({
            "messages": [{"role": "user", "content": [{"text": "hi"}]}],
            "requestMetadata": obj,
        });
        let req = parse_converse_request(&serde_json::to_vec(&body).unwrap()).unwrap();
        let md = req.request_metadata().unwrap();
        prop_assert_eq!(md.to_json(), body["requestMetadata"].clone());
    }
}
