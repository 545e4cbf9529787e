//! `detect`: from a request's method, URI, headers and (already read) body, the AWS service,
//! protocol and operation it calls, with its URI labels, query and form parameters and the
//! decoded body; or the AWS-shaped rejection when no operation can be named. In order:
//!
//! 1. `smithy-protocol: rpc-v2-cbor`: RPC v2 CBOR, `/service/{Service}/operation/{Op}`;
//! 2. `X-Amz-Target: {Prefix}.{Op}`: awsJson, the service by its target prefix;
//! 3. SigV4 scope service `s3`, or an unsigned request to `<bucket>.localhost`: restXml (S3);
//! 4. a form POST (or a GET with `Action`): awsQuery, the service by scope, else `Version`;
//! 5. anything else: restJson1, matched against Bedrock's runtime and control-plane tables.
//!
//! The emulator's own routes (`/_emulator/...`) are matched by the server before this.

mod rest;
mod rpc;

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, Method, Uri};

use crate::body::{BodyKind, BodyLimits, DecodedBody, decode_body};
use crate::document::{DecodeError, cbor_to_json};
use crate::error::AwsError;
use crate::headers;
use crate::protocol::Protocol;
use crate::reply::Reply;
use crate::response::HttpResponse;
use crate::service::ServiceId;
use crate::sigv4::{self, Caller};
use crate::tables::Operation;
use crate::wire;

/// URI labels by input member name: the percent-decoded value, or `Err(raw)` when the decoded
/// bytes are not UTF-8 (the service answers its validation error for the raw text).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Labels(Vec<(&'static str, Result<String, String>)>);

impl Labels {
    /// The label bound to input member `member`.
    pub fn get(&self, member: &str) -> Option<Result<&str, &str>> {
        self.0.iter().find(|(n, _)| *n == member).map(|(_, v)| v.as_deref().map_err(String::as_str))
    }

    /// All labels, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Result<&str, &str>)> {
        self.0.iter().map(|(n, v)| (*n, v.as_deref().map_err(String::as_str)))
    }

    /// `true` when the path has no labels.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A request whose service, protocol and operation are known.
#[derive(Debug, Clone)]
pub struct Detected {
    pub service: ServiceId,
    pub protocol: Protocol,
    /// The operation as the model names it, or as the request named it when the model has no
    /// such operation (awsJson, CBOR and awsQuery name operations the model may not have).
    pub operation: Cow<'static, str>,
    /// The model's operation; `None` when the model does not have it.
    pub model: Option<&'static Operation>,
    pub labels: Labels,
    /// The decoded query string, in order.
    pub query: Vec<(String, String)>,
    /// awsQuery: the form parameters (the body of a POST, the query of a GET), in order.
    pub form: Vec<(String, String)>,
    /// `x-amzn-query-mode: true`: an awsQueryCompatible client speaking JSON or CBOR.
    pub query_mode: bool,
    pub caller: Caller,
    pub body: DecodedBody,
    /// The request is a HEAD (S3 errors then have no body).
    pub is_head: bool,
}

impl Detected {
    /// `true` when the model has the operation.
    pub fn is_known(&self) -> bool {
        self.model.is_some()
    }

    /// A query parameter.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// An awsQuery form parameter.
    pub fn form_param(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The input as JSON bytes: the body of the JSON protocols as sent, a CBOR body converted.
    pub fn json_input(&self) -> Result<Cow<'_, [u8]>, DecodeError> {
        match self.protocol {
            Protocol::RpcV2Cbor => {
                let json = cbor_to_json(&self.body.bytes)?;
                Ok(Cow::Owned(json.to_string().into_bytes()))
            }
            _ => Ok(Cow::Borrowed(&self.body.bytes)),
        }
    }

    /// The "not implemented" error for this operation, in this protocol. For the REST
    /// protocols the message also shows the request form the operation was recognized by
    /// (`GetBucketAcl (GET /{Bucket}?acl)`), so a user sees which part of the request named it.
    pub fn unknown_operation(&self) -> AwsError {
        match (self.protocol, self.model) {
            (Protocol::RestJson1 | Protocol::RestXml, Some(op)) => {
                let named = format!("{} ({} {})", self.operation, op.method, op.request_uri);
                AwsError::unknown_operation(self.service, self.protocol, &named)
            }
            _ => AwsError::unknown_operation(self.service, self.protocol, &self.operation),
        }
    }

