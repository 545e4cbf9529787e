//! The wire side of a response: [`encode`] turns a service's [`Reply`] into the protocol's
//! HTTP response, [`render_error`] an [`AwsError`]. Each protocol's bytes are in its own file;
//! this file holds what they share (payloads, streams, headers, the fallback for an output that
//! does not serialize).

mod aws_json;
mod aws_query;
mod rest_json;
mod rest_xml;
mod rpcv2_cbor;

use bytes::Bytes;

use crate::error::AwsError;
use crate::headers;
use crate::protocol::Protocol;
use crate::reply::{Reply, ReplyBody, ShapeValue};
use crate::response::{HttpResponse, full_body, put_header, response, set_header};
use crate::ser::SerializeError;
use crate::service::ServiceId;

/// The value of `smithy-protocol`.
pub(crate) const RPC_V2_CBOR: &str = "rpc-v2-cbor";

/// A serialized body and its content type (`None`: no `Content-Type`).
pub(crate) struct Encoded {
    pub(crate) content_type: Option<&'static str>,
    pub(crate) bytes: Bytes,
}

/// The response for `reply` to `operation` of `service` in `protocol`. An output that does not
/// serialize becomes the protocol's internal error (500) rather than a partial body.
pub fn encode(protocol: Protocol, service: ServiceId, operation: &str, request_id: &str, reply: Reply) -> HttpResponse {
    let Reply { status, headers, body } = reply;
    let shape = |value: Option<(&'static str, &ShapeValue)>| -> Result<Encoded, SerializeError> {
        match protocol {
            Protocol::RestJson1 => rest_json::body(value),
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::body(protocol, value),
            Protocol::RpcV2Cbor => rpcv2_cbor::body(value),
            Protocol::AwsQuery => aws_query::body(service, operation, request_id, value),
            Protocol::RestXml => rest_xml::body(value),
        }
    };
    let encoded = match body {
        ReplyBody::Empty => shape(None),
        ReplyBody::Shape { name, value } => shape(Some((name, &value))),
        ReplyBody::Payload { content_type, bytes } => {
            return finish(protocol, status, Some(&content_type), full_body(bytes), request_id, &headers);
        }
        ReplyBody::Stream { content_type, body } => {
            return finish(protocol, status, Some(&content_type), body, request_id, &headers);
        }
    };
    match encoded {
        Ok(Encoded { content_type, bytes }) => finish(protocol, status, content_type, full_body(bytes), request_id, &headers),
        Err(err) => {
            let message = format!("The output of {operation} could not be serialized: {err}");
            render(protocol, Some(service), request_id, &AwsError::internal(Some(service), message), false)
        }
    }
}

/// The response for `err` in `protocol`. `is_head`: the request was a HEAD (S3 sends no error
/// document then).
pub fn render_error(protocol: Protocol, service: ServiceId, request_id: &str, err: &AwsError, is_head: bool) -> HttpResponse {
    render(protocol, Some(service), request_id, err, is_head)
}

/// [`render_error`] where the service may be unknown (a rejected request).
pub(crate) fn render(
    protocol: Protocol,
    service: Option<ServiceId>,
    request_id: &str,
    err: &AwsError,
    is_head: bool,
) -> HttpResponse {
    let mut response = match protocol {
        Protocol::RestJson1 => rest_json::error(service, err),
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::error(protocol, err),
        Protocol::RpcV2Cbor => rpcv2_cbor::error(err),
        Protocol::AwsQuery => aws_query::error(service, request_id, err),
        Protocol::RestXml => rest_xml::error(request_id, err, is_head),
    };
    put_request_id(protocol, &mut response, request_id);
    response
}

/// Status, content type, the protocol's own headers, the request id, then the reply's headers.
fn finish(
    protocol: Protocol,
    status: u16,
    content_type: Option<&str>,
    body: crate::response::ResponseBody,
    request_id: &str,
    headers: &[(std::borrow::Cow<'static, str>, String)],
) -> HttpResponse {
    let mut response = response(status, body);
    if let Some(content_type) = content_type {
        set_header(&mut response, headers::CONTENT_TYPE, content_type);
    }
    if protocol == Protocol::RpcV2Cbor {
        set_header(&mut response, headers::SMITHY_PROTOCOL, RPC_V2_CBOR);
    }
    put_request_id(protocol, &mut response, request_id);
    for (name, value) in headers {
        put_header(&mut response, name, value);
    }
    response
}

/// `x-amzn-RequestId`, or S3's `x-amz-request-id` and `x-amz-id-2`.
fn put_request_id(protocol: Protocol, response: &mut HttpResponse, request_id: &str) {
    if protocol == Protocol::RestXml {
        set_header(response, headers::X_AMZ_REQUEST_ID, request_id);
        set_header(response, headers::X_AMZ_ID_2, request_id);
    } else {
        set_header(response, headers::X_AMZN_REQUEST_ID, request_id);
    }
}

/// The extra members of an error as a JSON object after `first` (`message`, or `__type` and
/// `message`), in order.
pub(crate) fn json_error_body(first: &[(&str, &str)], err: &AwsError) -> String {
    let mut body = serde_json::Map::new();
    for (k, v) in first {
        body.insert((*k).to_owned(), serde_json::Value::String((*v).to_owned()));
    }
    for (name, value) in &err.fields {
        let value = match value {
            crate::error::ErrorField::Text(t) => serde_json::Value::String(t.clone()),
            crate::error::ErrorField::Json(v) => v.clone(),
        };
        body.insert(name.to_string(), value);
    }
    serde_json::Value::Object(body).to_string()
}

/// `x-amzn-query-error: Code;Sender` for an error with an awsQuery-compatible code.
pub(crate) fn put_query_error(response: &mut HttpResponse, err: &AwsError) {
    if let Some(code) = &err.query_code {
        set_header(response, headers::X_AMZN_QUERY_ERROR, &format!("{code};{}", err.fault.as_str()));
    }
}

#[cfg(test)]
mod tests;
