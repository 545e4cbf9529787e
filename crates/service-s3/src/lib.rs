//! Amazon S3 (restXml) over the local buckets of object-store: the buckets Bedrock delivers
//! invocation logs to, read with `aws s3 ls/cp` and boto3. The protocol layer recognizes the
//! request (signed for `s3`, or addressed to `<bucket>.localhost`) and names its operation; this
//! service answers the read operations below, and every other S3 operation gets S3's
//! `NotImplemented` naming it.
//!
//! | file | job |
//! |---|---|
//! | `buckets.rs` | ListBuckets, HeadBucket |
//! | `list_objects.rs` | ListObjects, ListObjectsV2 (`ListBucketResult`) |
//! | `list.rs` | one page of a listing: prefix, delimiter, common prefixes, continuation |
//! | `get_object.rs` | GetObject, HeadObject: ranges, conditions, `response-*` overrides |
//! | `shapes.rs` | output shapes several operations share (`Owner`) |
//! | `error.rs` | S3's errors and their extra members |

mod buckets;
mod error;
mod get_object;
mod list;
mod list_objects;
mod shapes;

use std::sync::Arc;

use aws_protocol::{Reply, ServiceId};
use object_store::BucketStore;
use service_kit::{Call, CallFuture, Environment, Service};

use error::S3Error;

/// The operations answered.
const OPERATIONS: &[(ServiceId, &str)] = &[
    (ServiceId::S3, "ListBuckets"),
    (ServiceId::S3, "HeadBucket"),
    (ServiceId::S3, "ListObjects"),
    (ServiceId::S3, "ListObjectsV2"),
    (ServiceId::S3, "GetObject"),
    (ServiceId::S3, "HeadObject"),
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
}

/// One call's answer.
fn answer(state: &S3Service, call: Call<'_>) -> Result<Reply, S3Error> {
    let label = |name: &str| match call.request.labels.get(name) {
        Some(Ok(value)) => Ok(value.to_owned()),
        Some(Err(_)) | None => Err(S3Error::invalid_uri()),
    };
    let req = call.request;
    match call.operation() {
        "ListBuckets" => buckets::list_buckets(state),
        "HeadBucket" => buckets::head_bucket(state, &label("Bucket")?),
        "ListObjects" => list_objects::list_objects(state, &label("Bucket")?, req, false),
        "ListObjectsV2" => list_objects::list_objects(state, &label("Bucket")?, req, true),
        "GetObject" => get_object::get_object(state, &label("Bucket")?, &label("Key")?, req, call.headers, false),
        "HeadObject" => get_object::get_object(state, &label("Bucket")?, &label("Key")?, req, call.headers, true),
        other => Err(S3Error(req.unknown_operation()).with("Operation", other)),
    }
}
