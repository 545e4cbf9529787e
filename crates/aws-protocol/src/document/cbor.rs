//! RPC v2 CBOR request bodies → the JSON value the awsJson protocol would have carried, so a
//! service reads one input form: timestamps (tag 1) become epoch-second numbers, byte strings
//! base64 text (as JSON sends blobs), NaN and infinities the strings `NaN`, `Infinity`,
//! `-Infinity`. An empty body is `{}`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ciborium::Value;
use serde_json::{Map, Number, Value as Json};

use super::DecodeError;

/// Decodes one CBOR data item (and nothing after it) into JSON.
pub fn cbor_to_json(body: &[u8]) -> Result<Json, DecodeError> {
    if body.is_empty() {
        return Ok(Json::Object(Map::new()));
    }
    let mut reader = body;
    let value: Value = ciborium::from_reader(&mut reader).map_err(|e| DecodeError::Cbor(e.to_string()))?;
    if !reader.is_empty() {
        return Err(DecodeError::TrailingBytes(reader.len()));
    }
    to_json(value)
}

fn to_json(value: Value) -> Result<Json, DecodeError> {
    Ok(match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(b),
        Value::Integer(i) => {
            let i = i128::from(i);
            if let Ok(v) = i64::try_from(i) {
                Json::Number(Number::from(v))
            } else if let Ok(v) = u64::try_from(i) {
                Json::Number(Number::from(v))
            } else {
                return Err(DecodeError::IntegerRange(i.to_string()));
            }
        }
        Value::Float(f) => match Number::from_f64(f) {
            Some(n) => Json::Number(n),
            None if f.is_nan() => Json::String("NaN".into()),
            None if f > 0.0 => Json::String("Infinity".into()),
            None => Json::String("-Infinity".into()),
        },
        Value::Text(s) => Json::String(s),
        Value::Bytes(b) => Json::String(BASE64.encode(b)),
        Value::Tag(_, inner) => to_json(*inner)?,
        Value::Array(items) => Json::Array(items.into_iter().map(to_json).collect::<Result<_, _>>()?),
        Value::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                let Value::Text(k) = k else {
                    return Err(DecodeError::NonTextKey);
                };
                map.insert(k, to_json(v)?);
            }
            Json::Object(map)
        }
        // ciborium may grow variants; an unknown one is not valid input here.
        #[allow(unreachable_patterns)]
        _ => return Err(DecodeError::Cbor("an unsupported CBOR value".into())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cbor(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(v, &mut out).unwrap();
        out
    }

    #[test]
    fn converts_to_json() {
        let v = Value::Map(vec![
            (Value::Text("Namespace".into()), Value::Text("X".into())),
            (Value::Text("StartTime".into()), Value::Tag(1, Box::new(Value::Float(1.5)))),
            (Value::Text("Whole".into()), Value::Tag(1, Box::new(Value::Integer(2.into())))),
            (Value::Text("Data".into()), Value::Bytes(b"hi".to_vec())),
            (Value::Text("Values".into()), Value::Array(vec![Value::Float(f64::NAN), Value::Integer((-3).into())])),
        ]);
        let json = cbor_to_json(&cbor(&v)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"Namespace": "X", "StartTime": 1.5, "Whole": 2, "Data": "aGk=", "Values": ["NaN", -3]})
        );
        assert_eq!(cbor_to_json(b"").unwrap(), serde_json::json!({}));
        assert_eq!(cbor_to_json(&[0xA0]).unwrap(), serde_json::json!({}));
    }

    #[test]
    fn malformed_is_an_error() {
        assert!(matches!(cbor_to_json(&[0xA1]), Err(DecodeError::Cbor(_))));
        assert_eq!(cbor_to_json(&[0xA0, 0x00]), Err(DecodeError::TrailingBytes(1)));
        let non_text = cbor(&Value::Map(vec![(Value::Integer(1.into()), Value::Null)]));
        assert_eq!(cbor_to_json(&non_text), Err(DecodeError::NonTextKey));
        // -2^64: a CBOR negative integer beyond i64 and u64.
        assert!(matches!(
            cbor_to_json(&[0x3B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            Err(DecodeError::IntegerRange(_))
        ));
        // Deep nesting is refused by ciborium's recursion limit, not a stack overflow.
        let deep = vec![0x81; 100_000];
        assert!(cbor_to_json(&deep).is_err());
    }
}
