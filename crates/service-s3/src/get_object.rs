//! GetObject and HeadObject: the object's bytes (or, for HEAD, its headers only) with `ETag`,
//! `Last-Modified`, `Accept-Ranges`, the metadata it was written with (content headers,
//! `x-amz-meta-*`, its checksum when `x-amz-checksum-mode: ENABLED` asks for the whole object),
//! single byte ranges (206, `Content-Range`), `If-Match`, `If-None-Match` (304) and the
//! `response-*` overrides.

use aws_protocol::{Detected, Reply};
use http::{HeaderMap, header};
use service_kit::clock::utc_datetime;

use crate::S3Service;
use crate::error::S3Error;

/// GetObject (`head` false) or HeadObject (`head` true) of `bucket`/`key`.
pub(crate) fn get_object(
    state: &S3Service,
    bucket: &str,
    key: &str,
    req: &Detected,
    headers: &HeaderMap,
    head: bool,
) -> Result<Reply, S3Error> {
    if let Some(version) = req.query_param("versionId").filter(|v| *v != "null") {
        return Err(S3Error::invalid_argument("versionId", version, "Invalid version id specified"));
    }
    for unsupported in ["if-modified-since", "if-unmodified-since"] {
        if headers.contains_key(unsupported) {
            return Err(S3Error::not_implemented(&format!("The {unsupported} header")));
        }
    }
    let object = state
        .store
        .read_object(bucket, key)
        .map_err(|e| S3Error::from_store(e, bucket))?
        .ok_or_else(|| S3Error::no_such_key(key))?;
    let tag = object.etag();
    let (bytes, info, meta) = (object.bytes, object.info, object.meta);
    let header_str = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(want) = header_str("if-match")
        && !etag_matches(want, &tag)
    {
        return Err(S3Error::new(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
            .with("Condition", "If-Match"));
    }
    let mut reply_headers: Vec<(String, String)> = vec![
        (header::ETAG.as_str().to_owned(), tag.clone()),
        (header::LAST_MODIFIED.as_str().to_owned(), http_date(info.last_modified_ms)),
        (header::ACCEPT_RANGES.as_str().to_owned(), "bytes".to_owned()),
    ];
    reply_headers.extend(crate::metadata::response_headers(&meta));
    if header_str("if-none-match").is_some_and(|want| etag_matches(want, &tag)) {
        return Ok(with_headers(Reply::empty().with_status(304), reply_headers));
    }
    let overrides = [
        ("response-content-disposition", "content-disposition"),
        ("response-content-encoding", "content-encoding"),
        ("response-content-language", "content-language"),
        ("response-cache-control", "cache-control"),
        ("response-expires", "expires"),
    ];
    for (param, name) in overrides {
        if let Some(value) = req.query_param(param) {
            reply_headers.retain(|(n, _)| n != name);
            reply_headers.push((name.to_owned(), value.to_owned()));
        }
    }
    let content_type = req
        .query_param("response-content-type")
        .map(str::to_owned)
        .or(meta.content_type.clone())
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let size = bytes.len() as u64;
    let checksum_mode =
        headers.get("x-amz-checksum-mode").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("ENABLED"));
    let (status, body) = match header_str("range").and_then(parse_range) {
        Some(range) => match range.resolve(size) {
            Some((start, end)) => {
                reply_headers.push((header::CONTENT_RANGE.as_str().to_owned(), format!("bytes {start}-{end}/{size}")));
                (206, bytes[start as usize..=end as usize].to_vec())
            }
            None => {
                return Err(S3Error::new(416, "InvalidRange", "The requested range is not satisfiable")
                    .with("RangeRequested", header_str("range").unwrap_or(""))
                    .with("ActualObjectSize", size.to_string()));
            }
        },
        None => {
            if checksum_mode && let Some((algorithm, value)) = &meta.checksum {
                reply_headers.push((format!("x-amz-checksum-{}", algorithm.to_ascii_lowercase()), value.clone()));
                reply_headers.push(("x-amz-checksum-type".to_owned(), "FULL_OBJECT".to_owned()));
            }
            (200, bytes)
        }
    };
    reply_headers.push((header::CONTENT_LENGTH.as_str().to_owned(), body.len().to_string()));
    let body = if head { Vec::new() } else { body };
    Ok(with_headers(Reply::payload(content_type, body).with_status(status), reply_headers))
}

fn with_headers(reply: Reply, headers: Vec<(String, String)>) -> Reply {
    headers.into_iter().fold(reply, |reply, (name, value)| reply.with_header(name, value))
}

fn etag_matches(header: &str, tag: &str) -> bool {
    header.split(',').map(str::trim).any(|t| t == "*" || t == tag || format!("\"{t}\"") == tag)
}

/// A single `bytes=` range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteRange {
    From(u64, Option<u64>),
    Suffix(u64),
}

impl ByteRange {
    /// Inclusive bounds within an object of `size` bytes; `None` when unsatisfiable.
    fn resolve(self, size: u64) -> Option<(u64, u64)> {
        match self {
            ByteRange::From(start, _) if start >= size => None,
            ByteRange::From(start, end) => Some((start, end.map_or(size - 1, |e| e.min(size - 1)))),
            ByteRange::Suffix(0) => None,
            ByteRange::Suffix(_) if size == 0 => None,
            ByteRange::Suffix(n) => Some((size.saturating_sub(n), size - 1)),
        }
    }
}

/// Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`. Anything else (several ranges, other units,
/// malformed) is ignored and the whole object is sent, as S3 does.
fn parse_range(value: &str) -> Option<ByteRange> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (a, b) = spec.split_once('-')?;
    match (a.trim(), b.trim()) {
        ("", n) => n.parse().ok().map(ByteRange::Suffix),
        (a, "") => a.parse().ok().map(|a| ByteRange::From(a, None)),
        (a, b) => {
            let (a, b): (u64, u64) = (a.parse().ok()?, b.parse().ok()?);
            (a <= b).then_some(ByteRange::From(a, Some(b)))
        }
    }
}

/// `Wed, 03 Dec 2025 10:54:44 GMT` (RFC 7231), as `Last-Modified`.
fn http_date(ms: i64) -> String {
    let fmt =
        time::macros::format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");
    utc_datetime(ms).format(fmt).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9").and_then(|r| r.resolve(5)), Some((0, 4)));
        assert_eq!(parse_range("bytes=2-").and_then(|r| r.resolve(5)), Some((2, 4)));
        assert_eq!(parse_range("bytes=-2").and_then(|r| r.resolve(5)), Some((3, 4)));
        assert_eq!(parse_range("bytes=5-").and_then(|r| r.resolve(5)), None);
        assert_eq!(parse_range("bytes=0-1,3-4"), None);
        assert_eq!(parse_range("items=0-1"), None);
        assert_eq!(parse_range("bytes=3-1"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(http_date(1_764_759_284_250), "Wed, 03 Dec 2025 10:54:44 GMT");
    }
}
