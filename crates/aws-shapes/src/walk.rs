//! Shape-driven request checking: JSON types first (a wrong type is Coral's
//! `SerializationException`), then every `@required`, `@length`, `@range`, `@pattern`, `@enum`
//! and union constraint of the model (collected, in model order, as Coral `Violations`).
//!
//! JSON `null` for a member means "not set", as in Coral. Unknown members are ignored.

use serde_json::{Map, Value};

use crate::coral::{Shown, Violations, item_path, java_float, java_scalar, member_path, text};
use crate::rejection::Rejection;
use crate::shapes::{Shape, ShapeIndex, ShapeKind};

/// Constraint text for a union with zero or several members set. Coral's real wording for this
/// case was not found; see CHOICES.md.
pub const UNION_ONE_MEMBER: &str = "Member must have exactly one member set";

/// Checks `value` against structure `root` and returns the violations (empty when valid), or
/// the SerializationException for the first JSON type mismatch. Members bound to the URI or
/// headers (`location` in the model) are skipped: they are not read from the body.
pub fn check_body(index: &ShapeIndex, root: &str, value: &Value) -> Result<Violations, Rejection> {
    check_body_styled(index, root, value, PathStyle::AsModeled)
}

/// How member names appear in violation paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathStyle {
    /// The member name as the model spells it (`requestMetadata`, `logGroupName`).
    #[default]
    AsModeled,
    /// The first letter lower-cased, as the awsQuery services print PascalCase members
    /// (IAM: `Value 'x' at 'roleName' failed to satisfy constraint: ...`).
    LowerCamel,
}

/// [`check_body`] with member names in violation paths printed in `style`.
pub fn check_body_styled(index: &ShapeIndex, root: &str, value: &Value, style: PathStyle) -> Result<Violations, Rejection> {
    let mut walk = Walk { index, violations: Violations::default(), style };
    walk.check(root, value, "", false)?;
    Ok(walk.violations)
}

/// Checks one value against one (usually simple) shape at `path`.
pub fn check_value(index: &ShapeIndex, shape: &str, value: &Value, path: &str) -> Result<Violations, Rejection> {
    let mut walk = Walk { index, violations: Violations::default(), style: PathStyle::AsModeled };
    walk.check(shape, value, path, false)?;
    Ok(walk.violations)
}

struct Walk<'a> {
    index: &'a ShapeIndex,
    violations: Violations,
    style: PathStyle,
}

/// What the deserializer expected, for SerializationException texts.
#[derive(Clone, Copy)]
enum Expect {
    Structure,
    List,
    Map,
    String,
    Integer,
    Long,
    Float,
    Double,
    Boolean,
    Blob,
}

impl Expect {
    fn of(kind: ShapeKind) -> Expect {
        match kind {
            ShapeKind::Structure => Expect::Structure,
            ShapeKind::List => Expect::List,
            ShapeKind::Map => Expect::Map,
            ShapeKind::String | ShapeKind::Timestamp => Expect::String,
            ShapeKind::Integer => Expect::Integer,
            ShapeKind::Long => Expect::Long,
            ShapeKind::Float => Expect::Float,
            ShapeKind::Double => Expect::Double,
            ShapeKind::Boolean => Expect::Boolean,
            ShapeKind::Blob => Expect::Blob,
        }
    }

    fn java(self) -> &'static str {
        match self {
            Expect::String => "String",
            Expect::Integer => "Integer",
            Expect::Long => "Long",
            Expect::Float => "Float",
            Expect::Double => "Double",
            Expect::Boolean => "Boolean",
            Expect::Blob | Expect::Structure | Expect::List | Expect::Map => "",
        }
    }
}

