//! Smithy RPC v2 CBOR (CloudWatch from aws-sdk-rust and Go v2): `application/cbor` bodies,
//! always a CBOR map (`0xA0` for no output: the SDKs decode a map even then), timestamps as tag
//! 1, `smithy-protocol: rpc-v2-cbor` on every response; errors `{"__type", "message", ...}`
//! and `x-amzn-query-error` for an awsQueryCompatible error.

use bytes::Bytes;
use ciborium::Value;

use super::{Encoded, RPC_V2_CBOR, put_query_error};
use crate::error::{AwsError, ErrorField};
use crate::headers;
use crate::protocol::Protocol;
use crate::reply::ShapeValue;
use crate::response::{HttpResponse, full_body, response, set_header};
use crate::ser::SerializeError;
use crate::ser::cbor::{to_cbor, to_value};
use crate::ser::document::{Document, to_document};

/// The body of an output (`None`: the empty map).
pub(super) fn body(value: Option<(&'static str, &ShapeValue)>) -> Result<Encoded, SerializeError> {
    let doc = match value {
        Some((_, value)) => to_document(&**value)?,
        None => Document::Null,
    };
    Ok(Encoded { content_type: Some(Protocol::RpcV2Cbor.content_type()), bytes: Bytes::from(to_cbor(&doc)?) })
}

/// An error response (the request id is added by the caller).
pub(super) fn error(err: &AwsError) -> HttpResponse {
    let mut entries = vec![
        (Value::Text("__type".into()), Value::Text(err.code.to_string())),
        (Value::Text("message".into()), Value::Text(err.message.clone())),
    ];
    for (name, field) in &err.fields {
        let value = match field {
            ErrorField::Text(t) => Value::Text(t.clone()),
            ErrorField::Json(v) => to_document(v).map_or(Value::Null, |d| to_value(&d)),
        };
        entries.push((Value::Text(name.to_string()), value));
    }
    let mut bytes = Vec::new();
    // Writing a map of text and plain values into a Vec cannot fail; an empty body is the fallback.
    if ciborium::into_writer(&Value::Map(entries), &mut bytes).is_err() {
        bytes.clear();
    }
    let mut response = response(err.status, full_body(bytes));
    set_header(&mut response, headers::CONTENT_TYPE, Protocol::RpcV2Cbor.content_type());
    set_header(&mut response, headers::SMITHY_PROTOCOL, RPC_V2_CBOR);
    put_query_error(&mut response, err);
    response
}
