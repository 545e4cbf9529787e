//! Building HTTP responses. This is the one place where a [`ServiceError`] becomes a response:
//! restJson1 errors (Bedrock) carry `x-amzn-ErrorType` and `{"message"}`; awsJson1.1 errors
//! (CloudWatch Logs) carry `{"__type", "message"}`. Every response carries `x-amzn-RequestId`.

use std::convert::Infallible;

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, combinators::BoxBody};

use bedrock_model::cloudwatch_logs::LogsError;
use bedrock_model::error::ServiceError;

/// The body type of every emulator response.
pub(crate) type ResponseBody = BoxBody<Bytes, Infallible>;

/// An emulator response.
pub(crate) type HttpResponse = Response<ResponseBody>;

/// Wraps bytes as a response body.
pub(crate) fn full_body(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into()).boxed()
}

fn with_request_id(mut response: HttpResponse, request_id: &str) -> HttpResponse {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amzn-RequestId", value);
    }
    response
}

/// A 200 response with a JSON body (`application/json`, as Bedrock's restJson1 responses).
pub(crate) fn json_ok(request_id: &str, body: impl Into<Bytes>) -> HttpResponse {
    let response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(full_body(body))
        .expect("static response parts are valid");
    with_request_id(response, request_id)
}

/// A 200 JSON response with extra headers (InvokeModel's token-count and latency headers).
pub(crate) fn json_ok_with(request_id: &str, body: impl Into<Bytes>, headers: &[(&'static str, String)]) -> HttpResponse {
    let mut response = json_ok(request_id, body);
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            response.headers_mut().insert(*name, value);
        }
    }
    response
}

/// A 200 response with an empty body (PUT/DELETE of the logging configuration).
pub(crate) fn empty_ok(request_id: &str) -> HttpResponse {
    let response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(full_body(Bytes::new()))
        .expect("static response parts are valid");
    with_request_id(response, request_id)
}

/// A Bedrock (restJson1) error response.
pub(crate) fn bedrock_error(err: &ServiceError, request_id: &str) -> HttpResponse {
    let status = StatusCode::from_u16(err.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::json!({ "message": err.message }).to_string();
    let error_type = err.code.error_type_header();
    let response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-amzn-ErrorType", error_type)
        .body(full_body(body))
        .expect("error response parts are valid");
    with_request_id(response, request_id)
}

/// A CloudWatch Logs (awsJson1.1) success response.
pub(crate) fn logs_ok(request_id: &str, body: impl Into<Bytes>) -> HttpResponse {
    let response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/x-amz-json-1.1")
        .body(full_body(body))
        .expect("static response parts are valid");
    with_request_id(response, request_id)
}

/// A CloudWatch Logs (awsJson1.1) error response: `{"__type", "message"}` (and
/// `queryCompileError` for a malformed query).
pub(crate) fn logs_error(err: &LogsError, request_id: &str) -> HttpResponse {
    let status = StatusCode::from_u16(err.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/x-amz-json-1.1")
        .body(full_body(err.to_body()))
        .expect("error response parts are valid");
    with_request_id(response, request_id)
}

/// A plain-text response for the emulator's own routes (`/_emulator/...`).
pub(crate) fn text(status: StatusCode, body: &'static str) -> HttpResponse {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain")
        .body(full_body(body))
        .expect("static response parts are valid")
}
