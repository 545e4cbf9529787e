//! Amazon Nova understanding models (`schemaVersion: "messages-v1"`). Fields: AWS user guide
//! "Complete request schema" for Nova (`system`, `messages`, `inferenceConfig` with
//! `max_new_tokens`, `temperature`, `top_p`, `top_k`, `stopSequences`, `toolConfig`); response
//! `output.message`, `stopReason`, `usage` (`inputTokens`, `outputTokens`, `totalTokens`, cache
//! counts); stream chunks are the Converse-like `messageStart`, `contentBlockDelta`,
//! `contentBlockStop`, `messageStop`, `metadata` objects, each wrapped in its event name.

use serde_json::{Value, json};

use super::schema::{Kind, Prop, Violations, opt, req};
use super::{Generation, Parsed, strings_of, u32_of};
use crate::error::ServiceError;

const BODY: &[Prop] = &[
    opt("schemaVersion", Kind::String),
    opt("system", Kind::Array),
    req("messages", Kind::Array),
    opt("inferenceConfig", Kind::Object),
    opt("toolConfig", Kind::Object),
];

const CONFIG: &[Prop] = &[
    opt("max_new_tokens", Kind::Integer).range(1.0, 10000.0),
    opt("temperature", Kind::Number).range(0.0, 1.0),
    opt("top_p", Kind::Number).range(0.0, 1.0),
    opt("top_k", Kind::Integer).range(0.0, 128.0),
    opt("stopSequences", Kind::Array),
    opt("reasoningConfig", Kind::Object),
];

const MESSAGE: &[Prop] = &[req("role", Kind::String), req("content", Kind::Array)];

const BLOCK: &[Prop] = &[
    opt("text", Kind::String),
    opt("image", Kind::Object),
    opt("video", Kind::Object),
    opt("document", Kind::Object),
    opt("toolUse", Kind::Object),
    opt("toolResult", Kind::Object),
    opt("cachePoint", Kind::Object),
    opt("reasoningContent", Kind::Object),
];

const SYSTEM_BLOCK: &[Prop] = &[req("text", Kind::String)];

pub(super) fn parse(body: &Value) -> Result<Parsed, ServiceError> {
    let mut v = Violations::default();
    let Some(obj) = v.object("#", body, BODY) else { return v.into_result().map(|()| Parsed::default()) };
    v.enumerated("#/schemaVersion", obj.get("schemaVersion"), &["messages-v1"]);
    let mut parsed = Parsed::default();
    for (i, block) in obj.get("system").and_then(Value::as_array).into_iter().flatten().enumerate() {
        if let Some(b) = v.object(&format!("#/system/{i}"), block, SYSTEM_BLOCK) {
            parsed.input_texts.extend(b.get("text").and_then(Value::as_str).map(str::to_owned));
        }
    }
    for (i, message) in obj.get("messages").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = format!("#/messages/{i}");
        let Some(m) = v.object(&at, message, MESSAGE) else { continue };
        v.enumerated(&format!("{at}/role"), m.get("role"), &["user", "assistant"]);
        let is_user = m.get("role").and_then(Value::as_str) == Some("user");
        for (j, block) in m.get("content").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let Some(b) = v.object(&format!("{at}/content/{j}"), block, BLOCK) else { continue };
            let mut texts: Vec<String> = b.get("text").and_then(Value::as_str).map(str::to_owned).into_iter().collect();
            if let Some(items) = b.get("toolResult").and_then(|r| r.get("content")).and_then(Value::as_array) {
                texts.extend(items.iter().filter_map(|c| c.get("text").and_then(Value::as_str)).map(str::to_owned));
            }
            if is_user && let Some(t) = b.get("text").and_then(Value::as_str) {
                parsed.last_user_text = t.to_owned();
            }
            parsed.input_texts.extend(texts);
        }
    }
    if let Some(config) = obj.get("inferenceConfig").filter(|c| c.is_object())
        && let Some(c) = v.object("#/inferenceConfig", config, CONFIG)
    {
        v.strings("#/inferenceConfig/stopSequences", c.get("stopSequences"));
        parsed.max_tokens = u32_of(c.get("max_new_tokens"));
        parsed.stop_sequences = strings_of(c.get("stopSequences"));
    }
    v.into_result()?;
    Ok(parsed)
}

fn usage(g: &Generation<'_>) -> Value {
    json!({
        "inputTokens": g.input_tokens,
        "outputTokens": g.output_tokens,
        "totalTokens": g.input_tokens.saturating_add(g.output_tokens),
        "cacheReadInputTokenCount": 0,
        "cacheWriteInputTokenCount": 0,
    })
}

pub(super) fn response(g: &Generation<'_>) -> Value {
    json!({
        "output": {"message": {"content": [{"text": g.text}], "role": "assistant"}},
        "stopReason": g.stop_reason.as_str(),
        "usage": usage(g),
    })
}

pub(super) fn chunks(g: &Generation<'_>, pieces: &[&str]) -> Vec<Value> {
    let mut out = vec![json!({"messageStart": {"role": "assistant"}})];
    out.extend(pieces.iter().map(|p| json!({"contentBlockDelta": {"delta": {"text": p}, "contentBlockIndex": 0}})));
    out.push(json!({"contentBlockStop": {"contentBlockIndex": 0}}));
    out.push(json!({"messageStop": {"stopReason": g.stop_reason.as_str()}}));
    out.push(json!({"metadata": {"usage": usage(g), "metrics": {}, "trace": {}}}));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let p = parse(&json!({"schemaVersion": "messages-v1", "system": [{"text": "Be brief."}],
            "messages": [{"role": "user", "content": [{"text": "Hello"}]}], "inferenceConfig": {"max_new_tokens": 20}}))
        .unwrap();
        assert_eq!((p.input_texts.len(), p.last_user_text.as_str(), p.max_tokens), (2, "Hello", Some(20)));
        assert!(
            parse(&json!({"messages": [], "inferenceConfig": {"maxTokens": 5}}))
                .unwrap_err()
                .message
                .contains("#/inferenceConfig: extraneous key [maxTokens] is not permitted")
        );
        assert!(parse(&json!({"prompt": "x"})).is_err());
    }
}
