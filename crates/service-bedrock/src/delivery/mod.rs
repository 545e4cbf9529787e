//! Model invocation logging: the record of a successful call, delivered to the configured log
//! group (before the response leaves) and to S3 (journaled before the response leaves, batched
//! into `.json.gz` objects), with media and large bodies moved to `data/` objects; under a
//! delivery delay, journaled as held before the response leaves and delivered when due.
//!
//! | file | job |
//! |---|---|
//! | `invocation_log.rs` | the record of a call, appended/queued (or held) before the response; held records released |
//! | `delay.rs`, `held.rs` | `--delivery-delay`: each record's delay; held records and their journal |
//! | `destinations.rs` | one record → its CloudWatch and S3 versions; bucket checks at PUT |
//! | `media.rs` | Converse image/document/video/audio bytes → `data/…_input_media_NN.<format>` |
//! | `large_body.rs` | bodies over 100 KB → `data/{requestId}_{input,output}.json.gz` |
//! | `s3_batches.rs` | the S3 batcher: journal lines, per (bucket, hour) batches, flushes |
//! | `s3_journal.rs` | the journal file: lock-free appends at reserved offsets of a pre-sized, recycled file; reading it back |
//! | `s3_writer.rs` | [`S3Delivery`]: the batcher and its background writer (gzip and objects off the request path) |
//! | `keys.rs` | the object keys Bedrock writes |
//! | `records.rs` | every delivered record under a prefix, read back (`query --s3`) |
//! | `report.rs` | records delivered and dropped per destination, and why (`GET /_emulator/deliveries`) |

pub mod delay;
pub mod destinations;
pub(crate) mod held;
pub mod invocation_log;
pub mod keys;
pub mod large_body;
pub(crate) mod media;
pub mod records;
pub mod report;
pub mod s3_batches;
pub(crate) mod s3_journal;
pub mod s3_writer;

pub use delay::DeliveryDelay;
pub use records::{ReadRecordsError, delivered_records};
pub use s3_batches::{DeliveryError, FlushReport};
pub use s3_writer::S3Delivery;
