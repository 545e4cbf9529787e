//! `json_extract_scalar(json, path)` (the scalar at a JSONPath as varchar; NULL for an object,
//! an array, a missing path or text that is not JSON) and `json_extract(json, path)` (the JSON
//! text there). Paths: `$`, `.key`, `["key"]`, `['key']`, `[n]`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};
use serde_json::Value;

use super::args::{arrays, invalid, strings};

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct JsonExtract {
    name: &'static str,
    scalar: bool,
    signature: Signature,
}

impl JsonExtract {
    pub(crate) fn scalar() -> Self {
        JsonExtract { name: "json_extract_scalar", scalar: true, signature: Signature::string(2, Volatility::Immutable) }
    }
    pub(crate) fn json() -> Self {
        JsonExtract { name: "json_extract", scalar: false, signature: Signature::string(2, Volatility::Immutable) }
    }
}

#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// The steps of a JSONPath.
fn parse_path(path: &str) -> Result<Vec<Step>, DataFusionError> {
    let bad = || invalid(format!("Invalid JSON path: '{path}'"));
    let p = path.trim();
    let mut rest = p.strip_prefix('$').ok_or_else(bad)?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return Err(bad());
            }
            steps.push(Step::Key(r[..end].to_owned()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']').ok_or_else(bad)?;
            let inner = r[..close].trim();
            if let Some(q) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                steps.push(Step::Key(q.to_owned()));
            } else if let Some(q) = inner.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
                steps.push(Step::Key(q.to_owned()));
            } else {
                steps.push(Step::Index(inner.parse().map_err(|_| bad())?));
            }
            rest = &r[close + 1..];
        } else {
            return Err(bad());
        }
    }
    Ok(steps)
}

fn extract<'v>(value: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.as_object()?.get(k),
        Step::Index(i) => v.as_array()?.get(*i),
    })
}

impl ScalarUDFImpl for JsonExtract {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args.args, args.number_rows)?;
        let (docs, paths) = (strings(&a[0])?, strings(&a[1])?);
        let mut cached: Option<(String, Vec<Step>)> = None;
        let mut out = Vec::with_capacity(docs.len());
        for i in 0..docs.len() {
            if docs.is_null(i) || paths.is_null(i) {
                out.push(None);
                continue;
            }
            let path = paths.value(i);
            if cached.as_ref().is_none_or(|(p, _)| p != path) {
                cached = Some((path.to_owned(), parse_path(path)?));
            }
            let steps = &cached.as_ref().expect("just set").1;
            let Ok(doc) = serde_json::from_str::<Value>(docs.value(i)) else {
                out.push(None);
                continue;
            };
            out.push(extract(&doc, steps).and_then(|v| match (self.scalar, v) {
                (true, Value::String(s)) => Some(s.clone()),
                (true, Value::Number(n)) => Some(n.to_string()),
                (true, Value::Bool(b)) => Some(b.to_string()),
                (true, _) => None,
                (false, v) => Some(v.to_string()),
            }));
        }
        Ok(ColumnarValue::Array(Arc::new(StringArray::from(out))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let v: Value = serde_json::from_str(r#"{"a":{"b":[1,{"c":"x"}]}}"#).unwrap();
        assert_eq!(extract(&v, &parse_path("$.a.b[1].c").unwrap()), Some(&Value::String("x".into())));
        assert_eq!(extract(&v, &parse_path("$['a'][\"b\"][0]").unwrap()), Some(&serde_json::json!(1)));
        assert!(parse_path("a.b").is_err());
    }
}
