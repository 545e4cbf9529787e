//! A metric widget's `metrics` rows: `[namespace, metricName, dimName, dimValue, ..., {options}]`
//! or a math row `[{"expression": "...", ...}]`, with CloudWatch's shorthand expanded against the
//! row before: `"."` is the previous row's value at that position, `"..."` the previous row's
//! values from there up to the ones the rest of this row replaces (`["...", "i-2"]` is the row
//! before with its last value changed).

use serde_json::{Map, Value};

/// Where a row's data comes from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RowSource {
    /// One metric.
    Metric { namespace: String, name: String, dimensions: Vec<(String, String)> },
    /// A metric-math expression.
    Expression(String),
}

/// A row, expanded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetricRow {
    pub(crate) source: RowSource,
    /// The rendering properties (`id`, `label`, `stat`, `period`, `visible`, `color`, ...).
    pub(crate) options: Map<String, Value>,
}

impl MetricRow {
    /// A string option.
    pub(crate) fn option_str(&self, name: &str) -> Option<&str> {
        self.options.get(name).and_then(Value::as_str)
    }
}

/// Why a row is not a metric or an expression (the path within the row, the message CloudWatch
/// gives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowError {
    /// The element at fault, when one is.
    pub(crate) item: Option<usize>,
    pub(crate) message: &'static str,
}

impl RowError {
    fn at(item: usize, message: &'static str) -> Self {
        Self { item: Some(item), message }
    }

    fn row(message: &'static str) -> Self {
        Self { item: None, message }
    }
}

/// "Invalid metric field type": a non-string before the last element.
pub(crate) const FIELD_TYPE: &str = "Invalid metric field type, only 'String' type is allowed";

/// Every row of `rows`, expanded in order.
pub(crate) fn expand_rows(rows: &[Value]) -> Vec<Result<MetricRow, RowError>> {
    let mut previous: Vec<String> = Vec::new();
    rows.iter()
        .map(|row| {
            let row = expand(row, &previous)?;
            if let RowSource::Metric { namespace, name, dimensions } = &row.source {
                previous = [namespace.clone(), name.clone()]
                    .into_iter()
                    .chain(dimensions.iter().flat_map(|(n, v)| [n.clone(), v.clone()]))
                    .collect();
            }
            Ok(row)
        })
        .collect()
}

fn expand(row: &Value, previous: &[String]) -> Result<MetricRow, RowError> {
    let Value::Array(items) = row else { return Err(RowError::row("Should be array")) };
    let (fields, options) = match items.split_last() {
        Some((Value::Object(o), rest)) => (rest, o.clone()),
        _ => (items.as_slice(), Map::new()),
    };
    let mut strings = Vec::with_capacity(fields.len());
    for (i, f) in fields.iter().enumerate() {
        match f {
            Value::String(s) => strings.push(s.as_str()),
            _ => return Err(RowError::at(i, FIELD_TYPE)),
        }
    }
    if strings.is_empty() {
        return match options.get("expression") {
            Some(Value::String(e)) => Ok(MetricRow { source: RowSource::Expression(e.clone()), options }),
            Some(_) => Err(RowError::at(items.len() - 1, "Should be string")),
            None if items.is_empty() => Err(RowError::row("Should NOT have fewer than 1 items")),
            None => Err(RowError::at(items.len() - 1, "Should have required property 'expression'")),
        };
    }
    let mut expanded: Vec<String> = Vec::new();
    match strings.iter().position(|s| *s == "...") {
        Some(p) => {
            let (before, after) = (&strings[..p], &strings[p + 1..]);
            expanded.extend(resolve(before, 0, previous));
            let fill_end = previous.len().saturating_sub(after.len());
            if fill_end > before.len() {
                expanded.extend(previous[before.len()..fill_end].iter().cloned());
            }
            let offset = expanded.len();
            expanded.extend(resolve(after, offset, previous));
        }
        None => expanded.extend(resolve(&strings, 0, previous)),
    }
    if expanded.len() < 2 {
        return Err(RowError::row("Should NOT have fewer than 2 items"));
    }
    if !expanded.len().is_multiple_of(2) {
        return Err(RowError::row("A metric's dimensions come in name and value pairs"));
    }
    let dimensions = expanded[2..].chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect();
    Ok(MetricRow { source: RowSource::Metric { namespace: expanded[0].clone(), name: expanded[1].clone(), dimensions }, options })
}

/// `"."` replaced by the previous row's value at the same position.
fn resolve(items: &[&str], offset: usize, previous: &[String]) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .map(|(i, s)| match *s {
            "." => previous.get(offset + i).cloned().unwrap_or_else(|| ".".to_owned()),
            other => other.to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metric(r: &Result<MetricRow, RowError>) -> (String, String, Vec<(String, String)>) {
        match &r.as_ref().unwrap().source {
            RowSource::Metric { namespace, name, dimensions } => (namespace.clone(), name.clone(), dimensions.clone()),
            RowSource::Expression(e) => panic!("an expression {e}"),
        }
    }

    fn dims(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn shorthand_repeats_the_row_before() {
        let rows = json!([
            ["AWS/EC2", "CPUUtilization", "InstanceId", "i-1", {"stat": "Maximum"}],
            ["...", "i-2"],
            [".", "NetworkIn", ".", "."],
            ["AWS/Bedrock", "Invocations", "ModelId", "m"],
            ["...", {"stat": "Sum", "id": "m9"}],
            [{"expression": "m1 + m2", "label": "both"}]
        ]);
        let out = expand_rows(rows.as_array().unwrap());
        assert_eq!(metric(&out[0]), ("AWS/EC2".into(), "CPUUtilization".into(), dims(&[("InstanceId", "i-1")])));
        assert_eq!(out[0].as_ref().unwrap().option_str("stat"), Some("Maximum"));
        assert_eq!(metric(&out[1]), ("AWS/EC2".into(), "CPUUtilization".into(), dims(&[("InstanceId", "i-2")])));
        assert_eq!(metric(&out[2]), ("AWS/EC2".into(), "NetworkIn".into(), dims(&[("InstanceId", "i-2")])));
        assert_eq!(metric(&out[4]), ("AWS/Bedrock".into(), "Invocations".into(), dims(&[("ModelId", "m")])));
        assert_eq!(out[4].as_ref().unwrap().option_str("id"), Some("m9"));
        assert_eq!(out[5].as_ref().unwrap().source, RowSource::Expression("m1 + m2".into()));
    }

    #[test]
    fn malformed_rows_say_where() {
        let rows = json!([
            ["AWS/EC2", "CPUUtilization", {"InstanceId": "i-1"}, {"stat": "Sum"}],
            ["AWS/EC2"],
            ["AWS/EC2", "CPUUtilization", "InstanceId"],
            [{"label": "no expression"}],
            "not a row",
            [7, "x"]
        ]);
        let out = expand_rows(rows.as_array().unwrap());
        assert_eq!(out[0], Err(RowError::at(2, FIELD_TYPE)));
        assert_eq!(out[1], Err(RowError::row("Should NOT have fewer than 2 items")));
        assert!(out[2].is_err());
        assert_eq!(out[3], Err(RowError::at(0, "Should have required property 'expression'")));
        assert_eq!(out[4], Err(RowError::row("Should be array")));
        assert_eq!(out[5], Err(RowError::at(0, FIELD_TYPE)));
    }
}
