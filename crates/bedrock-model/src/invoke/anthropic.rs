//! Anthropic Claude Messages API on Bedrock (`anthropic_version: "bedrock-2023-05-31"`).
//! Request and response fields: AWS user guide "Anthropic Claude Messages API"
//! (model-parameters-anthropic-claude-messages); stream events: Anthropic's
//! `message_start`, `content_block_start`, `content_block_delta`, `content_block_stop`,
//! `message_delta`, `message_stop` (the last one carries Bedrock's invocation metrics, as in the
//! logged stream of bedrock-api.md §4.5 (d)).

use serde_json::{Value, json};

use super::schema::{Kind, Prop, Violations, opt, req};
use super::{Generation, Parsed, strings_of, u32_of};
use crate::converse::StopReason;
use crate::error::ServiceError;

const BODY: &[Prop] = &[
    req("anthropic_version", Kind::String),
    req("max_tokens", Kind::Integer).at_least(1.0),
    req("messages", Kind::Array),
    opt("system", Kind::StringOrArray),
    opt("temperature", Kind::Number).range(0.0, 1.0),
    opt("top_p", Kind::Number).range(0.0, 1.0),
    opt("top_k", Kind::Integer).at_least(0.0),
    opt("stop_sequences", Kind::Array),
    opt("tools", Kind::Array),
    opt("tool_choice", Kind::Object),
    opt("anthropic_beta", Kind::Array),
    opt("thinking", Kind::Object),
    opt("metadata", Kind::Object),
];

const MESSAGE: &[Prop] = &[req("role", Kind::String), req("content", Kind::StringOrArray)];

const TEXT_BLOCK: &[Prop] =
    &[req("type", Kind::String), req("text", Kind::String), opt("cache_control", Kind::Object), opt("citations", Kind::Any)];

pub(super) fn parse(body: &Value) -> Result<Parsed, ServiceError> {
    let mut v = Violations::default();
    let Some(obj) = v.object("#", body, BODY) else { return v.into_result().map(|()| Parsed::default()) };
    let mut parsed = Parsed {
        max_tokens: u32_of(obj.get("max_tokens")),
        stop_sequences: strings_of(obj.get("stop_sequences")),
        ..Parsed::default()
    };
    v.strings("#/stop_sequences", obj.get("stop_sequences"));
    match obj.get("system") {
        Some(Value::String(s)) => parsed.input_texts.push(s.clone()),
        Some(Value::Array(blocks)) => {
            for (i, block) in blocks.iter().enumerate() {
                if let Some(b) = v.object(&format!("#/system/{i}"), block, TEXT_BLOCK) {
                    parsed.input_texts.extend(b.get("text").and_then(Value::as_str).map(str::to_owned));
                }
            }
        }
        _ => {}
    }
    for (i, message) in obj.get("messages").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = format!("#/messages/{i}");
        let Some(m) = v.object(&at, message, MESSAGE) else { continue };
        v.enumerated(&format!("{at}/role"), m.get("role"), &["user", "assistant"]);
        let is_user = m.get("role").and_then(Value::as_str) == Some("user");
        let mut texts = Vec::new();
        match m.get("content") {
            Some(Value::String(s)) => texts.push(s.clone()),
            Some(Value::Array(blocks)) => {
                for (j, block) in blocks.iter().enumerate() {
                    block_texts(&mut v, &format!("{at}/content/{j}"), block, &mut texts);
                }
            }
            _ => {}
        }
        if is_user && let Some(last) = texts.last() {
            parsed.last_user_text = last.clone();
        }
        parsed.input_texts.extend(texts);
    }
    v.into_result()?;
    Ok(parsed)
}

/// Texts of one content block: `text` blocks and the text of `tool_result` content.
fn block_texts(v: &mut Violations, at: &str, block: &Value, out: &mut Vec<String>) {
    let Some(b) = block.as_object() else {
        v.object(at, block, &[]);
        return;
    };
    match b.get("type").and_then(Value::as_str) {
        None => v.push(at, "required key [type] not found"),
        Some("text") => {
            if let Some(b) = v.object(at, block, TEXT_BLOCK) {
                out.extend(b.get("text").and_then(Value::as_str).map(str::to_owned));
            }
        }
        Some("tool_result") => match b.get("content") {
            Some(Value::String(s)) => out.push(s.clone()),
            Some(Value::Array(items)) => {
                out.extend(items.iter().filter_map(|i| i.get("text").and_then(Value::as_str)).map(str::to_owned))
            }
            _ => {}
        },
        // image, document, tool_use, thinking...: passed to the model as they are.
        Some(_) => {}
    }
}

