//! A rules document (`{"seed"?: n, "rules": [{...}]}`) read into [`Rule`]s, refusing with a
//! message naming the field: an unknown field, a value of the wrong type, an unknown service,
//! operation or error name, and any rule that can never match (an operation no selected model
//! has, a `modelId` or `requestMetadata` on operations that carry none, an error none of the
//! selected operations can return, `afterChunks` on operations that do not stream, a probability
//! of 0, a rule that does nothing).

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU64;

use aws_protocol::ServiceId;
use aws_protocol::tables;
use serde_json::{Map, Value};

use crate::rule::{Applicable, Effect, METADATA_OPERATIONS, Rule, StreamSpec, Trigger};

/// The longest latency a rule may add (10 minutes).
pub const MAX_LATENCY_MS: u64 = 600_000;

/// The fields a rule may have.
const FIELDS: [&str; 12] = [
    "service", "operation", "modelId", "requestMetadata", "probability", "count", "every", "error", "message", "latencyMs",
    "afterChunks", "disconnect",
];

/// Why a rules document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

/// A parsed rules document.
#[derive(Debug)]
pub struct RulesDocument {
    /// Seeds the draws of `probability` rules (0 when absent).
    pub seed: Option<u64>,
    pub rules: Vec<Rule>,
}

/// Parses a rules document from its JSON text.
pub fn parse_rules(text: &[u8]) -> Result<RulesDocument, RuleError> {
    let doc: Value = serde_json::from_slice(text).map_err(|e| RuleError(format!("the body is not JSON: {e}")))?;
    let Value::Object(doc) = doc else {
        return Err(RuleError(r#"expected a JSON object {"rules": [...]}"#.to_owned()));
    };
    for key in doc.keys() {
        if key != "rules" && key != "seed" {
            return Err(RuleError(format!("unknown field `{key}`; a rules document has `rules` and `seed`")));
        }
    }
    let seed = match doc.get("seed") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| RuleError(format!("seed: expected a non-negative integer, got {v}")))?),
    };
    let Some(Value::Array(items)) = doc.get("rules") else {
        return Err(RuleError(r#"rules: expected an array of rules ({"rules": [...]})"#.to_owned()));
    };
    let rules = items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_rule(item).map_err(|e| RuleError(format!("rules[{i}]{e}"))))
        .collect::<Result<_, _>>()?;
    Ok(RulesDocument { seed, rules })
}

/// One rule; errors start with `.field: ` or `: ` (the caller prefixes the rule's index).
pub(crate) fn parse_rule(item: &Value) -> Result<Rule, RuleError> {
    let Value::Object(map) = item else {
        return Err(RuleError(format!(": expected an object, got {}", kind(item))));
    };
    for key in map.keys() {
        if !FIELDS.contains(&key.as_str()) {
            return Err(RuleError(format!(": unknown field `{key}`; a rule has {}", FIELDS.join(", "))));
        }
    }
    let service = opt_str(map, "service")?
        .map(|s| {
            ServiceId::ALL.into_iter().find(|id| id.model_stem().eq_ignore_ascii_case(s)).ok_or_else(|| {
                RuleError(format!(
                    ".service: unknown service `{s}`; one of {}",
                    ServiceId::ALL.map(ServiceId::model_stem).join(", ")
                ))
            })
        })
        .transpose()?;
    let operation = opt_str(map, "operation")?.map(str::to_owned);
    let model_id = opt_str(map, "modelId")?.map(str::to_owned);
    if model_id.as_deref() == Some("") {
        return Err(RuleError(".modelId: an empty pattern matches no model id".to_owned()));
    }
    let request_metadata = match map.get("requestMetadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(
            m.iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    other => Err(RuleError(format!(".requestMetadata.{k}: expected a string, got {}", kind(other)))),
                })
                .collect::<Result<BTreeMap<_, _>, _>>()?,
        ),
        Some(other) => return Err(RuleError(format!(".requestMetadata: expected an object of strings, got {}", kind(other)))),
    };
    let trigger = trigger(map)?;
    let error = opt_str(map, "error")?.map(str::to_owned);
    let message = opt_str(map, "message")?.map(str::to_owned);
    let latency_ms = opt_u64(map, "latencyMs")?.unwrap_or(0);
    if latency_ms > MAX_LATENCY_MS {
        return Err(RuleError(format!(".latencyMs: at most {MAX_LATENCY_MS} (10 minutes), got {latency_ms}")));
    }
    let after_chunks = opt_u64(map, "afterChunks")?;
    let disconnect = match map.get("disconnect") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(RuleError(format!(".disconnect: expected true or false, got {}", kind(other)))),
    };
    if message.is_some() && error.is_none() {
        return Err(RuleError(".message: a message needs an `error`".to_owned()));
    }
    if disconnect && error.is_some() {
        return Err(RuleError(": give `error` (an exception frame) or `disconnect`, not both".to_owned()));
    }
    if error.is_none() && !disconnect && latency_ms == 0 {
        return Err(RuleError(": the rule does nothing; give `error`, `latencyMs` or `disconnect`".to_owned()));
    }
    if after_chunks.is_some() && error.is_none() && !disconnect {
        return Err(RuleError(".afterChunks: ending a stream needs an `error` (its exception frame) or `disconnect`".to_owned()));
    }
    let stream = (after_chunks.is_some() || disconnect)
        .then(|| StreamSpec { after_chunks: usize::try_from(after_chunks.unwrap_or(0)).unwrap_or(usize::MAX), disconnect });
    let rule = Rule {
        given: map.clone(),
        service,
        operation,
        model_id,
        request_metadata,
        trigger,
        effect: Effect { error, message, latency_ms, stream },
        matched: AtomicU64::new(0),
        fired: AtomicU64::new(0),
    };
    check_can_match(&rule)?;
    Ok(rule)
}

