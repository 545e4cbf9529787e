//! Mistral text completion (`prompt`, `max_tokens`, `stop`, `temperature`, `top_p`, `top_k`).
//! Fields: AWS user guide "Mistral AI text completion" (model-parameters-mistral-text-completion):
//! response `outputs` of `{text, stop_reason}` (`stop` | `length`); stream chunks carry one
//! output each, `stop_reason` null until the last. The body has no usage fields: Bedrock reports
//! the counts in the `x-amzn-bedrock-*-token-count` headers and the stream's invocation metrics.

use serde_json::{Value, json};

use super::schema::{Kind, Prop, Violations, opt, req};
use super::{Generation, Parsed, strings_of, u32_of};
use crate::converse::StopReason;
use crate::error::ServiceError;

const BODY: &[Prop] = &[
    req("prompt", Kind::String),
    opt("max_tokens", Kind::Integer).at_least(1.0),
    opt("stop", Kind::Array),
    opt("temperature", Kind::Number).range(0.0, 1.0),
    opt("top_p", Kind::Number).range(0.0, 1.0),
    opt("top_k", Kind::Integer).range(1.0, 200.0),
];

pub(super) fn parse(body: &Value) -> Result<Parsed, ServiceError> {
    let mut v = Violations::default();
    let Some(obj) = v.object("#", body, BODY) else { return v.into_result().map(|()| Parsed::default()) };
    v.strings("#/stop", obj.get("stop"));
    v.into_result()?;
    let prompt = obj.get("prompt").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(Parsed {
        input_texts: vec![prompt.clone()],
        last_user_text: prompt,
        max_tokens: u32_of(obj.get("max_tokens")),
        stop_sequences: strings_of(obj.get("stop")),
    })
}

fn stop_reason(g: &Generation<'_>) -> &'static str {
    if g.stop_reason == StopReason::MaxTokens { "length" } else { "stop" }
}

pub(super) fn response(g: &Generation<'_>) -> Value {
    json!({"outputs": [{"text": g.text, "stop_reason": stop_reason(g)}]})
}

pub(super) fn chunks(g: &Generation<'_>, pieces: &[&str]) -> Vec<Value> {
    let pieces: Vec<&str> = if pieces.is_empty() { vec![""] } else { pieces.to_vec() };
    let last = pieces.len() - 1;
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let reason = if i == last { Value::from(stop_reason(g)) } else { Value::Null };
            json!({"outputs": [{"text": p, "stop_reason": reason}]})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let p = parse(&json!({"prompt": "<s>[INST] Hi [/INST]", "max_tokens": 20, "stop": ["</s>"]})).unwrap();
        assert_eq!((p.max_tokens, p.stop_sequences), (Some(20), vec!["</s>".to_owned()]));
        assert!(parse(&json!({"messages": []})).is_err());
    }
}
