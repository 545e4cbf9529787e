//! Multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload (parts in
//! ascending order, each but the last at least 5 MiB, ETags matching; the object's ETag is the
//! MD5 of the parts' MD5s and the part count), AbortMultipartUpload, ListParts. Enough for
//! `aws s3 cp` and the SDKs' transfer managers to move files of any size.

use aws_protocol::{Reply, Timestamp};
use object_store::{ObjectMeta, Upload};
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::S3Service;
use crate::body;
use crate::error::S3Error;
use crate::metadata;
use crate::put_object::check_key;
use crate::shapes::Owner;

/// The smallest part but the last (5 MiB).
const MIN_PART_BYTES: u64 = 5 * 1024 * 1024;
/// The highest part number.
const MAX_PART_NUMBER: u32 = 10_000;

/// `InitiateMultipartUploadResult`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct InitiateMultipartUploadResult {
    bucket: String,
    key: String,
    upload_id: String,
}

pub(crate) fn create(state: &S3Service, bucket: &str, key: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    check_key(key)?;
    let upload_id = state.env.ids.request_id().replace('-', "");
    let mut meta = metadata::from_request(call.request, call.headers);
    meta.checksum = None;
    let upload = Upload { key: key.to_owned(), meta, initiated_ms: state.env.now_ms() };
    state.store.create_upload(bucket, &upload_id, &upload).map_err(|e| S3Error::from_store(e, bucket))?;
    let algorithm = call.headers.get("x-amz-checksum-algorithm").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let result = InitiateMultipartUploadResult { bucket: bucket.to_owned(), key: key.to_owned(), upload_id };
    let reply = Reply::shape("InitiateMultipartUploadResult", result);
    Ok(match algorithm {
        Some(a) => reply.with_header("x-amz-checksum-algorithm", a),
        None => reply,
    })
}

/// The `uploadId` query parameter, and the upload it names, which must be for `key`.
fn upload_of(state: &S3Service, bucket: &str, key: &str, call: &Call<'_>) -> Result<(String, Upload), S3Error> {
    let id = call.request.query_param("uploadId").unwrap_or_default().to_owned();
    let upload = state.store.upload(bucket, &id).map_err(|e| S3Error::from_store(e, bucket))?;
    if upload.key != key {
        return Err(S3Error::no_such_upload(&id));
    }
    Ok((id, upload))
}

pub(crate) fn upload_part(state: &S3Service, bucket: &str, key: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    let raw = call.request.query_param("partNumber").unwrap_or_default();
    let number = raw.parse::<u32>().ok().filter(|n| (1..=MAX_PART_NUMBER).contains(n)).ok_or_else(|| {
        S3Error::invalid_argument("partNumber", raw, "Part number must be an integer between 1 and 10000, inclusive")
    })?;
    let (id, _) = upload_of(state, bucket, key, call)?;
    let part = state
        .store
        .put_part(bucket, &id, number, &call.request.body.bytes, state.env.now_ms())
        .map_err(|e| S3Error::from_store(e, bucket))?;
    let mut reply = Reply::empty().with_header("etag", format!("\"{}\"", part.md5));
    if let Some(c) = &call.request.body.checksum {
        reply = reply.with_header(c.algorithm.header(), c.value.clone());
    }
    Ok(reply)
}

/// `CompleteMultipartUpload`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CompletedMultipartUpload {
    #[serde(default)]
    parts: Vec<CompletedPart>,
}

/// `CompletedPart`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CompletedPart {
    #[serde(rename = "ETag")]
    etag: Option<String>,
    part_number: Option<u32>,
}

/// `CompleteMultipartUploadResult`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct CompleteMultipartUploadResult {
    location: String,
    bucket: String,
    key: String,
    #[serde(rename = "ETag")]
    etag: String,
}

