//! Amazon Titan Text (`inputText`, `textGenerationConfig`). Fields: AWS user guide "Amazon Titan
//! Text models" (model-parameters-titan-text): response `inputTextTokenCount` and `results`
//! (`tokenCount`, `outputText`, `completionReason` FINISH | LENGTH | STOP_CRITERIA_MET); stream
//! chunks `outputText`, `index`, `totalOutputTextTokenCount`, `completionReason`,
//! `inputTextTokenCount`.

use serde_json::{Value, json};

use super::schema::{Kind, Prop, Violations, opt, req};
use super::{Generation, Parsed, strings_of, u32_of};
use crate::converse::StopReason;
use crate::error::ServiceError;

const BODY: &[Prop] = &[req("inputText", Kind::String), opt("textGenerationConfig", Kind::Object)];

const CONFIG: &[Prop] = &[
    opt("maxTokenCount", Kind::Integer).range(0.0, 8192.0),
    opt("temperature", Kind::Number).range(0.0, 1.0),
    opt("topP", Kind::Number).range(0.0, 1.0),
    opt("stopSequences", Kind::Array),
];

pub(super) fn parse(body: &Value) -> Result<Parsed, ServiceError> {
    let mut v = Violations::default();
    let Some(obj) = v.object("#", body, BODY) else { return v.into_result().map(|()| Parsed::default()) };
    let text = obj.get("inputText").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut parsed = Parsed { input_texts: vec![text.clone()], last_user_text: text, ..Parsed::default() };
    if let Some(config) = obj.get("textGenerationConfig").filter(|c| c.is_object())
        && let Some(c) = v.object("#/textGenerationConfig", config, CONFIG)
    {
        v.strings("#/textGenerationConfig/stopSequences", c.get("stopSequences"));
        parsed.max_tokens = u32_of(c.get("maxTokenCount"));
        parsed.stop_sequences = strings_of(c.get("stopSequences"));
    }
    v.into_result()?;
    Ok(parsed)
}

fn completion_reason(g: &Generation<'_>) -> &'static str {
    match g.stop_reason {
        StopReason::MaxTokens => "LENGTH",
        StopReason::StopSequence => "STOP_CRITERIA_MET",
        _ => "FINISH",
    }
}

pub(super) fn response(g: &Generation<'_>) -> Value {
    json!({
        "inputTextTokenCount": g.input_tokens,
        "results": [{"tokenCount": g.output_tokens, "outputText": g.text, "completionReason": completion_reason(g)}],
    })
}

/// One chunk per piece; the running output count is the estimate of the text so far, and the
/// last chunk carries the completion reason and the final count.
pub(super) fn chunks(g: &Generation<'_>, pieces: &[&str]) -> Vec<Value> {
    let pieces: Vec<&str> = if pieces.is_empty() { vec![""] } else { pieces.to_vec() };
    let last = pieces.len() - 1;
    let mut so_far = 0usize;
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            so_far += p.chars().count();
            let count = if i == last { g.output_tokens as usize } else { so_far.div_ceil(4) };
            json!({
                "outputText": p,
                "index": 0,
                "totalOutputTextTokenCount": count,
                "completionReason": if i == last { Value::from(completion_reason(g)) } else { Value::Null },
                "inputTextTokenCount": if i == 0 { Value::from(g.input_tokens) } else { Value::Null },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let p = parse(&json!({"inputText": "Hi", "textGenerationConfig": {"maxTokenCount": 50, "stopSequences": ["User:"]}}))
            .unwrap();
        assert_eq!((p.input_texts, p.max_tokens, p.stop_sequences), (vec!["Hi".to_owned()], Some(50), vec!["User:".to_owned()]));
        assert_eq!(
            parse(&json!({"prompt": "Hi"})).unwrap_err().message,
            "Malformed input request: 2 schema violations found, please reformat your input and try again."
        );
        assert!(
            parse(&json!({"inputText": "Hi", "textGenerationConfig": {"max_tokens": 5}}))
                .unwrap_err()
                .message
                .contains("#/textGenerationConfig: extraneous key [max_tokens] is not permitted")
        );
    }
}
