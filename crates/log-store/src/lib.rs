//! CloudWatch Logs semantics on local disk: log groups, streams, events (timestamp, ingestion
//! time, message); durable append; time-ranged, zero-copy scans.
//!
//! The store knows nothing of Bedrock, HTTP or the query language. Layout and guarantees are
//! described in `LAYOUT.md` beside this crate's `Cargo.toml`.
//!
//! ```no_run
//! # fn main() -> Result<(), log_store::StoreError> {
//! use log_store::{InputLogEvent, LogStore, StoreOptions};
//! let store = LogStore::open(std::path::Path::new("/tmp/logs"), StoreOptions::default())?;
//! store.ensure_log_stream("/aws/bedrock/modelinvocations", "aws/bedrock/modelinvocations", 0)?;
//! let events = [InputLogEvent::new(1_700_000_000_000, r#"{"a":1}"#)];
//! store.put_log_events("/aws/bedrock/modelinvocations", "aws/bedrock/modelinvocations", &events, 1_700_000_000_100)?;
//! for seg in store.segments("/aws/bedrock/modelinvocations", None, 0, i64::MAX)? {
//!     let data = seg.read()?;
//!     for e in data.events() {
//!         println!("{} {} {}", e.ptr, e.timestamp, String::from_utf8_lossy(e.message));
//!     }
//! }
//! # Ok(()) }
//! ```

mod append;
pub mod bench;
mod error;
mod handles;
mod meta;
mod names;
mod observer;
mod open;
mod ptr;
mod record;
mod retention;
mod scan;
mod segment;
mod snapshot;
mod store;
mod sync;
mod types;

pub use error::StoreError;
pub use observer::AppendObserver;
pub use ptr::EventPtr;
pub use scan::{EventRef, Events, SegmentData, SegmentRef};
pub use snapshot::{Snapshot, SnapshotSegment};
pub use store::LogStore;
pub use types::{
    AppendReceipt, InputLogEvent, LogGroupInfo, LogStreamInfo, RecoveryReport, StoreOptions, StoredEvent, SweepReport,
};

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn handles_are_send_and_sync() {
        send_sync::<crate::LogStore>();
        send_sync::<crate::SegmentRef>();
        send_sync::<crate::SegmentData>();
        send_sync::<crate::EventPtr>();
        send_sync::<crate::StoreError>();
    }
}
