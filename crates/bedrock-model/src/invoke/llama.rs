//! Meta Llama (`prompt`, `temperature`, `top_p`, `max_gen_len`; Llama 3.2 vision adds
//! `images`). Fields: AWS user guide "Meta Llama models" (model-parameters-meta): response
//! `generation`, `prompt_token_count`, `generation_token_count`, `stop_reason` (`stop` |
//! `length`); stream chunks carry the same fields, `stop_reason` null until the last.

use serde_json::{Value, json};

use super::schema::{Kind, Prop, Violations, opt, req};
use super::{Generation, Parsed, u32_of};
use crate::converse::StopReason;
use crate::error::ServiceError;

const BODY: &[Prop] = &[
    req("prompt", Kind::String),
    opt("temperature", Kind::Number).range(0.0, 1.0),
    opt("top_p", Kind::Number).range(0.0, 1.0),
    opt("max_gen_len", Kind::Integer).range(1.0, 2048.0),
    opt("images", Kind::Array),
];

pub(super) fn parse(body: &Value) -> Result<Parsed, ServiceError> {
    let mut v = Violations::default();
    let Some(obj) = v.object("#", body, BODY) else { return v.into_result().map(|()| Parsed::default()) };
    v.into_result()?;
    let prompt = obj.get("prompt").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(Parsed {
        input_texts: vec![prompt.clone()],
        last_user_text: prompt,
        max_tokens: u32_of(obj.get("max_gen_len")),
        stop_sequences: Vec::new(),
    })
}

fn stop_reason(g: &Generation<'_>) -> &'static str {
    if g.stop_reason == StopReason::MaxTokens { "length" } else { "stop" }
}

pub(super) fn response(g: &Generation<'_>) -> Value {
    json!({
        "generation": g.text,
        "prompt_token_count": g.input_tokens,
        "generation_token_count": g.output_tokens,
        "stop_reason": stop_reason(g),
    })
}

pub(super) fn chunks(g: &Generation<'_>, pieces: &[&str]) -> Vec<Value> {
    let pieces: Vec<&str> = if pieces.is_empty() { vec![""] } else { pieces.to_vec() };
    let last = pieces.len() - 1;
    let mut so_far = 0usize;
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            so_far += p.chars().count();
            json!({
                "generation": p,
                "prompt_token_count": if i == 0 { Value::from(g.input_tokens) } else { Value::Null },
                "generation_token_count": if i == last { g.output_tokens as usize } else { so_far.div_ceil(4) },
                "stop_reason": if i == last { Value::from(stop_reason(g)) } else { Value::Null },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(parse(&json!({"prompt": "Hi", "max_gen_len": 64})).unwrap().max_tokens, Some(64));
        assert_eq!(
            parse(&json!({"prompt": "Hi", "max_gen_len": 4096})).unwrap_err().message,
            "Malformed input request: #/max_gen_len: 4096 is not less or equal to 2048, please reformat your input and try again."
        );
    }
}