/// Coral's deserializer texts for a JSON value of the wrong type (as mirrored by
/// architect/dynalite's DynamoDB conformance tests, `test/helpers`).
fn mismatch(expect: Expect, actual: &Value) -> Rejection {
    let msg = match (expect, actual) {
        (Expect::Structure | Expect::Map, Value::Array(_)) => "Start of list found where not expected".to_owned(),
        (Expect::Structure | Expect::Map | Expect::List, _) => {
            if actual.is_object() {
                "Start of structure or map found where not expected".to_owned()
            } else {
                "Unexpected field type".to_owned()
            }
        }
        (_, Value::Object(_)) => "Start of structure or map found where not expected".to_owned(),
        (Expect::Blob, Value::Array(_)) => "Unrecognized collection type class java.nio.ByteBuffer".to_owned(),
        (Expect::Blob, _) => "only base-64-encoded strings are convertible to bytes".to_owned(),
        (e, Value::Array(_)) => format!("Unrecognized collection type class java.lang.{}", e.java()),
        (Expect::Boolean, Value::String(_)) => "Unexpected token received from parser".to_owned(),
        (e, Value::String(_)) => format!("STRING_VALUE cannot be converted to {}", e.java()),
        (e, Value::Bool(true)) => format!("TRUE_VALUE cannot be converted to {}", e.java()),
        (e, Value::Bool(false)) => format!("FALSE_VALUE cannot be converted to {}", e.java()),
        (e, Value::Number(n)) if n.is_f64() => {
            format!("DECIMAL_VALUE cannot be converted to {}", e.java())
        }
        (e, Value::Number(_)) => format!("NUMBER_VALUE cannot be converted to {}", e.java()),
        (_, Value::Null) => "Unexpected field type".to_owned(),
    };
    Rejection::serialization(msg)
}

/// Mismatch for a body whose top level is not a JSON object.
pub fn top_level_mismatch(actual: &Value) -> Rejection {
    mismatch(Expect::Structure, actual)
}

fn is_simple(kind: ShapeKind) -> bool {
    !matches!(kind, ShapeKind::Structure | ShapeKind::List | ShapeKind::Map)
}