/// Refuses a rule no call can select: narrows the operations of the selected models step by
/// step and names the field that leaves none.
fn check_can_match(rule: &Rule) -> Result<(), RuleError> {
    let services: Vec<ServiceId> = rule.service.map_or_else(|| ServiceId::ALL.to_vec(), |s| vec![s]);
    let scope_name =
        rule.service.map_or_else(|| "any model the emulator carries".to_owned(), |s| format!("the {} model", s.model_stem()));
    let mut scope: Vec<(ServiceId, &str)> =
        services.iter().flat_map(|&s| tables::operations(s).iter().map(move |op| (s, op.name.as_str()))).collect();
    if let Some(op) = &rule.operation {
        scope.retain(|(_, name)| name == op);
        if scope.is_empty() {
            return Err(RuleError(format!(".operation: `{op}` is not an operation of {scope_name}; the rule can never match")));
        }
    }
    if rule.model_id.is_some() {
        scope.retain(|(s, name)| tables::find(*s, name).is_some_and(|op| op.label_member("modelId").is_some()));
        if scope.is_empty() {
            return Err(RuleError(
                ".modelId: none of the selected operations has a model id; the rule can never match".to_owned(),
            ));
        }
    }
    if rule.request_metadata.is_some() {
        scope.retain(|(s, name)| *s == ServiceId::BedrockRuntime && METADATA_OPERATIONS.contains(name));
        if scope.is_empty() {
            return Err(RuleError(format!(
                ".requestMetadata: only {} carry request metadata; the rule can never match",
                METADATA_OPERATIONS.join(", ")
            )));
        }
    }
    if let Some(stream) = &rule.effect.stream {
        scope.retain(|(s, name)| !tables::operation_errors(*s, name).stream_exceptions.is_empty());
        let _ = stream;
        let field = if rule.given.contains_key("afterChunks") { "afterChunks" } else { "disconnect" };
        if scope.is_empty() {
            return Err(RuleError(format!(".{field}: none of the selected operations streams; the rule can never match")));
        }
    }
    if let Some(name) = &rule.effect.error {
        let before: Vec<(ServiceId, &str)> = scope.clone();
        scope.retain(|(s, op)| matches!(rule.applicable_error(*s, op), Applicable::Yes(_)));
        if scope.is_empty() {
            let example = before.first().map(|(s, op)| {
                let declared = tables::operation_errors(*s, op);
                let names: Vec<String> = if rule.effect.stream.is_some() {
                    declared.stream_exceptions.iter().map(|e| e.shape.clone()).collect()
                } else {
                    declared
                        .errors
                        .iter()
                        .map(|e| e.shape.clone())
                        .chain(tables::common_errors(*s).into_iter().map(|e| e.shape))
                        .collect()
                };
                format!(" ({op} can return {})", names.join(", "))
            });
            let what = if rule.effect.stream.is_some() {
                "an exception of the selected streams"
            } else {
                "an error the selected operations can return"
            };
            return Err(RuleError(format!(
                ".error: `{name}` is not {what}{}; the rule can never match",
                example.unwrap_or_default()
            )));
        }
    }
    Ok(())
}

