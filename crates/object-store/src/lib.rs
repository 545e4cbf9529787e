//! Local S3 buckets on disk, shared by the services that read and write objects (S3's API,
//! Bedrock's invocation-log delivery): `<root>/<bucket>/` holds a bucket's objects, one file per
//! object, written atomically. No HTTP and no Bedrock in here.
//!
//! | file | job |
//! |---|---|
//! | `bucket_store.rs` | [`BucketStore`]: buckets and objects, `LastModified` from the caller's clock, MD5 ETags |
//! | `names.rs` | S3's bucket-name rules; key segments ↔ safe file names |
//! | `gzip.rs` | gzip in and out (flate2), deterministic |

pub mod bucket_store;
pub mod gzip;
pub mod names;

pub use bucket_store::{BucketStore, BucketStoreError, ObjectInfo, etag};
pub use names::validate_bucket_name;
