//! Coral's validation message format: `N validation error(s) detected: ` followed by
//! `; `-joined items `Value '<v>' at '<path>' failed to satisfy constraint: <constraint>`.
//!
//! Member paths use dots, list items `.<1-based index>.member` (real EventBridge text:
//! `targets.1.member.inputTransformer.inputPathsMap`; bifrost PR #6732 quotes Bedrock's
//! `Value null at 'messages.N.member.content'`). Sensitive members omit the value
//! (`Value at 'requestMetadata' ...`, real Cognito text).

use serde_json::{Number, Value};

use crate::rejection::Rejection;

/// How the offending value is shown in an item.
#[derive(Debug, Clone)]
pub enum Shown {
    /// `Value '<text>' at ...`
    Quoted(String),
    /// `Value null at ...`
    Null,
    /// `Value at ...` (sensitive member or a value Coral would print as a Java object).
    Hidden,
}

/// The collected constraint violations of one request, in model order.
#[derive(Debug, Default)]
pub struct Violations {
    items: Vec<String>,
}

impl Violations {
    pub fn push(&mut self, shown: Shown, path: &str, constraint: &str) {
        let item = match shown {
            Shown::Quoted(v) => {
                format!("Value '{v}' at '{path}' failed to satisfy constraint: {constraint}")
            }
            Shown::Null => format!("Value null at '{path}' failed to satisfy constraint: {constraint}"),
            Shown::Hidden => format!("Value at '{path}' failed to satisfy constraint: {constraint}"),
        };
        self.items.push(item);
    }

    pub fn append(&mut self, other: Violations) {
        self.items.extend(other.items);
    }

    /// `Ok(())` when nothing was violated, else the ValidationException AWS sends.
    pub fn into_result(self) -> Result<(), Rejection> {
        if self.items.is_empty() {
            return Ok(());
        }
        let n = self.items.len();
        let plural = if n == 1 { "" } else { "s" };
        Err(Rejection::validation(format!("{n} validation error{plural} detected: {}", self.items.join("; "))))
    }
}

/// Joins a structure member onto a path.
pub fn member_path(parent: &str, name: &str) -> String {
    if parent.is_empty() { name.to_owned() } else { format!("{parent}.{name}") }
}

/// Joins a 0-based list index onto a path, Coral style (`.1.member` for the first item).
pub fn item_path(parent: &str, index: usize) -> String {
    format!("{parent}.{}.member", index + 1)
}

/// The constraint texts.
pub mod text {
    use super::*;

    pub const NOT_NULL: &str = "Member must not be null";

    pub fn length_min(n: &Number) -> String {
        format!("Member must have length greater than or equal to {}", bound(n))
    }
    pub fn length_max(n: &Number) -> String {
        format!("Member must have length less than or equal to {}", bound(n))
    }
    pub fn value_min(n: &Number) -> String {
        format!("Member must have value greater than or equal to {}", bound(n))
    }
    pub fn value_max(n: &Number) -> String {
        format!("Member must have value less than or equal to {}", bound(n))
    }
    pub fn pattern(p: &str) -> String {
        format!("Member must satisfy regular expression pattern: {p}")
    }
    pub fn enum_set(values: &[String]) -> String {
        format!("Member must satisfy enum value set: [{}]", values.join(", "))
    }
    /// A bracketed constraint list, as used for list members and map keys/values.
    pub fn bracket(prefix: &str, parts: &[String]) -> String {
        format!("{prefix} must satisfy constraint: [{}]", parts.join(", "))
    }

    /// Model bounds print as the model spells them (`1`, not `1.0`).
    fn bound(n: &Number) -> String {
        if let Some(i) = n.as_i64() {
            return i.to_string();
        }
        match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            Some(f) => format!("{f}"),
            None => n.to_string(),
        }
    }
}

/// Java `toString` of a scalar JSON value as Coral prints it inside `Value '...'`.
pub fn java_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(java_scalar).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k}={}", java_scalar(v))).collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// Java `Float.toString`: `1.5`, `2.0`, `1.0E10`, `1.0E-4`.
pub fn java_float(f: f32) -> String {
    if f.is_nan() {
        return "NaN".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let abs = f.abs();
    if f == 0.0 || (1e-3..1e7).contains(&abs) {
        let s = format!("{f}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_owned() } else { format!("{mantissa}.0") };
        format!("{mantissa}E{exp}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_counts_and_joins() {
        let mut v = Violations::default();
        v.push(Shown::Quoted("0".into()), "inferenceConfig.maxTokens", "Member must have value greater than or equal to 1");
        let e = v.into_result().unwrap_err();
        assert_eq!(
            e.message,
            "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        let mut v = Violations::default();
        v.push(Shown::Hidden, "a", "x");
        v.push(Shown::Null, "b", "y");
        assert_eq!(
            v.into_result().unwrap_err().message,
            "2 validation errors detected: Value at 'a' failed to satisfy constraint: x; Value null at 'b' failed to satisfy constraint: y"
        );
    }

    #[test]
    fn java_float_format() {
        assert_eq!(java_float(1.5), "1.5");
        assert_eq!(java_float(2.0), "2.0");
        assert_eq!(java_float(-0.5), "-0.5");
        assert_eq!(java_float(1e10), "1.0E10");
    }
}
