//! Reading side: [`SegmentRef`] (a segment chosen by a time range), [`SegmentData`] (its bytes)
//! and the zero-copy event iterator.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Read};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::error::{IoContext, StoreError};
use crate::handles::{HandleCache, open_file, relieved};
use crate::ptr::EventPtr;
use crate::record::{Decoded, decode_at};
use crate::segment::{Segment, window_end};
use crate::store::Stream;

/// A segment file selected by [`crate::LogStore::segments`]. Cheap to clone and to send to
/// another thread; reading happens in [`SegmentRef::read`].
#[derive(Debug, Clone)]
pub struct SegmentRef {
    pub(crate) segment: Arc<Segment>,
    pub(crate) stream: Arc<Stream>,
    pub(crate) verify: bool,
    /// The store's append handles, released when an open runs out of descriptors.
    pub(crate) handles: Arc<HandleCache>,
}

impl SegmentRef {
    pub fn group(&self) -> &str {
        &self.stream.group
    }

    pub fn stream(&self) -> &str {
        &self.stream.name
    }

    /// The segment's time window, `[start, end)` in epoch ms: every event in it has
    /// `start <= timestamp < end`.
    pub fn window(&self) -> (i64, i64) {
        (self.segment.window_start, window_end(self.segment.window_start))
    }

    /// Bytes of whole records in the file now (it may grow while you hold the ref).
    pub fn len_bytes(&self) -> u64 {
        self.segment.committed()
    }

    /// Reads the committed prefix of the file into a new buffer.
    pub fn read(&self) -> Result<SegmentData, StoreError> {
        self.read_into(Vec::new())
    }

    /// Like [`SegmentRef::read`], reusing `buf`'s allocation (take it back with
    /// [`SegmentData::into_buffer`]), so a scanning thread allocates once.
    pub fn read_into(&self, mut buf: Vec<u8>) -> Result<SegmentData, StoreError> {
        buf.clear();
        let committed = self.segment.committed();
        let path = &self.segment.path;
        match relieved(&self.handles, || open_file(OpenOptions::new().read(true), path)) {
            Ok(f) => {
                buf.reserve_exact(committed as usize);
                f.take(committed).read_to_end(&mut buf).at(path)?;
            }
            // Never written (committed == 0), removed with its stream or group, or expired by
            // retention: nothing to read.
            Err(StoreError::Io { source, .. })
                if source.kind() == ErrorKind::NotFound
                    && (committed == 0 || self.stream.is_deleted() || self.segment.expired.load(Ordering::Acquire)) => {}
            Err(e) => return Err(e),
        }
        Ok(SegmentData {
            buf,
            stream_id: self.stream.id,
            window_start: self.segment.window_start,
            seq: self.segment.seq,
            verify: self.verify,
        })
    }
}

/// The bytes of one segment: a consistent prefix of whole records.
#[derive(Debug)]
pub struct SegmentData {
    buf: Vec<u8>,
    stream_id: u64,
    window_start: i64,
    seq: u32,
    verify: bool,
}

impl SegmentData {
    /// The bytes of a segment read outside an open store (`snapshot.rs`).
    pub(crate) fn from_parts(buf: Vec<u8>, stream_id: u64, window_start: i64, seq: u32, verify: bool) -> SegmentData {
        SegmentData { buf, stream_id, window_start, seq, verify }
    }

    /// Events in append order; messages are slices of this buffer.
    pub fn events(&self) -> Events<'_> {
        Events { data: self, off: 0, skipped: 0 }
    }

    /// Size of the buffer (framing included): the "bytes scanned" of this segment.
    pub fn len_bytes(&self) -> usize {
        self.buf.len()
    }

    /// Gives the buffer back for [`SegmentRef::read_into`].
    pub fn into_buffer(self) -> Vec<u8> {
        self.buf
    }
}

/// Iterator over the events of a [`SegmentData`].
///
/// Reads stop at the segment's committed length, which never includes damage found on open,
/// so in practice every record is whole. Should the file be damaged behind the store's back,
/// the iterator stops at the first record that is incomplete or fails its checksum (when
/// [`crate::StoreOptions::verify_checksums`] is on) and [`Events::skipped_bytes`] tells how
/// many bytes were left unread. It never panics on any bytes.
#[derive(Debug)]
pub struct Events<'a> {
    data: &'a SegmentData,
    off: usize,
    skipped: usize,
}

impl Events<'_> {
    /// Bytes after the last good record that were skipped as damaged (0 when all is well).
    pub fn skipped_bytes(&self) -> usize {
        self.skipped
    }
}

/// One event, borrowing its message from the segment buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRef<'a> {
    pub timestamp: i64,
    pub ingestion_time: i64,
    /// The message exactly as appended.
    pub message: &'a [u8],
    pub ptr: EventPtr,
}

impl<'a> Iterator for Events<'a> {
    type Item = EventRef<'a>;

    #[inline]
    fn next(&mut self) -> Option<EventRef<'a>> {
        let d = self.data;
        match decode_at(&d.buf, self.off, d.verify) {
            Decoded::Record(r, next) => {
                let ptr = EventPtr { stream_id: d.stream_id, window_start: d.window_start, seq: d.seq, offset: self.off as u64 };
                self.off = next;
                Some(EventRef { timestamp: r.timestamp, ingestion_time: r.ingestion_time, message: r.message, ptr })
            }
            Decoded::End => None,
            Decoded::Incomplete | Decoded::Corrupt(_) => {
                self.skipped = d.buf.len() - self.off;
                self.off = d.buf.len();
                None
            }
        }
    }
}
