//! The other side of the wire, for the emulator's own command line (`bedrock-emulator dashboard
//! init`) calling a running emulator: an awsJson request for an operation (`POST /`,
//! `X-Amz-Target: <prefix>.<Operation>`, the service's JSON content type, unsigned), and its
//! answer read back as a JSON document or a [`RemoteError`] (code from `x-amzn-query-error` or
//! `__type`, message, the error's other members).

use bytes::Bytes;
use http::{HeaderMap, Method, Request};

use crate::service::ServiceId;

/// Why a request could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("{0:?} does not speak awsJson")]
    NotJson(ServiceId),
    #[error("cannot build the request: {0}")]
    Http(String),
}

/// An error answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct RemoteError {
    pub status: u16,
    /// The awsQuery code when the service is query-compatible, else the shape name.
    pub code: String,
    pub message: String,
    /// The whole error document.
    pub document: Box<serde_json::Value>,
}

/// The awsJson request of `operation` of `service` with `input` as its body, to `endpoint`
/// (`http://127.0.0.1:4599`).
pub fn json_request(
    endpoint: &str,
    service: ServiceId,
    operation: &str,
    input: &serde_json::Value,
) -> Result<Request<Bytes>, RequestError> {
    let (Some(prefix), Some(protocol)) = (service.target_prefix(), service.aws_json_protocol()) else {
        return Err(RequestError::NotJson(service));
    };
    Request::builder()
        .method(Method::POST)
        .uri(format!("{}/", endpoint.trim_end_matches('/')))
        .header("x-amz-target", format!("{prefix}.{operation}"))
        .header(http::header::CONTENT_TYPE, protocol.content_type())
        .body(Bytes::from(input.to_string()))
        .map_err(|e| RequestError::Http(e.to_string()))
}

/// An awsJson answer: the output document (`{}` for an empty body), or the error it carries.
pub fn json_response(status: u16, headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Value, RemoteError> {
    let document: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice(body).unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(body).into_owned()))
    };
    if (200..300).contains(&status) {
        return Ok(document);
    }
    let from_header =
        headers.get("x-amzn-query-error").and_then(|v| v.to_str().ok()).and_then(|v| v.split(';').next()).map(str::to_owned);
    let from_type = document.get("__type").and_then(|t| t.as_str()).map(|t| t.rsplit('#').next().unwrap_or(t).to_owned());
    let message = ["message", "Message"]
        .iter()
        .find_map(|k| document.get(*k).and_then(|m| m.as_str()))
        .map_or_else(|| document.to_string(), str::to_owned);
    Err(RemoteError {
        status,
        code: from_header.or(from_type).unwrap_or_else(|| format!("HTTP {status}")),
        message,
        document: Box::new(document),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cloudwatch_request_and_its_answers() {
        let req =
            json_request("http://127.0.0.1:1/", ServiceId::CloudWatch, "PutDashboard", &serde_json::json!({"A": 1})).unwrap();
        assert_eq!(req.uri(), "http://127.0.0.1:1/");
        assert_eq!(req.headers()["x-amz-target"], "GraniteServiceVersion20100801.PutDashboard");
        assert_eq!(req.headers()["content-type"], "application/x-amz-json-1.0");
        assert_eq!(req.body().as_ref(), br#"{"A":1}"#);
        assert!(json_request("http://x", ServiceId::S3, "GetObject", &serde_json::Value::Null).is_err());

        assert_eq!(json_response(200, &HeaderMap::new(), b"").unwrap(), serde_json::json!({}));
        let mut headers = HeaderMap::new();
        headers.insert("x-amzn-query-error", "InvalidParameterInput;Sender".parse().unwrap());
        let err =
            json_response(400, &headers, br#"{"__type":"com.amazonaws.cloudwatch#DashboardInvalidInputError","message":"bad"}"#)
                .unwrap_err();
        assert_eq!((err.code.as_str(), err.message.as_str(), err.status), ("InvalidParameterInput", "bad", 400));
        let err = json_response(404, &HeaderMap::new(), br#"{"__type":"X#NotFound","Message":"gone"}"#).unwrap_err();
        assert_eq!(err.code, "NotFound");
    }
}
