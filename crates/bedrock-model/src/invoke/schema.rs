//! The JSON-schema checks Bedrock applies to InvokeModel bodies, with the messages of the
//! validator behind them ("Malformed input request: ..."). Real texts:
//! `Malformed input request: #: required key [prompt] not found, please reformat your input and try again.`
//! (sourcegraph/jetbrains #1825), `#/messages/0/content/0: extraneous key [type] is not permitted`
//! (crmne/ruby_llm #586), `2 schema violations found` (newrelic node agent fixture). Type and
//! range texts follow the same validator's wording (`expected type: Integer, found: String`,
//! `0 is not greater or equal to 1`).

use serde_json::{Map, Value};

use crate::error::ServiceError;

/// The JSON type a schema expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    /// A string or an array (Anthropic `content` and `system`).
    StringOrArray,
    /// Anything (nested structures Bedrock passes to the model as they are).
    Any,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::String => "String",
            Kind::Integer => "Integer",
            Kind::Number => "Number",
            Kind::Boolean => "Boolean",
            Kind::Array => "JSONArray",
            Kind::Object => "JSONObject",
            Kind::StringOrArray => "String or JSONArray",
            Kind::Any => "any",
        }
    }

    fn accepts(self, v: &Value) -> bool {
        match self {
            Kind::String => v.is_string(),
            Kind::Integer => v.as_f64().is_some_and(|f| f.fract() == 0.0),
            Kind::Number => v.is_number(),
            Kind::Boolean => v.is_boolean(),
            Kind::Array => v.is_array(),
            Kind::Object => v.is_object(),
            Kind::StringOrArray => v.is_string() || v.is_array(),
            Kind::Any => true,
        }
    }
}

/// One property of an object schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prop {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
    /// Inclusive minimum for numbers.
    pub(crate) min: Option<f64>,
    /// Inclusive maximum for numbers.
    pub(crate) max: Option<f64>,
}

/// A required property.
pub(crate) const fn req(name: &'static str, kind: Kind) -> Prop {
    Prop { name, kind, required: true, min: None, max: None }
}

/// An optional property.
pub(crate) const fn opt(name: &'static str, kind: Kind) -> Prop {
    Prop { name, kind, required: false, min: None, max: None }
}

impl Prop {
    /// The same property with an inclusive range.
    pub(crate) const fn range(self, min: f64, max: f64) -> Prop {
        Prop { min: Some(min), max: Some(max), ..self }
    }

    /// The same property with an inclusive minimum.
    pub(crate) const fn at_least(self, min: f64) -> Prop {
        Prop { min: Some(min), ..self }
    }
}

/// Collected schema violations of one body.
#[derive(Debug, Default)]
pub(crate) struct Violations(Vec<String>);

impl Violations {
    /// Records one violation at a JSON pointer (`#`, `#/messages/0`).
    pub(crate) fn push(&mut self, pointer: &str, text: impl std::fmt::Display) {
        self.0.push(format!("{pointer}: {text}"));
    }