fn trigger(map: &Map<String, Value>) -> Result<Trigger, RuleError> {
    let given: Vec<&str> =
        ["probability", "count", "every"].into_iter().filter(|k| map.get(*k).is_some_and(|v| !v.is_null())).collect();
    if given.len() > 1 {
        return Err(RuleError(format!(": give one of probability, count and every (got {})", given.join(" and "))));
    }
    if let Some(v) = map.get("probability").filter(|v| !v.is_null()) {
        let p = v.as_f64().ok_or_else(|| RuleError(format!(".probability: expected a number in (0, 1], got {}", kind(v))))?;
        if p.is_nan() || p <= 0.0 || p > 1.0 {
            return Err(RuleError(format!(
                ".probability: expected a number in (0, 1], got {p} (a rule that never fires can never match)"
            )));
        }
        return Ok(Trigger::Probability(p));
    }
    for (key, make) in [("count", Trigger::Count as fn(u64) -> Trigger), ("every", Trigger::Every)] {
        if let Some(n) = opt_u64(map, key)? {
            if n == 0 {
                return Err(RuleError(format!(".{key}: expected a positive integer, got 0 (the rule could never fire)")));
            }
            return Ok(make(n));
        }
    }
    Ok(Trigger::Always)
}

fn opt_str<'a>(map: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, RuleError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(RuleError(format!(".{key}: expected a string, got {}", kind(other)))),
    }
}

fn opt_u64(map: &Map<String, Value>, key: &str) -> Result<Option<u64>, RuleError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            v.as_u64().map(Some).ok_or_else(|| RuleError(format!(".{key}: expected a non-negative integer, got {}", kind(v))))
        }
    }
}