/// `claude-3-5-sonnet-20241022` from `anthropic.claude-3-5-sonnet-20241022-v2:0`.
fn model_name(model_id: &str) -> &str {
    let bare = model_id.strip_prefix("anthropic.").unwrap_or(model_id);
    match bare.rfind("-v") {
        Some(i) if bare[i + 2..].contains(':') => &bare[..i],
        _ => bare,
    }
}

fn stop_reason(g: &Generation<'_>) -> &'static str {
    match g.stop_reason {
        StopReason::MaxTokens => "max_tokens",
        StopReason::StopSequence => "stop_sequence",
        StopReason::ToolUse => "tool_use",
        _ => "end_turn",
    }
}

pub(super) fn response(g: &Generation<'_>) -> Value {
    json!({
        "id": g.message_id,
        "type": "message",
        "role": "assistant",
        "model": model_name(g.model_id),
        "content": [{"type": "text", "text": g.text}],
        "stop_reason": stop_reason(g),
        "stop_sequence": g.stop_sequence,
        "usage": {
            "input_tokens": g.input_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
            "output_tokens": g.output_tokens,
        },
    })
}

pub(super) fn chunks(g: &Generation<'_>, pieces: &[&str]) -> Vec<Value> {
    let mut out = vec![
        json!({"type": "message_start", "message": {
            "id": g.message_id, "type": "message", "role": "assistant", "model": model_name(g.model_id),
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": g.input_tokens, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0, "output_tokens": 1},
        }}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    ];
    out.extend(
        pieces.iter().map(|p| json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}})),
    );
    out.push(json!({"type": "content_block_stop", "index": 0}));
    out.push(json!({
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason(g), "stop_sequence": g.stop_sequence},
        "usage": {"output_tokens": g.output_tokens},
    }));
    out.push(json!({"type": "message_stop"}));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lab_body_parses() {
        let body = json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 128,
            "messages": [{"role": "user", "content": "What is Amazon Bedrock?"}]});
        let p = parse(&body).unwrap();
        assert_eq!(p.input_texts, vec!["What is Amazon Bedrock?"]);
        assert_eq!(p.last_user_text, "What is Amazon Bedrock?");
        assert_eq!(p.max_tokens, Some(128));
    }

    #[test]
    fn system_blocks_and_tool_results_are_read() {
        let body = json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "system": [{"type": "text", "text": "Be brief."}],
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}, {"type": "tool_result", "tool_use_id": "t", "content": "42"}]}]});
        assert_eq!(parse(&body).unwrap().input_texts, vec!["Be brief.", "hi", "42"]);
    }

    #[test]
    fn schema_violations_use_bedrocks_words() {
        let msg = |b: Value| parse(&b).unwrap_err().message;
        assert_eq!(
            msg(json!({"anthropic_version": "bedrock-2023-05-31", "messages": []})),
            "Malformed input request: #: required key [max_tokens] not found, please reformat your input and try again."
        );
        assert_eq!(
            msg(json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5,
                "messages": [{"role": "user", "content": [{"type": "text", "text": "x", "kind": 1}]}]})),
            "Malformed input request: #/messages/0/content/0: extraneous key [kind] is not permitted, please reformat your input and try again."
        );
        assert_eq!(
            msg(
                json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, "messages": [{"role": "robot", "content": "x"}]})
            ),
            "Malformed input request: #/messages/0/role: robot is not a valid enum value, please reformat your input and try again."
        );
        assert!(
            msg(json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 0, "messages": []}))
                .contains("#/max_tokens: 0 is not greater or equal to 1")
        );
    }

    #[test]
    fn model_names_drop_provider_and_version() {
        assert_eq!(model_name("anthropic.claude-3-5-sonnet-20241022-v2:0"), "claude-3-5-sonnet-20241022");
        assert_eq!(model_name("anthropic.claude-3-haiku-20240307-v1:0"), "claude-3-haiku-20240307");
    }
}
