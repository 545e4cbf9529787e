//! Reading delivered records back from a data directory: the keys of the batch objects under an
//! S3 delivery prefix ([`delivered_object_keys`], which `bedrock-emulator query --s3` and
//! `import --s3` read in parallel through the record-source crate), and every record in them at
//! once ([`delivered_records`], for tests). Offline: it reads `<data-dir>/s3/<bucket>/`
//! directly (records still pending in a running emulator are not there until it flushes).

use std::path::{Path, PathBuf};

use crate::delivery::keys as names;
use object_store::bucket_store::{BucketStore, BucketStoreError};
use object_store::gzip;

/// Why delivered records could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadRecordsError {
    /// The bucket is missing or invalid, or a file could not be read.
    #[error(transparent)]
    Store(#[from] BucketStoreError),
    /// An object is not valid gzip.
    #[error("s3://{bucket}/{key} is not a gzip object: {source}")]
    Gzip {
        bucket: String,
        key: String,
        #[source]
        source: std::io::Error,
    },
    /// A line of an object is not a record with a `timestamp`.
    #[error("s3://{bucket}/{key} line {line}: {message}")]
    Record { bucket: String, key: String, line: usize, message: String },
}

/// The keys of the batch objects (`…/YYYY/MM/DD/HH/{YYYYMMDDTHHMMSSmmmZ}_{hex}.json.gz`) whose keys
/// start with `prefix` in `bucket` under `data_dir`, in key order; the permission-check marker
/// and `data/` body objects are left out.
pub fn delivered_object_keys(data_dir: &Path, bucket: &str, prefix: &str) -> Result<Vec<String>, ReadRecordsError> {
    let store = BucketStore::new(bucket_root(data_dir), false);
    let mut keys: Vec<String> =
        store.list_objects(bucket, prefix)?.into_iter().map(|info| info.key).filter(|k| names::is_batch_object_key(k)).collect();
    keys.sort();
    Ok(keys)
}

/// Every record in the batch objects (`…/YYYY/MM/DD/HH/{YYYYMMDDTHHMMSSmmmZ}_{hex}.json.gz`)
/// whose keys start with `prefix` in `bucket` under `data_dir`, as `(timestamp_ms, record JSON)`
/// sorted by timestamp (ties in key, then line order). The timestamp is the record's own
/// `timestamp` field (second precision), as the CloudWatch event timestamp is.
///
/// `prefix` is a plain key prefix: the configured `keyPrefix`, or deeper
/// (`logs/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2025/12/`). The
/// permission-check marker and `data/` body objects are skipped.
pub fn delivered_records(data_dir: &Path, bucket: &str, prefix: &str) -> Result<Vec<(i64, String)>, ReadRecordsError> {
    let store = BucketStore::new(bucket_root(data_dir), false);
    let mut out = Vec::new();
    for info in store.list_objects(bucket, prefix)? {
        if !names::is_batch_object_key(&info.key) {
            continue;
        }
        let Some((gz, _)) = store.get_object(bucket, &info.key)? else { continue };
        let text = gzip::decompress(&gz).map_err(|source| ReadRecordsError::Gzip {
            bucket: bucket.to_owned(),
            key: info.key.clone(),
            source,
        })?;
        let text = String::from_utf8(text).map_err(|_| ReadRecordsError::Record {
            bucket: bucket.to_owned(),
            key: info.key.clone(),
            line: 0,
            message: "not UTF-8".into(),
        })?;
        for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let bad = |message: String| ReadRecordsError::Record {
                bucket: bucket.to_owned(),
                key: info.key.clone(),
                line: i + 1,
                message,
            };
            let value: serde_json::Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
            let ts = value.get("timestamp").and_then(|t| t.as_str()).ok_or_else(|| bad("no \"timestamp\" string".into()))?;
            let ms = service_kit::clock::parse_rfc3339_ms(ts).map_err(bad)?;
            out.push((ms, line.to_owned()));
        }
    }
    // Stable: objects were read in key order, lines in file order.
    out.sort_by_key(|(ms, _)| *ms);
    Ok(out)
}

/// `<data-dir>/s3`: where the buckets of a data directory live.
pub fn bucket_root(data_dir: &Path) -> PathBuf {
    data_dir.join("s3")
}
