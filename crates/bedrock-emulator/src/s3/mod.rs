//! Invocation logging to Amazon S3, as Bedrock does it, and the small S3 read API that serves
//! the delivered objects (`reference/bedrock-api.md` §4.3–4.4).
//!
//! | file | job |
//! |---|---|
//! | `names.rs` | bucket-name and key-prefix rules, the delivered object keys, key segments on disk |
//! | `bucket_store.rs` | local buckets: `<data-dir>/s3/<bucket>/`, one file per object |
//! | `gzip.rs` | gzip in and out |
//! | `delivery.rs` | the batcher: journaled pending records, flushed as `.json.gz` objects |
//! | `media.rs` | Converse image/document/video/audio bytes moved to `data/…_input_media_NN.<format>` objects |
//! | `large_body.rs` | bodies over 100 KB moved to `data/` objects |
//! | `destinations.rs` | one record → its CloudWatch and S3 versions (the hook `invocation_log.rs` calls) |
//! | `read_api.rs`, `list.rs`, `xml.rs` | ListBuckets, ListObjects(V2), GetObject, HeadObject, HeadBucket over path-style (or `<bucket>.localhost`) requests |
//! | `records.rs` | [`delivered_records`]: every record under a delivery prefix, for `query` |

pub mod bucket_store;
pub mod delivery;
pub(crate) mod destinations;
pub mod gzip;
pub mod large_body;
mod list;
pub(crate) mod media;
pub mod names;
pub(crate) mod read_api;
pub mod records;
mod xml;

pub use bucket_store::{BucketStore, BucketStoreError, ObjectInfo};
pub use delivery::{DeliveryError, FlushReport, S3Delivery};
pub use records::{ReadRecordsError, delivered_records};
