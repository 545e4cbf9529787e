//! restJson1 (Bedrock runtime and control plane): `application/json` bodies written by
//! serde_json straight from the output struct (the hot path: no intermediate tree), an empty
//! body for no output; errors with `x-amzn-ErrorType: Code:http://internal.amazon.com/coral/<ns>/`
//! and `{"message": ...}` plus extra members.

use bytes::Bytes;

use super::{Encoded, json_error_body};
use crate::error::AwsError;
use crate::headers;
use crate::protocol::Protocol;
use crate::reply::ShapeValue;
use crate::response::{HttpResponse, full_body, response, set_header};
use crate::ser::SerializeError;
use crate::service::ServiceId;

/// The body of an output (`None`: no output members, an empty body).
pub(super) fn body(value: Option<(&'static str, &ShapeValue)>) -> Result<Encoded, SerializeError> {
    let bytes = match value {
        Some((_, value)) => Bytes::from(serde_json::to_vec(&**value).map_err(|e| SerializeError(e.to_string()))?),
        None => Bytes::new(),
    };
    Ok(Encoded { content_type: Some(Protocol::RestJson1.content_type()), bytes })
}

/// The `x-amzn-ErrorType` value: `Code:http://internal.amazon.com/coral/<namespace>/`, or the
/// bare code for a service without a Coral namespace.
pub(super) fn error_type(service: Option<ServiceId>, err: &AwsError) -> String {
    match err.coral_namespace.or_else(|| service.and_then(ServiceId::coral_namespace)) {
        Some(ns) => format!("{}:http://internal.amazon.com/coral/{ns}/", err.code),
        None => err.code.to_string(),
    }
}

/// An error response (the request id is added by the caller).
pub(super) fn error(service: Option<ServiceId>, err: &AwsError) -> HttpResponse {
    let mut response = response(err.status, full_body(json_error_body(&[("message", &err.message)], err)));
    set_header(&mut response, headers::CONTENT_TYPE, Protocol::RestJson1.content_type());
    set_header(&mut response, headers::X_AMZN_ERROR_TYPE, &error_type(service, err));
    response
}
