//! Large-body delivery: a request or response body whose compact JSON is over 100 KB leaves the
//! record and becomes a gzipped `data/{requestId}_{input|output}.json.gz` object beside the
//! hour's records; the record points at it with `inputBodyS3Path` / `outputBodyS3Path`
//! (`../shared/reference/bedrock-api.md` §4.3: "JSON bodies larger than 100 KB will be uploaded as
//! individual objects … under the data prefix", for the S3 destination and for CloudWatch with
//! `largeDataDeliveryS3Config`).

use std::collections::BTreeSet;

use bedrock_model::record::ModelInvocationLog;

use crate::delivery::keys::{self as names, BodySide};
use object_store::bucket_store::{BucketStore, BucketStoreError};
use object_store::gzip;

/// Bodies whose compact JSON is longer than this many bytes are offloaded (100 KiB; AWS says
/// "100 KB" without saying which).
pub const LARGE_BODY_BYTES: usize = 100 * 1024;

/// An S3 destination: a bucket and a normalized key prefix (no trailing `/`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct S3Target {
    pub(crate) bucket: String,
    pub(crate) prefix: String,
}

/// Where one invocation's objects go in an S3 destination: the target and the record's hour
/// directory under it (`{prefix}/AWSLogs/{account}/BedrockModelInvocationLogs/{region}/YYYY/MM/DD/HH/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataLocation {
    pub(crate) target: S3Target,
    pub(crate) hour_dir: String,
}

/// Moves the large bodies of `record` into data objects at `location`. `written` remembers
/// the objects already written for this invocation, so a body offloaded for both destinations
/// to the same place is written once.
pub(crate) fn offload(
    store: &BucketStore,
    location: &DataLocation,
    record: &mut ModelInvocationLog,
    now_ms: i64,
    written: &mut BTreeSet<(String, String)>,
) -> Result<(), BucketStoreError> {
    let bucket = &location.target.bucket;
    let request_id = record.context.request_id.clone();
    let mut move_out = |body: &mut Option<serde_json::Value>, path: &mut Option<String>, side: BodySide| {
        let Some(value) = body.as_ref() else { return Ok(()) };
        // Measured without building the text: nearly every body stays in the record.
        if compact_len(value) <= LARGE_BODY_BYTES {
            return Ok(());
        }
        let json = serde_json::to_vec(value).unwrap_or_default();
        let key = names::body_object_key(&location.hour_dir, &request_id, side);
        if written.insert((bucket.clone(), key.clone())) {
            store.put_object(bucket, &key, &gzip::compress(&json), now_ms)?;
        }
        *path = Some(format!("s3://{bucket}/{key}"));
        *body = None;
        Ok(())
    };
    move_out(&mut record.input.input_body_json, &mut record.input.input_body_s3_path, BodySide::Input)?;
    move_out(&mut record.output.output_body_json, &mut record.output.output_body_s3_path, BodySide::Output)
}

/// Bytes of `value`'s compact JSON.
fn compact_len(value: &serde_json::Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

#[cfg(test)]
mod tests {
    #[test]
    fn compact_len_is_the_length_of_the_compact_text() {
        let value = serde_json::json!({ "a": [1, "x\n", { "b": null }], "é": 2.5 });
        assert_eq!(super::compact_len(&value), serde_json::to_vec(&value).unwrap().len());
    }
}
