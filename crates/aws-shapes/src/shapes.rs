//! A service model's shapes, parsed from its JSON. Each service embeds a trimmed copy of the
//! botocore service model (constraint keys only: type, members, required, min, max, pattern,
//! enum, sensitive, union, document) and builds one [`ShapeIndex`] from it; validation is driven
//! by these shapes so that every constraint of the model is enforced, in model order.

use std::collections::HashMap;

use serde_json::{Number, Value};

use crate::pattern::ModelPattern;

/// The type of a shape, as in the model's `type` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeKind {
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
pub struct Shape {
    pub kind: ShapeKind,
    /// Structure members in model order: (member name, target shape, bound to the URI).
    pub members: Vec<Member>,
    pub required: Vec<String>,
    pub min: Option<Number>,
    pub max: Option<Number>,
    pub pattern: Option<ModelPattern>,
    pub enum_values: Option<Vec<String>>,
    pub sensitive: bool,
    pub union: bool,
    pub document: bool,
    /// List member shape, or map key shape.
    pub item: Option<String>,
    /// Map value shape.
    pub value: Option<String>,
    /// A list's member name (`locationName`) in the query and XML protocols; `member` if unset.
    pub item_name: Option<String>,
    /// A map's value name (`locationName`) in the query and XML protocols; `value` if unset.
    pub value_name: Option<String>,
    /// A flattened list or map (query/XML: no `member`/`entry` level).
    pub flattened: bool,
}

/// A structure member.
#[derive(Debug)]
pub struct Member {
    pub name: String,
    pub shape: String,
    /// `true` for members bound to the URI/headers (not read from the JSON body).
    pub not_in_body: bool,
    /// The member's name in the query and XML protocols (`locationName`), when it differs.
    pub location_name: Option<String>,
}

/// A set of shapes from one service model.
#[derive(Debug)]
pub struct ShapeIndex {
    shapes: HashMap<String, Shape>,
}

impl ShapeIndex {
    /// Parses a (trimmed) botocore model. The models are embedded by the services that own
    /// them, so a malformed one is a bug of that service and panics at first use.
    pub fn from_json(text: &str) -> ShapeIndex {
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

    /// Looks a shape up; an embedded model is closed, so a miss is a bug of the service that
    /// embeds it (its tests call [`ShapeIndex::dangling_references`]).
    pub fn get(&self, name: &str) -> &Shape {
        self.shapes.get(name).unwrap_or_else(|| panic!("shape {name} missing from embedded model"))
    }

    /// Every shape name.
    pub fn names(&self) -> impl Iterator<Item = &str> {
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
                    location_name: v.get("locationName").and_then(Value::as_str).map(str::to_owned),
                })
                .collect()
        })
        .unwrap_or_default();
    let strings = |key: &str| -> Option<Vec<String>> {
        s.get(key).and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
    };
    let flag = |key: &str| s.get(key).and_then(Value::as_bool).unwrap_or(false);
    // `member`/`key`/`value` are a shape name in the trimmed models and `{"shape", "locationName"}`
    // in the official ones.
    let text = |key: &str| match s.get(key) {
        Some(Value::String(name)) => Some(name.clone()),
        Some(Value::Object(o)) => o.get("shape").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    let location_name = |key: &str| s.get(key).and_then(|v| v.get("locationName")).and_then(Value::as_str).map(str::to_owned);
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
        item_name: location_name("member").or_else(|| location_name("key")),
        value_name: location_name("value"),
        flattened: flag("flattened"),
    }
}

impl ShapeIndex {
    /// Shape references that resolve to no shape (an embedded model must have none).
    pub fn dangling_references(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, shape) in &self.shapes {
            let targets = shape.members.iter().map(|m| &m.shape).chain(&shape.item).chain(&shape.value);
            for target in targets {
                if !self.shapes.contains_key(target) {
                    out.push(format!("{name} -> {target}"));
                }
            }
        }
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dangling_references_are_reported() {
        let index = ShapeIndex::from_json(
            r#"{"shapes": {"A": {"type": "structure", "members": {"b": {"shape": "B"}, "c": {"shape": "C"}}}, "B": {"type": "string"}}}"#,
        );
        assert_eq!(index.dangling_references(), vec!["A -> C".to_owned()]);
        assert_eq!(index.get("B").kind, ShapeKind::String);
    }
}
