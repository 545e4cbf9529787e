//! PutObject and CopyObject: the object's bytes (checksums already verified by the protocol
//! layer) and metadata stored in object-store; `If-None-Match: *` makes the write conditional
//! on the key being free.

use aws_protocol::{Reply, Timestamp};
use http::HeaderMap;
use object_store::{ObjectMeta, etag};
use percent_encoding::percent_decode_str;
use serde::Serialize;
use service_kit::Call;

use crate::S3Service;
use crate::error::S3Error;
use crate::metadata;

/// S3's longest key, in bytes of UTF-8.
pub(crate) const MAX_KEY_BYTES: usize = 1024;

/// `KeyTooLongError` for keys over 1024 bytes.
pub(crate) fn check_key(key: &str) -> Result<(), S3Error> {
    if key.len() > MAX_KEY_BYTES {
        return Err(S3Error::new(400, "KeyTooLongError", "Your key is too long")
            .with("Size", key.len().to_string())
            .with("MaxSizeAllowed", MAX_KEY_BYTES.to_string()));
    }
    Ok(())
}

/// `PreconditionFailed` when `If-None-Match: *` is sent for a key that exists.
fn check_free(state: &S3Service, bucket: &str, key: &str, headers: &HeaderMap) -> Result<(), S3Error> {
    let wants_free = headers.get("if-none-match").and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "*");
    if wants_free && state.store.object_exists(bucket, key).map_err(|e| S3Error::from_store(e, bucket))? {
        return Err(S3Error::new(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
            .with("Condition", "If-None-Match"));
    }
    Ok(())
}

/// PutObject: `ETag` and the checksum sent, echoed.
pub(crate) fn put_object(state: &S3Service, bucket: &str, key: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    check_key(key)?;
    check_free(state, bucket, key, call.headers)?;
    let meta = metadata::from_request(call.request, call.headers);
    let bytes = &call.request.body.bytes;
    state.store.put_object_with(bucket, key, bytes, &meta, state.env.now_ms()).map_err(|e| S3Error::from_store(e, bucket))?;
    let mut reply = Reply::empty().with_header("etag", etag(bytes));
    if let Some(c) = &call.request.body.checksum {
        reply = reply.with_header(c.algorithm.header(), c.value.clone());
    }
    Ok(reply)
}

/// `CopyObjectResult`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct CopyObjectResult {
    #[serde(rename = "ETag")]
    etag: String,
    last_modified: Timestamp,
}

/// The bucket and key of `x-amz-copy-source` (`[/]bucket/key[?versionId=…]`, URL-encoded).
fn copy_source(value: &str) -> Result<(String, String), S3Error> {
    let invalid = || {
        S3Error::invalid_argument(
            "x-amz-copy-source",
            value,
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
        )
    };
    let (path, version) = value.split_once("?versionId=").map_or((value, None), |(p, v)| (p, Some(v)));
    if version.is_some_and(|v| v != "null") {
        return Err(S3Error::invalid_argument("versionId", version.unwrap_or_default(), "Invalid version id specified"));
    }
    let decoded = percent_decode_str(path.trim_start_matches('/')).decode_utf8().map_err(|_| invalid())?;
    let (bucket, key) = decoded.split_once('/').ok_or_else(invalid)?;
    if bucket.is_empty() || key.is_empty() {
        return Err(invalid());
    }
    Ok((bucket.to_owned(), key.to_owned()))
}

/// CopyObject: the source's bytes under the destination key, with the source's metadata
/// (`x-amz-metadata-directive: COPY`, the default) or the request's (`REPLACE`).
pub(crate) fn copy_object(state: &S3Service, bucket: &str, key: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    check_key(key)?;
    let header = |name: &str| call.headers.get(name).and_then(|v| v.to_str().ok());
    let (src_bucket, src_key) = copy_source(header("x-amz-copy-source").unwrap_or_default())?;
    let replace = match header("x-amz-metadata-directive").map(str::to_ascii_uppercase).as_deref() {
        None | Some("COPY") => false,
        Some("REPLACE") => true,
        Some(other) => {
            return Err(S3Error::invalid_argument("x-amz-metadata-directive", other, "Unknown metadata directive."));
        }
    };
    if !replace && src_bucket == bucket && src_key == key {
        return Err(S3Error::new(
            400,
            "InvalidRequest",
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        ));
    }
    let source = state
        .store
        .read_object(&src_bucket, &src_key)
        .map_err(|e| S3Error::from_store(e, &src_bucket))?
        .ok_or_else(|| S3Error::no_such_key(&src_key))?;
    check_free(state, bucket, key, call.headers)?;
    let meta = if replace {
        let mut m = metadata::from_request(call.request, call.headers);
        m.checksum = None;
        m
    } else {
        // A copy is written in one part: its ETag is the MD5 of its bytes.
        ObjectMeta { etag: None, checksum: None, ..source.meta.clone() }
    };
    let now = state.env.now_ms();
    state.store.put_object_with(bucket, key, &source.bytes, &meta, now).map_err(|e| S3Error::from_store(e, bucket))?;
    let result = CopyObjectResult { etag: etag(&source.bytes), last_modified: Timestamp::from_epoch_millis(now) };
    Ok(Reply::shape("CopyObjectResult", result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_sources() {
        assert_eq!(copy_source("/b/a%20b/c").unwrap(), ("b".to_owned(), "a b/c".to_owned()));
        assert_eq!(copy_source("b/k?versionId=null").unwrap(), ("b".to_owned(), "k".to_owned()));
        for bad in ["", "b", "/b/", "%FF/x"] {
            assert!(copy_source(bad).is_err(), "{bad}");
        }
        assert!(copy_source("b/k?versionId=3").is_err());
    }
}
