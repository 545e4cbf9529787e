//! One segment file: naming, the in-memory handle shared by writers and readers, and the
//! recovery walk run on open.
//!
//! A segment holds the events of one stream whose timestamps fall in one window of
//! [`WINDOW_MS`]; `seq` numbers the files of a window (a full file rolls over to `seq + 1`).
//! File name: `<window start ms>.<seq>.seg`, e.g. `1740531600000.0.seg`.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use crate::record::{HEADER_LEN, Header, MAX_MESSAGE_BYTES};

/// Length of a segment's time window: one hour of event timestamp. Part of the on-disk format.
pub(crate) const WINDOW_MS: i64 = 3_600_000;

/// Start of the window holding `timestamp`. The lowest window, whose true start is below
/// `i64::MIN`, starts at `i64::MIN`.
pub(crate) fn window_start(timestamp: i64) -> i64 {
    timestamp.div_euclid(WINDOW_MS).saturating_mul(WINDOW_MS)
}

/// Exclusive end of the window starting at `start` (`i64::MAX` for the highest window).
pub(crate) fn window_end(start: i64) -> i64 {
    (start.div_euclid(WINDOW_MS) + 1).saturating_mul(WINDOW_MS)
}

pub(crate) fn file_name(start: i64, seq: u32) -> String {
    format!("{start}.{seq}.seg")
}

/// Parses a segment file name; `None` for anything else (including misaligned windows).
pub(crate) fn parse_file_name(name: &str) -> Option<(i64, u32)> {
    let stem = name.strip_suffix(".seg")?;
    let (start, seq) = stem.rsplit_once('.')?;
    let start: i64 = start.parse().ok()?;
    let seq: u32 = seq.parse().ok()?;
    (window_start(start) == start && file_name(start, seq) == name).then_some((start, seq))
}

/// Shared handle of one segment file.
#[derive(Debug)]
pub(crate) struct Segment {
    pub(crate) path: PathBuf,
    pub(crate) window_start: i64,
    pub(crate) seq: u32,
    /// Bytes of whole, acknowledged records. Readers never look past it.
    pub(crate) committed: AtomicU64,
    /// Smallest and largest event timestamp in the committed records (`i64::MAX`/`i64::MIN`
    /// while empty): time ranges skip the files of their hour they cannot overlap.
    pub(crate) min_ts: AtomicI64,
    pub(crate) max_ts: AtomicI64,
    /// No more appends: full, holds corruption found on open, or expired.
    pub(crate) sealed: AtomicBool,
    /// Deleted by retention: a reader that finds no file reads nothing.
    pub(crate) expired: AtomicBool,
    /// The append handle, opened lazily and closed by the open-file cache. An `Arc` so a
    /// group-commit leader can `fdatasync` without holding the lock.
    pub(crate) writer: Mutex<Option<Arc<File>>>,
    /// Group commit state (used with `StoreOptions::fsync`).
    pub(crate) sync: Mutex<SyncState>,
    pub(crate) synced_cv: Condvar,
}

/// Durability watermark of a segment for group commit.
#[derive(Debug, Default)]
pub(crate) struct SyncState {
    /// Bytes known to be on disk.
    pub(crate) synced: u64,
    /// A writer is running `fdatasync` for everyone.
    pub(crate) leader: bool,
    /// An `fdatasync` failed: nothing not yet confirmed can be trusted any more.
    pub(crate) failed: bool,
}

impl Segment {
    pub(crate) fn new(path: PathBuf, window_start: i64, seq: u32, committed: u64) -> Segment {
        Segment {
            path,
            window_start,
            seq,
            committed: AtomicU64::new(committed),
            min_ts: AtomicI64::new(i64::MAX),
            max_ts: AtomicI64::new(i64::MIN),
            sealed: AtomicBool::new(false),
            expired: AtomicBool::new(false),
            writer: Mutex::new(None),
            sync: Mutex::new(SyncState { synced: committed, leader: false, failed: false }),
            synced_cv: Condvar::new(),
        }
    }

    pub(crate) fn committed(&self) -> u64 {
        self.committed.load(Ordering::Acquire)
    }

