//! Multipart uploads: `<bucket>/%uploads/<upload id>/` holds the upload's key and metadata
//! (`upload.json`) and each part (`part-NNNNN`, with `part-NNNNN.json`: its MD5 and size).
//! Completion joins the chosen parts into one object, placed as any write is; an upload's
//! directory is removed when it completes or is aborted (and with its bucket). The S3 rules about
//! which parts may be joined are the service's; this is the mechanism.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::bucket_store::{BucketStore, BucketStoreError, io, md5_hex, ms_system_time};
use crate::layout::UPLOADS_DIR;
use crate::meta::ObjectMeta;
use crate::names;

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub key: String,
    /// The object's metadata, given when the upload was created.
    pub meta: ObjectMeta,
    /// Epoch milliseconds.
    pub initiated_ms: i64,
}

/// One uploaded part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartInfo {
    pub number: u32,
    /// Hex MD5 of the part's bytes (S3's part ETag without quotes).
    pub md5: String,
    pub size: u64,
    /// Epoch milliseconds.
    #[serde(default)]
    pub last_modified_ms: i64,
}

impl BucketStore {
    fn upload_dir(&self, bucket: &str, upload_id: &str) -> Result<PathBuf, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let name = names::encode_segment(upload_id);
        if name.len() > names::MAX_SEGMENT_FILE_NAME {
            return Err(BucketStoreError::NoSuchUpload(upload_id.to_owned()));
        }
        Ok(dir.join(UPLOADS_DIR).join(name))
    }

    fn existing_upload_dir(&self, bucket: &str, upload_id: &str) -> Result<PathBuf, BucketStoreError> {
        let dir = self.upload_dir(bucket, upload_id)?;
        if dir.join("upload.json").is_file() { Ok(dir) } else { Err(BucketStoreError::NoSuchUpload(upload_id.to_owned())) }
    }

    /// Starts an upload named `upload_id` (chosen by the caller, unique).
    pub fn create_upload(&self, bucket: &str, upload_id: &str, upload: &Upload) -> Result<(), BucketStoreError> {
        let dir = self.upload_dir(bucket, upload_id)?;
        fs::create_dir_all(&dir).map_err(io("create upload", &dir))?;
        let path = dir.join("upload.json");
        fs::write(&path, serde_json::to_vec(upload).unwrap_or_default()).map_err(io("create upload", &path))
    }

    /// An upload in progress.
    pub fn upload(&self, bucket: &str, upload_id: &str) -> Result<Upload, BucketStoreError> {
        let dir = self.existing_upload_dir(bucket, upload_id)?;
        read_upload(&dir).ok_or_else(|| BucketStoreError::NoSuchUpload(upload_id.to_owned()))
    }

    /// Every upload in progress in a bucket, by id.
    pub fn list_uploads(&self, bucket: &str) -> Result<Vec<(String, Upload)>, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?.join(UPLOADS_DIR);
        let Ok(entries) = fs::read_dir(&dir) else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let Some(id) = entry.file_name().to_str().and_then(names::decode_segment) else { continue };
            if let Some(upload) = read_upload(&entry.path()) {
                out.push((id, upload));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Stores part `number` of an upload (replacing an earlier upload of the same number).
    pub fn put_part(
        &self,
        bucket: &str,
        upload_id: &str,
        number: u32,
        bytes: &[u8],
        now_ms: i64,
    ) -> Result<PartInfo, BucketStoreError> {
        let dir = self.existing_upload_dir(bucket, upload_id)?;
        let info = PartInfo { number, md5: md5_hex(bytes), size: bytes.len() as u64, last_modified_ms: now_ms };
        let bucket_dir = self.existing_bucket_dir(bucket)?;
        let tmp = self.write_tmp(&bucket_dir, bytes, now_ms)?;
        let part = dir.join(format!("part-{number:05}"));
        let _structure = self.lock();
        fs::rename(&tmp, &part).map_err(|err| {
            let _ = fs::remove_file(&tmp);
            io("write part", &part)(err)
        })?;
        let json = dir.join(format!("part-{number:05}.json"));
        fs::write(&json, serde_json::to_vec(&info).unwrap_or_default()).map_err(io("write part", &json))?;
        Ok(info)
    }

    /// The parts uploaded so far, by number.
    pub fn list_parts(&self, bucket: &str, upload_id: &str) -> Result<Vec<PartInfo>, BucketStoreError> {
        let dir = self.existing_upload_dir(bucket, upload_id)?;
        let entries = fs::read_dir(&dir).map_err(io("list parts", &dir))?;
        let mut out: Vec<PartInfo> = entries
            .flatten()
            .filter(|e| e.file_name().to_str().is_some_and(|n| n.starts_with("part-") && n.ends_with(".json")))
            .filter_map(|e| fs::read(e.path()).ok().and_then(|b| serde_json::from_slice(&b).ok()))
            .collect();
        out.sort_by_key(|p| p.number);
        Ok(out)
    }

    /// Joins `parts` (in the order given) into the upload's object with `meta`, modified at
    /// `now_ms`, and ends the upload. Returns the object's size.
    pub fn complete_upload(
        &self,
        bucket: &str,
        upload_id: &str,
        parts: &[u32],
        meta: &ObjectMeta,
        now_ms: i64,
    ) -> Result<u64, BucketStoreError> {
        let dir = self.existing_upload_dir(bucket, upload_id)?;
        let upload = read_upload(&dir).ok_or_else(|| BucketStoreError::NoSuchUpload(upload_id.to_owned()))?;
        let bucket_dir = self.existing_bucket_dir(bucket)?;
        let tmp = self.write_tmp(&bucket_dir, b"", now_ms)?;
        let joined = (|| {
            let mut out = fs::OpenOptions::new().append(true).open(&tmp).map_err(io("join parts", &tmp))?;
            let mut size = 0u64;
            for number in parts {
                let part = dir.join(format!("part-{number:05}"));
                let mut input = fs::File::open(&part)
                    .map_err(|_| BucketStoreError::NoSuchPart { upload: upload_id.to_owned(), part: *number })?;
                size += std::io::copy(&mut input, &mut out).map_err(io("join parts", &part))?;
            }
            out.set_modified(ms_system_time(now_ms)).map_err(io("join parts", &tmp))?;
            if self.fsync {
                out.sync_all().map_err(io("join parts", &tmp))?;
            }
            Ok(size)
        })();
        let size = match joined {
            Ok(size) => size,
            Err(err) => {
                let _ = fs::remove_file(&tmp);
                return Err(err);
            }
        };
        self.place(&bucket_dir, &upload.key, &tmp, meta)?;
        let _ = fs::remove_dir_all(&dir);
        Ok(size)
    }

    /// Ends an upload without an object.
    pub fn abort_upload(&self, bucket: &str, upload_id: &str) -> Result<(), BucketStoreError> {
        let dir = self.existing_upload_dir(bucket, upload_id)?;
        let _structure = self.lock();
        fs::remove_dir_all(&dir).map_err(io("abort upload", &dir))
    }
}

fn read_upload(dir: &Path) -> Option<Upload> {
    fs::read(dir.join("upload.json")).ok().and_then(|b| serde_json::from_slice(&b).ok())
}
