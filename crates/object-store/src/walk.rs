//! Listing a bucket directory: every object under a prefix (files whose names decode as key
//! segments, and `%self` files standing for a directory's own key), skipping what `layout.rs`
//! keeps beside the objects.

use std::fs;
use std::path::Path;

use crate::bucket_store::{BucketStoreError, ObjectInfo, io, system_time_ms};
use crate::layout::{self, SELF};
use crate::names::{CONTINUED, LAST_PIECE, decode_segment};

/// Every object of the bucket in `dir` whose key starts with `prefix`, sorted by key.
pub(crate) fn list(dir: &Path, prefix: &str) -> Result<Vec<ObjectInfo>, BucketStoreError> {
    let (complete, _) = prefix.rsplit_once('/').unwrap_or(("", prefix));
    let (start_dir, start_key) = if prefix.contains('/') {
        let mut path = dir.to_owned();
        path.extend(layout::key_components(complete));
        (path, format!("{complete}/"))
    } else {
        (dir.to_owned(), String::new())
    };
    let mut out = Vec::new();
    walk(&start_dir, &start_key, "", prefix, &mut |info| {
        out.push(info);
        true
    })?;
    out.sort_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
    Ok(out)
}

/// Whether the bucket in `dir` holds any object.
pub(crate) fn has_objects(dir: &Path) -> Result<bool, BucketStoreError> {
    let mut found = false;
    walk(dir, "", "", "", &mut |_| {
        found = true;
        false
    })?;
    Ok(found)
}

/// Calls `visit` with each object under `dir` (keys starting with `key_so_far`) until it returns
/// `false`; `piece` is the encoded start of a long segment whose remaining pieces are below
/// `dir`. Returns whether to go on.
fn walk(
    dir: &Path,
    key_so_far: &str,
    piece: &str,
    prefix: &str,
    visit: &mut dyn FnMut(ObjectInfo) -> bool,
) -> Result<bool, BucketStoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if matches!(err.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
            return Ok(true);
        }
        Err(err) => return Err(io("list directory", dir)(err)),
    };
    for entry in entries {
        let entry = entry.map_err(io("list directory", dir))?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        let Ok(file_type) = entry.file_type() else { continue };
        if let Some(more) = name.strip_prefix(CONTINUED) {
            if file_type.is_dir() && !walk(&entry.path(), key_so_far, &format!("{piece}{more}"), prefix, visit)? {
                return Ok(false);
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
        let key = format!("{key_so_far}{seg}");
        if file_type.is_dir() {
            let own = entry.path().join(SELF);
            if key.starts_with(prefix)
                && let Ok(meta) = fs::metadata(&own)
                && meta.is_file()
                && !visit(ObjectInfo {
                    key: key.clone(),
                    size: meta.len(),
                    last_modified_ms: meta.modified().map_or(0, system_time_ms),
                })
            {
                return Ok(false);
            }
            let sub = format!("{key}/");
            // Descend only where keys can still start with the prefix.
            if (sub.starts_with(prefix) || prefix.starts_with(&sub)) && !walk(&entry.path(), &sub, "", prefix, visit)? {
                return Ok(false);
            }
        } else if file_type.is_file() && key.starts_with(prefix) {
            let Ok(meta) = entry.metadata() else { continue };
            if !visit(ObjectInfo { key, size: meta.len(), last_modified_ms: meta.modified().map_or(0, system_time_ms) }) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}
