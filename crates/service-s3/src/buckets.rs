//! ListBuckets and HeadBucket.

use aws_protocol::{Reply, Timestamp};
use serde::Serialize;

use crate::S3Service;
use crate::error::S3Error;
use crate::shapes::Owner;

/// `ListAllMyBucketsResult`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListAllMyBucketsResult {
    owner: Owner,
    buckets: Buckets,
}

/// The wrapped `Buckets` list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Buckets {
    bucket: Vec<Bucket>,
}

/// `Bucket`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Bucket {
    name: String,
    creation_date: Timestamp,
}

/// ListBuckets: every bucket, with its creation date.
pub(crate) fn list_buckets(state: &S3Service) -> Result<Reply, S3Error> {
    let buckets = state.store.list_buckets().map_err(|e| S3Error::from_store(e, ""))?;
    let bucket = buckets
        .into_iter()
        .map(|(name, created_ms)| Bucket { name, creation_date: Timestamp::from_epoch_millis(created_ms) })
        .collect();
    let result = ListAllMyBucketsResult { owner: Owner::of(state), buckets: Buckets { bucket } };
    Ok(Reply::shape("ListAllMyBucketsResult", result))
}

/// HeadBucket: 200 with the bucket's region, or `NoSuchBucket` (no body: a HEAD).
pub(crate) fn head_bucket(state: &S3Service, bucket: &str) -> Result<Reply, S3Error> {
    match state.store.bucket_exists(bucket) {
        Ok(true) => Ok(Reply::empty().with_header("x-amz-bucket-region", state.env.default_region.clone())),
        Ok(false) => Err(S3Error::no_such_bucket(bucket)),
        Err(err) => Err(S3Error::from_store(err, bucket)),
    }
}
