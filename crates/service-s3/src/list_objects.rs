//! ListObjects and ListObjectsV2 (prefix, delimiter, `max-keys`, `marker` / `start-after` /
//! `continuation-token`, `encoding-type=url`, `fetch-owner`): one page of `list.rs` as S3's
//! `ListBucketResult`.

use aws_protocol::{Detected, Reply, Timestamp};
use object_store::{ObjectInfo, etag};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use service_kit::opaque;

use crate::S3Service;
use crate::error::S3Error;
use crate::list::{self, ListParams};
use crate::shapes::Owner;

/// What `encoding-type=url` leaves unencoded (botocore decodes the listed members).
const URL_ENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// `ListBucketResult` of both versions (members of the other version stay unset).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListBucketResult {
    name: String,
    prefix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    continuation_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_after: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
    max_keys: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding_type: Option<&'static str>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_continuation_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_marker: Option<String>,
    contents: Vec<Object>,
    common_prefixes: Vec<CommonPrefix>,
}

/// `Object` (an entry of `Contents`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Object {
    key: String,
    last_modified: Timestamp,
    #[serde(rename = "ETag")]
    etag: String,
    size: u64,
    storage_class: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<Owner>,
}

/// `CommonPrefix`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct CommonPrefix {
    prefix: String,
}

/// ListObjects (`v2` false) or ListObjectsV2 (`v2` true) of `bucket`.
pub(crate) fn list_objects(state: &S3Service, bucket: &str, req: &Detected, v2: bool) -> Result<Reply, S3Error> {
    let q = |name: &str| req.query_param(name);
    if let Some(other) = q("list-type").filter(|t| *t != "2") {
        return Err(S3Error::invalid_argument("list-type", other, "Invalid List Type specified"));
    }
    let url_encoding = match q("encoding-type") {
        None => false,
        Some("url") => true,
        Some(other) => {
            return Err(S3Error::invalid_argument("encoding-type", other, "Invalid Encoding Method specified in Request"));
        }
    };
    let max_keys = match q("max-keys") {
        None => 1000,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n >= 0 => n.min(1000) as usize,
            _ => {
                return Err(S3Error::invalid_argument(
                    "max-keys",
                    raw,
                    "Provided max-keys not an integer or within integer range",
                ));
            }
        },
    };
    let prefix = q("prefix").unwrap_or_default().to_owned();
    let delimiter = q("delimiter").filter(|d| !d.is_empty()).map(str::to_owned);
    let after = if v2 {
        match q("continuation-token") {
            Some(token) => Some(opaque::decode(token).ok_or_else(|| {
                S3Error::invalid_argument("continuation-token", token, "The continuation token provided is incorrect")
            })?),
            None => q("start-after").map(str::to_owned),
        }
    } else {
        q("marker").map(str::to_owned)
    }
    .filter(|a| !a.is_empty());
    let objects = state.store.list_objects(bucket, &prefix).map_err(|e| S3Error::from_store(e, bucket))?;
    let params = ListParams { prefix: prefix.clone(), delimiter: delimiter.clone(), max_keys, after };
    let page = list::page(&objects, &params);

    let enc = |s: &str| if url_encoding { utf8_percent_encode(s, URL_ENCODE).to_string() } else { s.to_owned() };
    let fetch_owner = !v2 || q("fetch-owner").is_some_and(|v| v == "true");
    let contents = page.contents.iter().map(|obj| object(state, bucket, obj, fetch_owner, &enc)).collect::<Result<_, _>>()?;
    let next = page.last.as_deref().filter(|_| page.is_truncated);
    let result = ListBucketResult {
        name: bucket.to_owned(),
        prefix: enc(&prefix),
        continuation_token: v2.then(|| q("continuation-token").map(str::to_owned)).flatten(),
        start_after: v2.then(|| q("start-after").map(&enc)).flatten(),
        key_count: v2.then_some(page.contents.len() + page.common_prefixes.len()),
        marker: (!v2).then(|| enc(q("marker").unwrap_or(""))),
        max_keys,
        delimiter: delimiter.as_deref().map(&enc),
        encoding_type: url_encoding.then_some("url"),
        is_truncated: page.is_truncated,
        next_continuation_token: next.filter(|_| v2).map(opaque::encode),
        // S3 returns NextMarker only with a delimiter; without one the last key serves.
        next_marker: next.filter(|_| !v2 && delimiter.is_some()).map(&enc),
        contents,
        common_prefixes: page.common_prefixes.iter().map(|p| CommonPrefix { prefix: enc(p) }).collect(),
    };
    Ok(Reply::shape("ListBucketResult", result))
}

fn object(
    state: &S3Service,
    bucket: &str,
    obj: &ObjectInfo,
    owner: bool,
    enc: &dyn Fn(&str) -> String,
) -> Result<Object, S3Error> {
    let stored_etag = state.store.object_meta(bucket, &obj.key).map_err(|e| S3Error::from_store(e, bucket))?.and_then(|m| m.etag);
    let tag = match stored_etag {
        Some(tag) => tag,
        None => {
            let bytes = state.store.get_object(bucket, &obj.key).map_err(|e| S3Error::from_store(e, bucket))?;
            etag(&bytes.map(|(b, _)| b).unwrap_or_default())
        }
    };
    Ok(Object {
        key: enc(&obj.key),
        last_modified: Timestamp::from_epoch_millis(obj.last_modified_ms),
        etag: tag,
        size: obj.size,
        storage_class: "STANDARD",
        owner: owner.then(|| Owner::of(state)),
    })
}
