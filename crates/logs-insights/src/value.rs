//! Runtime values: what a field or expression holds for one event, with coercions.
//!
//! Strings borrow from the event's message bytes where possible (`Cow`), so the scan does
//! not allocate per field. How values render and compare where AWS leaves it undocumented
//! lives in [`crate::choices`].

use std::borrow::Cow;
use std::sync::Arc;

/// A dynamically typed value.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) enum Value<'a> {
    /// Missing field or null result.
    #[default]
    Null,
    /// Result of a comparison or predicate function.
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    /// Epoch milliseconds that render as a timestamp (`@timestamp`, `bin()`, `fromMillis`).
    Ts(i64),
    /// A MAP or LIST from `jsonParse`.
    Json(Arc<serde_json::Value>),
}

/// A numeric view of a value, keeping integers exact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

impl Num {
    pub(crate) fn f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    pub(crate) fn value(self) -> Value<'static> {
        match self {
            Num::Int(i) => Value::Int(i),
            Num::Float(f) => Value::Float(f),
        }
    }
}

/// Parses a numeric string (surrounding ASCII whitespace allowed), as Insights coerces
/// numeric strings in arithmetic, aggregation and comparison.
pub(crate) fn parse_num(s: &str) -> Option<Num> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    if let Ok(i) = t.parse::<i64>() {
        return Some(Num::Int(i));
    }
    let first = t.as_bytes()[0];
    // Reject words Rust's float parser accepts (`inf`, `NaN`, `infinity`).
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() => Some(Num::Float(f)),
        _ => None,
    }
}

impl<'a> Value<'a> {
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The numeric view: numbers, timestamps (as ms), booleans (1/0) and numeric strings.
    pub(crate) fn num(&self) -> Option<Num> {
        match self {
            Value::Int(i) | Value::Ts(i) => Some(Num::Int(*i)),
            Value::Float(f) => Some(Num::Float(*f)),
            Value::Bool(b) => Some(Num::Int(*b as i64)),
            Value::Str(s) => parse_num(s),
            Value::Null | Value::Json(_) => None,
        }
    }

    pub(crate) fn f64(&self) -> Option<f64> {
        self.num().map(Num::f64)
    }

    /// The string view used by string functions; `None` for null and MAP/LIST values.
    pub(crate) fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Str(s) => Some(Cow::Borrowed(s.as_ref())),
            Value::Null | Value::Json(_) => None,
            other => crate::choices::render(other).map(Cow::Owned),
        }
    }

    /// Detaches the value from the event's bytes.
    pub(crate) fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::Str(s) => Value::Str(Cow::Owned(s.into_owned())),
            Value::Ts(t) => Value::Ts(t),
            Value::Json(j) => Value::Json(j),
        }
    }

    pub(crate) fn str(s: impl Into<Cow<'a, str>>) -> Value<'a> {
        Value::Str(s.into())
    }

    /// A float result, normalized: non-finite results are null.
    pub(crate) fn float(f: f64) -> Value<'static> {
        if f.is_finite() { Value::Float(f) } else { Value::Null }
    }
}
