//! Amazon S3 (restXml) over the local buckets of object-store: the buckets Bedrock delivers
//! invocation logs to and the buckets users make, read and written with `aws s3`, `aws s3api`,
//! boto3 and the SDKs, path-style or at `<bucket>.localhost`. The protocol layer recognizes the
//! request, verifies its checksums and names its operation; this service answers the operations
//! below, and every other S3 operation gets S3's `NotImplemented` naming it.
//!
//! | file | job |
//! |---|---|
//! | `buckets.rs` | ListBuckets, CreateBucket (location constraints), DeleteBucket, HeadBucket, GetBucketLocation |
//! | `controls.rs` | Put/Get/Delete PublicAccessBlock, BucketOwnershipControls, BucketPolicy |
//! | `put_object.rs` | PutObject, CopyObject; key length |
//! | `delete_objects.rs` | DeleteObject, DeleteObjects |
//! | `multipart.rs` | Create/UploadPart/Complete/Abort MultipartUpload, ListParts |
//! | `list_objects.rs` | ListObjects, ListObjectsV2 (`ListBucketResult`) |
//! | `list.rs` | one page of a listing: prefix, delimiter, common prefixes, continuation |
//! | `get_object.rs` | GetObject, HeadObject: metadata, ranges, conditions, `response-*` overrides |
//! | `metadata.rs` | an object's metadata from request headers, and back to response headers |
//! | `body.rs` | XML request bodies against the trimmed S3 model (`MalformedXML`) |
//! | `shapes.rs` | output shapes several operations share (`Owner`) |
//! | `error.rs` | S3's errors and their extra members |
//! | `authorization.rs` | each operation's IAM actions, bucket/object ARNs and the bucket policy (`--enforce-iam`) |

mod authorization;
mod body;
mod buckets;
mod controls;
mod delete_objects;
mod error;
mod get_object;
mod list;
mod list_objects;
mod metadata;
mod multipart;
mod put_object;
mod shapes;

use std::sync::Arc;

use aws_protocol::{Reply, ServiceId};
use object_store::BucketStore;
use service_kit::{Call, CallFuture, Environment, Service};

use error::S3Error;

/// The operations answered.
const OPERATIONS: &[(ServiceId, &str)] = &[
    (ServiceId::S3, "ListBuckets"),
    (ServiceId::S3, "CreateBucket"),
    (ServiceId::S3, "DeleteBucket"),
    (ServiceId::S3, "HeadBucket"),
    (ServiceId::S3, "GetBucketLocation"),
    (ServiceId::S3, "ListObjects"),
    (ServiceId::S3, "ListObjectsV2"),
    (ServiceId::S3, "GetObject"),
    (ServiceId::S3, "HeadObject"),
    (ServiceId::S3, "PutObject"),
    (ServiceId::S3, "CopyObject"),
    (ServiceId::S3, "DeleteObject"),
    (ServiceId::S3, "DeleteObjects"),
    (ServiceId::S3, "CreateMultipartUpload"),
    (ServiceId::S3, "UploadPart"),
    (ServiceId::S3, "CompleteMultipartUpload"),
    (ServiceId::S3, "AbortMultipartUpload"),
    (ServiceId::S3, "ListParts"),
    (ServiceId::S3, "PutPublicAccessBlock"),
    (ServiceId::S3, "GetPublicAccessBlock"),
    (ServiceId::S3, "DeletePublicAccessBlock"),
    (ServiceId::S3, "PutBucketOwnershipControls"),
    (ServiceId::S3, "GetBucketOwnershipControls"),
    (ServiceId::S3, "DeleteBucketOwnershipControls"),
    (ServiceId::S3, "PutBucketPolicy"),
    (ServiceId::S3, "GetBucketPolicy"),
    (ServiceId::S3, "DeleteBucketPolicy"),
];

/// The S3 service: its environment and the shared buckets.
#[derive(Debug)]
pub struct S3Service {
    env: Environment,
    store: Arc<BucketStore>,
}

