//! How to read ([`ReadOptions`]) and what was read ([`ReadReport`]).

use std::sync::Arc;

use crate::error::BadRecord;

/// What to do with a line that is not a record (not JSON, no `timestamp` string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnBadRecord {
    /// Stop and report it (the default).
    #[default]
    Fail,
    /// Report it and go on.
    Skip,
}

/// Called with the number of input bytes consumed since the last call (for a progress bar).
pub type Progress = Arc<dyn Fn(u64) + Send + Sync>;

/// How to read.
#[derive(Clone)]
pub struct ReadOptions {
    /// Scan threads (at least 1).
    pub threads: usize,
    /// First record time included, epoch ms.
    pub start_ms: i64,
    /// Last record time included, epoch ms.
    pub end_ms: i64,
    pub on_bad_record: OnBadRecord,
    pub progress: Option<Progress>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { threads: 1, start_ms: i64::MIN, end_ms: i64::MAX, on_bad_record: OnBadRecord::Fail, progress: None }
    }
}

impl std::fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOptions")
            .field("threads", &self.threads)
            .field("start_ms", &self.start_ms)
            .field("end_ms", &self.end_ms)
            .field("on_bad_record", &self.on_bad_record)
            .finish_non_exhaustive()
    }
}

/// At most this many skipped bad records are kept with their location; the rest are counted.
pub const MAX_REPORTED_BAD_RECORDS: usize = 100;

/// What a read saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Records handed to the sinks (inside the time range).
    pub records: u64,
    /// Records outside the time range.
    pub out_of_range: u64,
    /// Input bytes after decompression.
    pub bytes: u64,
    /// Objects read, and objects skipped by their key's hour without being read.
    pub objects_read: u64,
    pub objects_skipped: u64,
    /// Skipped bad records (the first [`MAX_REPORTED_BAD_RECORDS`], in input order) and their count.
    pub bad_records: Vec<BadRecord>,
    pub bad_record_count: u64,
}

impl ReadReport {
    pub(crate) fn add(&mut self, other: ReadReport) {
        self.records += other.records;
        self.out_of_range += other.out_of_range;
        self.bytes += other.bytes;
        self.objects_read += other.objects_read;
        self.objects_skipped += other.objects_skipped;
        self.bad_records.extend(other.bad_records);
        self.bad_record_count += other.bad_record_count;
    }
}
