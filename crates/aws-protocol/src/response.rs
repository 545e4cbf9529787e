//! The HTTP response type every encoder and renderer returns, and the small helpers they share:
//! a full body, and headers that are skipped rather than failing when a value is not a valid
//! header value. A body's only error is [`BodyAborted`]: the server drops the connection
//! (a fault rule's mid-stream disconnect).

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, Full, combinators::BoxBody};

/// The body type of every emulator response.
pub type ResponseBody = BoxBody<Bytes, BodyAborted>;

/// A body that ends by dropping the connection instead of finishing (the client sees the
/// connection close mid-response).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the emulator dropped the connection mid-response")]
pub struct BodyAborted;

/// An emulator response.
pub type HttpResponse = Response<ResponseBody>;

/// Wraps bytes as a response body.
pub fn full_body(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed()
}

/// A response with `status` and `body`, no headers yet.
pub(crate) fn response(status: u16, body: ResponseBody) -> HttpResponse {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
}

/// Appends a header; a name or value that is not valid in HTTP is skipped.
pub(crate) fn put_header(response: &mut HttpResponse, name: &str, value: &str) {
    if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
        response.headers_mut().append(name, value);
    }
}

/// Sets a header (replacing any value); a value that is not valid in HTTP is skipped.
pub(crate) fn set_header(response: &mut HttpResponse, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}