    /// The response for `reply`.
    pub fn encode(&self, request_id: &str, reply: Reply) -> HttpResponse {
        wire::encode(self.protocol, self.service, &self.operation, request_id, reply)
    }

    /// The response for `err`.
    pub fn render_error(&self, request_id: &str, err: &AwsError) -> HttpResponse {
        wire::render(self.protocol, Some(self.service), request_id, err, self.is_head)
    }
}

/// A request no operation can be named for (or whose body does not decode), with the error
/// to answer in the protocol it spoke.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct Rejection {
    /// The service, when known (it sets awsQuery's namespace and restJson's Coral namespace).
    pub service: Option<ServiceId>,
    pub protocol: Protocol,
    /// Boxed: a rejection is rare, and `Result<Detected, Rejection>` stays small.
    pub error: Box<AwsError>,
    pub is_head: bool,
}

impl Rejection {
    /// The error response.
    pub fn to_response(&self, request_id: &str) -> HttpResponse {
        wire::render(self.protocol, self.service, request_id, &self.error, self.is_head)
    }
}

/// The request parts every detector reads.
pub(crate) struct Parts<'a> {
    pub(crate) method: &'a Method,
    pub(crate) uri: &'a Uri,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) caller: Caller,
    pub(crate) limits: BodyLimits,
    /// `false` when routing a request whose body was not read: codings and checksums are
    /// not looked at.
    pub(crate) decode: bool,
}

impl Parts<'_> {
    pub(crate) fn header(&self, name: &HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn is_head(&self) -> bool {
        self.method == Method::HEAD
    }

    pub(crate) fn query_mode(&self) -> bool {
        self.header(&headers::X_AMZN_QUERY_MODE).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }

    pub(crate) fn reject(&self, service: Option<ServiceId>, protocol: Protocol, error: AwsError) -> Rejection {
        Rejection { service, protocol, error: Box::new(error), is_head: self.is_head() }
    }

    /// The body decoded for `kind`, or the rejection in `protocol`.
    pub(crate) fn body(
        &self,
        kind: BodyKind,
        body: Bytes,
        service: Option<ServiceId>,
        protocol: Protocol,
    ) -> Result<DecodedBody, Rejection> {
        if !self.decode {
            return Ok(DecodedBody { bytes: body, ..DecodedBody::default() });
        }
        decode_body(kind, self.headers, body, self.limits).map_err(|e| self.reject(service, protocol, e.to_aws_error(protocol)))
    }
}

/// Decides the service, protocol and operation of a request. `body` is the raw body as read
/// (its codings are undone here, within `limits`).
pub fn detect(method: &Method, uri: &Uri, headers: &HeaderMap, body: Bytes, limits: BodyLimits) -> Result<Detected, Rejection> {
    detect_with(Parts { method, uri, headers, caller: sigv4::caller(uri, headers), limits, decode: true }, body)
}

/// Decides the service, protocol and operation of a request whose body was not read (refused
/// before reading it, for its size): from the request line and headers alone, no body decoded
/// and no checksum verified. awsQuery requests, whose operation is in the body, are rejected.
pub fn detect_route(method: &Method, uri: &Uri, headers: &HeaderMap) -> Result<Detected, Rejection> {
    let parts = Parts { method, uri, headers, caller: sigv4::caller(uri, headers), limits: BodyLimits::default(), decode: false };
    detect_with(parts, Bytes::new())
}

fn detect_with(parts: Parts<'_>, body: Bytes) -> Result<Detected, Rejection> {
    let result = if parts.header(&headers::SMITHY_PROTOCOL).is_some_and(|v| v.trim().eq_ignore_ascii_case("rpc-v2-cbor")) {
        rpc::rpc_v2_cbor(&parts, body)
    } else if let Some(target) = parts.header(&headers::X_AMZ_TARGET) {
        rpc::aws_json(&parts, target, body)
    } else if let Some(address) = rest::s3_address(&parts) {
        rest::s3(&parts, &address, body)
    } else if rpc::is_aws_query(&parts) {
        rpc::aws_query(&parts, body)
    } else {
        rest::rest_json(&parts, body)
    };
    // The detectors read the caller; it moves into the result here instead of being cloned.
    let caller = parts.caller;
    result.map(|mut detected| {
        detected.caller = caller;
        detected
    })
}

#[cfg(test)]
mod tests;
