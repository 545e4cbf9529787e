//! Plain public data types: options, inputs, descriptions and receipts.

use std::path::PathBuf;

/// How a [`crate::LogStore`] behaves.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `fsync` (fdatasync) every append and metadata change before returning. Without it an
    /// acknowledged append survives a process crash (it is in the OS page cache) but not a
    /// power cut. Default `false`.
    pub fsync: bool,
    /// A segment that would grow past this many bytes is sealed and the window continues in a
    /// new file (a single batch larger than this still goes in whole). Bounds the memory of
    /// reading one segment. Default 16 MiB.
    pub max_segment_bytes: u64,
    /// Verify each record's CRC-32 while scanning. Default `true`.
    pub verify_checksums: bool,
    /// Append handles kept open at once (a soft cap; idle handles are closed first, and all
    /// of them when an open runs out of descriptors). Default: the store's share of this
    /// process's descriptor budget when the options are made ([`fd_budget::FdBudget`]: 56 at
    /// a limit of 256, at most 1,024).
    pub max_open_files: usize,
    /// Appends sweep expired segments when their ingestion time is this many milliseconds
    /// past the previous sweep (the store's clock; only once a retention is configured).
    /// Default one minute.
    pub retention_sweep_every_ms: i64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            fsync: false,
            max_segment_bytes: 16 << 20,
            verify_checksums: true,
            max_open_files: fd_budget::FdBudget::current().store_handles,
            retention_sweep_every_ms: 60_000,
        }
    }
}

/// One event to append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputLogEvent<'a> {
    /// Event time, epoch milliseconds.
    pub timestamp: i64,
    /// Stored byte for byte.
    pub message: &'a [u8],
}

impl<'a> InputLogEvent<'a> {
    pub fn new(timestamp: i64, message: &'a (impl AsRef<[u8]> + ?Sized)) -> Self {
        InputLogEvent { timestamp, message: message.as_ref() }
    }
}

/// What [`crate::LogStore::put_log_events`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendReceipt {
    pub event_count: usize,
    /// Bytes added to segment files (messages plus 24 bytes of framing each).
    pub bytes_written: u64,
}

/// A log group as DescribeLogGroups needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroupInfo {
    pub name: String,
    pub creation_time: i64,
    /// The group's own retention policy in days (the store's default is not shown here).
    pub retention_in_days: Option<u32>,
    /// Sum of the group's segment file sizes.
    pub stored_bytes: u64,
}

/// What [`crate::LogStore::sweep_expired`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Segment files deleted.
    pub segments_deleted: usize,
    /// Bytes of records they held.
    pub bytes_deleted: u64,
}

/// A log stream as DescribeLogStreams needs it. Event fields are `None` until the stream
/// has an event (AWS omits them then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogStreamInfo {
    pub name: String,
    pub creation_time: i64,
    /// Smallest event timestamp stored.
    pub first_event_timestamp: Option<i64>,
    /// Largest event timestamp stored.
    pub last_event_timestamp: Option<i64>,
    /// Largest ingestion time stored.
    pub last_ingestion_time: Option<i64>,
    /// Sum of the stream's segment file sizes.
    pub stored_bytes: u64,
}

/// One event fetched by pointer, owning its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub group: String,
    pub stream: String,
    pub timestamp: i64,
    pub ingestion_time: i64,
    pub message: Vec<u8>,
}

/// What [`crate::LogStore::open`] found and repaired. Nothing here stops the store opening.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Segment files read and checked.
    pub segments_checked: usize,
    /// Segments whose interrupted tail was cut off, with the number of bytes removed.
    pub truncated: Vec<(PathBuf, u64)>,
    /// Segments with a bad record before their end, with the number of bytes from the bad
    /// record to the end of the file. The file is kept as it is and sealed (appends for its
    /// window go to a new file); scans return the records before the damage and never see
    /// the rest.
    pub corrupt: Vec<(PathBuf, u64)>,
    /// Files and directories under the data directory that are not part of the store
    /// (for example a directory without metadata); left untouched.
    pub ignored: Vec<PathBuf>,
}
