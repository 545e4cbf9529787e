//! Bucket controls: Put/Get/Delete PublicAccessBlock, BucketOwnershipControls and BucketPolicy,
//! kept as the bucket's configuration documents in object-store. A policy is checked against
//! the policy grammar for bucket policies (iam-policy: S3's `MalformedPolicy` texts).

use aws_protocol::Reply;
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::S3Service;
use crate::body;
use crate::error::S3Error;

const PUBLIC_ACCESS_BLOCK: &str = "public-access-block";
const OWNERSHIP_CONTROLS: &str = "ownership-controls";
const POLICY: &str = object_store::BUCKET_POLICY;

/// `PublicAccessBlockConfiguration` (in and out; unset settings are false).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PublicAccessBlockConfiguration {
    #[serde(default)]
    block_public_acls: bool,
    #[serde(default)]
    ignore_public_acls: bool,
    #[serde(default)]
    block_public_policy: bool,
    #[serde(default)]
    restrict_public_buckets: bool,
}

/// `OwnershipControlsRule`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OwnershipControlsRule {
    object_ownership: String,
}

/// `OwnershipControls`: as read, `Rules`; as written, one `Rule` element per rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OwnershipControlsIn {
    rules: Vec<OwnershipControlsRule>,
}

#[derive(Debug, Serialize)]
struct OwnershipControlsOut {
    #[serde(rename = "Rule")]
    rules: Vec<OwnershipControlsRule>,
}

fn store_err(bucket: &str) -> impl Fn(object_store::BucketStoreError) -> S3Error + '_ {
    move |e| S3Error::from_store(e, bucket)
}

/// A configuration document, or S3's not-found error for it.
fn read(state: &S3Service, bucket: &str, name: &str, missing: impl FnOnce() -> S3Error) -> Result<Vec<u8>, S3Error> {
    state.store.bucket_config(bucket, name).map_err(store_err(bucket))?.ok_or_else(missing)
}

pub(crate) fn put_public_access_block(state: &S3Service, bucket: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    let config: PublicAccessBlockConfiguration = body::xml("PublicAccessBlockConfiguration", &call.request.body.bytes)?;
    let json = serde_json::to_vec(&config).unwrap_or_default();
    state.store.put_bucket_config(bucket, PUBLIC_ACCESS_BLOCK, &json).map_err(store_err(bucket))?;
    Ok(Reply::empty())
}

pub(crate) fn get_public_access_block(state: &S3Service, bucket: &str) -> Result<Reply, S3Error> {
    let bytes = read(state, bucket, PUBLIC_ACCESS_BLOCK, || {
        S3Error::new(404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
            .with("BucketName", bucket)
    })?;
    let config: PublicAccessBlockConfiguration = serde_json::from_slice(&bytes).unwrap_or_default();
    Ok(Reply::shape("PublicAccessBlockConfiguration", config))
}

pub(crate) fn put_ownership_controls(state: &S3Service, bucket: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    let controls: OwnershipControlsIn = body::xml("OwnershipControls", &call.request.body.bytes)?;
    if controls.rules.len() != 1 {
        return Err(S3Error::malformed_xml());
    }
    let json = serde_json::to_vec(&controls.rules).unwrap_or_default();
    state.store.put_bucket_config(bucket, OWNERSHIP_CONTROLS, &json).map_err(store_err(bucket))?;
    Ok(Reply::empty())
}

pub(crate) fn get_ownership_controls(state: &S3Service, bucket: &str) -> Result<Reply, S3Error> {
    let bytes = read(state, bucket, OWNERSHIP_CONTROLS, || {
        S3Error::new(404, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
            .with("BucketName", bucket)
    })?;
    let rules: Vec<OwnershipControlsRule> = serde_json::from_slice(&bytes).unwrap_or_default();
    Ok(Reply::shape("OwnershipControls", OwnershipControlsOut { rules }))
}

pub(crate) fn put_policy(state: &S3Service, bucket: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    // The bucket first: a policy for a bucket that does not exist is NoSuchBucket.
    state.store.bucket_info(bucket).map_err(store_err(bucket))?;
    let text = std::str::from_utf8(&call.request.body.bytes)
        .map_err(|_| S3Error::new(400, "MalformedPolicy", "This policy contains invalid Json"))?;
    iam_policy::parse(text, iam_policy::PolicyKind::Bucket(bucket))
        .map_err(|e| S3Error::new(400, "MalformedPolicy", e.message))?;
    state.store.put_bucket_config(bucket, POLICY, text.as_bytes()).map_err(store_err(bucket))?;
    Ok(Reply::empty().with_status(204))
}

pub(crate) fn get_policy(state: &S3Service, bucket: &str) -> Result<Reply, S3Error> {
    let bytes = read(state, bucket, POLICY, || {
        S3Error::new(404, "NoSuchBucketPolicy", "The bucket policy does not exist").with("BucketName", bucket)
    })?;
    Ok(Reply::payload("application/json", bytes))
}

/// Delete{PublicAccessBlock,BucketOwnershipControls,BucketPolicy}: 204 whether or not there was one.
pub(crate) fn delete(state: &S3Service, bucket: &str, operation: &str) -> Result<Reply, S3Error> {
    let name = match operation {
        "DeletePublicAccessBlock" => PUBLIC_ACCESS_BLOCK,
        "DeleteBucketOwnershipControls" => OWNERSHIP_CONTROLS,
        _ => POLICY,
    };
    state.store.delete_bucket_config(bucket, name).map_err(store_err(bucket))?;
    Ok(Reply::empty().with_status(204))
}
