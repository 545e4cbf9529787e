//! awsJson 1.0 / 1.1 (CloudWatch; CloudWatch Logs, Athena): `application/x-amz-json-1.x`
//! bodies from serde_json, an empty body for no output; errors `{"__type", "message", ...}` and,
//! for an awsQueryCompatible error, `x-amzn-query-error: Code;Sender`.

use bytes::Bytes;

use super::{Encoded, json_error_body, put_query_error};
use crate::error::AwsError;
use crate::headers;
use crate::protocol::Protocol;
use crate::reply::ShapeValue;
use crate::response::{HttpResponse, full_body, response, set_header};
use crate::ser::SerializeError;

/// The body of an output (`None`: an empty body, as CloudWatch Logs answers).
pub(super) fn body(protocol: Protocol, value: Option<(&'static str, &ShapeValue)>) -> Result<Encoded, SerializeError> {
    let bytes = match value {
        Some((_, value)) => Bytes::from(serde_json::to_vec(&**value).map_err(|e| SerializeError(e.to_string()))?),
        None => Bytes::new(),
    };
    Ok(Encoded { content_type: Some(protocol.content_type()), bytes })
}

/// An error response (the request id is added by the caller).
pub(super) fn error(protocol: Protocol, err: &AwsError) -> HttpResponse {
    let body = json_error_body(&[("__type", &err.code), ("message", &err.message)], err);
    let mut response = response(err.status, full_body(body));
    set_header(&mut response, headers::CONTENT_TYPE, protocol.content_type());
    put_query_error(&mut response, err);
    response
}
