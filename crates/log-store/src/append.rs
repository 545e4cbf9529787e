//! [`LogStore::put_log_events`]: the hot path.
//!
//! A batch is split by time window (almost always one), each part is encoded into one buffer
//! and written with a single positioned `write` under the segment's mutex, so parts never
//! interleave and a concurrent reader, bounded by the segment's committed length, only ever
//! sees whole batches. Append handles stay open in a small FIFO cache (`handles.rs`), and an
//! open that runs out of descriptors is retried once after the cache is emptied.
//!
//! With `fsync`, durability uses group commit: after its write a writer releases the segment
//! mutex and waits until the segment's synced watermark passes its end; one waiting writer at
//! a time becomes the leader and runs `fdatasync` for every byte written so far.

use std::collections::BTreeMap;
use std::fs::File;
use std::fs::OpenOptions;
use std::os::unix::fs::FileExt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use crate::error::{IoContext, StoreError};
use crate::handles::{open_file, relieved};
use crate::meta;
use crate::record::{self, MAX_MESSAGE_BYTES};
use crate::segment::{Segment, file_name, window_start};
use crate::store::{LogStore, Stream};
use crate::sync::{lock, read, write};
use crate::types::{AppendReceipt, InputLogEvent};

impl LogStore {
    /// Appends `events` to an existing stream, all with ingestion time `ingestion_time_ms`.
    ///
    /// When this returns `Ok`, every event has been handed to the OS (`write(2)` returned), so
    /// killing the process loses nothing; with [`crate::StoreOptions::fsync`] the data is also
    /// on disk. The events of one time window are written as one unit: other writers never
    /// interleave with it, readers see all of it or none, and a crash leaves a whole-record
    /// prefix. A batch spanning several windows is written window by window, in time order.
    /// Events keep their order within a window. An empty batch is a no-op.
    ///
    /// Errors: `GroupNotFound`, `StreamNotFound`, `EventTooLarge` (nothing written), `Io`.
    pub fn put_log_events(
        &self,
        group: &str,
        stream: &str,
        events: &[InputLogEvent<'_>],
        ingestion_time_ms: i64,
    ) -> Result<AppendReceipt, StoreError> {
        let s = self.stream_handle(group, stream)?;
        if let Some((index, e)) = events.iter().enumerate().find(|(_, e)| e.message.len() > MAX_MESSAGE_BYTES) {
            return Err(StoreError::EventTooLarge { index, len: e.message.len(), max: MAX_MESSAGE_BYTES });
        }
        let Some(first) = events.first() else {
            return Ok(AppendReceipt { event_count: 0, bytes_written: 0 });
        };
        let w0 = window_start(first.timestamp);
        let mut bytes_written = 0;
        if events.iter().all(|e| window_start(e.timestamp) == w0) {
            bytes_written += self.append_window(&s, w0, events.iter(), ingestion_time_ms)?;
        } else {
            let mut by_window: BTreeMap<i64, Vec<&InputLogEvent<'_>>> = BTreeMap::new();
            for e in events {
                by_window.entry(window_start(e.timestamp)).or_default().push(e);
            }
            for (w, part) in by_window {
                bytes_written += self.append_window(&s, w, part.into_iter(), ingestion_time_ms)?;
            }
        }
        if let Some(observer) = self.inner.observer.get() {
            observer.appended(group, stream, events);
        }
        self.sweep_if_due(ingestion_time_ms);
        Ok(AppendReceipt { event_count: events.len(), bytes_written })
    }

    fn append_window<'e>(
        &self,
        s: &Stream,
        window: i64,
        events: impl Iterator<Item = &'e InputLogEvent<'e>> + Clone,
        ingestion: i64,
    ) -> Result<u64, StoreError> {
        let total: usize = events.clone().map(|e| record::encoded_len(e.message.len())).sum();
        let mut buf = Vec::with_capacity(total);
        let (mut min_ts, mut max_ts) = (i64::MAX, i64::MIN);
        for e in events {
            record::encode(&mut buf, e.timestamp, ingestion, e.message);
            min_ts = min_ts.min(e.timestamp);
            max_ts = max_ts.max(e.timestamp);
        }
        self.append_bytes(s, window, &buf, (min_ts, max_ts))?;
        s.stats.record(min_ts, max_ts, ingestion);
        Ok(buf.len() as u64)
    }

