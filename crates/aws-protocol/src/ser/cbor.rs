//! [`Document`] → CBOR, as Smithy RPC v2 CBOR writes it: structures and maps as maps with text
//! keys (null members left out of structures), timestamps as tag 1 (epoch seconds, an integer
//! when whole), blobs as byte strings.

use ciborium::Value;
use ciborium::value::Integer;

use super::document::{Document, SerializeError};

/// The CBOR tag of epoch-based date-times.
const EPOCH_TAG: u64 = 1;

/// Encodes a document; a top-level null is the empty map (`0xA0`).
pub(crate) fn to_cbor(doc: &Document) -> Result<Vec<u8>, SerializeError> {
    let value = match doc {
        Document::Null => Value::Map(Vec::new()),
        other => to_value(other),
    };
    let mut out = Vec::new();
    ciborium::into_writer(&value, &mut out).map_err(|e| SerializeError(format!("CBOR encoding failed: {e}")))?;
    Ok(out)
}

/// The ciborium value of a document.
pub(crate) fn to_value(doc: &Document) -> Value {
    match doc {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Int(i) => Integer::try_from(*i).map_or(Value::Float(*i as f64), Value::Integer),
        Document::Float(f) => Value::Float(*f),
        Document::Text(s) => Value::Text(s.clone()),
        Document::Bytes(b) | Document::Blob(b) => Value::Bytes(b.clone()),
        Document::Timestamp(ms) => {
            let secs = if ms % 1000 == 0 { Value::Integer(Integer::from(ms / 1000)) } else { Value::Float(*ms as f64 / 1000.0) };
            Value::Tag(EPOCH_TAG, Box::new(secs))
        }
        Document::List(items) => Value::Array(items.iter().map(to_value).collect()),
        Document::Map(entries) => Value::Map(entries.iter().map(|(k, v)| (Value::Text(k.clone()), to_value(v))).collect()),
        Document::Struct(fields) => Value::Map(
            fields
                .iter()
                .filter(|(_, v)| !matches!(v, Document::Null))
                .map(|(k, v)| (Value::Text(k.clone()), to_value(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_and_decodes_back() {
        let doc = Document::Struct(vec![
            ("a".into(), Document::Int(1)),
            ("skip".into(), Document::Null),
            ("t".into(), Document::Timestamp(1_500)),
            ("w".into(), Document::Timestamp(2_000)),
            ("b".into(), Document::Blob(vec![1, 2])),
            ("l".into(), Document::List(vec![Document::Text("x".into())])),
        ]);
        let bytes = to_cbor(&doc).unwrap();
        let back: Value = ciborium::from_reader(bytes.as_slice()).unwrap();
        let Value::Map(entries) = back else { panic!("a map") };
        let get = |k: &str| entries.iter().find(|(key, _)| key.as_text() == Some(k)).map(|(_, v)| v.clone());
        assert_eq!(get("a"), Some(Value::Integer(1.into())));
        assert_eq!(get("skip"), None);
        assert_eq!(get("t"), Some(Value::Tag(1, Box::new(Value::Float(1.5)))));
        assert_eq!(get("w"), Some(Value::Tag(1, Box::new(Value::Integer(2.into())))));
        assert_eq!(get("b"), Some(Value::Bytes(vec![1, 2])));
        assert_eq!(to_cbor(&Document::Null).unwrap(), vec![0xA0]);
    }
}
