//! Model invocation logging: the record of a successful call, delivered to the configured log
//! group (before the response leaves) and to S3 (journaled before the response leaves, batched
//! into `.json.gz` objects), with media and large bodies moved to `data/` objects.
//!
//! | file | job |
//! |---|---|
//! | `invocation_log.rs` | the record of a call, appended/queued before the response |
//! | `destinations.rs` | one record → its CloudWatch and S3 versions; bucket checks at PUT |
//! | `media.rs` | Converse image/document/video/audio bytes → `data/…_input_media_NN.<format>` |
//! | `large_body.rs` | bodies over 100 KB → `data/{requestId}_{input,output}.json.gz` |
//! | `s3_batches.rs` | the S3 batcher: journal, per (bucket, hour) batches, flushes |
//! | `s3_writer.rs` | [`S3Delivery`]: the batcher and its background writer (gzip and objects off the request path) |
//! | `keys.rs` | the object keys Bedrock writes |
//! | `records.rs` | every delivered record under a prefix, read back (`query --s3`) |

pub mod destinations;
pub mod invocation_log;
pub mod keys;
pub mod large_body;
pub(crate) mod media;
pub mod records;
pub mod s3_batches;
pub mod s3_writer;

pub use records::{ReadRecordsError, delivered_records};
pub use s3_batches::{DeliveryError, FlushReport};
pub use s3_writer::S3Delivery;
