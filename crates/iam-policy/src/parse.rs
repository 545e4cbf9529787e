//! JSON → [`PolicyDocument`], with the grammar's syntax rules: the top-level and statement
//! element names, `Statement` as one object or a non-empty list of them, strings or lists of
//! strings where the grammar says so, `Principal` as `"*"` or an object of known types,
//! `Condition` as operators of keys of values, `Effect` present and `Allow` or `Deny`.

use serde_json::{Map, Value};

use crate::document::{Condition, Effect, Negatable, PolicyDocument, PolicyVersion, PrincipalType, Principals, Statement};
use crate::error::Problem;

const TOP_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: [&str; 9] =
    ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

/// Parses a document; the first syntax problem is the error.
pub(crate) fn document(text: &str) -> Result<PolicyDocument, Problem> {
    if !text.trim_start().starts_with('{') {
        return Err(Problem::NotAnObject { valid_json: serde_json::from_str::<Value>(text).is_ok() });
    }
    let value: Value = serde_json::from_str(text).map_err(|_| Problem::InvalidJson)?;
    let Value::Object(top) = value else { return Err(Problem::NotAnObject { valid_json: true }) };
    if let Some(unknown) = top.keys().find(|k| !TOP_ELEMENTS.contains(&k.as_str())) {
        return Err(Problem::Syntax(format!("unknown element {unknown}")));
    }
    let version = match top.get("Version") {
        None => PolicyVersion::V2008_10_17,
        Some(Value::String(v)) if v == "2012-10-17" => PolicyVersion::V2012_10_17,
        Some(Value::String(v)) if v == "2008-10-17" => PolicyVersion::V2008_10_17,
        Some(other) => return Err(Problem::UnknownVersion(text_of(other))),
    };
    let id = match top.get("Id") {
        None => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => return Err(Problem::Syntax("Id is not a string".into())),
    };
    let raw: Vec<&Value> = match top.get("Statement") {
        None => return Err(Problem::MissingField("Statement")),
        Some(Value::Array(items)) if items.is_empty() => return Err(Problem::EmptyStatement),
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        Some(_) => return Err(Problem::Syntax("Statement is neither an object nor a list".into())),
    };
    let statements = raw.into_iter().map(statement).collect::<Result<_, _>>()?;
    Ok(PolicyDocument { version, id, statements })
}

fn text_of(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

fn statement(value: &Value) -> Result<Statement, Problem> {
    let Value::Object(s) = value else { return Err(Problem::Syntax("a statement is not an object".into())) };
    if let Some(unknown) = s.keys().find(|k| !STATEMENT_ELEMENTS.contains(&k.as_str())) {
        return Err(Problem::Syntax(format!("unknown statement element {unknown}")));
    }
    let sid = match s.get("Sid") {
        None => None,
        Some(Value::String(sid)) => Some(sid.clone()),
        Some(_) => return Err(Problem::Syntax("Sid is not a string".into())),
    };
    let effect = match s.get("Effect") {
        None => return Err(Problem::MissingField("Effect")),
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(Value::String(e)) => {
            let case_only = e.eq_ignore_ascii_case("allow") || e.eq_ignore_ascii_case("deny");
            return Err(Problem::InvalidEffect { effect: e.clone(), case_only });
        }
        Some(other) => return Err(Problem::InvalidEffect { effect: other.to_string(), case_only: false }),
    };
    let principal = pair(s, "Principal", "NotPrincipal", principals)?;
    let action = pair(s, "Action", "NotAction", strings)?.unwrap_or(Negatable::Is(Vec::new()));
    let resource = pair(s, "Resource", "NotResource", strings)?;
    let conditions = match s.get("Condition") {
        None => Vec::new(),
        Some(c) => conditions(c)?,
    };
    Ok(Statement { sid, effect, principal, action, resource, conditions })
}

/// An element and its `Not` form; both at once is a syntax error.
fn pair<T>(
    s: &Map<String, Value>,
    is: &str,
    not: &str,
    read: impl Fn(&str, &Value) -> Result<T, Problem>,
) -> Result<Option<Negatable<T>>, Problem> {
    match (s.get(is), s.get(not)) {
        (Some(_), Some(_)) => Err(Problem::Syntax(format!("{is} and {not} in one statement"))),
        (Some(v), None) => Ok(Some(Negatable::Is(read(is, v)?))),
        (None, Some(v)) => Ok(Some(Negatable::Not(read(not, v)?))),
        (None, None) => Ok(None),
    }
}

/// A string or a list of strings.
fn strings(element: &str, value: &Value) -> Result<Vec<String>, Problem> {
    let bad = || Problem::Syntax(format!("{element} is not a string or a list of strings"));
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items.iter().map(|i| i.as_str().map(str::to_owned).ok_or_else(bad)).collect(),
        _ => Err(bad()),
    }
}

/// `"*"` or `{"AWS": ..., "Service": ...}`.
fn principals(element: &str, value: &Value) -> Result<Principals, Problem> {
    match value {
        Value::String(s) if s == "*" => Ok(Principals::Any),
        Value::String(s) => Err(Problem::InvalidPrincipal(format!("\"{element}\":\"{s}\""))),
        Value::Object(map) => {
            let mut typed = Vec::with_capacity(map.len());
            for (key, v) in map {
                let kind = PrincipalType::from_key(key).ok_or_else(|| Problem::InvalidPrincipal(format!("\"{key}\":{}", v)))?;
                typed.push((kind, strings(key, v)?));
            }
            Ok(Principals::Typed(typed))
        }
        _ => Err(Problem::Syntax(format!("{element} is neither \"*\" nor an object"))),
    }
}

/// `{"<operator>": {"<key>": value or [values]}}`; booleans and numbers are read as text.
fn conditions(value: &Value) -> Result<Vec<Condition>, Problem> {
    let bad = |what: &str| Problem::Syntax(format!("Condition {what}"));
    let Value::Object(operators) = value else { return Err(bad("is not an object")) };
    let mut out = Vec::new();
    for (operator, keys) in operators {
        let Value::Object(keys) = keys else { return Err(bad("operator is not an object")) };
        for (key, values) in keys {
            let scalar = |v: &Value| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Bool(b) => Ok(b.to_string()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(bad("value is not a string, boolean or number")),
            };
            let values = match values {
                Value::Array(items) => items.iter().map(scalar).collect::<Result<_, _>>()?,
                one => vec![scalar(one)?],
            };
            out.push(Condition { operator: operator.clone(), key: key.clone(), values });
        }
    }
    Ok(out)
}
