//! CountTokens: `{"input": {"converse": {...}}}` or `{"input": {"invokeModel": {"body": <base64>}}}`
//! answered with `{"inputTokens": n}`, counted exactly as Converse and InvokeModel count the same
//! input (one estimate, `tokens.rs`). Writes no record: invocation logging covers Converse,
//! ConverseStream, InvokeModel and InvokeModelWithResponseStream only (bedrock-api.md §4.1).

use bedrock_model::converse::{MALFORMED_JSON_MESSAGE, parse_converse_request};
use bedrock_model::error::ServiceError;
use bedrock_model::invoke::{Family, parse_invoke_body};
use serde_json::{Map, Value};

use crate::BedrockService;
use crate::tokens::estimate_tokens_all;

/// `FoundationModelVersionIdentifier`'s pattern.
const MODEL_ID_PATTERN: &str = r"[a-zA-Z_\.\-/0-9:]+";

/// `CountTokensResponse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CountTokensResponse {
    pub(crate) input_tokens: u32,
}

/// Handles `POST /model/{modelId}/count-tokens`.
pub(crate) fn count_tokens(state: &BedrockService, model_id: &str, body: &[u8]) -> Result<CountTokensResponse, ServiceError> {
    check_model_id(model_id)?;
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body).map_err(|_| ServiceError::serialization(MALFORMED_JSON_MESSAGE))?
    };
    let Some(input) = value.get("input").filter(|v| !v.is_null()) else {
        return Err(coral("Value null at 'input' failed to satisfy constraint: Member must not be null"));
    };
    let Some(input) = input.as_object() else {
        return Err(ServiceError::serialization(format!("Expected a JSON object for input, found {}", kind(input))));
    };
    let set: Vec<(&String, &Value)> = input.iter().filter(|(_, v)| !v.is_null()).collect();
    let resolved = state.catalog.resolve(model_id)?;
    let tokens = match set.as_slice() {
        [(name, converse)] if name.as_str() == "converse" => {
            let body = serde_json::to_vec(converse).expect("a JSON value serializes");
            let request = parse_converse_request(&body).map_err(|e| prefix_paths(e, "input.converse."))?;
            estimate_tokens_all(request.input_texts())
        }
        [(name, invoke)] if name.as_str() == "invokeModel" => {
            let Some(encoded) = invoke.get("body").and_then(Value::as_str) else {
                return Err(coral(
                    "Value null at 'input.invokeModel.body' failed to satisfy constraint: Member must not be null",
                ));
            };
            let raw = aws_smithy_types::base64::decode(encoded)
                .map_err(|_| ServiceError::serialization("Invalid base64 in input.invokeModel.body"))?;
            let family = Family::from_name(&resolved.model.family).ok_or_else(|| {
                ServiceError::validation(format!(
                    "This emulator does not support the InvokeModel body format of {} (model family `{}`).",
                    resolved.model.model_id, resolved.model.family
                ))
            })?;
            let request = parse_invoke_body(family, &raw)?;
            estimate_tokens_all(request.input_texts.iter().map(String::as_str))
        }
        _ => {
            return Err(ServiceError::validation("The input must set exactly one of converse or invokeModel."));
        }
    };
    Ok(CountTokensResponse { input_tokens: tokens })
}

fn check_model_id(id: &str) -> Result<(), ServiceError> {
    let len = id.encode_utf16().count();
    let ok_chars = id.chars().all(|c| c.is_ascii_alphanumeric() || "_.-/:".contains(c));
    let mut violations = Vec::new();
    if len > 256 {
        violations.push(format!(
            "Value '{id}' at 'modelId' failed to satisfy constraint: Member must have length less than or equal to 256"
        ));
    }
    if !ok_chars || id.is_empty() {
        violations.push(format!(
            "Value '{id}' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: {MODEL_ID_PATTERN}"
        ));
    }
    match violations.len() {
        0 => Ok(()),
        1 => Err(coral(&violations[0])),
        n => Err(ServiceError::validation(format!("{n} validation errors detected: {}", violations.join("; ")))),
    }
}

fn coral(detail: &str) -> ServiceError {
    ServiceError::validation(format!("1 validation error detected: {detail}"))
}

/// Converse validation names members from the Converse request's root (`messages.0...`); under
/// CountTokens they sit below `input.converse`.
fn prefix_paths(mut err: ServiceError, prefix: &str) -> ServiceError {
    for member in ["messages", "system", "toolConfig", "additionalModelRequestFields"] {
        err.message = err.message.replace(&format!("at '{member}"), &format!("at '{prefix}{member}"));
    }
    err
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
