//! Metadata files of groups (`group.json`) and streams (`stream.json`), and the staging
//! directory that makes their creation atomic.
//!
//! A group or stream directory is built complete under `<root>/tmp/` and then renamed into
//! place, so after a crash a directory either exists with its metadata or does not exist.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::error::{IoContext, StoreError};

pub(crate) const GROUP_META: &str = "group.json";
pub(crate) const STREAM_META: &str = "stream.json";

/// Contents of `group.json` and `stream.json`.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub(crate) name: String,
    #[serde(rename = "creationTime")]
    pub(crate) creation_time: i64,
    /// A group's retention policy (PutRetentionPolicy), in days; absent without one.
    #[serde(rename = "retentionInDays", default, skip_serializing_if = "Option::is_none")]
    pub(crate) retention_in_days: Option<u32>,
}

pub(crate) fn read_meta(path: &Path) -> Option<Meta> {
    let bytes = fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A fresh, unique directory under `tmp`.
pub(crate) fn staging_dir(tmp: &Path) -> Result<PathBuf, StoreError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = tmp.join(format!("{}-{n}", std::process::id()));
        match fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).at(&path),
        }
    }
}

/// Writes `meta` as `file` inside a staged directory (plus `subdirs`), then renames the
/// directory to `dest`. `what` names the thing for the error when `dest` is taken.
pub(crate) fn create_dir_with_meta(
    tmp: &Path,
    dest: &Path,
    file: &str,
    meta: &Meta,
    subdirs: &[&str],
    fsync: bool,
    what: &'static str,
) -> Result<(), StoreError> {
    let stage = staging_dir(tmp)?;
    let result = (|| {
        for d in subdirs {
            fs::create_dir(stage.join(d)).at(&stage.join(d))?;
        }
        let path = stage.join(file);
        let mut f = fs::File::create(&path).at(&path)?;
        let json =
            serde_json::to_vec(meta).map_err(|e| StoreError::Io { path: path.clone(), source: std::io::Error::other(e) })?;
        f.write_all(&json).at(&path)?;
        if fsync {
            f.sync_all().at(&path)?;
            sync_dir(&stage)?;
        }
        if dest.exists() {
            return Err(StoreError::PathOccupied { path: dest.to_path_buf(), what });
        }
        fs::rename(&stage, dest).at(dest)?;
        if fsync && let Some(parent) = dest.parent() {
            sync_dir(parent)?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&stage);
    }
    result
}

/// Replaces the metadata file `dest` with `meta` atomically: written under `tmp`, then renamed
/// over it, so a crash leaves the old file or the new one.
pub(crate) fn replace_meta(tmp: &Path, dest: &Path, meta: &Meta, fsync: bool) -> Result<(), StoreError> {
    let stage = staging_dir(tmp)?;
    let result = (|| {
        let path = stage.join("meta.json");
        let json =
            serde_json::to_vec(meta).map_err(|e| StoreError::Io { path: path.clone(), source: std::io::Error::other(e) })?;
        let mut f = fs::File::create(&path).at(&path)?;
        f.write_all(&json).at(&path)?;
        if fsync {
            f.sync_all().at(&path)?;
        }
        drop(f);
        fs::rename(&path, dest).at(dest)?;
        if fsync && let Some(parent) = dest.parent() {
            sync_dir(parent)?;
        }
        Ok(())
    })();
    let _ = fs::remove_dir_all(&stage);
    result
}

/// Makes a directory's entries durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    fs::File::open(dir).and_then(|d| d.sync_all()).at(dir)
}
