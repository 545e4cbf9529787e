//! The S3 read API on the emulator's port, for fetching delivered logs with `aws s3 ls/cp
//! --endpoint-url` and boto3: ListBuckets, ListObjects, ListObjectsV2 (prefix, delimiter,
//! continuation, `encoding-type=url`), GetObject (single byte ranges, `If-Match`,
//! `If-None-Match`), HeadObject and HeadBucket. Requests are recognized by the SigV4 credential
//! scope's service `s3`; buckets are addressed path-style (`/<bucket>/<key>`, what botocore
//! uses for an IP endpoint) or by host (`<bucket>.localhost`).
//!
//! Everything else (PutObject, DeleteObject, CreateBucket, subresources such as `?acl`) answers
//! S3's `NotImplemented` (501) naming the operation: this is a read API over what Bedrock
//! delivered. Errors are S3's XML `<Error>` documents; HEAD errors have no body.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{HeaderMap, Method, Response, StatusCode, Uri, header};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use service_kit::clock::utc_datetime;
use service_kit::opaque;
use service_kit::response::{HttpResponse, full_body};
use object_store::{BucketStoreError, ObjectInfo, etag};
use crate::list::{self, ListParams};
use crate::xml::{Xml, error_document};
use crate::S3Service;

/// What `encoding-type=url` leaves unencoded (botocore decodes the listed members).
const URL_ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// Query subresources that name an S3 operation this emulator does not serve.
const SUBRESOURCES: &[&str] = &[
    "accelerate", "acl", "analytics", "attributes", "cors", "delete", "encryption", "intelligent-tiering",
    "inventory", "legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
    "ownershipControls", "partNumber", "policy", "policyStatus", "publicAccessBlock", "replication",
    "requestPayment", "restore", "retention", "select", "tagging", "torrent", "uploadId", "uploads",
    "versioning", "versions", "website",
];

/// An S3 error.
#[derive(Debug)]
struct S3Error {
    status: StatusCode,
    code: &'static str,
    message: String,
    extra: Vec<(&'static str, String)>,
}

impl S3Error {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), extra: Vec::new() }
    }

    fn with(mut self, tag: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((tag, value.into()));
        self
    }

    fn no_such_bucket(bucket: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NoSuchBucket", "The specified bucket does not exist").with("BucketName", bucket)
    }

    fn invalid_argument(name: &str, value: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidArgument", message)
            .with("ArgumentName", name)
            .with("ArgumentValue", value)
    }

    fn not_implemented(operation: &str) -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            format!(
                "{operation} is not supported by this emulator: its S3 API only reads delivered invocation logs \
                 (ListBuckets, ListObjects, ListObjectsV2, GetObject, HeadObject, HeadBucket)"
            ),
        )
    }

    fn from_store(err: BucketStoreError, bucket: &str) -> Self {
        match err {
            BucketStoreError::InvalidBucketName { .. } => {
                Self::new(StatusCode::BAD_REQUEST, "InvalidBucketName", "The specified bucket is not valid.").with("BucketName", bucket)
            }
            BucketStoreError::NoSuchBucket(_) => Self::no_such_bucket(bucket),
            other => Self::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", other.to_string()),
        }
    }
}

/// One S3 request, decoded.
struct S3Request<'a> {
    method: &'a Method,
    bucket: Option<String>,
    key: Option<String>,
    query: BTreeMap<String, String>,
    headers: &'a HeaderMap,
}

/// Answers one S3 request.
pub fn handle(state: &S3Service, request_id: &str, method: &Method, uri: &Uri, headers: &HeaderMap) -> HttpResponse {
    let is_head = method == Method::HEAD;
    let result = decode(method, uri, headers).and_then(|req| dispatch(state, &req));
    let mut response = match result {
        Ok(response) => response,
        Err(err) => {
            let body = if is_head {
                Bytes::new()
            } else {
                let extra: Vec<(&str, String)> = err.extra.iter().map(|(t, v)| (*t, v.clone())).collect();
                Bytes::from(error_document(err.code, &err.message, &extra, request_id))
            };
            Response::builder()
                .status(err.status)
                .header(header::CONTENT_TYPE, "application/xml")
                .body(full_body(body))
                .expect("error response parts are valid")
        }
    };
    if let Ok(value) = http::HeaderValue::from_str(request_id) {
        response.headers_mut().insert("x-amz-request-id", value.clone());
        response.headers_mut().insert("x-amz-id-2", value);
    }
    response
}

