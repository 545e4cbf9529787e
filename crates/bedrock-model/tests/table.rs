//! Replays the shared request tables under `fixtures/requests/` (the same tables the server is
//! replayed against over a socket): each case is accepted (200) or rejected with the exact
//! status, error type and message.

use std::path::PathBuf;

use bedrock_model::ServiceError;
use bedrock_model::converse::{parse_converse_request, parse_converse_request_for};
use bedrock_model::logging::parse_put_logging_request;
use bedrock_model::model_id::validate_model_id;
use serde_json::Value;

fn fixture(rel: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/requests").join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str::<Value>(&text).expect("fixture is JSON").as_array().expect("a list").clone()
}

fn body_bytes(case: &Value) -> Vec<u8> {
    match case.get("rawBody") {
        Some(Value::String(raw)) => raw.as_bytes().to_vec(),
        _ => serde_json::to_vec(&case["body"]).expect("serializable"),
    }
}

/// Compares an outcome with `expect`; returns a description of the mismatch.
fn mismatch(case: &Value, got: Result<(), ServiceError>) -> Option<String> {
    let expect = &case["expect"];
    let status = expect["status"].as_u64().unwrap_or(0);
    match got {
        Ok(()) if status == 200 => None,
        Ok(()) => Some(format!("expected {status} {}, got 200", expect["message"])),
        Err(e) => {
            let same = status == u64::from(e.http_status())
                && expect["errorType"].as_str() == Some(e.code.as_str())
                && expect["message"].as_str() == Some(e.message.as_str());
            (!same).then(|| format!("expected {expect}, got {} {} {:?}", e.http_status(), e.code, e.message))
        }
    }
}

fn report(failures: Vec<String>, total: usize) {
    assert!(failures.is_empty(), "{} of {total} cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn converse_constraint_table() {
    let cases = fixture("converse/constraints.json");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let model_id = case["modelId"].as_str().unwrap_or_default();
        let body = body_bytes(case);
        // The combined entry point, as the server uses it.
        let combined = parse_converse_request_for(model_id, &body).map(|_| ());
        if let Some(m) = mismatch(case, combined) {
            failures.push(format!("{name} (combined): {m}"));
        }
        // The two separate entry points agree whenever only one of them fails.
        if validate_model_id(model_id).is_ok()
            && let Some(m) = mismatch(case, parse_converse_request(&body).map(|_| ()))
        {
            failures.push(format!("{name} (body): {m}"));
        }
    }
    report(failures, cases.len());
}

#[test]
fn logging_constraint_table() {
    let cases = fixture("logging/constraints.json");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let got = parse_put_logging_request(&body_bytes(case)).map(|_| ());
        if let Some(m) = mismatch(case, got) {
            failures.push(format!("{name}: {m}"));
        }
    }
    report(failures, cases.len());
}

#[test]
fn every_rejected_converse_case_has_an_accepted_sibling() {
    let cases = fixture("converse/constraints.json");
    let group = |c: &Value| c["name"].as_str().unwrap_or("").split('/').next().unwrap_or("").to_owned();
    for c in &cases {
        let g = group(c);
        assert!(
            cases.iter().any(|o| group(o) == g && o["expect"]["status"] == 200) || g == "body",
            "group {g} has no accepted case"
        );
    }
}
