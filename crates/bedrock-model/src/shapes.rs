//! The official service-model shapes this crate validates against, embedded at build time.
//!
//! `models/*.json` are trimmed copies of the botocore service models (constraint keys only:
//! type, members, required, min, max, pattern, enum, sensitive, union, document). Validation is
//! driven by these shapes so that every constraint of the model is enforced, in model order.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde_json::{Number, Value};

use crate::pattern::ModelPattern;

/// The type of a shape, as in the model's `type` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShapeKind {
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
    Timestamp,
}

/// One shape with its constraints.
#[derive(Debug)]
pub(crate) struct Shape {
    pub(crate) kind: ShapeKind,
    /// Structure members in model order: (member name, target shape, bound to the URI).
    pub(crate) members: Vec<Member>,
    pub(crate) required: Vec<String>,
    pub(crate) min: Option<Number>,
    pub(crate) max: Option<Number>,
    pub(crate) pattern: Option<ModelPattern>,
    pub(crate) enum_values: Option<Vec<String>>,
    pub(crate) sensitive: bool,
    pub(crate) union: bool,
    pub(crate) document: bool,
    /// List member shape, or map key shape.
    pub(crate) item: Option<String>,
    /// Map value shape.
    pub(crate) value: Option<String>,
}

/// A structure member.
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) name: String,
    pub(crate) shape: String,
    /// `true` for members bound to the URI/headers (not read from the JSON body).
    pub(crate) not_in_body: bool,
}

/// A set of shapes from one service model.
#[derive(Debug)]
pub(crate) struct ShapeIndex {
    shapes: HashMap<String, Shape>,
}

impl ShapeIndex {
    fn from_json(text: &str) -> ShapeIndex {
        let doc: Value = serde_json::from_str(text).expect("embedded model is valid JSON");
        let mut shapes = HashMap::new();
        let Some(map) = doc.get("shapes").and_then(Value::as_object) else {
            panic!("embedded model has no shapes");
        };
        for (name, s) in map {
            shapes.insert(name.clone(), parse_shape(s));
        }
        ShapeIndex { shapes }
    }

    /// Looks a shape up; the embedded models are closed, so a miss is a bug in this crate.
    pub(crate) fn get(&self, name: &str) -> &Shape {
        self.shapes.get(name).unwrap_or_else(|| panic!("shape {name} missing from embedded model"))
    }

    #[cfg(test)]
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.shapes.keys().map(String::as_str)
    }
}

fn parse_shape(s: &Value) -> Shape {
    let kind = match s.get("type").and_then(Value::as_str).unwrap_or("") {
        "structure" => ShapeKind::Structure,
        "list" => ShapeKind::List,
        "map" => ShapeKind::Map,
        "string" => ShapeKind::String,
        "integer" => ShapeKind::Integer,
        "long" => ShapeKind::Long,
        "float" => ShapeKind::Float,
        "double" => ShapeKind::Double,
        "boolean" => ShapeKind::Boolean,
        "blob" => ShapeKind::Blob,
        "timestamp" => ShapeKind::Timestamp,
        other => panic!("unsupported shape type {other}"),
    };
    let members = s
        .get("members")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(name, v)| Member {
                    name: name.clone(),
                    shape: v.get("shape").and_then(Value::as_str).unwrap_or_default().to_owned(),
                    not_in_body: v.get("location").is_some(),
                })
                .collect()
        })
        .unwrap_or_default();
    let strings = |key: &str| -> Option<Vec<String>> {
        s.get(key).and_then(Value::as_array).map(|a| {
            a.iter().filter_map(Value::as_str).map(str::to_owned).collect()
        })
    };
    let flag = |key: &str| s.get(key).and_then(Value::as_bool).unwrap_or(false);
    let text = |key: &str| s.get(key).and_then(Value::as_str).map(str::to_owned);
    let number = |key: &str| match s.get(key) {
        Some(Value::Number(n)) => Some(n.clone()),
        _ => None,
    };
    Shape {
        kind,
        members,
        required: strings("required").unwrap_or_default(),
        min: number("min"),
        max: number("max"),
        pattern: s.get("pattern").and_then(Value::as_str).map(ModelPattern::new),
        enum_values: strings("enum"),
        sensitive: flag("sensitive"),
        union: flag("union"),
        document: flag("document"),
        item: text("member").or_else(|| text("key")),
        value: text("value"),
    }
}

/// Shapes reachable from `ConverseRequest` (bedrock-runtime 2023-09-30).
pub(crate) static RUNTIME: LazyLock<ShapeIndex> =
    LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/bedrock-runtime.converse.json")));

/// Shapes reachable from `PutModelInvocationLoggingConfigurationRequest` (bedrock 2023-04-20).
pub(crate) static CONTROL: LazyLock<ShapeIndex> =
    LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/bedrock.logging.json")));

/// Shapes reachable from the CloudWatch Logs operations the emulator serves (logs 2014-03-28).
pub(crate) static LOGS: LazyLock<ShapeIndex> =
    LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/logs.api.json")));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_shape_compiles_and_resolves() {
        for index in [&*RUNTIME, &*CONTROL, &*LOGS] {
            for name in index.names() {
                let shape = index.get(name);
                for m in &shape.members {
                    index.get(&m.shape);
                }
                if let Some(i) = &shape.item {
                    index.get(i);
                }
                if let Some(v) = &shape.value {
                    index.get(v);
                }
            }
        }
    }
}