fn decode<'a>(method: &'a Method, uri: &Uri, headers: &'a HeaderMap) -> Result<S3Request<'a>, S3Error> {
    let invalid_uri = || S3Error::new(StatusCode::BAD_REQUEST, "InvalidURI", "Couldn't parse the specified URI.");
    let decode = |raw: &str| percent_decode_str(raw).decode_utf8().map(|s| s.into_owned()).map_err(|_| invalid_uri());
    let path = uri.path().strip_prefix('/').unwrap_or(uri.path());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, port)| if port.bytes().all(|b| b.is_ascii_digit()) { h } else { host });
    let (bucket, key) = match host.strip_suffix(".localhost").filter(|b| !b.is_empty()) {
        Some(bucket) => (Some(bucket.to_owned()), (!path.is_empty()).then(|| decode(path)).transpose()?),
        None => match path.split_once('/') {
            Some((bucket, key)) => (Some(decode(bucket)?), (!key.is_empty()).then(|| decode(key)).transpose()?),
            None if path.is_empty() => (None, None),
            None => (Some(decode(path)?), None),
        },
    };
    let mut query = BTreeMap::new();
    for pair in uri.query().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        query.insert(decode(k)?, decode(v)?);
    }
    Ok(S3Request { method, bucket, key, query, headers })
}

fn dispatch(state: &S3Service, req: &S3Request<'_>) -> Result<HttpResponse, S3Error> {
    let subresource = SUBRESOURCES.iter().find(|s| req.query.contains_key(**s));
    match (req.bucket.as_deref(), req.key.as_deref()) {
        (None, _) => match (req.method, subresource) {
            (&Method::GET, None) => list_buckets(state),
            _ => Err(S3Error::not_implemented(&format!("{} /", req.method))),
        },
        (Some(bucket), None) => match (req.method, subresource) {
            (&Method::HEAD, None) => head_bucket(state, bucket),
            (&Method::GET, None) => list_objects(state, bucket, req),
            (&Method::GET, Some(sub)) => Err(S3Error::not_implemented(&format!("The bucket subresource ?{sub}"))),
            (&Method::PUT, _) => Err(S3Error::not_implemented("CreateBucket")),
            (&Method::DELETE, _) => Err(S3Error::not_implemented("DeleteBucket")),
            (&Method::POST, _) => Err(S3Error::not_implemented("DeleteObjects")),
            (m, _) => Err(S3Error::not_implemented(&format!("{m} on a bucket"))),
        },
        (Some(bucket), Some(key)) => match (req.method, subresource) {
            (&Method::GET | &Method::HEAD, None) => get_object(state, bucket, key, req),
            (&Method::GET | &Method::HEAD, Some(sub)) => Err(S3Error::not_implemented(&format!("The object subresource ?{sub}"))),
            (&Method::PUT, _) if req.headers.contains_key("x-amz-copy-source") => Err(S3Error::not_implemented("CopyObject")),
            (&Method::PUT, _) => Err(S3Error::not_implemented("PutObject")),
            (&Method::DELETE, _) => Err(S3Error::not_implemented("DeleteObject")),
            (&Method::POST, _) => Err(S3Error::not_implemented("CreateMultipartUpload")),
            (m, _) => Err(S3Error::not_implemented(&format!("{m} on an object"))),
        },
    }
}

fn xml_ok(body: String) -> HttpResponse {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/xml")
        .body(full_body(body))
        .expect("static response parts are valid")
}

fn list_buckets(state: &S3Service) -> Result<HttpResponse, S3Error> {
    let buckets = state.store.list_buckets().map_err(|e| S3Error::from_store(e, ""))?;
    let mut xml = Xml::with_root("ListAllMyBucketsResult");
    xml.open("Owner").elem("ID", &state.env.account_id).close("Owner");
    xml.open("Buckets");
    for (name, created_ms) in buckets {
        xml.open("Bucket").elem("Name", name).elem("CreationDate", iso8601_ms(created_ms)).close("Bucket");
    }
    xml.close("Buckets");
    Ok(xml_ok(xml.finish("ListAllMyBucketsResult")))
}

fn head_bucket(state: &S3Service, bucket: &str) -> Result<HttpResponse, S3Error> {
    match state.store.bucket_exists(bucket) {
        Ok(true) => Ok(Response::builder()
            .status(StatusCode::OK)
            .header("x-amz-bucket-region", state.env.default_region.as_str())
            .body(full_body(Bytes::new()))
            .expect("static response parts are valid")),
        Ok(false) => Err(S3Error::no_such_bucket(bucket)),
        Err(err) => Err(S3Error::from_store(err, bucket)),
    }
}

