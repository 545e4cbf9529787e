//! The HTTP response type services answer with, and its builders. Every response carries
//! `x-amzn-RequestId`.

use std::convert::Infallible;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, combinators::BoxBody};


/// The body type of every emulator response.
pub type ResponseBody = BoxBody<Bytes, Infallible>;

/// An emulator response.
pub type HttpResponse = Response<ResponseBody>;

/// Wraps bytes as a response body.
pub fn full_body(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into()).boxed()
}

/// Adds `x-amzn-RequestId`.
pub fn with_request_id(mut response: HttpResponse, request_id: &str) -> HttpResponse {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amzn-RequestId", value);
    }
    response
}

/// A 200 response with `content_type` and `body`.
pub fn ok(request_id: &str, content_type: &'static str, body: impl Into<Bytes>) -> HttpResponse {
    let response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, content_type)
        .body(full_body(body))
        .expect("static response parts are valid");
    with_request_id(response, request_id)
}

/// A 200 response with a JSON body (`application/json`, as Bedrock's restJson1 responses).
pub fn json_ok(request_id: &str, body: impl Into<Bytes>) -> HttpResponse {
    let response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(full_body(body))
        .expect("static response parts are valid");
    with_request_id(response, request_id)
}

/// A 200 JSON response with extra headers (InvokeModel's token-count and latency headers).
pub fn json_ok_with(request_id: &str, body: impl Into<Bytes>, headers: &[(&'static str, String)]) -> HttpResponse {
    let mut response = json_ok(request_id, body);
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            response.headers_mut().insert(*name, value);
        }
    }
    response
}

/// A 200 response with an empty body (PUT/DELETE of the logging configuration).
pub fn empty_ok(request_id: &str) -> HttpResponse {
    let response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(full_body(Bytes::new()))
        .expect("static response parts are valid");
    with_request_id(response, request_id)
}

/// A CloudWatch Logs (awsJson1.1) success response.
pub fn logs_ok(request_id: &str, body: impl Into<Bytes>) -> HttpResponse {
    let response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/x-amz-json-1.1")
        .body(full_body(body))
        .expect("static response parts are valid");
    with_request_id(response, request_id)
}

/// An error response: `status`, `content_type`, extra headers and the body.
pub fn error(
    request_id: &str,
    status: StatusCode,
    content_type: &'static str,
    headers: &[(&'static str, String)],
    body: impl Into<Bytes>,
) -> HttpResponse {
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(full_body(body))
        .expect("error response parts are valid");
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            response.headers_mut().insert(*name, value);
        }
    }
    with_request_id(response, request_id)
}

/// A plain-text response for the emulator's own routes (`/_emulator/...`).
pub fn text(status: StatusCode, body: &'static str) -> HttpResponse {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(full_body(body))
        .expect("static response parts are valid")
}
