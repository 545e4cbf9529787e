//! awsQuery form parameters (`MetricData.member.1.Dimensions.member.1.Name=ModelId`) → the JSON
//! document the JSON protocols would carry for the same input, read against the input shape:
//! lists from `member.N` (or `N` when flattened), maps from `entry.N.key`/`entry.N.value` (or the
//! model's `locationName`s), numbers and booleans parsed, timestamps (ISO 8601 or epoch seconds)
//! as epoch seconds. The services then validate and read one JSON form whatever protocol the
//! client spoke.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use aws_shapes::{Rejection, ShapeIndex, ShapeKind};

/// Parameters the protocol itself uses, not input members.
const PROTOCOL_PARAMS: [&str; 2] = ["Action", "Version"];

/// One level of the parameter tree: a value given for this exact key, and deeper keys.
#[derive(Debug, Default)]
struct Node {
    value: Option<String>,
    children: BTreeMap<String, Node>,
}

impl Node {
    fn insert(&mut self, path: &[&str], value: &str) {
        match path.split_first() {
            None => self.value = Some(value.to_owned()),
            Some((first, rest)) => self.children.entry((*first).to_owned()).or_default().insert(rest, value),
        }
    }

    /// Children keyed `1`, `2`, ... in numeric order (other keys are not list items).
    fn indexed(&self) -> Result<Vec<&Node>, Rejection> {
        let mut items: Vec<(u32, &Node)> = Vec::with_capacity(self.children.len());
        for (key, node) in &self.children {
            let index = key
                .parse::<u32>()
                .ok()
                .filter(|i| *i >= 1)
                .ok_or_else(|| Rejection::serialization(format!("'{key}' is not a list index (1, 2, ...)")))?;
            items.push((index, node));
        }
        items.sort_by_key(|(i, _)| *i);
        Ok(items.into_iter().map(|(_, n)| n).collect())
    }
}

/// The JSON document of `params` read as an instance of structure `shape`. Unknown parameters
/// are ignored (as the services ignore unknown JSON members); a value that does not parse as its
/// member's type is a serialization rejection naming the parameter.
pub fn form_to_json(index: &ShapeIndex, shape: &str, params: &[(String, String)]) -> Result<Value, Rejection> {
    let mut root = Node::default();
    for (key, value) in params {
        if PROTOCOL_PARAMS.contains(&key.as_str()) {
            continue;
        }
        let path: Vec<&str> = key.split('.').collect();
        root.insert(&path, value);
    }
    convert(index, shape, &root, "")
}

fn convert(index: &ShapeIndex, shape_name: &str, node: &Node, path: &str) -> Result<Value, Rejection> {
    let shape = index.get(shape_name);
    match shape.kind {
        ShapeKind::Structure => {
            let mut out = Map::new();
            for member in &shape.members {
                let wire = member.location_name.as_deref().unwrap_or(&member.name);
                if let Some(child) = node.children.get(wire) {
                    let child_path = if path.is_empty() { wire.to_owned() } else { format!("{path}.{wire}") };
                    out.insert(member.name.clone(), convert(index, &member.shape, child, &child_path)?);
                }
            }
            Ok(Value::Object(out))
        }
        ShapeKind::List => {
            let item_shape = shape.item.as_deref().unwrap_or_default();
            let items_node =
                if shape.flattened { Some(node) } else { node.children.get(shape.item_name.as_deref().unwrap_or("member")) };
            let mut out = Vec::new();
            if let Some(items) = items_node {
                for (i, item) in items.indexed()?.into_iter().enumerate() {
                    out.push(convert(index, item_shape, item, &format!("{path}.member.{}", i + 1))?);
                }
            }
            Ok(Value::Array(out))
        }
        ShapeKind::Map => {
            let (key_shape, value_shape) =
                (shape.item.as_deref().unwrap_or_default(), shape.value.as_deref().unwrap_or_default());
            let key_name = shape.item_name.as_deref().unwrap_or("key");
            let value_name = shape.value_name.as_deref().unwrap_or("value");
            let entries = if shape.flattened { Some(node) } else { node.children.get("entry") };
            let mut out = Map::new();
            if let Some(entries) = entries {
                for entry in entries.indexed()? {
                    let Some(key) = entry.children.get(key_name) else { continue };
                    let key = convert(index, key_shape, key, path)?;
                    let key = key.as_str().map(str::to_owned).unwrap_or_else(|| key.to_string());
                    let value = match entry.children.get(value_name) {
                        Some(v) => convert(index, value_shape, v, &format!("{path}.{key}"))?,
                        None => Value::Null,
                    };
                    out.insert(key, value);
                }
            }
            Ok(Value::Object(out))
        }
        kind => scalar(kind, node.value.as_deref().unwrap_or_default(), path),
    }
}