fn list_objects(state: &S3Service, bucket: &str, req: &S3Request<'_>) -> Result<HttpResponse, S3Error> {
    let q = &req.query;
    let v2 = match q.get("list-type").map(String::as_str) {
        None => false,
        Some("2") => true,
        Some(other) => return Err(S3Error::invalid_argument("list-type", other, "Invalid List Type specified")),
    };
    let url_encoding = match q.get("encoding-type").map(String::as_str) {
        None => false,
        Some("url") => true,
        Some(other) => return Err(S3Error::invalid_argument("encoding-type", other, "Invalid Encoding Method specified in Request")),
    };
    let max_keys = match q.get("max-keys") {
        None => 1000,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n >= 0 => n.min(1000) as usize,
            _ => return Err(S3Error::invalid_argument("max-keys", raw, "Provided max-keys not an integer or within integer range")),
        },
    };
    let prefix = q.get("prefix").cloned().unwrap_or_default();
    let delimiter = q.get("delimiter").cloned().filter(|d| !d.is_empty());
    let after = if v2 {
        match q.get("continuation-token") {
            Some(token) => Some(opaque::decode(token).ok_or_else(|| {
                S3Error::invalid_argument("continuation-token", token, "The continuation token provided is incorrect")
            })?),
            None => q.get("start-after").cloned(),
        }
    } else {
        q.get("marker").cloned()
    }
    .filter(|a| !a.is_empty());
    let objects = state.store.list_objects(bucket, &prefix).map_err(|e| S3Error::from_store(e, bucket))?;
    let params = ListParams { prefix: prefix.clone(), delimiter: delimiter.clone(), max_keys, after };
    let page = list::page(&objects, &params);

    let enc = |s: &str| if url_encoding { utf8_percent_encode(s, URL_ENCODE).to_string() } else { s.to_owned() };
    let root = "ListBucketResult";
    let mut xml = Xml::with_root(root);
    xml.elem("Name", bucket).elem("Prefix", enc(&prefix));
    if v2 {
        if let Some(token) = q.get("continuation-token") {
            xml.elem("ContinuationToken", token);
        }
        if let Some(start_after) = q.get("start-after") {
            xml.elem("StartAfter", enc(start_after));
        }
        xml.elem("KeyCount", (page.contents.len() + page.common_prefixes.len()).to_string());
    } else {
        xml.elem("Marker", enc(q.get("marker").map_or("", String::as_str)));
    }
    xml.elem("MaxKeys", max_keys.to_string());
    if let Some(d) = &delimiter {
        xml.elem("Delimiter", enc(d));
    }
    if url_encoding {
        xml.elem("EncodingType", "url");
    }
    xml.elem("IsTruncated", page.is_truncated.to_string());
    if page.is_truncated
        && let Some(last) = &page.last
    {
        if v2 {
            xml.elem("NextContinuationToken", opaque::encode(last));
        } else if delimiter.is_some() {
            // S3 returns NextMarker only with a delimiter; without one the last key serves.
            xml.elem("NextMarker", enc(last));
        }
    }
    let fetch_owner = !v2 || q.get("fetch-owner").is_some_and(|v| v == "true");
    for obj in &page.contents {
        write_contents(&mut xml, state, bucket, obj, fetch_owner, &enc)?;
    }
    for cp in &page.common_prefixes {
        xml.open("CommonPrefixes").elem("Prefix", enc(cp)).close("CommonPrefixes");
    }
    Ok(xml_ok(xml.finish(root)))
}

fn write_contents(
    xml: &mut Xml,
    state: &S3Service,
    bucket: &str,
    obj: &ObjectInfo,
    owner: bool,
    enc: &dyn Fn(&str) -> String,
) -> Result<(), S3Error> {
    let bytes = state
        .store
        .get_object(bucket, &obj.key)
        .map_err(|e| S3Error::from_store(e, bucket))?
        .map(|(b, _)| b)
        .unwrap_or_default();
    xml.open("Contents")
        .elem("Key", enc(&obj.key))
        .elem("LastModified", iso8601_ms(obj.last_modified_ms))
        .elem("ETag", etag(&bytes))
        .elem("Size", obj.size.to_string())
        .elem("StorageClass", "STANDARD");
    if owner {
        xml.open("Owner").elem("ID", &state.env.account_id).close("Owner");
    }
    xml.close("Contents");
    Ok(())
}