    /// Checks `value` against an object schema at `pointer`; returns the object when it is one.
    /// Unknown keys, missing required keys, wrong types and out-of-range numbers are violations.
    pub(crate) fn object<'v>(&mut self, pointer: &str, value: &'v Value, props: &[Prop]) -> Option<&'v Map<String, Value>> {
        let Some(obj) = value.as_object() else {
            self.push(pointer, format!("expected type: JSONObject, found: {}", type_name(value)));
            return None;
        };
        for key in obj.keys() {
            if !props.iter().any(|p| p.name == key) {
                self.push(pointer, format!("extraneous key [{key}] is not permitted"));
            }
        }
        for prop in props {
            match obj.get(prop.name) {
                None if prop.required => self.push(pointer, format!("required key [{}] not found", prop.name)),
                None => {}
                Some(v) => self.check(&format!("{pointer}/{}", prop.name), v, prop),
            }
        }
        Some(obj)
    }

    fn check(&mut self, pointer: &str, v: &Value, prop: &Prop) {
        if !prop.kind.accepts(v) {
            self.push(pointer, format!("expected type: {}, found: {}", prop.kind.name(), type_name(v)));
            return;
        }
        if let Some(n) = v.as_f64() {
            if let Some(min) = prop.min.filter(|m| n < *m) {
                self.push(pointer, format!("{} is not greater or equal to {}", show(v), show_f(min)));
            }
            if let Some(max) = prop.max.filter(|m| n > *m) {
                self.push(pointer, format!("{} is not less or equal to {}", show(v), show_f(max)));
            }
        }
    }

    /// Checks that every item of an array is a string.
    pub(crate) fn strings(&mut self, pointer: &str, value: Option<&Value>) {
        for (i, item) in value.and_then(Value::as_array).into_iter().flatten().enumerate() {
            if !item.is_string() {
                self.push(&format!("{pointer}/{i}"), format!("expected type: String, found: {}", type_name(item)));
            }
        }
    }

    /// Checks that a string is one of `allowed`.
    pub(crate) fn enumerated(&mut self, pointer: &str, value: Option<&Value>, allowed: &[&str]) {
        if let Some(s) = value.and_then(Value::as_str)
            && !allowed.contains(&s)
        {
            self.push(pointer, format!("{s} is not a valid enum value"));
        }
    }

    /// Checks a string's length in characters (the validator's `minLength`/`maxLength`).
    pub(crate) fn length(&mut self, pointer: &str, value: Option<&Value>, min: usize, max: usize) {
        let Some(n) = value.and_then(Value::as_str).map(|s| s.chars().count()) else { return };
        if n < min {
            self.push(pointer, format!("expected minLength: {min}, actual: {n}"));
        } else if n > max {
            self.push(pointer, format!("expected maxLength: {max}, actual: {n}"));
        }
    }

    /// Checks that an integer is one of `allowed`.
    pub(crate) fn enumerated_int(&mut self, pointer: &str, value: Option<&Value>, allowed: &[i64]) {
        if let Some(v) = value
            && let Some(n) = v.as_f64()
            && !allowed.iter().any(|a| *a as f64 == n)
        {
            self.push(pointer, format!("{} is not a valid enum value", show(v)));
        }
    }

    /// `Ok` when nothing was recorded, else Bedrock's ValidationException.
    pub(crate) fn into_result(self) -> Result<(), ServiceError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(malformed(&self.0[0])),
            n => Err(malformed(&format!("{n} schema violations found"))),
        }
    }
}

/// Bedrock's ValidationException for a body the model's schema rejects.
pub(crate) fn malformed(detail: &str) -> ServiceError {
    ServiceError::validation(format!("Malformed input request: {detail}, please reformat your input and try again."))
}

/// Reads the body as JSON. Bedrock answers a body that is not JSON with a ValidationException
/// (the body is a blob to the protocol, so Coral's SerializationException does not apply).
pub(crate) fn read_json(body: &[u8]) -> Result<Value, ServiceError> {
    serde_json::from_slice(body).map_err(|_| malformed("#: expected type: JSONObject, found: String"))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "Null",
        Value::Bool(_) => "Boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "Integer",
        Value::Number(_) => "BigDecimal",
        Value::String(_) => "String",
        Value::Array(_) => "JSONArray",
        Value::Object(_) => "JSONObject",
    }
}

fn show(v: &Value) -> String {
    v.to_string()
}

fn show_f(f: f64) -> String {
    if f.fract() == 0.0 { format!("{}", f as i64) } else { format!("{f}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PROPS: &[Prop] = &[req("prompt", Kind::String), opt("max_gen_len", Kind::Integer).range(1.0, 2048.0)];

    fn check(v: Value) -> Result<(), ServiceError> {
        let mut violations = Violations::default();
        violations.object("#", &v, PROPS);
        violations.into_result()
    }

    #[test]
    fn one_violation_is_named_several_are_counted() {
        assert!(check(json!({"prompt": "hi", "max_gen_len": 5})).is_ok());
        assert_eq!(
            check(json!({})).unwrap_err().message,
            "Malformed input request: #: required key [prompt] not found, please reformat your input and try again."
        );
        assert_eq!(
            check(json!({"prompt": "hi", "x": 1})).unwrap_err().message,
            "Malformed input request: #: extraneous key [x] is not permitted, please reformat your input and try again."
        );
        assert_eq!(
            check(json!({"prompt": "hi", "max_gen_len": 4096})).unwrap_err().message,
            "Malformed input request: #/max_gen_len: 4096 is not less or equal to 2048, please reformat your input and try again."
        );
        assert_eq!(
            check(json!({"prompt": 3, "max_gen_len": "x"})).unwrap_err().message,
            "Malformed input request: 2 schema violations found, please reformat your input and try again."
        );
    }
}
