//! JSON functions: `jsonParse`, `jsonStringify`, `jsonArraySize`, `jsonArrayContains`,
//! and the MAP/LIST access helpers used by `m.a.b` and `list[i]`.

use crate::value::Value;
use std::sync::Arc;

/// Converts a JSON value to an Insights value: objects and arrays stay MAP/LIST.
pub(crate) fn from_json(v: &serde_json::Value) -> Value<'static> {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => crate::choices::json_bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => n.as_f64().map_or(Value::Null, Value::float),
        },
        serde_json::Value::String(s) => Value::str(s.clone()),
        other => Value::Json(Arc::new(other.clone())),
    }
}

fn to_json(v: &Value<'_>) -> Option<serde_json::Value> {
    Some(match v {
        Value::Null => serde_json::Value::Null,
        Value::Json(j) => (**j).clone(),
        Value::Int(i) => (*i).into(),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Bool(b) => (*b).into(),
        other => serde_json::Value::String(other.text()?.into_owned()),
    })
}

/// `jsonParse(s)`: a MAP or LIST (or the scalar); null when `s` is not JSON.
pub(super) fn json_parse<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match &args[0] {
        Value::Json(_) => std::mem::take(&mut args[0]),
        v => match v.text() {
            Some(t) => serde_json::from_str::<serde_json::Value>(&t).map_or(Value::Null, |j| from_json(&j)),
            None => Value::Null,
        },
    }
}

/// `jsonStringify(v)`: compact JSON text.
pub(super) fn json_stringify<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match &args[0] {
        Value::Null => Value::Null,
        v => to_json(v).map_or(Value::Null, |j| Value::str(j.to_string())),
    }
}

/// `jsonArraySize(list)`.
pub(super) fn json_array_size<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match &args[0] {
        Value::Json(j) => j.as_array().map_or(Value::Null, |a| Value::Int(a.len() as i64)),
        _ => Value::Null,
    }
}

/// `jsonArrayContains(list, value)`: compares like `=`.
pub(super) fn json_array_contains<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let Value::Json(j) = &args[0] else { return Value::Null };
    let Some(arr) = j.as_array() else { return Value::Null };
    let needle = &args[1];
    Value::Bool(arr.iter().any(|e| crate::choices::compare(&from_json(e), needle) == Some(std::cmp::Ordering::Equal)))
}

/// `m.a.b` on a MAP (`a.0` also indexes a LIST).
pub(crate) fn get_path<'a>(v: &Value<'a>, path: &[String]) -> Value<'static> {
    let Value::Json(j) = v else { return Value::Null };
    let mut cur: &serde_json::Value = j;
    for seg in path {
        cur = match cur {
            serde_json::Value::Object(m) => match m.get(seg) {
                Some(x) => x,
                None => return Value::Null,
            },
            serde_json::Value::Array(a) => match seg.parse::<usize>().ok().and_then(|i| a.get(i)) {
                Some(x) => x,
                None => return Value::Null,
            },
            _ => return Value::Null,
        };
    }
    from_json(cur)
}

/// `list[i]` (or `map["key"]`).
pub(crate) fn index<'a>(v: &Value<'a>, idx: &Value<'_>) -> Value<'static> {
    match (v, idx) {
        (Value::Json(_), Value::Int(i)) => get_path(v, &[i.to_string()]),
        (Value::Json(_), other) => match other.text() {
            Some(k) => get_path(v, &[k.into_owned()]),
            None => Value::Null,
        },
        _ => Value::Null,
    }
}