fn get_object(state: &S3Service, bucket: &str, key: &str, req: &S3Request<'_>) -> Result<HttpResponse, S3Error> {
    if let Some(version) = req.query.get("versionId").filter(|v| v.as_str() != "null") {
        return Err(S3Error::invalid_argument("versionId", version, "Invalid version id specified"));
    }
    for unsupported in ["if-modified-since", "if-unmodified-since"] {
        if req.headers.contains_key(unsupported) {
            return Err(S3Error::not_implemented(&format!("The {unsupported} header")));
        }
    }
    let (bytes, info) = state
        .store
        .get_object(bucket, key)
        .map_err(|e| S3Error::from_store(e, bucket))?
        .ok_or_else(|| S3Error::new(StatusCode::NOT_FOUND, "NoSuchKey", "The specified key does not exist.").with("Key", key))?;
    let tag = etag(&bytes);
    let header_str = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(want) = header_str("if-match")
        && !etag_matches(want, &tag)
    {
        return Err(S3Error::new(
            StatusCode::PRECONDITION_FAILED,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
        )
        .with("Condition", "If-Match"));
    }
    let last_modified = http_date(info.last_modified_ms);
    let mut builder = Response::builder()
        .header(header::ETAG, tag.as_str())
        .header(header::LAST_MODIFIED, last_modified.as_str())
        .header(header::ACCEPT_RANGES, "bytes");
    if header_str("if-none-match").is_some_and(|want| etag_matches(want, &tag)) {
        return Ok(builder.status(StatusCode::NOT_MODIFIED).body(full_body(Bytes::new())).expect("valid response parts"));
    }
    let overrides = [
        ("response-content-type", header::CONTENT_TYPE),
        ("response-content-disposition", header::CONTENT_DISPOSITION),
        ("response-content-encoding", header::CONTENT_ENCODING),
        ("response-content-language", header::CONTENT_LANGUAGE),
        ("response-cache-control", header::CACHE_CONTROL),
        ("response-expires", header::EXPIRES),
    ];
    let mut content_type = "application/octet-stream".to_owned();
    for (param, name) in overrides {
        if let Some(value) = req.query.get(param) {
            if name == header::CONTENT_TYPE {
                content_type.clone_from(value);
            } else {
                builder = builder.header(name, value.as_str());
            }
        }
    }
    builder = builder.header(header::CONTENT_TYPE, content_type.as_str());
    let size = bytes.len() as u64;
    let (status, body) = match header_str("range").and_then(parse_range) {
        Some(range) => match range.resolve(size) {
            Some((start, end)) => {
                builder = builder.header(header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}"));
                (StatusCode::PARTIAL_CONTENT, bytes[start as usize..=end as usize].to_vec())
            }
            None => {
                return Err(S3Error::new(StatusCode::RANGE_NOT_SATISFIABLE, "InvalidRange", "The requested range is not satisfiable")
                    .with("RangeRequested", header_str("range").unwrap_or(""))
                    .with("ActualObjectSize", size.to_string()));
            }
        },
        None => (StatusCode::OK, bytes),
    };
    builder = builder.header(header::CONTENT_LENGTH, body.len());
    let body = if req.method == Method::HEAD { Bytes::new() } else { Bytes::from(body) };
    Ok(builder.status(status).body(full_body(body)).expect("valid response parts"))
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

/// `2025-12-03T10:54:44.250Z`, as S3 list results write times.
fn iso8601_ms(ms: i64) -> String {
    let t = utc_datetime(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// `Wed, 03 Dec 2025 10:54:44 GMT` (RFC 7231), as `Last-Modified`.
fn http_date(ms: i64) -> String {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
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
    fn tokens_round_trip() {
        let t = opaque::encode("a/b ü");
        assert_eq!(opaque::decode(&t).as_deref(), Some("a/b ü"));
        assert_eq!(opaque::decode("zz"), None);
        assert_eq!(opaque::decode("abc"), None);
    }

    #[test]
    fn dates() {
        assert_eq!(iso8601_ms(1_764_759_284_250), "2025-12-03T10:54:44.250Z");
        assert_eq!(http_date(1_764_759_284_250), "Wed, 03 Dec 2025 10:54:44 GMT");
    }
}
