//! The RPC protocols, where a header, a fixed path or a form parameter names the operation:
//! RPC v2 CBOR (`/service/{Service}/operation/{Op}`), awsJson (`X-Amz-Target`) and awsQuery
//! (`Action`, the service from the credential scope or `Version`).

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;

use super::{Detected, Labels, Parts, Rejection};
use crate::body::BodyKind;
use crate::document::{parse_form, parse_query};
use crate::error::AwsError;
use crate::headers;
use crate::protocol::Protocol;
use crate::route;
use crate::service::ServiceId;
use crate::sigv4::Caller;
use crate::tables;

/// The operation name as the request gave it, and the model's operation if it has one.
fn operation(service: ServiceId, name: &str) -> (Cow<'static, str>, Option<&'static tables::Operation>) {
    match tables::find(service, name) {
        Some(op) => (Cow::Borrowed(op.name.as_str()), Some(op)),
        None => (Cow::Owned(name.to_owned()), None),
    }
}

fn detected(
    parts: &Parts<'_>,
    service: ServiceId,
    protocol: Protocol,
    name: &str,
    form: Vec<(String, String)>,
    body: crate::body::DecodedBody,
) -> Detected {
    let (operation, model) = operation(service, name);
    Detected {
        service,
        protocol,
        operation,
        model,
        labels: Labels::default(),
        // The RPC protocols carry nothing in the query string: a malformed one is ignored.
        query: parse_query(parts.uri.query().unwrap_or("")).unwrap_or_default(),
        form,
        query_mode: parts.query_mode(),
        caller: Caller::default(),
        body,
        is_head: parts.is_head(),
    }
}

/// `POST [prefix]/service/{Service}/operation/{Op}` with `smithy-protocol: rpc-v2-cbor`.
pub(crate) fn rpc_v2_cbor(parts: &Parts<'_>, body: Bytes) -> Result<Detected, Rejection> {
    let protocol = Protocol::RpcV2Cbor;
    let segments = route::split_path(parts.uri.path());
    let (service_name, op) = match segments.as_slice() {
        [.., "service", service, "operation", op] if parts.method == Method::POST => (*service, *op),
        _ => {
            let err = AwsError::new(
                "UnknownOperationException",
                404,
                format!(
                    "{} {} is not an RPC v2 CBOR operation (POST /service/{{Service}}/operation/{{Operation}})",
                    parts.method,
                    parts.uri.path()
                ),
            );
            return Err(parts.reject(None, protocol, err));
        }
    };
    let Some(service) = ServiceId::by_target_prefix(service_name).filter(|s| s.speaks(protocol)) else {
        return Err(parts.reject(None, protocol, AwsError::unknown_operation_of(service_name, protocol, op)));
    };
    let body = parts.body(BodyKind::Request, body, Some(service), protocol)?;
    Ok(detected(parts, service, protocol, op, Vec::new(), body))
}

/// `X-Amz-Target: {Prefix}.{Op}`; the JSON version is the service's (an unknown prefix is
/// answered in the version of the request's `Content-Type`).
pub(crate) fn aws_json(parts: &Parts<'_>, target: &str, body: Bytes) -> Result<Detected, Rejection> {
    let (prefix, op) = target.split_once('.').unwrap_or((target, ""));
    let service = ServiceId::by_target_prefix(prefix);
    let Some((service, protocol)) = service.and_then(|s| s.aws_json_protocol().map(|p| (s, p))) else {
        let protocol = match parts.header(&headers::CONTENT_TYPE) {
            Some(ct) if ct.trim().starts_with("application/x-amz-json-1.0") => Protocol::AwsJson1_0,
            _ => Protocol::AwsJson1_1,
        };
        return Err(parts.reject(None, protocol, AwsError::unknown_operation_of(prefix, protocol, op)));
    };
    let body = parts.body(BodyKind::Request, body, Some(service), protocol)?;
    Ok(detected(parts, service, protocol, op, Vec::new(), body))
}

/// A form POST to `/` (or signed for an awsQuery service), or a GET whose query string has
/// `Action`. A form POST elsewhere is left to restJson: `curl -d` sends JSON to Bedrock with
/// the form content type.
pub(crate) fn is_aws_query(parts: &Parts<'_>) -> bool {
    if parts.method == Method::POST {
        let form = parts.header(&headers::CONTENT_TYPE).is_some_and(|ct| {
            ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
        });
        let signed_for_query = parts.caller.service.as_deref().and_then(ServiceId::query_service_by_signing_name).is_some();
        return form && (parts.uri.path() == "/" || signed_for_query);
    }
    parts.method == Method::GET && parts.uri.query().is_some_and(|q| q.split('&').any(|p| p.starts_with("Action=")))
}

/// An awsQuery request: `Action` names the operation; the credential scope's service (`sts`,
/// `iam`, `sns`, `monitoring`) names the service, else the `Version` parameter.
pub(crate) fn aws_query(parts: &Parts<'_>, body: Bytes) -> Result<Detected, Rejection> {
    let protocol = Protocol::AwsQuery;
    let scoped = parts.caller.service.as_deref().and_then(ServiceId::query_service_by_signing_name);
    let body = parts.body(BodyKind::Request, body, scoped, protocol)?;
    let form = if parts.method == Method::POST {
        parse_form(&body.bytes)
    } else {
        parse_form(parts.uri.query().unwrap_or("").as_bytes())
    }
    .map_err(|e| parts.reject(scoped, protocol, e.to_aws_error()))?;
    let param = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let version = param("Version");
    let service = scoped.or_else(|| version.and_then(ServiceId::query_service_by_version));
    let Some(action) = param("Action").filter(|a| !a.is_empty()) else {
        return Err(parts.reject(service, protocol, AwsError::new("MissingAction", 400, "The request has no Action parameter.")));
    };
    let Some(service) = service else {
        let named = match (parts.caller.service.as_deref(), version) {
            (Some(signed), _) => format!("the service signed as {signed}"),
            (None, Some(v)) => format!("the awsQuery service of Version {v}"),
            (None, None) => "an awsQuery service without Version".to_owned(),
        };
        return Err(parts.reject(None, protocol, AwsError::unknown_operation_of(&named, protocol, action)));
    };
    let action = action.to_owned();
    Ok(detected(parts, service, protocol, &action, form, body))
}