impl S3Service {
    /// The service over `store`.
    pub fn new(env: Environment, store: Arc<BucketStore>) -> Self {
        Self { env, store }
    }
}

impl Service for S3Service {
    fn operations(&self) -> &'static [(ServiceId, &'static str)] {
        OPERATIONS
    }

    fn call<'a>(self: Arc<Self>, call: Call<'a>) -> CallFuture<'a> {
        Box::pin(async move { answer(&self, call).map_err(|err| err.0) })
    }

    /// S3 refuses an oversize body as `EntityTooLarge` (400).
    fn authorization(&self, call: &Call<'_>) -> service_kit::Authorization {
        authorization::authorization(self, call)
    }

    fn body_too_large(&self, _service: ServiceId, _size: Option<u64>, limit: usize) -> aws_protocol::AwsError {
        S3Error::new(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            .with("MaxSizeAllowed", limit.to_string())
            .0
    }
}

/// One call's answer.
fn answer(state: &S3Service, call: Call<'_>) -> Result<Reply, S3Error> {
    let label = |name: &str| match call.request.labels.get(name) {
        Some(Ok(value)) => Ok(value.to_owned()),
        Some(Err(_)) | None => Err(S3Error::invalid_uri()),
    };
    let req = call.request;
    let bucket = || label("Bucket");
    let object = || Ok::<_, S3Error>((label("Bucket")?, label("Key")?));
    match call.operation() {
        "ListBuckets" => buckets::list_buckets(state),
        "CreateBucket" => buckets::create_bucket(state, &bucket()?, &call),
        "DeleteBucket" => buckets::delete_bucket(state, &bucket()?),
        "HeadBucket" => buckets::head_bucket(state, &bucket()?),
        "GetBucketLocation" => buckets::get_bucket_location(state, &bucket()?),
        "ListObjects" => list_objects::list_objects(state, &bucket()?, req, false),
        "ListObjectsV2" => list_objects::list_objects(state, &bucket()?, req, true),
        "GetObject" => get_object::get_object(state, &label("Bucket")?, &label("Key")?, req, call.headers, false),
        "HeadObject" => get_object::get_object(state, &label("Bucket")?, &label("Key")?, req, call.headers, true),
        "PutObject" => object().and_then(|(b, k)| put_object::put_object(state, &b, &k, &call)),
        "CopyObject" => object().and_then(|(b, k)| put_object::copy_object(state, &b, &k, &call)),
        "DeleteObject" => object().and_then(|(b, k)| delete_objects::delete_object(state, &b, &k)),
        "DeleteObjects" => delete_objects::delete_objects(state, &bucket()?, &call),
        "CreateMultipartUpload" => object().and_then(|(b, k)| multipart::create(state, &b, &k, &call)),
        "UploadPart" => object().and_then(|(b, k)| multipart::upload_part(state, &b, &k, &call)),
        "CompleteMultipartUpload" => object().and_then(|(b, k)| multipart::complete(state, &b, &k, &call)),
        "AbortMultipartUpload" => object().and_then(|(b, k)| multipart::abort(state, &b, &k, &call)),
        "ListParts" => object().and_then(|(b, k)| multipart::list_parts(state, &b, &k, &call)),
        "PutPublicAccessBlock" => controls::put_public_access_block(state, &bucket()?, &call),
        "GetPublicAccessBlock" => controls::get_public_access_block(state, &bucket()?),
        "PutBucketOwnershipControls" => controls::put_ownership_controls(state, &bucket()?, &call),
        "GetBucketOwnershipControls" => controls::get_ownership_controls(state, &bucket()?),
        "PutBucketPolicy" => controls::put_policy(state, &bucket()?, &call),
        "GetBucketPolicy" => controls::get_policy(state, &bucket()?),
        op @ ("DeletePublicAccessBlock" | "DeleteBucketOwnershipControls" | "DeleteBucketPolicy") => {
            controls::delete(state, &bucket()?, op)
        }
        other => Err(S3Error(req.unknown_operation()).with("Operation", other)),
    }
}
