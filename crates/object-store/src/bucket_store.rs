//! Local buckets: `<data-dir>/s3/<bucket>/` holds the bucket's objects, one file per object,
//! each key segment a directory level encoded by [`names::encode_segment`] (so no key can name
//! a path outside its bucket directory). An object's `LastModified` is the file's modification
//! time, set from the emulator's clock when the object is written; its `ETag` is the MD5 of its
//! bytes, as S3 computes it for single-part uploads.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use md5::Digest;

use crate::names::{self, CONTINUED, LAST_PIECE, decode_segment};

/// Why a bucket-store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BucketStoreError {
    /// The bucket name breaks S3's naming rules.
    #[error("invalid bucket name {name:?}: {reason}")]
    InvalidBucketName { name: String, reason: String },
    /// The bucket does not exist.
    #[error("no such bucket {0}")]
    NoSuchBucket(String),
    /// The file system refused.
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(op: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BucketStoreError + use<> {
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

/// The buckets under one root directory.
#[derive(Debug)]
pub struct BucketStore {
    root: PathBuf,
    fsync: bool,
    tmp_counter: AtomicU64,
}

impl BucketStore {
    /// Buckets under `root` (normally `<data-dir>/s3`); nothing is created until a bucket is.
    pub fn new(root: impl Into<PathBuf>, fsync: bool) -> Self {
        Self { root: root.into(), fsync, tmp_counter: AtomicU64::new(0) }
    }

    /// The directory of a bucket, after checking its name.
    fn bucket_dir(&self, bucket: &str) -> Result<PathBuf, BucketStoreError> {
        names::validate_bucket_name(bucket)
            .map_err(|reason| BucketStoreError::InvalidBucketName { name: bucket.to_owned(), reason })?;
        Ok(self.root.join(bucket))
    }

    /// The directory of an existing bucket.
    fn existing_bucket_dir(&self, bucket: &str) -> Result<PathBuf, BucketStoreError> {
        let dir = self.bucket_dir(bucket)?;
        if dir.is_dir() { Ok(dir) } else { Err(BucketStoreError::NoSuchBucket(bucket.to_owned())) }
    }

    /// Creates a bucket if it does not exist.
    pub fn ensure_bucket(&self, bucket: &str) -> Result<(), BucketStoreError> {
        let dir = self.bucket_dir(bucket)?;
        fs::create_dir_all(&dir).map_err(io("create bucket directory", &dir))
    }

    /// Whether a bucket exists (`Err` only for an invalid name).
    pub fn bucket_exists(&self, bucket: &str) -> Result<bool, BucketStoreError> {
        Ok(self.bucket_dir(bucket)?.is_dir())
    }

    /// Every bucket with its creation time (the directory's modification time), by name.
    pub fn list_buckets(&self) -> Result<Vec<(String, i64)>, BucketStoreError> {
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
            let created = entry.metadata().ok().and_then(|m| m.modified().ok()).map_or(0, system_time_ms);
            out.push((name, created));
        }
        out.sort();
        Ok(out)
    }

    /// The file path of a key in a bucket.
    fn object_path(&self, bucket_dir: &Path, key: &str) -> Result<PathBuf, BucketStoreError> {
        let mut path = bucket_dir.to_owned();
        for seg in key.split('/') {
            path.extend(names::segment_components(seg));
        }
        Ok(path)
    }

    /// Writes an object (replacing any previous one) atomically: a temporary file renamed into
    /// place. Its modification time is `now_ms`.
    pub fn put_object(&self, bucket: &str, key: &str, bytes: &[u8], now_ms: i64) -> Result<(), BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let path = self.object_path(&dir, key)?;
        let parent = path.parent().unwrap_or(&dir).to_owned();
        fs::create_dir_all(&parent).map_err(io("create directory", &parent))?;
        // `%tmp-N` never decodes as a key segment, so listings skip it.
        let tmp = parent.join(format!("%tmp-{}-{}", std::process::id(), self.tmp_counter.fetch_add(1, Ordering::Relaxed)));
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.set_modified(ms_system_time(now_ms))?;
            if self.fsync {
                file.sync_all()?;
            }
            Ok(())
        };
        if let Err(err) = write() {
            let _ = fs::remove_file(&tmp);
            return Err(io("write object", &path)(err));
        }
        fs::rename(&tmp, &path).map_err(|err| {
            let _ = fs::remove_file(&tmp);
            io("rename object into place", &path)(err)
        })
    }

    /// Whether an object exists.
    pub fn object_exists(&self, bucket: &str, key: &str) -> Result<bool, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        Ok(self.object_path(&dir, key).map(|p| p.is_file()).unwrap_or(false))
    }

    /// An object's bytes and info; `Ok(None)` when the key does not exist.
    pub fn get_object(&self, bucket: &str, key: &str) -> Result<Option<(Vec<u8>, ObjectInfo)>, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let Ok(path) = self.object_path(&dir, key) else { return Ok(None) };
        if !path.is_file() {
            return Ok(None);
        }
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(io("read object", &path)(err)),
        };
        let meta = fs::metadata(&path).map_err(io("stat object", &path))?;
        let last_modified_ms = meta.modified().map_or(0, system_time_ms);
        let info = ObjectInfo { key: key.to_owned(), size: bytes.len() as u64, last_modified_ms };
        Ok(Some((bytes, info)))
    }

    /// Every object whose key starts with `prefix`, sorted by key (UTF-8 byte order, as S3).
    /// Only the directories under the prefix's complete segments are walked.
    pub fn list_objects(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectInfo>, BucketStoreError> {
        let dir = self.existing_bucket_dir(bucket)?;
        let (complete, _) = prefix.rsplit_once('/').unwrap_or(("", prefix));
        let (start_dir, start_key) = if prefix.contains('/') {
            match self.object_path(&dir, complete) {
                Ok(p) => (p, format!("{complete}/")),
                Err(_) => return Ok(Vec::new()),
            }
        } else {
            (dir.clone(), String::new())
        };
        let mut out = Vec::new();
        walk(&start_dir, &start_key, "", prefix, &mut out)?;
        out.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
        Ok(out)
    }
}

