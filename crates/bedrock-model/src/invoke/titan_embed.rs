//! Amazon Titan Text Embeddings V2 (`amazon.titan-embed-text-v2:0`), an InvokeModel-only
//! embedding model. Fields: AWS user guide "Amazon Titan Embeddings G1 - Text"
//! (model-parameters-titan-embed-text), V2 request `inputText` (required), `dimensions` (1024
//! default, 512, 256), `normalize` (default true), `embeddingTypes` (`float`, `binary`, or both;
//! default float); response `embedding` (always float), `inputTextTokenCount`,
//! `embeddingsByType` ("always present … even if you don't specify embeddingTypes").

use serde_json::{Map, Value, json};

use super::schema::{Kind, Prop, Violations, opt, read_json, req};
use crate::error::ServiceError;

const BODY: &[Prop] = &[
    req("inputText", Kind::String),
    opt("dimensions", Kind::Integer),
    opt("normalize", Kind::Boolean),
    opt("embeddingTypes", Kind::Array),
];

/// Accepted `dimensions`.
const DIMENSIONS: [i64; 3] = [1024, 512, 256];
/// `inputText` limit in characters (the model page: "up to 50,000 characters").
const MAX_INPUT_CHARS: usize = 50_000;

/// A validated Titan Text Embeddings V2 body.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingRequest {
    /// The body as sent (logged as `inputBodyJson`).
    pub body: Value,
    pub input_text: String,
    pub dimensions: usize,
    pub normalize: bool,
    /// `embeddingTypes` asks for `float` (the default when absent).
    pub float: bool,
    /// `embeddingTypes` asks for `binary`.
    pub binary: bool,
}

/// Parses and validates a Titan Text Embeddings V2 body, with the validator's messages.
pub fn parse_embedding_body(body: &[u8]) -> Result<EmbeddingRequest, ServiceError> {
    let value = read_json(body)?;
    let mut v = Violations::default();
    // A body that is not an object is a violation already; check it as an empty one.
    let empty = Map::new();
    let obj = v.object("#", &value, BODY).unwrap_or(&empty);
    v.length("#/inputText", obj.get("inputText"), 1, MAX_INPUT_CHARS);
    v.enumerated_int("#/dimensions", obj.get("dimensions"), &DIMENSIONS);
    v.strings("#/embeddingTypes", obj.get("embeddingTypes"));
    let types = obj.get("embeddingTypes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for (i, t) in types.iter().enumerate() {
        v.enumerated(&format!("#/embeddingTypes/{i}"), Some(t), &["float", "binary"]);
    }
    v.into_result()?;
    let asks = |name: &str| types.iter().any(|t| t == name);
    Ok(EmbeddingRequest {
        input_text: obj.get("inputText").and_then(Value::as_str).unwrap_or_default().to_owned(),
        dimensions: obj.get("dimensions").and_then(Value::as_u64).unwrap_or(1024) as usize,
        normalize: obj.get("normalize").and_then(Value::as_bool).unwrap_or(true),
        float: types.is_empty() || asks("float"),
        binary: asks("binary"),
        body: value,
    })
}

/// The response body for `vector` (of `request.dimensions` floats): `embedding`,
/// `inputTextTokenCount`, `embeddingsByType` with the asked types (binary: 1 for a positive
/// component, else 0).
pub fn embedding_response(request: &EmbeddingRequest, vector: &[f32], input_tokens: u32) -> Value {
    // Each component as the shortest text that reads back as the same f32 (`-0.0980454`), as
    // a float32 model prints it, not the widened f64 (`-0.09804540127515793`).
    let floats: Vec<Value> = vector.iter().map(|f| json!(f.to_string().parse::<f64>().unwrap_or(0.0))).collect();
    let mut by_type = Map::new();
    if request.binary {
        by_type.insert("binary".to_owned(), vector.iter().map(|f| json!(u8::from(*f > 0.0))).collect());
    }
    if request.float {
        by_type.insert("float".to_owned(), Value::Array(floats.clone()));
    }
    json!({
        "embedding": floats,
        "inputTextTokenCount": input_tokens,
        "embeddingsByType": by_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<EmbeddingRequest, ServiceError> {
        parse_embedding_body(v.to_string().as_bytes())
    }

    #[test]
    fn defaults_and_choices() {
        let r = parse(json!({"inputText": "hello"})).unwrap();
        assert_eq!((r.dimensions, r.normalize, r.float, r.binary), (1024, true, true, false));
        let r = parse(json!({"inputText": "x", "dimensions": 256, "normalize": false, "embeddingTypes": ["binary"]})).unwrap();
        assert_eq!((r.dimensions, r.normalize, r.float, r.binary), (256, false, false, true));
    }

    #[test]
    fn violations_use_the_validators_words() {
        let msg = |v: Value| parse(v).unwrap_err().message;
        assert_eq!(
            msg(json!({"inputText": "x", "dimensions": 100})),
            "Malformed input request: #/dimensions: 100 is not a valid enum value, please reformat your input and try again."
        );
        assert_eq!(
            msg(json!({"inputText": ""})),
            "Malformed input request: #/inputText: expected minLength: 1, actual: 0, please reformat your input and try again."
        );
        assert!(
            msg(json!({"inputText": "x", "normalize": "yes"})).contains("#/normalize: expected type: Boolean, found: String")
        );
        assert!(
            msg(json!({"inputText": "x", "embeddingTypes": ["int8"]}))
                .contains("#/embeddingTypes/0: int8 is not a valid enum value")
        );
        assert!(msg(json!({"texts": ["x"]})).contains("2 schema violations found"));
        assert!(msg(json!({"inputText": "x".repeat(MAX_INPUT_CHARS + 1)})).contains("expected maxLength: 50000, actual: 50001"));
    }

    #[test]
    fn the_response_always_has_embeddings_by_type() {
        let r = parse(json!({"inputText": "x", "dimensions": 256, "embeddingTypes": ["binary", "float"]})).unwrap();
        let body = embedding_response(&r, &[0.5, -0.25], 3);
        assert_eq!(
            body,
            json!({"embedding": [0.5, -0.25], "inputTextTokenCount": 3, "embeddingsByType": {"binary": [1, 0], "float": [0.5, -0.25]}})
        );
        let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["embedding", "inputTextTokenCount", "embeddingsByType"]);
        let r = parse(json!({"inputText": "x"})).unwrap();
        assert_eq!(embedding_response(&r, &[0.5], 1)["embeddingsByType"], json!({"float": [0.5]}));
        let text = embedding_response(&r, &[-0.098_045_4_f32, 0.1], 1).to_string();
        assert!(text.starts_with(r#"{"embedding":[-0.0980454,0.1],"#), "{text}");
    }
}