pub(crate) fn complete(state: &S3Service, bucket: &str, key: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    let (id, upload) = upload_of(state, bucket, key, call)?;
    let request: CompletedMultipartUpload = body::xml("CompletedMultipartUpload", &call.request.body.bytes)?;
    if request.parts.is_empty() {
        return Err(S3Error::malformed_xml());
    }
    let stored = state.store.list_parts(bucket, &id).map_err(|e| S3Error::from_store(e, bucket))?;
    let numbers: Vec<u32> = request.parts.iter().map(|p| p.part_number.unwrap_or(0)).collect();
    if numbers.windows(2).any(|w| w[0] >= w[1]) {
        return Err(S3Error::new(
            400,
            "InvalidPartOrder",
            "The list of parts was not in ascending order. Parts must be ordered by part number.",
        )
        .with("UploadId", id.as_str()));
    }
    let mut digests = Vec::with_capacity(request.parts.len() * 16);
    for (i, part) in request.parts.iter().enumerate() {
        let number = numbers[i];
        let sent = part.etag.as_deref().unwrap_or_default();
        let found = stored.iter().find(|p| p.number == number && sent.trim_matches('"') == p.md5);
        let Some(found) = found else { return Err(S3Error::invalid_part(&id, number, sent)) };
        if i + 1 < request.parts.len() && found.size < MIN_PART_BYTES {
            return Err(S3Error::new(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
                .with("ProposedSize", found.size.to_string())
                .with("MinSizeAllowed", MIN_PART_BYTES.to_string())
                .with("PartNumber", number.to_string())
                .with("ETag", sent));
        }
        digests.extend(
            (0..found.md5.len() / 2).filter_map(|j| found.md5.get(j * 2..j * 2 + 2).and_then(|h| u8::from_str_radix(h, 16).ok())),
        );
    }
    let etag = format!("\"{}-{}\"", object_store::etag(&digests).trim_matches('"'), numbers.len());
    let meta = ObjectMeta { etag: Some(etag.clone()), ..upload.meta };
    state.store.complete_upload(bucket, &id, &numbers, &meta, state.env.now_ms()).map_err(|e| S3Error::from_store(e, bucket))?;
    let host = call.headers.get("host").and_then(|v| v.to_str().ok()).unwrap_or("localhost");
    let result = CompleteMultipartUploadResult {
        location: format!("http://{host}/{bucket}/{key}"),
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        etag,
    };
    Ok(Reply::shape("CompleteMultipartUploadResult", result))
}

pub(crate) fn abort(state: &S3Service, bucket: &str, key: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    let (id, _) = upload_of(state, bucket, key, call)?;
    state.store.abort_upload(bucket, &id).map_err(|e| S3Error::from_store(e, bucket))?;
    Ok(Reply::empty().with_status(204))
}

/// `Part`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Part {
    part_number: u32,
    last_modified: Timestamp,
    #[serde(rename = "ETag")]
    etag: String,
    size: u64,
}

/// `ListPartsResult`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListPartsResult {
    bucket: String,
    key: String,
    upload_id: String,
    part_number_marker: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_part_number_marker: Option<u32>,
    max_parts: usize,
    is_truncated: bool,
    #[serde(rename = "Part")]
    parts: Vec<Part>,
    initiator: Owner,
    owner: Owner,
    storage_class: &'static str,
}

pub(crate) fn list_parts(state: &S3Service, bucket: &str, key: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    let (id, _) = upload_of(state, bucket, key, call)?;
    let number = |name: &str, default: u32| -> Result<u32, S3Error> {
        match call.request.query_param(name) {
            None => Ok(default),
            Some(raw) => raw.parse::<u32>().map_err(|_| {
                S3Error::invalid_argument(name, raw, format!("Provided {name} not an integer or within integer range"))
            }),
        }
    };
    let marker = number("part-number-marker", 0)?;
    let max = number("max-parts", 1000)?.min(1000) as usize;
    let stored = state.store.list_parts(bucket, &id).map_err(|e| S3Error::from_store(e, bucket))?;
    let after: Vec<_> = stored.into_iter().filter(|p| p.number > marker).collect();
    let is_truncated = after.len() > max;
    let parts: Vec<Part> = after
        .into_iter()
        .take(max)
        .map(|p| Part {
            part_number: p.number,
            last_modified: Timestamp::from_epoch_millis(p.last_modified_ms),
            etag: format!("\"{}\"", p.md5),
            size: p.size,
        })
        .collect();
    let result = ListPartsResult {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        upload_id: id,
        part_number_marker: marker,
        next_part_number_marker: parts.last().map(|p| p.part_number).filter(|_| is_truncated),
        max_parts: max,
        is_truncated,
        parts,
        initiator: Owner::of(state),
        owner: Owner::of(state),
        storage_class: "STANDARD",
    };
    Ok(Reply::shape("ListPartsResult", result))
}
