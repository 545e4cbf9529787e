//! `requestMetadata`: the ordered string map a caller tags an invocation with, its constraints
//! (1..16 entries, key 1..256 and value 0..256 characters of `[a-zA-Z0-9\s:_@$#=/+,-.]`), and the
//! InvokeModel header form `X-Amzn-Bedrock-Request-Metadata` (a JSON object, at most 8500
//! characters).
//!
//! The member is `sensitive`, so Coral messages omit its value: `Value at 'requestMetadata'`.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::error::ServiceError;
use crate::models::RUNTIME;
use aws_shapes::coral::text;
use aws_shapes::{Shown, Violations, check_value};

/// Header carrying request metadata on InvokeModel / InvokeModelWithResponseStream.
pub const REQUEST_METADATA_HEADER: &str = "X-Amzn-Bedrock-Request-Metadata";

/// Maximum length of the header value (`RequestMetadataJson` max 8500).
pub const REQUEST_METADATA_HEADER_MAX: usize = 8500;

/// Request metadata entries in the order the caller sent them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestMetadata(Vec<(String, String)>);

impl RequestMetadata {
    /// Builds metadata from pairs (no validation; use [`validate_request_metadata`]).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        RequestMetadata(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    pub fn entries(&self) -> &[(String, String)] {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The JSON object, keys in sent order.
    pub fn to_json(&self) -> Value {
        Value::Object(self.0.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
    }

    /// Reads an already validated JSON object of strings.
    pub(crate) fn from_validated(obj: &Map<String, Value>) -> RequestMetadata {
        RequestMetadata(obj.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
    }
}

impl Serialize for RequestMetadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Validates a `requestMetadata` JSON value exactly as the ConverseRequest member: JSON types
/// (SerializationException), entry count, key and value rules (ValidationException).
pub fn validate_request_metadata(value: &Value) -> Result<(), ServiceError> {
    Ok(check_value(&RUNTIME, "RequestMetadata", value, "requestMetadata")?.into_result()?)
}

/// Parses and validates the `X-Amzn-Bedrock-Request-Metadata` header of InvokeModel.
///
/// Over 8500 characters: the Coral length message. Not a JSON object of strings: a
/// ValidationException (wording chosen, see CHOICES.md). Entries: the same rules as the
/// Converse body member.
pub fn parse_request_metadata_header(header: &str) -> Result<RequestMetadata, ServiceError> {
    if header.encode_utf16().count() > REQUEST_METADATA_HEADER_MAX {
        let mut v = Violations::default();
        v.push(Shown::Hidden, "requestMetadata", &text::length_max(&serde_json::Number::from(REQUEST_METADATA_HEADER_MAX)));
        v.into_result()?;
    }
    let not_object = || ServiceError::validation("The request metadata header must be a JSON object with string values.");
    let value: Value = serde_json::from_str(header).map_err(|_| not_object())?;
    let obj = value.as_object().ok_or_else(not_object)?;
    if obj.values().any(|v| !v.is_string()) {
        return Err(not_object());
    }
    validate_request_metadata(&value)?;
    Ok(RequestMetadata::from_validated(obj))
}