/// Collects the objects under `dir`, whose keys start with `key_so_far`; `piece` is the encoded
/// start of a long segment whose remaining pieces are below `dir`.
fn walk(dir: &Path, key_so_far: &str, piece: &str, prefix: &str, out: &mut Vec<ObjectInfo>) -> Result<(), BucketStoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if matches!(err.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
            return Ok(());
        }
        Err(err) => return Err(io("list directory", dir)(err)),
    };
    for entry in entries {
        let entry = entry.map_err(io("list directory", dir))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        let file_type = entry.file_type().map_err(io("stat", &entry.path()))?;
        if let Some(more) = name.strip_prefix(CONTINUED) {
            if file_type.is_dir() {
                walk(&entry.path(), key_so_far, &format!("{piece}{more}"), prefix, out)?;
            }
            continue;
        }
        let seg = match name.strip_prefix(LAST_PIECE) {
            Some(last) if !piece.is_empty() => decode_segment(&format!("{piece}{last}")),
            Some(_) => None,
            None if piece.is_empty() => decode_segment(&name),
            None => None,
        };
        let Some(seg) = seg else { continue };
        if file_type.is_dir() {
            let sub = format!("{key_so_far}{seg}/");
            // Descend only where keys can still start with the prefix.
            if sub.starts_with(prefix) || prefix.starts_with(&sub) {
                walk(&entry.path(), &sub, "", prefix, out)?;
            }
        } else if file_type.is_file() {
            let key = format!("{key_so_far}{seg}");
            if key.starts_with(prefix) {
                let meta = entry.metadata().map_err(io("stat", &entry.path()))?;
                out.push(ObjectInfo { key, size: meta.len(), last_modified_ms: meta.modified().map_or(0, system_time_ms) });
            }
        }
    }
    Ok(())
}

