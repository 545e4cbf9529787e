//! Local buckets: `<data-dir>/s3/<bucket>/` holds the bucket's objects, one file per object,
//! each key segment a directory level encoded by [`names::encode_segment`] (so no key can name
//! a path outside its bucket directory), laid out as `layout.rs` says. An object's
//! `LastModified` is the file's modification time, set from the emulator's clock when the object
//! is written; its `ETag` is the MD5 of its bytes, as S3 computes it for single-part uploads,
//! unless its metadata says otherwise.
//!
//! Writes go to `%tmp/` first; renames, directory changes and deletions happen under one
//! structural lock, and readers resolve and open an object under it, so a reader sees an object
//! and its metadata from the same write, and concurrent writes never meet half-made directories.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use md5::Digest;
use serde::{Deserialize, Serialize};

use crate::layout::{self, BUCKET_DIR, TMP_DIR};
use crate::meta::ObjectMeta;
use crate::names;

/// Why a bucket-store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BucketStoreError {
    /// The bucket name breaks S3's naming rules.
    #[error("invalid bucket name {name:?}: {reason}")]
    InvalidBucketName { name: String, reason: String },
    /// The bucket does not exist.
    #[error("no such bucket {0}")]
    NoSuchBucket(String),
    /// The bucket still holds objects.
    #[error("bucket {0} is not empty")]
    BucketNotEmpty(String),
    /// No multipart upload with this id.
    #[error("no such upload {0}")]
    NoSuchUpload(String),
    /// A part the completion names was never uploaded.
    #[error("upload {upload} has no part {part}")]
    NoSuchPart { upload: String, part: u32 },
    /// The file system refused.
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub(crate) fn io(op: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BucketStoreError + use<> {
    let path = path.to_owned();
    move |source| BucketStoreError::Io { op, path, source }
}

/// One object's listing entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub key: String,
    pub size: u64,
    /// Epoch milliseconds.
    pub last_modified_ms: i64,
}

/// An object read whole: bytes, listing entry, metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub bytes: Vec<u8>,
    pub info: ObjectInfo,
    pub meta: ObjectMeta,
}

impl StoredObject {
    /// The object's ETag: its metadata's, else the MD5 of its bytes.
    pub fn etag(&self) -> String {
        self.meta.etag.clone().unwrap_or_else(|| etag(&self.bytes))
    }
}

/// What a bucket knows about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketInfo {
    /// The region it was created in (`None`: created by Bedrock's delivery, the default region).
    pub region: Option<String>,
    /// Epoch milliseconds.
    pub created_ms: i64,
}

/// Whether [`BucketStore::create_bucket`] made the bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    New,
    /// It existed already, with this information.
    Existed(BucketInfo),
}

/// The buckets under one root directory.
#[derive(Debug)]
pub struct BucketStore {
    pub(crate) root: PathBuf,
    pub(crate) fsync: bool,
    tmp_counter: AtomicU64,
    structure: Mutex<()>,
}

impl BucketStore {
    /// Buckets under `root` (normally `<data-dir>/s3`); nothing is created until a bucket is.
    pub fn new(root: impl Into<PathBuf>, fsync: bool) -> Self {
        Self { root: root.into(), fsync, tmp_counter: AtomicU64::new(0), structure: Mutex::new(()) }
    }

    /// The structural lock (renames, directories, deletions).
    pub(crate) fn lock(&self) -> MutexGuard<'_, ()> {
        self.structure.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The directory of a bucket, after checking its name.
    pub(crate) fn bucket_dir(&self, bucket: &str) -> Result<PathBuf, BucketStoreError> {
        names::validate_bucket_name(bucket)
            .map_err(|reason| BucketStoreError::InvalidBucketName { name: bucket.to_owned(), reason })?;
        Ok(self.root.join(bucket))
    }

    /// The directory of an existing bucket.
    pub(crate) fn existing_bucket_dir(&self, bucket: &str) -> Result<PathBuf, BucketStoreError> {
        let dir = self.bucket_dir(bucket)?;
        if dir.is_dir() { Ok(dir) } else { Err(BucketStoreError::NoSuchBucket(bucket.to_owned())) }
    }

