//! The canonical request of SigV4: method, canonical URI (S3: the path as sent; every other
//! service: each path segment encoded again, after removing `.` and `..` segments), canonical
//! query (pairs decoded, re-encoded with RFC 3986's unreserved set, sorted; a presigned URL's
//! `X-Amz-Signature` left out), canonical headers (the signed ones, lower-cased, values trimmed
//! with inner whitespace collapsed, repeated headers joined by `,`), the signed header list and
//! the payload hash; and the string to sign over it.

use http::{HeaderMap, Method};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use super::crypto::{hex, sha256};

/// Characters SigV4 encodes: everything but `A-Z a-z 0-9 - _ . ~`.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// The same, keeping `/` (paths).
const ENCODE_PATH: &AsciiSet = &ENCODE.remove(b'/');

/// How the canonical URI is formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UriMode {
    /// S3: the path as sent.
    AsSent,
    /// S3, second try: the path decoded and encoded once (clients that send `*`, `'`... raw).
    Reencoded,
    /// Every other service: the path as sent, normalized, encoded again.
    Double,
}

/// The canonical URI of `path` (the raw path of the request line).
pub(crate) fn canonical_uri(path: &str, mode: UriMode) -> String {
    let path = if path.is_empty() { "/" } else { path };
    match mode {
        UriMode::AsSent => path.to_owned(),
        UriMode::Reencoded => {
            let decoded = percent_decode_str(path).decode_utf8_lossy();
            utf8_percent_encode(&decoded, ENCODE_PATH).to_string()
        }
        UriMode::Double => {
            let normalized = normalize(path);
            utf8_percent_encode(&normalized, ENCODE_PATH).to_string()
        }
    }
}

/// Removes `.` and `..` segments, keeping a trailing slash.
fn normalize(path: &str) -> String {
    if !path.split('/').any(|s| s == "." || s == "..") {
        return path.to_owned();
    }
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/').skip(1) {
        match segment {
            "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut joined = format!("/{}", out.join("/"));
    if (path.ends_with("/.") || path.ends_with("/..")) && !joined.ends_with('/') {
        joined.push('/');
    }
    joined
}

/// The canonical query string of a raw query (`X-Amz-Signature` left out).
pub(crate) fn canonical_query(query: Option<&str>) -> String {
    let Some(query) = query.filter(|q| !q.is_empty()) else { return String::new() };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let enc = |s: &str| utf8_percent_encode(&percent_decode_str(s).decode_utf8_lossy(), ENCODE).to_string();
            (enc(k), enc(v))
        })
        .filter(|(k, _)| k != "X-Amz-Signature")
        .collect();
    pairs.sort();
    let mut out = String::with_capacity(query.len() + 8);
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// The canonical headers block (each `name:value\n`) of the signed headers.
pub(crate) fn canonical_headers(headers: &HeaderMap, signed: &str) -> String {
    let mut out = String::with_capacity(256);
    for name in signed.split(';') {
        out.push_str(name);
        out.push(':');
        let mut first = true;
        for value in headers.get_all(name) {
            if !first {
                out.push(',');
            }
            first = false;
            let text = String::from_utf8_lossy(value.as_bytes());
            let mut words = text.split_whitespace();
            if let Some(w) = words.next() {
                out.push_str(w);
            }
            for w in words {
                out.push(' ');
                out.push_str(w);
            }
        }
        out.push('\n');
    }
    out
}

/// The canonical request.
pub(crate) fn canonical_request(
    method: &Method,
    uri: &str,
    query: &str,
    headers: &str,
    signed_headers: &str,
    payload_hash: &str,
) -> String {
    format!("{method}\n{uri}\n{query}\n{headers}\n{signed_headers}\n{payload_hash}")
}

/// The string to sign over a canonical request.
pub(crate) fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", hex(&sha256(canonical_request.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_queries_and_headers() {
        assert_eq!(canonical_uri("/model/a%3A0/converse", UriMode::Double), "/model/a%253A0/converse");
        assert_eq!(canonical_uri("/b/a%3A0", UriMode::AsSent), "/b/a%3A0");
        assert_eq!(canonical_uri("/b/a*'", UriMode::Reencoded), "/b/a%2A%27");
        assert_eq!(canonical_uri("/a/./b/../c", UriMode::Double), "/a/c");
        assert_eq!(canonical_uri("", UriMode::Double), "/");
        assert_eq!(canonical_query(Some("b=2&a=1&acl&X-Amz-Signature=x&c=a%20b")), "a=1&acl=&b=2&c=a%20b");
        assert_eq!(canonical_query(Some("k=a+b")), "k=a%2Bb");
        let mut h = HeaderMap::new();
        h.append("x-amz-meta-a", "  one   two ".parse().unwrap());
        h.append("x-amz-meta-a", "three".parse().unwrap());
        h.insert("host", "example.com".parse().unwrap());
        assert_eq!(canonical_headers(&h, "host;x-amz-meta-a"), "host:example.com\nx-amz-meta-a:one two,three\n");
    }
}