impl Walk<'_> {
    /// A structure member's path in this walk's style.
    fn member(&self, parent: &str, name: &str) -> String {
        match self.style {
            PathStyle::AsModeled => member_path(parent, name),
            PathStyle::LowerCamel => {
                let mut chars = name.chars();
                let lowered: String = chars.next().map(|c| c.to_ascii_lowercase()).into_iter().chain(chars).collect();
                member_path(parent, &lowered)
            }
        }
    }

    fn check(&mut self, shape_name: &str, v: &Value, path: &str, hidden: bool) -> Result<(), Rejection> {
        let index = self.index;
        let shape = index.get(shape_name);
        let hidden = hidden || shape.sensitive;
        if shape.document {
            return Ok(());
        }
        match shape.kind {
            ShapeKind::Structure => {
                let obj = v.as_object().ok_or_else(|| mismatch(Expect::Structure, v))?;
                self.structure(shape, obj, path, hidden)
            }
            ShapeKind::List => {
                let items = v.as_array().ok_or_else(|| mismatch(Expect::List, v))?;
                self.list(shape, v, items, path, hidden)
            }
            ShapeKind::Map => {
                let obj = v.as_object().ok_or_else(|| mismatch(Expect::Map, v))?;
                self.map(shape, v, obj, path, hidden)
            }
            _ => {
                let failures = simple_failures(shape, v)?;
                let shown =
                    if hidden || shape.kind == ShapeKind::Blob { Shown::Hidden } else { Shown::Quoted(show_simple(shape, v)) };
                for f in failures {
                    self.violations.push(shown.clone(), path, &f);
                }
                Ok(())
            }
        }
    }

    fn structure(&mut self, shape: &Shape, obj: &Map<String, Value>, path: &str, hidden: bool) -> Result<(), Rejection> {
        let mut set = 0usize;
        for m in &shape.members {
            if m.not_in_body {
                continue;
            }
            match obj.get(&m.name) {
                Some(value) if !value.is_null() => {
                    set += 1;
                    let p = self.member(path, &m.name);
                    self.check(&m.shape, value, &p, hidden)?;
                }
                _ => {
                    if shape.required.iter().any(|r| r == &m.name) {
                        let p = self.member(path, &m.name);
                        self.violations.push(Shown::Null, &p, text::NOT_NULL);
                    }
                }
            }
        }
        if shape.union && set != 1 {
            self.violations.push(Shown::Hidden, path, UNION_ONE_MEMBER);
        }
        Ok(())
    }

    fn list(&mut self, shape: &Shape, whole: &Value, items: &[Value], path: &str, hidden: bool) -> Result<(), Rejection> {
        let index = self.index;
        let member_name = shape.item.as_deref().unwrap_or_default();
        let member = index.get(member_name);
        let scalar_items = items.iter().all(|i| !i.is_object() && !i.is_array());
        let shown = if hidden {
            Shown::Hidden
        } else if items.is_empty() || (scalar_items && is_simple(member.kind)) {
            Shown::Quoted(java_scalar(whole))
        } else {
            Shown::Hidden
        };
        self.length(shape, items.len(), shown.clone(), path);
        if is_simple(member.kind) {
            let mut failed = false;
            for item in items {
                if item.is_null() {
                    failed = true;
                    continue;
                }
                if !simple_failures(member, item)?.is_empty() {
                    failed = true;
                }
            }
            if failed {
                let mut parts = all_constraints(member);
                parts.push(text::NOT_NULL.to_owned());
                self.violations.push(shown, path, &text::bracket("Member", &parts));
            }
        } else {
            for (i, item) in items.iter().enumerate() {
                let p = item_path(path, i);
                if item.is_null() {
                    self.violations.push(Shown::Null, &p, text::NOT_NULL);
                } else {
                    self.check(member_name, item, &p, hidden)?;
                }
            }
        }
        Ok(())
    }

    fn map(&mut self, shape: &Shape, whole: &Value, obj: &Map<String, Value>, path: &str, hidden: bool) -> Result<(), Rejection> {
        let index = self.index;
        let key_shape = index.get(shape.item.as_deref().unwrap_or_default());
        let value_name = shape.value.as_deref().unwrap_or_default();
        let value_shape = index.get(value_name);
        let shown = if hidden { Shown::Hidden } else { Shown::Quoted(java_scalar(whole)) };
        self.length(shape, obj.len(), shown.clone(), path);
        let mut key_failed = false;
        for key in obj.keys() {
            if !simple_failures(key_shape, &Value::String(key.clone()))?.is_empty() {
                key_failed = true;
            }
        }
        if key_failed {
            let parts = all_constraints(key_shape);
            self.violations.push(shown.clone(), path, &text::bracket("Map keys", &parts));
        }
        if is_simple(value_shape.kind) {
            let mut failed = false;
            for value in obj.values() {
                if value.is_null() || !simple_failures(value_shape, value)?.is_empty() {
                    failed = true;
                }
            }
            if failed {
                let parts = all_constraints(value_shape);
                self.violations.push(shown, path, &text::bracket("Map value", &parts));
            }
        } else {
            for (key, value) in obj {
                let p = member_path(path, key);
                if value.is_null() {
                    self.violations.push(Shown::Null, &p, text::NOT_NULL);
                } else {
                    self.check(value_name, value, &p, hidden || shape.sensitive)?;
                }
            }
        }
        Ok(())
    }

    /// `@length` on a list or map (count of items/entries).
    fn length(&mut self, shape: &Shape, len: usize, shown: Shown, path: &str) {
        let mut failures = Vec::new();
        length(shape, len as f64, &mut failures);
        for failure in failures {
            self.violations.push(shown.clone(), path, &failure);
        }
    }
}

/// Type-checks a simple value and returns the texts of the constraints it violates.
fn simple_failures(shape: &Shape, v: &Value) -> Result<Vec<String>, Rejection> {
    let mut out = Vec::new();
    let expect = Expect::of(shape.kind);
    match shape.kind {
        ShapeKind::String => {
            let s = v.as_str().ok_or_else(|| mismatch(expect, v))?;
            length(shape, s.encode_utf16().count() as f64, &mut out);
            if let Some(p) = &shape.pattern
                && !p.is_match(s)
            {
                out.push(text::pattern(p.source()));
            }
            if let Some(values) = &shape.enum_values
                && !values.iter().any(|e| e == s)
            {
                out.push(text::enum_set(values));
            }
        }
        ShapeKind::Timestamp => {
            if !(v.is_string() || v.is_number()) {
                return Err(mismatch(expect, v));
            }
        }
        ShapeKind::Integer | ShapeKind::Long => {
            let n = match v {
                Value::Number(n) if !n.is_f64() => n,
                _ => return Err(mismatch(expect, v)),
            };
            let value = n.as_i64().ok_or_else(|| mismatch(expect, v))?;
            if shape.kind == ShapeKind::Integer && i32::try_from(value).is_err() {
                return Err(mismatch(expect, v));
            }
            range(shape, value as f64, &mut out);
        }
        ShapeKind::Float | ShapeKind::Double => {
            let f = match v {
                Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                _ => return Err(mismatch(expect, v)),
            };
            let f = if shape.kind == ShapeKind::Float { f64::from(f as f32) } else { f };
            range(shape, f, &mut out);
        }
        ShapeKind::Boolean => {
            if !v.is_boolean() {
                return Err(mismatch(expect, v));
            }
        }
        ShapeKind::Blob => {
            let s = v.as_str().ok_or_else(|| mismatch(expect, v))?;
            length(shape, base64_decoded_len(s)? as f64, &mut out);
        }
        ShapeKind::Structure | ShapeKind::List | ShapeKind::Map => {}
    }
    Ok(out)
}