fn scalar(kind: ShapeKind, text: &str, path: &str) -> Result<Value, Rejection> {
    let bad = |what: &str| Rejection::serialization(format!("Value '{text}' for parameter {path} is not a valid {what}"));
    match kind {
        ShapeKind::Integer | ShapeKind::Long => text.trim().parse::<i64>().map(Value::from).map_err(|_| bad("integer")),
        ShapeKind::Float | ShapeKind::Double => {
            let f = text.trim().parse::<f64>().map_err(|_| bad("number"))?;
            Ok(Number::from_f64(f).map_or_else(|| Value::String(text.trim().to_owned()), Value::Number))
        }
        ShapeKind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err(bad("boolean")),
        },
        ShapeKind::Timestamp => timestamp(text.trim()).ok_or_else(|| bad("timestamp")),
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// ISO 8601 (`2025-12-03T10:54:44.250Z`, offsets allowed) or epoch seconds → epoch seconds.
fn timestamp(text: &str) -> Option<Value> {
    if let Ok(seconds) = text.parse::<f64>() {
        return Number::from_f64(seconds).map(Value::Number);
    }
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    let nanos = at.unix_timestamp_nanos();
    let seconds = nanos as f64 / 1e9;
    if nanos % 1_000_000_000 == 0 {
        Some(Value::from((nanos / 1_000_000_000) as i64))
    } else {
        Number::from_f64(seconds).map(Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL: &str = r#"{"shapes": {
        "PutMetricDataInput": {"type": "structure", "required": ["Namespace", "MetricData"], "members": {
            "Namespace": {"shape": "Namespace"}, "MetricData": {"shape": "MetricData"}, "StrictEntityValidation": {"shape": "Flag"}}},
        "Namespace": {"type": "string"},
        "Flag": {"type": "boolean"},
        "MetricData": {"type": "list", "member": {"shape": "MetricDatum"}},
        "MetricDatum": {"type": "structure", "members": {
            "MetricName": {"shape": "Namespace"}, "Value": {"shape": "Double"}, "Timestamp": {"shape": "Stamp"},
            "Dimensions": {"shape": "Dimensions"}, "StorageResolution": {"shape": "Int"}}},
        "Double": {"type": "double"}, "Int": {"type": "integer"}, "Stamp": {"type": "timestamp"},
        "Dimensions": {"type": "list", "member": {"shape": "Dimension"}},
        "Dimension": {"type": "structure", "members": {"Name": {"shape": "Namespace"}, "Value": {"shape": "Namespace"}}},
        "PublishInput": {"type": "structure", "members": {"MessageAttributes": {"shape": "Attrs"}, "Tags": {"shape": "Tags"}}},
        "Attrs": {"type": "map", "key": {"shape": "Namespace", "locationName": "Name"}, "value": {"shape": "Attr", "locationName": "Value"}},
        "Attr": {"type": "structure", "members": {"DataType": {"shape": "Namespace"}}},
        "Tags": {"type": "map", "key": {"shape": "Namespace"}, "value": {"shape": "Namespace"}}
    }}"#;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn nested_lists_numbers_and_timestamps() {
        let index = ShapeIndex::from_json(MODEL);
        let params = pairs(&[
            ("Action", "PutMetricData"),
            ("Version", "2010-08-01"),
            ("Namespace", "CustomMetrics"),
            ("MetricData.member.2.MetricName", "b"),
            ("MetricData.member.1.MetricName", "a"),
            ("MetricData.member.1.Value", "1.5"),
            ("MetricData.member.1.Timestamp", "2025-12-03T10:00:00Z"),
            ("MetricData.member.1.Dimensions.member.1.Name", "ModelId"),
            ("MetricData.member.1.Dimensions.member.1.Value", "m"),
            ("MetricData.member.1.StorageResolution", "1"),
            ("StrictEntityValidation", "false"),
            ("Unknown", "ignored"),
        ]);
        let v = form_to_json(&index, "PutMetricDataInput", &params).unwrap();
        assert_eq!(
            v.to_string(),
            r#"{"Namespace":"CustomMetrics","MetricData":[{"MetricName":"a","Value":1.5,"Timestamp":1764756000,"Dimensions":[{"Name":"ModelId","Value":"m"}],"StorageResolution":1},{"MetricName":"b"}],"StrictEntityValidation":false}"#
        );
    }

    #[test]
    fn maps_with_and_without_location_names_and_empty_lists() {
        let index = ShapeIndex::from_json(MODEL);
        let params = pairs(&[
            ("MessageAttributes.entry.1.Name", "k"),
            ("MessageAttributes.entry.1.Value.DataType", "String"),
            ("Tags.entry.1.key", "team"),
            ("Tags.entry.1.value", "ml"),
        ]);
        let v = form_to_json(&index, "PublishInput", &params).unwrap();
        assert_eq!(v.to_string(), r#"{"MessageAttributes":{"k":{"DataType":"String"}},"Tags":{"team":"ml"}}"#);
        let v = form_to_json(&index, "PutMetricDataInput", &pairs(&[("MetricData", "")])).unwrap();
        assert_eq!(v.to_string(), r#"{"MetricData":[]}"#);
    }

    #[test]
    fn wrong_types_name_the_parameter() {
        let index = ShapeIndex::from_json(MODEL);
        let err = form_to_json(&index, "PutMetricDataInput", &pairs(&[("MetricData.member.1.Value", "lots")])).unwrap_err();
        assert_eq!(err.message, "Value 'lots' for parameter MetricData.member.1.Value is not a valid number");
        let err = form_to_json(&index, "PutMetricDataInput", &pairs(&[("MetricData.member.x.Value", "1")])).unwrap_err();
        assert!(err.message.contains("not a list index"), "{}", err.message);
    }
}
