//! Reading a JSON request body the way Coral does before any shape is checked: an empty body or
//! `null` is an empty structure, anything else must be a JSON object; and dropping `null`
//! members (Coral treats them as "not set") before a validated value becomes a typed request.

use serde_json::{Map, Value};

use crate::rejection::Rejection;
use crate::walk::top_level_mismatch;

/// SerializationException text for a body that is not JSON. Real Bedrock's text was not found;
/// this is Coral's parser-token text (see bedrock-model's CHOICES.md).
pub const MALFORMED_JSON_MESSAGE: &str = "Unexpected token received from parser";

/// Reads a JSON body: empty (or whitespace) and `null` mean an empty structure; anything else
/// must be a JSON object.
pub fn read_body_object(body: &[u8]) -> Result<Value, Rejection> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    let value: Value = serde_json::from_slice(body).map_err(|_| Rejection::serialization(MALFORMED_JSON_MESSAGE))?;
    match value {
        Value::Object(_) => Ok(value),
        Value::Null => Ok(Value::Object(Map::new())),
        other => Err(top_level_mismatch(&other)),
    }
}

/// Removes `null` members of nested structures (Coral reads them as unset; serde would reject
/// `null` for a `String`). Lists are left as they are: the shape walk has already refused a
/// `null` list item.
pub fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_null_bodies_are_empty_structures() {
        assert_eq!(read_body_object(b"").unwrap(), Value::Object(Map::new()));
        assert_eq!(read_body_object(b" \n").unwrap(), Value::Object(Map::new()));
        assert_eq!(read_body_object(b"null").unwrap(), Value::Object(Map::new()));
    }

    #[test]
    fn non_objects_are_serialization_failures() {
        assert_eq!(read_body_object(b"{").unwrap_err(), Rejection::serialization(MALFORMED_JSON_MESSAGE));
        assert_eq!(read_body_object(b"[1]").unwrap_err().kind, crate::RejectionKind::Serialization);
    }

    #[test]
    fn nulls_are_dropped_from_nested_structures() {
        let v: Value = serde_json::from_str(r#"{"a":null,"b":{"c":null,"d":1},"e":[{"f":null}]}"#).unwrap();
        assert_eq!(strip_nulls(v).to_string(), r#"{"b":{"d":1},"e":[{"f":null}]}"#);
    }
}
