//! A table's scan: its objects found (`objects.rs`: LOCATION, registered partitions or
//! partition projection), spread over the session's partitions, and read by
//! `stream.rs` through the JsonSerDe into Arrow batches, in parallel, cancellable by dropping.

mod objects;
mod provider;
mod stream;

pub(crate) use provider::JsonTable;