/// A JSON value's kind and, for short scalars, the value.
fn kind(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() <= 40 => format!("the string {s:?}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> String {
        parse_rules(text.as_bytes()).err().map(|e| e.0).unwrap_or_else(|| panic!("accepted: {text}"))
    }

    #[test]
    fn accepts_the_documented_shapes() {
        let doc = parse_rules(
            br#"{"seed": 7, "rules": [
                {"operation": "Converse", "modelId": "anthropic.*", "count": 2, "error": "ThrottlingException"},
                {"requestMetadata": {"tenant_id": "tenant-b"}, "error": "ThrottlingException", "message": "slow"},
                {"service": "bedrock-runtime", "latencyMs": 200, "probability": 0.5},
                {"operation": "ConverseStream", "afterChunks": 2, "error": "throttlingException"},
                {"operation": "InvokeModelWithResponseStream", "afterChunks": 1, "disconnect": true},
                {"service": "s3", "operation": "GetObject", "error": "SlowDown", "every": 3},
                {"service": "iam", "error": "NoSuchEntity"}
            ]}"#,
        )
        .expect("accepted");
        assert_eq!(doc.seed, Some(7));
        assert_eq!(doc.rules.len(), 7);
    }

    #[test]
    fn refusals_name_the_field() {
        let cases = [
            (r#"{"rules": [{"error": "NoSuchThing"}]}"#, "rules[0].error: `NoSuchThing`"),
            (
                r#"{"rules": [{"error": "ThrottlingException", "count": "3"}]}"#,
                "rules[0].count: expected a non-negative integer, got the string \"3\"",
            ),
            (r#"{"rules": [{"error": "ThrottlingException", "colour": 1}]}"#, "rules[0]: unknown field `colour`"),
            (
                r#"{"rules": [{"service": "s3", "operation": "Converse", "error": "SlowDown"}]}"#,
                "rules[0].operation: `Converse` is not an operation of the s3 model",
            ),
            (r#"{"rules": [{"service": "logs", "modelId": "x", "error": "ThrottlingException"}]}"#, "rules[0].modelId"),
            (
                r#"{"rules": [{"operation": "CountTokens", "requestMetadata": {"a": "b"}, "error": "ThrottlingException"}]}"#,
                "rules[0].requestMetadata",
            ),
            (
                r#"{"rules": [{"operation": "Converse", "afterChunks": 1, "error": "ThrottlingException"}]}"#,
                "rules[0].afterChunks: none of the selected operations streams",
            ),
            (
                r#"{"rules": [{"operation": "ConverseStream", "afterChunks": 1, "error": "modelTimeoutException"}]}"#,
                "rules[0].error: `modelTimeoutException` is not an exception of the selected streams",
            ),
            (r#"{"rules": [{"operation": "CountTokens", "error": "ModelTimeoutException"}]}"#, "CountTokens can return"),
            (r#"{"rules": [{"error": "ThrottlingException", "probability": 0}]}"#, "rules[0].probability"),
            (r#"{"rules": [{"operation": "Converse"}]}"#, "rules[0]: the rule does nothing"),
            (
                r#"{"rules": [{"error": "ThrottlingException", "count": 1, "every": 2}]}"#,
                "give one of probability, count and every",
            ),
            (r#"{"rules": [{"service": "dynamodb", "error": "X"}]}"#, "rules[0].service: unknown service `dynamodb`"),
            (r#"{"rules": [{"error": "ThrottlingException", "latencyMs": -1}]}"#, "rules[0].latencyMs"),
            (r#"{"rules": {}}"#, "rules: expected an array"),
            (r#"[]"#, "expected a JSON object"),
            (r#"{"rules": [], "extra": 1}"#, "unknown field `extra`"),
            (r#"{"rules": [5]}"#, "rules[0]: expected an object, got the number 5"),
        ];
        for (text, want) in cases {
            let got = refused(text);
            assert!(got.contains(want), "{text}\n  got:  {got}\n  want: {want}");
        }
    }

    mod property {
        use proptest::prelude::*;
        use serde_json::{Value, json};

        use super::super::*;

        /// Values a rule field might be given: right types, wrong types, odd numbers.
        fn value() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
                prop_oneof![
                    Just("Converse"),
                    Just("ConverseStream"),
                    Just("ThrottlingException"),
                    Just("throttlingException"),
                    Just("bedrock-runtime"),
                    Just("s3"),
                    Just("*"),
                    Just(""),
                    Just("SlowDown"),
                    Just("GetObject"),
                ]
                .prop_map(Value::from),
                "[a-zA-Z*?.-]{0,12}".prop_map(Value::from),
                Just(json!({"tenant_id": "t"})),
                Just(json!([])),
            ]
        }

        fn rule() -> impl Strategy<Value = Value> {
            let keys = prop_oneof![
                Just("service"),
                Just("operation"),
                Just("modelId"),
                Just("requestMetadata"),
                Just("probability"),
                Just("count"),
                Just("every"),
                Just("error"),
                Just("message"),
                Just("latencyMs"),
                Just("afterChunks"),
                Just("disconnect"),
                Just("bogus"),
            ];
            proptest::collection::vec((keys, value()), 0..7)
                .prop_map(|fields| Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
        }

        proptest! {
            #[test]
            fn any_document_is_accepted_or_refused_with_a_message(rules in proptest::collection::vec(rule(), 0..4), seed in value()) {
                let doc = json!({"rules": rules, "seed": seed});
                match parse_rules(doc.to_string().as_bytes()) {
                    Ok(parsed) => prop_assert_eq!(parsed.rules.len(), doc["rules"].as_array().map_or(0, Vec::len)),
                    Err(RuleError(message)) => prop_assert!(!message.is_empty()),
                }
            }

            #[test]
            fn any_bytes_are_accepted_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
                if let Err(RuleError(message)) = parse_rules(&bytes) {
                    prop_assert!(!message.is_empty());
                }
            }
        }
    }
}
