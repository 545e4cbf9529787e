//! Local S3 buckets on disk, shared by the services that read and write objects (S3's API,
//! Bedrock's invocation-log delivery): `<root>/<bucket>/` holds a bucket's objects, one file per
//! object, written atomically. No HTTP and no Bedrock in here.
//!
//! | file | job |
//! |---|---|
//! | `bucket_store.rs` | [`BucketStore`]: buckets (region, creation time, configuration documents), objects (write, read, delete, list), `LastModified` from the caller's clock, MD5 ETags |
//! | `layout.rs` | where things live in a bucket directory; a key and keys under it coexist (`%self`) |
//! | `walk.rs` | listing: the objects under a prefix |
//! | `uploads.rs` | multipart uploads: parts, completion, abort |
//! | `meta.rs` | [`ObjectMeta`]: content headers, user metadata, multipart ETag, checksum |
//! | `names.rs` | S3's bucket-name rules; key segments ↔ safe file names |
//! | `gzip.rs` | gzip in and out (flate2), deterministic |

pub mod bucket_store;
pub mod gzip;
mod layout;
mod meta;
pub mod names;
mod uploads;
mod walk;

/// The name of a bucket's policy among its configuration documents (S3 writes it, Bedrock's
/// log delivery reads it under `--enforce-iam`).
pub const BUCKET_POLICY: &str = "policy";

pub use bucket_store::{BucketInfo, BucketStore, BucketStoreError, Created, ObjectInfo, StoredObject, etag};
pub use meta::ObjectMeta;
pub use names::validate_bucket_name;
pub use uploads::{PartInfo, Upload};