    /// Creates a bucket in `region` (`None`: the default region). An existing bucket is left as
    /// it is and its information returned.
    pub fn create_bucket(&self, bucket: &str, region: Option<&str>, now_ms: i64) -> Result<Created, BucketStoreError> {
        let dir = self.bucket_dir(bucket)?;
        fs::create_dir_all(&self.root).map_err(io("create bucket root", &self.root))?;
        let _structure = self.lock();
        match fs::create_dir(&dir) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                return Ok(Created::Existed(self.info_of(&dir)));
            }
            Err(err) => return Err(io("create bucket directory", &dir)(err)),
        }
        let info = BucketInfo { region: region.map(str::to_owned), created_ms: now_ms };
        let bytes = serde_json::to_vec(&info).unwrap_or_default();
        self.write_config_file(&dir, "info.json", &bytes)?;
        Ok(Created::New)
    }

    /// Creates a bucket (default region) if it does not exist.
    pub fn ensure_bucket(&self, bucket: &str, now_ms: i64) -> Result<(), BucketStoreError> {
        self.create_bucket(bucket, None, now_ms).map(drop)
    }

    /// Whether a bucket exists (`Err` only for an invalid name).
    pub fn bucket_exists(&self, bucket: &str) -> Result<bool, BucketStoreError> {
        Ok(self.bucket_dir(bucket)?.is_dir())
    }

    /// A bucket's region and creation time.
    pub fn bucket_info(&self, bucket: &str) -> Result<BucketInfo, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        Ok(self.info_of(&dir))
    }

    fn info_of(&self, dir: &Path) -> BucketInfo {
        fs::read(dir.join(BUCKET_DIR).join("info.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_else(|| {
            // A bucket made before its information was kept: the directory's time.
            let created_ms = fs::metadata(dir).and_then(|m| m.modified()).map_or(0, system_time_ms);
            BucketInfo { region: None, created_ms }
        })
    }

    /// Every bucket with its information, by name.
    pub fn list_buckets(&self) -> Result<Vec<(String, BucketInfo)>, BucketStoreError> {
        let entries = match fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(io("list buckets", &self.root)(err)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io("list buckets", &self.root))?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
            if names::validate_bucket_name(&name).is_err() || !entry.path().is_dir() {
                continue;
            }
            out.push((name, self.info_of(&entry.path())));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Deletes an empty bucket, with its configuration and any unfinished multipart uploads.
    pub fn delete_bucket(&self, bucket: &str) -> Result<(), BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let _structure = self.lock();
        if crate::walk::has_objects(&dir)? {
            return Err(BucketStoreError::BucketNotEmpty(bucket.to_owned()));
        }
        let doomed =
            self.root.join(format!("%deleted-{}-{}", std::process::id(), self.tmp_counter.fetch_add(1, Ordering::Relaxed)));
        fs::rename(&dir, &doomed).map_err(io("delete bucket", &dir))?;
        fs::remove_dir_all(&doomed).map_err(io("delete bucket", &doomed))
    }

    /// A named configuration document of a bucket (`policy`, `public-access-block`, ...).
    pub fn bucket_config(&self, bucket: &str, name: &str) -> Result<Option<Vec<u8>>, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let path = dir.join(BUCKET_DIR).join(config_file(name));
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(io("read bucket configuration", &path)(err)),
        }
    }

    /// Stores a named configuration document of a bucket, replacing any previous one.
    pub fn put_bucket_config(&self, bucket: &str, name: &str, bytes: &[u8]) -> Result<(), BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let _structure = self.lock();
        self.write_config_file(&dir, &config_file(name), bytes)
    }

    /// Removes a named configuration document; `false` when there was none.
    pub fn delete_bucket_config(&self, bucket: &str, name: &str) -> Result<bool, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let path = dir.join(BUCKET_DIR).join(config_file(name));
        let _structure = self.lock();
        match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(err) => Err(io("delete bucket configuration", &path)(err)),
        }
    }

    fn write_config_file(&self, bucket_dir: &Path, file: &str, bytes: &[u8]) -> Result<(), BucketStoreError> {
        let config_dir = bucket_dir.join(BUCKET_DIR);
        fs::create_dir_all(&config_dir).map_err(io("create bucket configuration", &config_dir))?;
        let tmp = self.write_tmp(bucket_dir, bytes, 0)?;
        let path = config_dir.join(file);
        fs::rename(&tmp, &path).map_err(|err| {
            let _ = fs::remove_file(&tmp);
            io("write bucket configuration", &path)(err)
        })
    }

    /// Writes `bytes` to a new file under the bucket's `%tmp/` (modified at `now_ms`).
    pub(crate) fn write_tmp(&self, bucket_dir: &Path, bytes: &[u8], now_ms: i64) -> Result<PathBuf, BucketStoreError> {
        let tmp_dir = bucket_dir.join(TMP_DIR);
        fs::create_dir_all(&tmp_dir).map_err(io("create directory", &tmp_dir))?;
        let tmp = tmp_dir.join(format!("{}-{}", std::process::id(), self.tmp_counter.fetch_add(1, Ordering::Relaxed)));
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.set_modified(ms_system_time(now_ms))?;
            if self.fsync {
                file.sync_all()?;
            }
            Ok(())
        };
        write().map_err(|err| {
            let _ = fs::remove_file(&tmp);
            io("write object", &tmp)(err)
        })?;
        Ok(tmp)
    }

    /// Writes an object (replacing any previous one, and its metadata) atomically. Its
    /// modification time is `now_ms`.
    pub fn put_object(&self, bucket: &str, key: &str, bytes: &[u8], now_ms: i64) -> Result<(), BucketStoreError> {
        self.put_object_with(bucket, key, bytes, &ObjectMeta::default(), now_ms)
    }

    /// [`BucketStore::put_object`] with metadata.
    pub fn put_object_with(
        &self,
        bucket: &str,
        key: &str,
        bytes: &[u8],
        meta: &ObjectMeta,
        now_ms: i64,
    ) -> Result<(), BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let tmp = self.write_tmp(&dir, bytes, now_ms)?;
        self.place(&dir, key, &tmp, meta)
    }

    /// Moves a finished temporary file into place as `key`, with `meta`.
    pub(crate) fn place(&self, dir: &Path, key: &str, tmp: &Path, meta: &ObjectMeta) -> Result<(), BucketStoreError> {
        let meta_tmp = if meta.is_empty() {
            None
        } else {
            let json = serde_json::to_vec(meta).unwrap_or_default();
            match self.write_tmp(dir, &json, 0) {
                Ok(t) => Some(t),
                Err(err) => {
                    let _ = fs::remove_file(tmp);
                    return Err(err);
                }
            }
        };
        let _structure = self.lock();
        let result = (|| {
            let path = layout::prepare_data_path(dir, key).map_err(io("create directory", dir))?;
            fs::rename(tmp, &path).map_err(io("rename object into place", &path))?;
            let meta_path = layout::meta_path(&path);
            match &meta_tmp {
                Some(m) => fs::rename(m, &meta_path).map_err(io("write object metadata", &meta_path)),
                None => match fs::remove_file(&meta_path) {
                    Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(io("remove object metadata", &meta_path)(err)),
                    _ => Ok(()),
                },
            }
        })();
        if result.is_err() {
            let _ = fs::remove_file(tmp);
            if let Some(m) = &meta_tmp {
                let _ = fs::remove_file(m);
            }
        }
        result
    }

    /// Whether an object exists.
    pub fn object_exists(&self, bucket: &str, key: &str) -> Result<bool, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let _structure = self.lock();
        Ok(layout::existing_data_path(&dir, key).is_some())
    }

    /// An object's bytes and info; `Ok(None)` when the key does not exist.
    pub fn get_object(&self, bucket: &str, key: &str) -> Result<Option<(Vec<u8>, ObjectInfo)>, BucketStoreError> {
        Ok(self.read_object(bucket, key)?.map(|o| (o.bytes, o.info)))
    }

    /// An object's bytes, info and metadata; `Ok(None)` when the key does not exist.
    pub fn read_object(&self, bucket: &str, key: &str) -> Result<Option<StoredObject>, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let (mut file, meta, path) = {
            let _structure = self.lock();
            let Some(path) = layout::existing_data_path(&dir, key) else { return Ok(None) };
            let file = match fs::File::open(&path) {
                Ok(file) => file,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(err) => return Err(io("read object", &path)(err)),
            };
            let meta = fs::read(layout::meta_path(&path))
                .ok()
                .and_then(|b| serde_json::from_slice::<ObjectMeta>(&b).ok())
                .unwrap_or_default();
            (file, meta, path)
        };
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes).map_err(io("read object", &path))?;
        let last_modified_ms = file.metadata().and_then(|m| m.modified()).map_or(0, system_time_ms);
        let info = ObjectInfo { key: key.to_owned(), size: bytes.len() as u64, last_modified_ms };
        Ok(Some(StoredObject { bytes, info, meta }))
    }

    /// An object's metadata (without its bytes); `Ok(None)` when the key does not exist.
    pub fn object_meta(&self, bucket: &str, key: &str) -> Result<Option<ObjectMeta>, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let _structure = self.lock();
        let Some(path) = layout::existing_data_path(&dir, key) else { return Ok(None) };
        Ok(Some(fs::read(layout::meta_path(&path)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()))
    }

    /// Deletes an object and its metadata; `false` when it did not exist. Directories left
    /// empty are removed.
    pub fn delete_object(&self, bucket: &str, key: &str) -> Result<bool, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let _structure = self.lock();
        let Some(path) = layout::existing_data_path(&dir, key) else { return Ok(false) };
        fs::remove_file(&path).map_err(io("delete object", &path))?;
        let _ = fs::remove_file(layout::meta_path(&path));
        if let Some(parent) = path.parent() {
            layout::prune_empty(parent, &dir);
        }
        Ok(true)
    }

    /// Every object whose key starts with `prefix`, sorted by key (UTF-8 byte order, as S3).
    /// Only the directories under the prefix's complete segments are walked.
    pub fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectInfo>, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        crate::walk::list(&dir, prefix)
    }
}

/// The file of a configuration document (its name reduced to `[a-z0-9-]`).
fn config_file(name: &str) -> String {
    let safe: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' }).collect();
    format!("{safe}.config")
}

/// The S3 `ETag` of bytes uploaded in one part: the quoted hex MD5.
pub fn etag(bytes: &[u8]) -> String {
    format!("\"{}\"", md5_hex(bytes))
}

/// The hex MD5 of bytes.
pub(crate) fn md5_hex(bytes: &[u8]) -> String {
    md5::Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn ms_system_time(ms: i64) -> SystemTime {
    if ms >= 0 { UNIX_EPOCH + Duration::from_millis(ms as u64) } else { UNIX_EPOCH }
}

pub(crate) fn system_time_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests;
