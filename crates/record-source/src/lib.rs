//! Invocation-log records from every input a user has, read in parallel chunks with memory
//! bounded by a fixed read-ahead: a JSON lines file (plain or `.gz`), the batch objects S3
//! delivery wrote to a local bucket, the same objects in any S3 endpoint (`s3://bucket/prefix`
//! through the `object_store` crate), and the log groups of a data directory's store (a
//! read-only snapshot). Each record's event time is its own `timestamp` field, read
//! by the query engine's field scanner ([`logs_insights::FieldScanner`]): no JSON tree, no copy
//! of the line.
//!
//! Records go to a [`RecordSink`] per thread (a query's partial, an import batch), unit by unit
//! (a chunk of a file, one object), units numbered in input order, so a caller can make its
//! result independent of the thread count.
//!
//! | module | job |
//! |---|---|
//! | `record.rs` | [`Record`], [`RecordSink`], lines of a block → records (timestamp, range, bad lines) |
//! | `options.rs` | [`ReadOptions`], [`OnBadRecord`], [`ReadReport`] |
//! | `error.rs` | [`SourceError`], [`BadRecord`] |
//! | `pool.rs` | the scan threads: claim units in order, one sink each, stop on a fatal error |
//! | `file_chunks.rs` | a plain JSON lines file cut into fixed chunks at line boundaries, read in cache-sized blocks (positioned reads) |
//! | `gzip_file.rs` | a gzip file: one inflater thread feeding line-aligned blocks to the scan threads |
//! | `objects.rs` | a list of objects, gzip or plain, each inflated as a stream by one scan thread |
//! | `layout.rs` | the `AWSLogs/…/YYYY/MM/DD/HH/` hour of a delivered key, and which hours a range needs |
//! | `remote.rs` | `s3://bucket/prefix` on any S3 endpoint: list (pruned by hour), fetch ahead in parallel |
//! | `snapshot.rs` | a data directory's log groups: segment files as units, every event a record at its event time |
//! | `query.rs` | [`QuerySink`]: a Logs Insights plan over records, and [`query_file`] / [`query_objects`] |

mod error;
mod file_chunks;
mod gzip_file;
pub mod layout;
mod objects;
mod options;
mod pool;
mod query;
mod record;
pub mod remote;
mod snapshot;

pub use error::{BadRecord, SourceError};
pub use objects::{ObjectFeed, read_objects};
pub use options::{MAX_REPORTED_BAD_RECORDS, OnBadRecord, Progress, ReadOptions, ReadReport};
pub use query::{QueryRun, QuerySink, query_file, query_objects};
pub use record::{Record, RecordSink};
pub use snapshot::read_snapshot;

use std::path::Path;

/// Reads a JSON lines file, plain or gzip (by its first bytes), into one sink per thread.
pub fn read_file<S: RecordSink>(
    path: &Path,
    opts: &ReadOptions,
    make_sink: impl Fn() -> S + Sync,
) -> Result<(Vec<S>, ReadReport), SourceError> {
    if gzip_file::is_gzip(path)? { gzip_file::read(path, opts, make_sink) } else { file_chunks::read(path, opts, make_sink) }
}
