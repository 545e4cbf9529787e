//! Raw HTTP against the emulator, for what an SDK would never send (malformed bodies, unknown
//! routes, exact header checks): an async request through hyper's client, and a blocking one
//! over a plain TCP socket (`connection: close`) for tests of the binary.

use std::io::{Read, Write};
use std::net::TcpStream;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// A raw HTTP response: status, headers, body.
#[derive(Debug)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl RawResponse {
    /// A header's value, when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; panics with the body when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| panic!("body is not JSON ({err}): {:?}", self.body))
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one raw HTTP/1.1 request to `url` + `path`; panics when the connection fails (a test
/// that cannot reach its emulator has nothing to check).
pub async fn raw(url: &str, method: &str, path: &str, headers: &[(&str, &str)], body: impl Into<Bytes>) -> RawResponse {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut req = http::Request::builder().method(method).uri(format!("{url}{path}"));
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let res = client.request(req.body(Full::new(body.into())).expect("a valid request")).await.expect("the request is answered");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("the body is read").to_bytes();
    RawResponse { status, headers, body }
}

/// The `Authorization` header of a request signed-looking for `service` in `region` (credential
/// scope only: the emulator reads the key, region and service; signatures are verified only under
/// IAM enforcement).
pub fn scope_authorization(access_key: &str, region: &str, service: &str) -> String {
    format!("AWS4-HMAC-SHA256 Credential={access_key}/20251203/{region}/{service}/aws4_request, SignedHeaders=host, Signature=0")
}

/// One request over a plain TCP socket with `connection: close`; returns the whole raw response.
pub fn tcp_request(addr: &str, method: &str, path: &str, body: &str) -> String {
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(addr).expect("the emulator accepts connections");
    stream.write_all(request.as_bytes()).expect("the request is sent");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("the response is read");
    response
}
