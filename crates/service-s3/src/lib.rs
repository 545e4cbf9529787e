//! Amazon S3 (restXml) over the local buckets of object-store: the buckets Bedrock delivers
//! invocation logs to, read with `aws s3 ls/cp` and boto3. Requests are recognized by the SigV4
//! credential scope's service `s3`; buckets are addressed path-style or by host
//! (`<bucket>.localhost`).
//!
//! | file | job |
//! |---|---|
//! | `read_api.rs` | ListBuckets, ListObjects(V2), GetObject, HeadObject, HeadBucket; `NotImplemented` for the rest |
//! | `list.rs` | listing: prefix, delimiter, common prefixes, continuation |
//! | `xml.rs` | the XML writer and S3's `<Error>` document |

mod list;
mod read_api;
mod xml;

use std::sync::Arc;

use object_store::BucketStore;
use service_kit::Environment;

pub use read_api::handle;

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
