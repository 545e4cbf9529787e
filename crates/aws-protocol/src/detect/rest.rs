//! The REST protocols: S3 (restXml, path-style or `<bucket>.localhost` virtual-hosted) and
//! Bedrock (restJson1, runtime and control plane on one path space), routed by the tables.

use std::borrow::Cow;
use std::sync::LazyLock;

use bytes::Bytes;
use percent_encoding::percent_decode_str;

use super::{Detected, Labels, Parts, Rejection};
use crate::body::BodyKind;
use crate::document::parse_query;
use crate::error::AwsError;
use crate::headers;
use crate::protocol::Protocol;
use crate::route::{self, RestRequest, RouteIndex, RouteOutcome};
use crate::service::{CORAL_FRAMEWORK_NAMESPACE, ServiceId};
use crate::sigv4::Caller;
use crate::tables::{self, Operation};

/// S3's operations, indexed for routing.
static S3_ROUTES: LazyLock<RouteIndex<'static>> = LazyLock::new(|| RouteIndex::new(tables::operations(ServiceId::S3)));

/// Bedrock's runtime and control-plane operations (one path space), indexed for routing.
static BEDROCK_ROUTES: LazyLock<RouteIndex<'static>> =
    LazyLock::new(|| RouteIndex::new(route::BEDROCK_GROUP.iter().flat_map(|s| tables::operations(*s))));

/// How an S3 request addresses its bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct S3Address {
    /// The bucket of a `<bucket>.localhost[:port]` host (virtual-hosted style).
    pub(crate) virtual_bucket: Option<String>,
}

/// The bucket of a `Host: <bucket>.localhost[:port]`.
fn virtual_bucket(host: &str) -> Option<&str> {
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    host.strip_suffix(".localhost").filter(|b| !b.is_empty())
}

/// Whether the request is S3's: signed for `s3`, or unsigned to a `<bucket>.localhost` host. A
/// request signed for another service never is.
pub(crate) fn s3_address(parts: &Parts<'_>) -> Option<S3Address> {
    // HTTP/1.1 names the host in `Host`; HTTP/2 and absolute-form requests in the URI.
    let host = parts.header(&headers::HOST).or_else(|| parts.uri.authority().map(|a| a.as_str()));
    let host = host.and_then(virtual_bucket).map(str::to_owned);
    match parts.caller.service.as_deref() {
        Some("s3") => Some(S3Address { virtual_bucket: host }),
        None if host.is_some() => Some(S3Address { virtual_bucket: host }),
        _ => None,
    }
}

/// Percent-decodes each label; `Err(raw)` when the result is not UTF-8. Labels are named by
/// the input member they bind.
fn decode_labels(op: &'static Operation, raw: Vec<(&'static str, Cow<'_, str>)>) -> Labels {
    Labels(
        raw.into_iter()
            .map(|(wire, value)| {
                let name = op.label_member(wire).unwrap_or(wire);
                let decoded = percent_decode_str(&value).decode_utf8().map(|s| s.into_owned()).map_err(|_| value.into_owned());
                (name, decoded)
            })
            .collect(),
    )
}

/// An S3 request.
pub(crate) fn s3(parts: &Parts<'_>, address: &S3Address, body: Bytes) -> Result<Detected, Rejection> {
    let protocol = Protocol::RestXml;
    let service = ServiceId::S3;
    let query = parse_query(parts.uri.query().unwrap_or("")).map_err(|_| {
        parts.reject(
            Some(service),
            protocol,
            AwsError::new("InvalidURI", 400, "Couldn't parse the specified URI.").with_field("URI", parts.uri.to_string()),
        )
    })?;
    let mut segments = route::split_path(parts.uri.path());
    match &address.virtual_bucket {
        Some(bucket) => segments.insert(0, bucket.as_str()),
        // `/bucket/` addresses the bucket, not an empty key.
        None if segments.len() == 2 && segments[1].is_empty() => {
            segments.pop();
        }
        None => {}
    }
    let has_header = |name: &str| parts.headers.contains_key(name);
    let req = RestRequest { method: parts.method, segments: &segments, query: &query, has_header: &has_header };
    let resource = match segments.len() {
        0 => ("SERVICE", "/"),
        1 => ("BUCKET", "/{Bucket}"),
        _ => ("OBJECT", "/{Bucket}/{Key+}"),
    };
    let (op, labels) = match route::select(S3_ROUTES.candidates(&segments), &req) {
        RouteOutcome::Found { op, labels } => (op, decode_labels(op, labels)),
        RouteOutcome::MethodNotAllowed => {
            let err = AwsError::new("MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
                .with_field("Method", parts.method.as_str())
                .with_field("ResourceType", resource.0);
            return Err(parts.reject(Some(service), protocol, err));
        }
        RouteOutcome::NoMatch => {
            let request = format!("{} {}", parts.method, resource.1);
            return Err(parts.reject(Some(service), protocol, AwsError::unknown_operation(service, protocol, &request)));
        }
    };
    let body = parts.body(BodyKind::S3Object, body, Some(service), protocol)?;
    Ok(Detected {
        service,
        protocol,
        operation: Cow::Borrowed(op.name.as_str()),
        model: Some(op),
        labels,
        query,
        form: Vec::new(),
        query_mode: false,
        caller: Caller::default(),
        body,
        is_head: parts.is_head(),
    })
}

/// A Bedrock request (runtime or control plane), or the Coral error for a path neither has.
pub(crate) fn rest_json(parts: &Parts<'_>, body: Bytes) -> Result<Detected, Rejection> {
    let protocol = Protocol::RestJson1;
    let coral =
        |message: &str| AwsError::new("UnknownOperationException", 404, message).with_coral_namespace(CORAL_FRAMEWORK_NAMESPACE);
    let query = parse_query(parts.uri.query().unwrap_or("")).map_err(|e| parts.reject(None, protocol, e.to_aws_error()))?;
    let segments = route::split_path(parts.uri.path());
    let has_header = |name: &str| parts.headers.contains_key(name);
    let req = RestRequest { method: parts.method, segments: &segments, query: &query, has_header: &has_header };
    let (op, labels) = match route::select(BEDROCK_ROUTES.candidates(&segments), &req) {
        RouteOutcome::Found { op, labels } => (op, decode_labels(op, labels)),
        RouteOutcome::MethodNotAllowed => {
            return Err(parts.reject(None, protocol, coral("The requested method is not supported for this resource")));
        }
        RouteOutcome::NoMatch => {
            return Err(parts.reject(None, protocol, coral("Unknown operation")));
        }
    };
    let body = parts.body(BodyKind::Request, body, Some(op.service), protocol)?;
    Ok(Detected {
        service: op.service,
        protocol,
        operation: Cow::Borrowed(op.name.as_str()),
        model: Some(op),
        labels,
        query,
        form: Vec::new(),
        query_mode: parts.query_mode(),
        caller: Caller::default(),
        body,
        is_head: parts.is_head(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_hosts() {
        assert_eq!(virtual_bucket("bkt.localhost:4566"), Some("bkt"));
        assert_eq!(virtual_bucket("my.bkt.localhost"), Some("my.bkt"));
        assert_eq!(virtual_bucket("localhost:4566"), None);
        assert_eq!(virtual_bucket(".localhost"), None);
        assert_eq!(virtual_bucket("127.0.0.1:4566"), None);
        assert_eq!(virtual_bucket("bkt.localhost:"), Some("bkt"));
    }
}