/// `@length` (string UTF-16 units, blob bytes, list items, map entries): the texts it violates.
fn length(shape: &Shape, len: f64, out: &mut Vec<String>) {
    if let Some(min) = &shape.min
        && len < min.as_f64().unwrap_or(0.0)
    {
        out.push(text::length_min(min));
    }
    if let Some(max) = &shape.max
        && len > max.as_f64().unwrap_or(f64::MAX)
    {
        out.push(text::length_max(max));
    }
}

fn range(shape: &Shape, value: f64, out: &mut Vec<String>) {
    if let Some(min) = &shape.min
        && value < min.as_f64().unwrap_or(f64::MIN)
    {
        out.push(text::value_min(min));
    }
    if let Some(max) = &shape.max
        && value > max.as_f64().unwrap_or(f64::MAX)
    {
        out.push(text::value_max(max));
    }
}

/// Every constraint of a simple shape, in Coral's bracket order (max length, min length when
/// above 0, pattern, enum).
fn all_constraints(shape: &Shape) -> Vec<String> {
    let mut parts = Vec::new();
    let numeric = matches!(shape.kind, ShapeKind::Integer | ShapeKind::Long | ShapeKind::Float | ShapeKind::Double);
    if let Some(max) = &shape.max {
        parts.push(if numeric { text::value_max(max) } else { text::length_max(max) });
    }
    if let Some(min) = &shape.min {
        if numeric {
            parts.push(text::value_min(min));
        } else if min.as_f64().unwrap_or(0.0) > 0.0 {
            parts.push(text::length_min(min));
        }
    }
    if let Some(p) = &shape.pattern {
        parts.push(text::pattern(p.source()));
    }
    if let Some(values) = &shape.enum_values {
        parts.push(text::enum_set(values));
    }
    parts
}

fn show_simple(shape: &Shape, v: &Value) -> String {
    match (shape.kind, v) {
        (ShapeKind::Float, Value::Number(n)) => java_float(n.as_f64().unwrap_or(f64::NAN) as f32),
        _ => java_scalar(v),
    }
}

/// Decoded length of a standard base64 string; Coral's texts for malformed input.
fn base64_decoded_len(s: &str) -> Result<usize, Rejection> {
    let bytes = s.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err(Rejection::serialization(format!(
            "Base64 encoded length is expected a multiple of 4 bytes but found: {}",
            bytes.len()
        )));
    }
    let pad = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    let body = &bytes[..bytes.len() - pad];
    let valid = pad <= 2 && body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/');
    if !valid {
        return Err(Rejection::serialization("Invalid last non-pad Base64 character dectected"));
    }
    Ok(bytes.len() / 4 * 3 - pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_camel_paths_for_query_services() {
        let index = ShapeIndex::from_json(
            r#"{"shapes": {
                "In": {"type": "structure", "required": ["RoleName"], "members": {"RoleName": {"shape": "Name"}, "Path": {"shape": "Name"}}},
                "Name": {"type": "string", "min": 1, "max": 3}
            }}"#,
        );
        let value = serde_json::json!({"Path": "long"});
        let modeled = check_body(&index, "In", &value).unwrap().into_result().unwrap_err();
        assert_eq!(
            modeled.message,
            "2 validation errors detected: Value null at 'RoleName' failed to satisfy constraint: Member must not be null; Value 'long' at 'Path' failed to satisfy constraint: Member must have length less than or equal to 3"
        );
        let camel = check_body_styled(&index, "In", &value, PathStyle::LowerCamel).unwrap().into_result().unwrap_err();
        assert!(camel.message.contains("at 'roleName'") && camel.message.contains("at 'path'"), "{}", camel.message);
    }
}