/// The S3 `ETag` of bytes uploaded in one part: the quoted hex MD5.
pub fn etag(bytes: &[u8]) -> String {
    let digest = md5::Md5::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn ms_system_time(ms: i64) -> SystemTime {
    if ms >= 0 { UNIX_EPOCH + Duration::from_millis(ms as u64) } else { UNIX_EPOCH }
}

fn system_time_ms(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_round_trip_with_the_given_time() {
        let dir = tempfile::tempdir().unwrap();
        let store = BucketStore::new(dir.path().join("s3"), false);
        assert!(matches!(store.put_object("logs", "a", b"x", 0), Err(BucketStoreError::NoSuchBucket(_))));
        store.ensure_bucket("logs").unwrap();
        store.put_object("logs", "p/a/one.json.gz", b"one", 1_700_000_000_123).unwrap();
        store.put_object("logs", "p/b//two", b"two", 1_700_000_000_000).unwrap();
        store.put_object("logs", "p/../x", b"dots", 5).unwrap();
        let long = format!("{}/tail", "q".repeat(1024));
        store.put_object("logs", &long, b"long", 5).unwrap();
        assert_eq!(store.get_object("logs", &long).unwrap().unwrap().0, b"long");
        assert_eq!(store.list_objects("logs", &long[..1027]).unwrap()[0].key, long);
        // A key that is also another key's directory cannot be stored (a file-system limit):
        // the write fails with an error, nothing is overwritten.
        assert!(matches!(store.put_object("logs", &"q".repeat(1024), b"x", 5), Err(BucketStoreError::Io { .. })));
        assert_eq!(store.list_objects("logs", "qqq").unwrap().len(), 1);
        let (bytes, info) = store.get_object("logs", "p/a/one.json.gz").unwrap().unwrap();
        assert_eq!(bytes, b"one");
        assert_eq!(info.last_modified_ms, 1_700_000_000_123);
        let keys: Vec<String> = store.list_objects("logs", "").unwrap().into_iter().map(|o| o.key).collect();
        assert_eq!(keys, ["p/../x", "p/a/one.json.gz", "p/b//two", &long]);
        let keys: Vec<String> = store.list_objects("logs", "p/a/o").unwrap().into_iter().map(|o| o.key).collect();
        assert_eq!(keys, ["p/a/one.json.gz"]);
        // Everything stayed inside the bucket directory.
        assert!(!dir.path().join("s3/x").exists() && !dir.path().join("x").exists());
        assert_eq!(store.get_object("logs", "p/a").unwrap(), None);
        assert_eq!(store.get_object("logs", "/etc/passwd").unwrap(), None);
    }

    #[test]
    fn names_cannot_escape() {
        let dir = tempfile::tempdir().unwrap();
        let store = BucketStore::new(dir.path().join("s3"), false);
        for bad in ["..", ".", "../etc", "/abs", "a\0b", "a%2Fb"] {
            assert!(matches!(store.ensure_bucket(bad), Err(BucketStoreError::InvalidBucketName { .. })), "{bad:?}");
        }
        store.ensure_bucket("b-1").unwrap();
        for key in ["../../escape", "/abs/olute", "a/%2e%2e/b", "\0"] {
            store.put_object("b-1", key, b"k", 0).unwrap();
            assert_eq!(store.get_object("b-1", key).unwrap().unwrap().0, b"k");
        }
        let mut found = Vec::new();
        for entry in walkdir(dir.path()) {
            assert!(entry.starts_with(dir.path().join("s3/b-1")), "{entry:?}");
            found.push(entry);
        }
        assert_eq!(found.len(), 4);
    }

    fn walkdir(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { out.extend(walkdir(&path)) } else { out.push(path) }
        }
        out
    }

    #[test]
    fn etag_is_md5() {
        assert_eq!(etag(b""), "\"d41d8cd98f00b204e9800998ecf8427e\"");
    }
}
