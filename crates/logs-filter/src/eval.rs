//! Evaluation of a JSON pattern against a parsed JSON document.
//!
//! A comparison whose selector names nothing is false (so `!=` too). Numbers compare as `f64`;
//! a text value matches a string with `*` wildcards; a number compared with a string compares its
//! text (`$.code = 200` matches `"200"`); a text value (with its wildcards) matches a number or a
//! boolean by their JSON text, so `{ $.input.inputTokenCount = * }`, the metric-filter pattern
//! AWS's documentation uses, matches every record with a token count; any other pairing (a
//! `null`, an object, an array) is unequal, so only `!=` holds.

use serde_json::Value;

use crate::json::{CmpOp, JsonExpr, Literal, Test};
use crate::wildcard::wildcard_match;

impl JsonExpr {
    /// Whether the document `doc` satisfies the expression.
    pub fn matches(&self, doc: &Value) -> bool {
        match self {
            JsonExpr::And(operands) => operands.iter().all(|e| e.matches(doc)),
            JsonExpr::Or(operands) => operands.iter().any(|e| e.matches(doc)),
            JsonExpr::Test { selector, test } => {
                let found = selector.select(doc);
                match test {
                    Test::IsNull => matches!(found, Some(Value::Null)),
                    Test::Exists => found.is_some(),
                    Test::NotExists => found.is_none(),
                    Test::IsTrue => matches!(found, Some(Value::Bool(true))),
                    Test::IsFalse => matches!(found, Some(Value::Bool(false))),
                }
            }
            JsonExpr::Compare { selector, op, value } => match selector.select(doc) {
                Some(found) => compare(found, *op, value),
                None => false,
            },
        }
    }
}

fn compare(found: &Value, op: CmpOp, value: &Literal) -> bool {
    match (found, value) {
        (Value::Number(n), Literal::Number(k)) => {
            let Some(n) = n.as_f64() else { return false };
            match op {
                CmpOp::Eq => n == *k,
                CmpOp::Ne => n != *k,
                CmpOp::Lt => n < *k,
                CmpOp::Le => n <= *k,
                CmpOp::Gt => n > *k,
                CmpOp::Ge => n >= *k,
            }
        }
        (Value::String(s), Literal::Text(pattern)) => equality(op, wildcard_match(pattern, s)),
        (Value::String(s), Literal::Number(k)) => match op {
            CmpOp::Eq => *s == format_number(*k),
            CmpOp::Ne => *s != format_number(*k),
            _ => false,
        },
        (Value::Number(n), Literal::Text(pattern)) => equality(op, wildcard_match(pattern, &n.to_string())),
        (Value::Bool(b), Literal::Text(pattern)) => equality(op, wildcard_match(pattern, if *b { "true" } else { "false" })),
        _ => op == CmpOp::Ne,
    }
}

/// `=` or `!=` given whether the two sides are equal (the parser allows no other operator with text).
fn equality(op: CmpOp, equal: bool) -> bool {
    if op == CmpOp::Ne { !equal } else { equal }
}

/// A number as a JSON string would spell it: `200` for 200.0, `1.5` for 1.5.
fn format_number(k: f64) -> String {
    if k.fract() == 0.0 && k.abs() < 1e15 { format!("{}", k as i64) } else { k.to_string() }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn numbers_as_text() {
        assert_eq!(format_number(200.0), "200");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(format_number(1e20), "100000000000000000000");
    }
}
