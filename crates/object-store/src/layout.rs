//! Where things live inside a bucket directory, and the one rule that lets a key and a longer
//! key under it coexist (S3 has `a` and `a/b`; a file system cannot have a file and a directory
//! both named `a`): an object whose path is a directory is stored inside it as `%self`. A write
//! that needs a directory where an object's file is moves that file to `<dir>/%self` first.
//!
//! Names starting with `%` that the key encoder never produces hold the rest, so listings skip
//! them: `%bucket/` (the bucket's own information and configuration), `%uploads/` (multipart
//! uploads in progress), `%tmp/` (files being written), and `<object>%meta` beside an object (its
//! metadata, when it has any).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::names;

/// The file of an object whose path is a directory.
pub(crate) const SELF: &str = "%self";
/// The suffix of an object's metadata file.
pub(crate) const META_SUFFIX: &str = "%meta";
/// The bucket's information and configuration.
pub(crate) const BUCKET_DIR: &str = "%bucket";
/// Multipart uploads in progress.
pub(crate) const UPLOADS_DIR: &str = "%uploads";
/// Files being written, renamed into place when complete.
pub(crate) const TMP_DIR: &str = "%tmp";

/// The path components of a key below its bucket directory (each segment encoded, long ones split).
pub(crate) fn key_components(key: &str) -> Vec<String> {
    key.split('/').flat_map(names::segment_components).collect()
}

/// The metadata file beside an object's data file.
pub(crate) fn meta_path(data: &Path) -> PathBuf {
    let mut name = data.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(META_SUFFIX);
    data.with_file_name(name)
}

/// The data file of `key` if the object exists (a file at its path, or `%self` in the
/// directory at its path).
pub(crate) fn existing_data_path(bucket_dir: &Path, key: &str) -> Option<PathBuf> {
    let mut path = bucket_dir.to_owned();
    path.extend(key_components(key));
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() => Some(path),
        Ok(m) if m.is_dir() => {
            let inner = path.join(SELF);
            inner.is_file().then_some(inner)
        }
        _ => None,
    }
}

/// Makes every directory on the way to `key`'s path (moving an object file that stands where a
/// directory must go to `%self` inside it) and returns where `key`'s data file goes. The caller
/// holds the bucket store's structural lock.
pub(crate) fn prepare_data_path(bucket_dir: &Path, key: &str) -> io::Result<PathBuf> {
    let components = key_components(key);
    let mut dir = bucket_dir.to_owned();
    for component in &components[..components.len().saturating_sub(1)] {
        dir.push(component);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => move_into_self(&dir)?,
            Err(err) if err.kind() == io::ErrorKind::NotFound => fs::create_dir(&dir)?,
            Err(err) => return Err(err),
        }
    }
    let last = dir.join(components.last().map(String::as_str).unwrap_or(""));
    match fs::symlink_metadata(&last) {
        Ok(m) if m.is_dir() => Ok(last.join(SELF)),
        _ => Ok(last),
    }
}

/// `<path>` (an object file) becomes the directory `<path>/` with the object as `%self`, its
/// metadata file following it.
fn move_into_self(path: &Path) -> io::Result<()> {
    let parked = path.with_file_name(format!("{}{}", path.file_name().and_then(|n| n.to_str()).unwrap_or_default(), "%parked"));
    fs::rename(path, &parked)?;
    fs::create_dir(path)?;
    fs::rename(&parked, path.join(SELF))?;
    let meta = meta_path(path);
    if meta.is_file() {
        fs::rename(&meta, meta_path(&path.join(SELF)))?;
    }
    Ok(())
}

/// Removes the empty directories from `dir` up to (not including) `stop`.
pub(crate) fn prune_empty(mut dir: &Path, stop: &Path) {
    while dir != stop && dir.starts_with(stop) {
        if fs::remove_dir(dir).is_err() {
            return;
        }
        match dir.parent() {
            Some(parent) => dir = parent,
            None => return,
        }
    }
}
