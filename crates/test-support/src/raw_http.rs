//! Raw HTTP against the emulator, for what an SDK would never send (malformed bodies, unknown
//! routes, exact header checks): an async request through hyper's client, and, for tests of the
//! binary, a blocking one over a plain TCP socket (`connection: close`) or a blocking keep-alive
//! [`Connection`].

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

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

/// A blocking HTTP/1.1 keep-alive connection: one request at a time, answered in order.
#[derive(Debug)]
pub struct Connection {
    addr: String,
    reader: BufReader<TcpStream>,
}

impl Connection {
    /// Connects to `addr` (`host:port`). Reads give up after `timeout` (a test's failure bound,
    /// not a wait: answers come as soon as the server writes them).
    pub fn open(addr: &str, timeout: Duration) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(timeout))?;
        Ok(Connection { addr: addr.to_owned(), reader: BufReader::new(stream) })
    }

    /// Sends one request and reads its answer: the status and the body (`content-length` framed,
    /// as the emulator answers).
    pub fn request(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> std::io::Result<(u16, String)> {
        let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {}\r\ncontent-length: {}\r\n", self.addr, body.len());
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the connection was closed"));
        }
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad(&line))?;
        let mut length = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().map_err(|_| bad(header))?;
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// A CloudWatch Logs operation (awsJson1.1) with a JSON body.
    pub fn logs(&mut self, operation: &str, body: &serde_json::Value) -> std::io::Result<(u16, String)> {
        let target = format!("Logs_20140328.{operation}");
        let headers = [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", target.as_str())];
        self.request("POST", "/", &headers, &body.to_string())
    }
}
