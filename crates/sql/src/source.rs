//! Where a table's objects come from: a LOCATION (`s3://bucket/prefix/` or a local directory),
//! and the `ObjectSource` that lists and reads `s3://` locations: the emulator's buckets
//! (object-store), or, for the `sql` command, anything implementing the trait (a real bucket).
//! Local directories are read from the file system when the engine allows them.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::BucketStore;

use crate::error::SqlError;

/// A table or partition LOCATION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `s3://bucket/prefix/` (the prefix with its trailing `/`, or empty for the whole bucket).
    S3 { bucket: String, prefix: String },
    /// A local directory (or single file).
    Local(PathBuf),
}

impl Location {
    /// Parses `s3://b/p`, `s3a://`/`s3n://` (as Athena), `file:///dir` or a path.
    pub fn parse(text: &str) -> Result<Location, SqlError> {
        let t = text.trim();
        for scheme in ["s3://", "s3a://", "s3n://"] {
            if let Some(rest) = t.strip_prefix(scheme) {
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(SqlError::InvalidDdl(format!("the location {t} names no bucket")));
                }
                let prefix = if prefix.is_empty() || prefix.ends_with('/') { prefix.to_owned() } else { format!("{prefix}/") };
                return Ok(Location::S3 { bucket: bucket.to_owned(), prefix });
            }
        }
        if let Some(path) = t.strip_prefix("file://") {
            return Ok(Location::Local(PathBuf::from(path)));
        }
        if t.contains("://") {
            return Err(SqlError::InvalidDdl(format!("the location {t} is neither s3:// nor a local path")));
        }
        Ok(Location::Local(PathBuf::from(t)))
    }

    /// The location a sub-path below this one names.
    pub fn join(&self, relative: &str) -> Location {
        let rel = relative.trim_start_matches('/');
        match self {
            Location::S3 { bucket, prefix } => {
                let mut p = format!("{prefix}{rel}");
                if !p.is_empty() && !p.ends_with('/') {
                    p.push('/');
                }
                Location::S3 { bucket: bucket.clone(), prefix: p }
            }
            Location::Local(dir) => Location::Local(dir.join(rel)),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
            Location::Local(p) => write!(f, "{}", p.display()),
        }
    }
}

/// An object found under a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    /// The key below the listed prefix (or the path below the directory), `/`-separated.
    pub relative: String,
    /// The full key (or path), for reading and messages.
    pub key: String,
    pub size: u64,
}

/// Lists and reads the objects of `s3://` locations.
#[async_trait::async_trait]
pub trait ObjectSource: Send + Sync + Debug {
    /// Every object whose key starts with `prefix`, recursively, by key.
    async fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectEntry>, SqlError>;
    /// One object's bytes.
    async fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, SqlError>;
}

/// The emulator's buckets.
#[derive(Debug, Clone)]
pub struct BucketSource {
    pub buckets: Arc<BucketStore>,
}

fn storage_error(e: object_store::BucketStoreError) -> SqlError {
    match e {
        object_store::BucketStoreError::NoSuchBucket(b) => SqlError::Storage(format!(
            "The specified bucket does not exist: {b} (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket)"
        )),
        other => SqlError::Storage(other.to_string()),
    }
}

#[async_trait::async_trait]
impl ObjectSource for BucketSource {
    async fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<ObjectEntry>, SqlError> {
        let (buckets, bucket, prefix) = (Arc::clone(&self.buckets), bucket.to_owned(), prefix.to_owned());
        tokio::task::spawn_blocking(move || {
            let objects = buckets.list_objects(&bucket, &prefix).map_err(storage_error)?;
            Ok(objects
                .into_iter()
                .map(|o| ObjectEntry { relative: o.key[prefix.len()..].to_owned(), key: o.key, size: o.size })
                .collect())
        })
        .await
        .map_err(|e| SqlError::Internal(e.to_string()))?
    }

    async fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, SqlError> {
        let (buckets, bucket, key) = (Arc::clone(&self.buckets), bucket.to_owned(), key.to_owned());
        tokio::task::spawn_blocking(move || match buckets.get_object(&bucket, &key).map_err(storage_error)? {
            Some((bytes, _)) => Ok(bytes),
            None => Err(SqlError::Storage(format!("s3://{bucket}/{key} was deleted during the query"))),
        })
        .await
        .map_err(|e| SqlError::Internal(e.to_string()))?
    }
}

/// Where the engine reads from: the source of `s3://` locations, and whether local paths are
/// allowed (the `sql` command; never the Athena API).
#[derive(Debug, Clone)]
pub struct Storage {
    pub s3: Option<Arc<dyn ObjectSource>>,
    pub allow_local: bool,
}

impl Storage {
    /// Checks that a LOCATION can be read here.
    pub fn check(&self, location: &Location) -> Result<(), SqlError> {
        match location {
            Location::S3 { .. } if self.s3.is_some() => Ok(()),
            Location::S3 { .. } => Err(SqlError::InvalidDdl("s3:// locations are not readable here".to_owned())),
            Location::Local(_) if self.allow_local => Ok(()),
            Location::Local(p) => Err(SqlError::InvalidDdl(format!(
                "the location '{}' is not an s3:// location (Athena reads tables from Amazon S3)",
                p.display()
            ))),
        }
    }

    /// Every object under a location.
    pub async fn list(&self, location: &Location) -> Result<Vec<ObjectEntry>, SqlError> {
        self.check(location)?;
        match location {
            Location::S3 { bucket, prefix } => match &self.s3 {
                Some(s3) => s3.list(bucket, prefix).await,
                None => Ok(Vec::new()),
            },
            Location::Local(dir) => {
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || list_local(&dir)).await.map_err(|e| SqlError::Internal(e.to_string()))?
            }
        }
    }

    /// One object's bytes.
    pub async fn get(&self, location: &Location, entry: &ObjectEntry) -> Result<Vec<u8>, SqlError> {
        match (location, &self.s3) {
            (Location::S3 { bucket, .. }, Some(s3)) => s3.get(bucket, &entry.key).await,
            _ => {
                let path = PathBuf::from(&entry.key);
                tokio::task::spawn_blocking(move || {
                    std::fs::read(&path).map_err(|e| SqlError::Storage(format!("reading {}: {e}", path.display())))
                })
                .await
                .map_err(|e| SqlError::Internal(e.to_string()))?
            }
        }
    }
}

fn list_local(root: &Path) -> Result<Vec<ObjectEntry>, SqlError> {
    let meta = std::fs::metadata(root).map_err(|e| SqlError::Storage(format!("{}: {e}", root.display())))?;
    if meta.is_file() {
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        return Ok(vec![ObjectEntry { relative: name, key: root.display().to_string(), size: meta.len() }]);
    }
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| SqlError::Storage(format!("{}: {e}", dir.display())))?;
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.push(ObjectEntry { relative, key: path.display().to_string(), size: meta.len() });
            }
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse() {
        assert_eq!(Location::parse("s3://b/p").unwrap(), Location::S3 { bucket: "b".into(), prefix: "p/".into() });
        assert_eq!(Location::parse("s3://b/").unwrap(), Location::S3 { bucket: "b".into(), prefix: String::new() });
        assert_eq!(
            Location::parse("s3://b/p/").unwrap().join("dt=1"),
            Location::S3 { bucket: "b".into(), prefix: "p/dt=1/".into() }
        );
        assert!(Location::parse("hdfs://x").is_err());
        assert_eq!(Location::parse("/tmp/x").unwrap(), Location::Local("/tmp/x".into()));
    }
}