    /// Records that the segment holds events from `min` to `max`.
    pub(crate) fn widen_span(&self, min: i64, max: i64) {
        self.min_ts.fetch_min(min, Ordering::AcqRel);
        self.max_ts.fetch_max(max, Ordering::AcqRel);
    }

    /// Whether an event of `[start, end]` may be in the segment.
    pub(crate) fn may_overlap(&self, start: i64, end: i64) -> bool {
        self.min_ts.load(Ordering::Acquire) <= end && self.max_ts.load(Ordering::Acquire) >= start
    }
}

/// What the recovery walk found in one file.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub(crate) file_len: u64,
    /// Length of the prefix made of whole, valid records.
    pub(crate) valid_len: u64,
    pub(crate) events: u64,
    pub(crate) min_timestamp: Option<i64>,
    pub(crate) max_timestamp: Option<i64>,
    pub(crate) max_ingestion: Option<i64>,
    /// The bytes after `valid_len` look like an interrupted append (safe to cut off):
    /// an incomplete record, a bad record that reaches end of file, or all zeros.
    pub(crate) torn_tail: bool,
}

/// Reads a segment file front to back, validating every record, without holding it in memory.
pub(crate) fn walk(file: &File) -> io::Result<Walk> {
    let file_len = file.metadata()?.len();
    let mut r = BufReader::with_capacity(256 << 10, file);
    let mut w = Walk { file_len, ..Walk::default() };
    let mut raw = [0u8; HEADER_LEN];
    let mut message = Vec::new();
    loop {
        let left = file_len - w.valid_len;
        if left == 0 {
            return Ok(w);
        }
        if left < HEADER_LEN as u64 {
            w.torn_tail = true;
            return Ok(w);
        }
        r.read_exact(&mut raw)?;
        let h = Header::parse(&raw);
        let record_len = (HEADER_LEN + h.len) as u64;
        if h.len > MAX_MESSAGE_BYTES {
            break;
        }
        if record_len > left {
            w.torn_tail = true;
            return Ok(w);
        }
        message.resize(h.len, 0);
        r.read_exact(&mut message)?;
        if !h.verify(&raw, &message) {
            if record_len == left {
                w.torn_tail = true;
                return Ok(w);
            }
            break;
        }
        w.events += 1;
        w.min_timestamp = Some(w.min_timestamp.map_or(h.timestamp, |m| m.min(h.timestamp)));
        w.max_timestamp = Some(w.max_timestamp.map_or(h.timestamp, |m| m.max(h.timestamp)));
        w.max_ingestion = Some(w.max_ingestion.map_or(h.ingestion_time, |m| m.max(h.ingestion_time)));
        w.valid_len += record_len;
    }
    // A bad record in the middle: a zero-filled remainder is still an interrupted append
    // (what a file system leaves after a power cut); anything else is real corruption.
    w.torn_tail = all_zero_from(file, w.valid_len)?;
    Ok(w)
}

fn all_zero_from(file: &File, offset: u64) -> io::Result<bool> {
    use std::io::{Seek, SeekFrom};
    let mut f = file;
    f.seek(SeekFrom::Start(offset))?;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            return Ok(true);
        }
        if buf[..n].iter().any(|&b| b != 0) {
            return Ok(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_reject_junk() {
        for (s, q) in [(0, 0), (WINDOW_MS * 483_481, 3), (-WINDOW_MS, 0), (window_start(i64::MIN), 9)] {
            assert_eq!(parse_file_name(&file_name(s, q)), Some((s, q)));
        }
        for junk in ["1.0.seg", "0.0", "0.-1.seg", "x.0.seg", "00.0.seg", "0.00.seg", "+0.0.seg", ""] {
            assert_eq!(parse_file_name(junk), None, "{junk}");
        }
    }

    #[test]
    fn windows_are_floor_aligned() {
        assert_eq!(window_start(0), 0);
        assert_eq!(window_start(WINDOW_MS - 1), 0);
        assert_eq!(window_start(-1), -WINDOW_MS);
        assert_eq!(window_end(window_start(i64::MAX)), i64::MAX);
        assert_eq!(window_start(i64::MIN), i64::MIN);
        assert_eq!(window_start(window_end(i64::MIN)), window_end(i64::MIN));
        assert!(window_end(i64::MIN) > i64::MIN && window_start(window_end(i64::MIN) - 1) == i64::MIN);
    }
}
