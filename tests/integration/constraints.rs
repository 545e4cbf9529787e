//! The constraint tables (`fixtures/requests/{converse,logging}/constraints.json`) replayed over a
//! real socket: each case's status, error type and message must be what the table says, and a
//! rejected case writes nothing. The same tables drive bedrock-model's unit tests.

use bedrock_emulator::catalog::Catalog;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::support::{TestEmulator, raw, raw_converse};

/// What smithy clients leave unencoded in a URI label.
const LABEL: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn load(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(format!("{}/../fixtures/requests/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn body_of(case: &Value) -> Vec<u8> {
    match (case.get("rawBody"), case.get("body")) {
        (Some(Value::String(raw)), _) => raw.clone().into_bytes(),
        (_, Some(body)) => serde_json::to_vec(body).unwrap(),
        _ => Vec::new(),
    }
}

/// The expected (status, error type, message) of a case over the socket. The table states what
/// request validation says; a model id that passes validation but names no model in the catalog
/// then gets Bedrock's answer for unknown models.
fn expected(case: &Value, catalog: &Catalog) -> (u16, Option<String>, Option<String>) {
    let expect = &case["expect"];
    let status = expect["status"].as_u64().unwrap() as u16;
    if status == 200 {
        if let Some(model_id) = case["modelId"].as_str()
            && let Err(err) = catalog.resolve(model_id)
        {
            return (400, Some(err.code.as_str().to_owned()), Some(err.message));
        }
        return (200, None, None);
    }
    (status, expect["errorType"].as_str().map(str::to_owned), expect["message"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn converse_constraint_table_over_the_socket() {
    let t = TestEmulator::start().await;
    let catalog = Catalog::embedded();
    let cases = load("converse/constraints.json");
    assert!(cases.len() > 100, "the table has {} cases", cases.len());
    let mut written = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let model_id = utf8_percent_encode(case["modelId"].as_str().unwrap(), LABEL).to_string();
        let res = raw_converse(&t.url(), &model_id, body_of(case)).await;
        let (status, error_type, message) = expected(case, &catalog);
        assert_eq!(res.status, status, "{name}: {:?}", res.body);
        assert!(res.header("x-amzn-RequestId").is_some(), "{name}");
        if status == 200 {
            written += 1;
        } else {
            let header = res.header("x-amzn-ErrorType").unwrap_or_default();
            let error_type = error_type.unwrap();
            assert!(header.starts_with(&format!("{error_type}:")), "{name}: {header}");
            if let Some(message) = message {
                assert_eq!(res.json()["message"], message.as_str(), "{name}");
            }
        }
        assert_eq!(t.records("/aws/bedrock/modelinvocations").len(), written, "{name}: records");
    }
}

#[tokio::test]
async fn logging_constraint_table_over_the_socket() {
    let t = TestEmulator::start().await;
    for case in load("logging/constraints.json") {
        let name = case["name"].as_str().unwrap();
        let res =
            raw(&t.url(), "PUT", "/logging/modelinvocations", &[("content-type", "application/json")], body_of(&case)).await;
        let config = &case["body"]["loggingConfig"];
        let (status, error_type, message) = expected(&case, &Catalog::embedded());
        assert_eq!(res.status, status, "{name}: {:?}", res.body);
        if status == 200 {
            let got = raw(&t.url(), "GET", "/logging/modelinvocations", &[], "").await.json();
            assert_eq!(&got["loggingConfig"], config, "{name}: GET returns what PUT stored");
        } else {
            let header = res.header("x-amzn-ErrorType").unwrap_or_default();
            assert!(header.starts_with(&format!("{}:", error_type.unwrap())), "{name}: {header}");
            if let Some(message) = message {
                assert_eq!(res.json()["message"], message.as_str(), "{name}");
            }
        }
    }
}
