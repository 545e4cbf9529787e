//! Differential test against the implementation this crate was extracted from:
//! `tests/legacy/filter_pattern.rs` is bedrock-emulator's `src/logs/filter_pattern.rs` copied
//! verbatim at commit 24c6feea72e3 (sha256 f037bf93…899140), frozen as the oracle.
//!
//! For every pattern (the fixtures' and generated ones) both must agree: the same error text
//! (message and position, so the Logs API answers byte-identical `InvalidParameterException`s),
//! or both compile and give the same `matches` on every message tried. The intended differences:
//! parentheses nested deeper than `MAX_DEPTH` are refused (`F108`) by the new crate, and a text
//! value (`"x*"`, `*`) compared with a number or a boolean matches by its JSON text (AWS's
//! `{ $.x = * }`), so patterns with a text comparison are checked against the oracle only for
//! their errors and for messages where no compared field is a number or a boolean.

#[allow(unreachable_pub)]
#[path = "legacy/filter_pattern.rs"]
mod legacy;

use std::path::Path;

use logs_filter::{ErrorCode, FilterPattern, JsonExpr, Literal};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Messages every compiled pattern is tried on, besides the generated ones.
fn fixed_messages() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let events: Map<String, Value> = serde_json::from_str(&std::fs::read_to_string(dir.join("events.json")).unwrap()).unwrap();
    let mut out: Vec<String> = events
        .into_values()
        .map(|v| match v {
            Value::String(s) => s,
            other => other.to_string(),
        })
        .collect();
    out.extend(
        [
            "",
            "ERROR disk full",
            r#"{"a":"x1","b":[true,false,null],"n":2,"s":"200","t":true}"#,
            r#"{"a":1.5,"b":{"c":"abc"},"n":"2","s":null}"#,
            "42",
            r#""text""#,
            "[1,2]",
        ]
        .map(String::from),
    );
    out
}

/// Asserts that both implementations agree on `pattern` over `messages`.
fn agree(pattern: &str, messages: &[String]) -> Result<(), String> {
    let new = FilterPattern::parse(pattern);
    if let Err(e) = &new
        && e.code == ErrorCode::TooDeep
    {
        return Ok(());
    }
    let old = legacy::FilterPattern::parse(pattern);
    match (old, new) {
        (Err(o), Err(n)) => {
            if (o.message.as_str(), o.position) != (n.message.as_str(), n.position) || o.to_string() != n.to_string() {
                return Err(format!("{pattern:?}: old error {o:?}, new {n:?}"));
            }
        }
        (Ok(o), Ok(n)) => {
            for m in messages {
                if compares_text_with_scalar(&n, m) {
                    continue;
                }
                if o.matches(m) != n.matches(m) {
                    return Err(format!("{pattern:?} on {m:?}: old {}, new {}", o.matches(m), n.matches(m)));
                }
            }
        }
        (o, n) => return Err(format!("{pattern:?}: old {o:?}, new {n:?}")),
    }
    Ok(())
}

/// Whether `pattern` compares a text value with a field that is a number or a boolean in
/// `message` (where the new semantics differ on purpose).
fn compares_text_with_scalar(pattern: &FilterPattern, message: &str) -> bool {
    fn walk(expr: &JsonExpr, doc: &Value) -> bool {
        match expr {
            JsonExpr::And(v) | JsonExpr::Or(v) => v.iter().any(|e| walk(e, doc)),
            JsonExpr::Compare { selector, value: Literal::Text(_), .. } => {
                matches!(selector.select(doc), Some(Value::Number(_) | Value::Bool(_)))
            }
            _ => false,
        }
    }
    let FilterPattern::Json(expr) = pattern else { return false };
    serde_json::from_str::<Value>(message.trim()).is_ok_and(|doc| walk(expr, &doc))
}

#[test]
fn fixture_patterns_behave_as_before() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let messages = fixed_messages();
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let case: Map<String, Value> = serde_json::from_str(line).unwrap();
            if let Some(Value::String(pattern)) = case.get("pattern") {
                agree(pattern, &messages).unwrap();
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

/// Pieces of JSON, term and regex patterns, valid and broken, glued at random.
fn token_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "{", "}", "(", ")", "$", ".a", ".b", ".n", ".s", ".t", "[0]", "[1]", "[", "]", "=", "!=", "<", "<=", ">", ">=", "&&",
        "||", "&", "|", "IS", "NOT", "EXISTS", "NULL", "TRUE", "FALSE", "is", "null", "1", "-2.5", "1e3", "inf", "\"x*\"",
        "\"a\"", "x*", "abc", "*", "\"", "\\", "%", "-", "?", "é", "\t", "200",
    ]);
    prop::collection::vec((tokens, prop::sample::select(vec!["", " "])), 0..14)
        .prop_map(|parts| parts.into_iter().flat_map(|(t, sep)| [t, sep]).collect())
}

/// Well-formed JSON patterns (mostly), so matching is compared, not only errors.
fn json_pattern() -> impl Strategy<Value = String> {
    let selector = prop::sample::select(vec!["$.a", "$.b", "$.n", "$.s", "$.t", "$.b[0]", "$.b[2]", "$.b.c", "$[1]", "$.x"]);
    let value = prop::sample::select(vec![
        "1", "2", "-1", "1.5", "200", "\"x*\"", "\"200\"", "x1", "*", "true", "false", "\"\"", "abc*", "null",
    ]);
    let op = prop::sample::select(vec!["=", "!=", "<", "<=", ">", ">="]);
    let test = prop::sample::select(vec!["IS NULL", "IS TRUE", "is false", "EXISTS", "NOT EXISTS"]);
    let condition = prop_oneof![
        (selector.clone(), op, value).prop_map(|(s, o, v)| format!("{s} {o} {v}")),
        (selector, test).prop_map(|(s, t)| format!("{s} {t}")),
    ];
    let expr = condition.prop_recursive(4, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} && {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} || {b}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    });
    expr.prop_map(|e| format!("{{ {e} }}"))
}

/// Small JSON documents over the keys the generated patterns select.
fn json_message() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..300).prop_map(Value::from),
        prop::sample::select(vec![1.5, -0.5, 2.0, 1e20]).prop_map(Value::from),
        prop::sample::select(vec!["", "x1", "x", "200", "1.5", "abc", "true", "null", "*"]).prop_map(Value::from),
    ];
    let value = leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(vec!["a", "b", "c", "n"]), inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    });
    prop::collection::btree_map(prop::sample::select(vec!["a", "b", "n", "s", "t"]), value, 0..5)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()).to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn generated_json_patterns_behave_as_before(pattern in json_pattern(), messages in prop::collection::vec(json_message(), 1..4)) {
        let mut all = fixed_messages();
        all.extend(messages);
        prop_assert!(agree(&pattern, &all).is_ok(), "{}", agree(&pattern, &all).unwrap_err());
    }

    #[test]
    fn token_soup_behaves_as_before(pattern in token_soup(), message in json_message()) {
        let mut all = fixed_messages();
        all.push(message);
        prop_assert!(agree(&pattern, &all).is_ok(), "{}", agree(&pattern, &all).unwrap_err());
    }

    #[test]
    fn arbitrary_text_behaves_as_before(pattern in "\\PC{0,40}", message in "\\PC{0,40}") {
        let all = vec![message];
        prop_assert!(agree(&pattern, &all).is_ok(), "{}", agree(&pattern, &all).unwrap_err());
    }
}