    /// Writes `bytes` (records whose timestamps span `span`) to the window's active segment.
    fn append_bytes(&self, s: &Stream, window: i64, bytes: &[u8], span: (i64, i64)) -> Result<(), StoreError> {
        let options = &self.inner.options;
        let len = bytes.len() as u64;
        loop {
            let seg = active_segment(s, window)?;
            let mut writer = lock(&seg.writer);
            if s.is_deleted() {
                return Err(StoreError::StreamNotFound { group: s.group.to_string(), stream: s.name.to_string() });
            }
            if seg.sealed.load(Ordering::Acquire) {
                continue;
            }
            let at = seg.committed();
            if at > 0 && at + len > options.max_segment_bytes {
                seg.sealed.store(true, Ordering::Release);
                // A full file takes no more appends: its descriptor goes now, not when the cache
                // gets round to it (a busy stream fills a file every few seconds).
                *writer = None;
                continue;
            }
            let opened_now = writer.is_none();
            let file = match writer.as_ref() {
                Some(f) => f.clone(),
                None => {
                    let mut open = OpenOptions::new();
                    open.write(true).create(true).truncate(false);
                    let f = relieved(&self.inner.handles, || open_file(&open, &seg.path))?;
                    if options.fsync && at == 0 {
                        meta::sync_dir(&s.dir)?;
                    }
                    writer.insert(Arc::new(f)).clone()
                }
            };
            if let Err(e) = file.write_all_at(bytes, at) {
                // Leave no partial batch for the next writer to build on.
                let _ = file.set_len(at);
                return Err(e).at(&seg.path);
            }
            // The span first: a reader that sees the new bytes also sees their times.
            seg.widen_span(span.0, span.1);
            seg.committed.store(at + len, Ordering::Release);
            drop(writer);
            if opened_now {
                self.inner.handles.track(&seg);
            }
            if options.fsync {
                wait_durable(&seg, &file, at + len)?;
            }
            return Ok(());
        }
    }
}

/// Returns once the segment is on disk up to `end`, running `fdatasync` as the leader when
/// nobody else is. After a failed `fdatasync` every unconfirmed append of the segment fails
/// (the kernel may have dropped those pages) and the segment is sealed.
fn wait_durable(seg: &Segment, file: &File, end: u64) -> Result<(), StoreError> {
    let mut st = lock(&seg.sync);
    loop {
        if st.synced >= end {
            return Ok(());
        }
        if st.failed {
            let e = std::io::Error::other("an earlier fdatasync of this segment failed");
            return Err(e).at(&seg.path);
        }
        if !st.leader {
            st.leader = true;
            let upto = seg.committed();
            drop(st);
            let result = file.sync_data();
            st = lock(&seg.sync);
            st.leader = false;
            match result {
                Ok(()) => st.synced = st.synced.max(upto),
                Err(_) => {
                    st.failed = true;
                    seg.sealed.store(true, Ordering::Release);
                }
            }
            seg.synced_cv.notify_all();
            if let Err(e) = result {
                return Err(e).at(&seg.path);
            }
            continue;
        }
        st = seg.synced_cv.wait(st).unwrap_or_else(PoisonError::into_inner);
    }
}

/// The segment that takes appends for `window`: the last one, or a new one after it when it
/// is sealed (or none exists yet). The file itself is created by the first write.
fn active_segment(s: &Stream, window: i64) -> Result<Arc<Segment>, StoreError> {
    let range = (window, 0)..=(window, u32::MAX);
    if let Some(seg) = read(&s.segments).range(range.clone()).next_back().map(|(_, v)| v)
        && !seg.sealed.load(Ordering::Acquire)
    {
        return Ok(seg.clone());
    }
    let mut segs = write(&s.segments);
    let seq = match segs.range(range).next_back().map(|(_, v)| v) {
        Some(seg) if !seg.sealed.load(Ordering::Acquire) => return Ok(seg.clone()),
        Some(seg) => seg.seq.checked_add(1).ok_or_else(|| StoreError::Io {
            path: seg.path.clone(),
            source: std::io::Error::other("too many segments in one window"),
        })?,
        None => 0,
    };
    let seg = Arc::new(Segment::new(s.dir.join(file_name(window, seq)), window, seq, 0));
    segs.insert((window, seq), seg.clone());
    Ok(seg)
}
