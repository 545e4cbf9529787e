//! [`Snapshot`]: a read-only view of a store directory, for a query that runs with no emulator
//! on it (`bedrock-emulator query --data-dir`). Unlike [`crate::LogStore::open`] it takes the
//! lock *shared* (so it still fails with `Locked` while an emulator holds the directory),
//! creates and repairs nothing, and does not walk the segments: it lists them by file name,
//! so opening costs a directory listing, not a read of the data. Reading a segment verifies
//! each record's checksum (unless [`crate::StoreOptions::verify_checksums`] is off) and stops
//! at the first record that is incomplete or damaged, as the scan of an open store does.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{IoContext, StoreError};
use crate::meta::{self, GROUP_META, STREAM_META};
use crate::names::{encode_component, stream_id};
use crate::ptr::EventPtr;
use crate::record::{Decoded, decode_at};
use crate::scan::{EventRef, SegmentData};
use crate::segment::{self, window_end};
use crate::store::{GROUPS_DIR, STREAMS_DIR};

/// A read-only, lock-shared listing of a store's groups, streams and segment files.
#[derive(Debug)]
pub struct Snapshot {
    groups: BTreeMap<String, Vec<SnapshotStream>>,
    verify: bool,
    _lock: Option<File>,
}

#[derive(Debug)]
struct SnapshotStream {
    name: Arc<str>,
    id: u64,
    /// (window start, seq, path), in (window, seq) order.
    segments: Vec<(i64, u32, PathBuf)>,
}

/// One segment file of a [`Snapshot`], chosen by a time range.
#[derive(Debug, Clone)]
pub struct SnapshotSegment {
    stream: Arc<str>,
    stream_id: u64,
    window_start: i64,
    seq: u32,
    path: PathBuf,
    verify: bool,
}

fn meta_name(dir: &Path, file: &str) -> Option<String> {
    let m = meta::read_meta(&dir.join(file))?;
    let ok = !m.name.is_empty() && dir.file_name()?.to_str()? == encode_component(&m.name);
    ok.then_some(m.name)
}

impl Snapshot {
    /// Lists the store under `root`. A directory that holds no store yet is an empty snapshot.
    /// Errors: `Locked` while a [`crate::LogStore`] (a running emulator) has it open,
    /// `UnsupportedFormat`, I/O errors.
    pub fn open(root: &Path, verify_checksums: bool) -> Result<Snapshot, StoreError> {
        let lock_path = root.join("LOCK");
        let lock = match OpenOptions::new().read(true).open(&lock_path) {
            Ok(f) => Some(f),
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => return Err(e).at(&lock_path),
        };
        if let Some(f) = &lock {
            match f.try_lock_shared() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Err(StoreError::Locked { path: root.to_path_buf() }),
                Err(std::fs::TryLockError::Error(e)) => return Err(e).at(&lock_path),
            }
        }
        let format_path = root.join("FORMAT");
        match fs::read(&format_path) {
            Ok(found) if found == crate::open::FORMAT.as_bytes() => {}
            Ok(found) => {
                return Err(StoreError::UnsupportedFormat {
                    path: root.to_path_buf(),
                    found: String::from_utf8_lossy(&found).trim().to_string(),
                    expected: crate::open::FORMAT.trim_ascii_end(),
                });
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e).at(&format_path),
        }
        let mut groups = BTreeMap::new();
        let groups_dir = root.join(GROUPS_DIR);
        let entries = match fs::read_dir(&groups_dir) {
            Ok(entries) => Some(entries),
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => return Err(e).at(&groups_dir),
        };
        for entry in entries.into_iter().flatten() {
            let dir = entry.at(&groups_dir)?.path();
            let streams_dir = dir.join(STREAMS_DIR);
            let Some(group) = meta_name(&dir, GROUP_META).filter(|_| streams_dir.is_dir()) else { continue };
            let mut streams = Vec::new();
            for sentry in fs::read_dir(&streams_dir).at(&streams_dir)? {
                let sdir = sentry.at(&streams_dir)?.path();
                let Some(name) = meta_name(&sdir, STREAM_META) else { continue };
                let mut segments = Vec::new();
                for f in fs::read_dir(&sdir).at(&sdir)? {
                    let f = f.at(&sdir)?;
                    if let Some((start, seq)) = f.file_name().to_str().and_then(segment::parse_file_name) {
                        segments.push((start, seq, f.path()));
                    }
                }
                segments.sort_by_key(|(w, s, _)| (*w, *s));
                streams.push(SnapshotStream { id: stream_id(&group, &name), name: name.into(), segments });
            }
            streams.sort_by(|a, b| a.name.cmp(&b.name));
            groups.insert(group, streams);
        }
        Ok(Snapshot { groups, verify: verify_checksums, _lock: lock })
    }

    /// Log group names, in name order.
    pub fn log_groups(&self) -> Vec<String> {
        self.groups.keys().cloned().collect()
    }

    /// Whether the group exists.
    pub fn has_log_group(&self, name: &str) -> bool {
        self.groups.contains_key(name)
    }

    /// The segments of `group` (every stream, in stream then time order) whose window meets
    /// `[start_ms, end_ms]`, decided from file names alone. Errors: `GroupNotFound`.
    pub fn segments(&self, group: &str, start_ms: i64, end_ms: i64) -> Result<Vec<SnapshotSegment>, StoreError> {
        let streams = self.groups.get(group).ok_or_else(|| StoreError::GroupNotFound(group.to_owned()))?;
        let mut out = Vec::new();
        for s in streams {
            for (w, seq, path) in &s.segments {
                if *w <= end_ms && window_end(*w) > start_ms {
                    out.push(SnapshotSegment {
                        stream: s.name.clone(),
                        stream_id: s.id,
                        window_start: *w,
                        seq: *seq,
                        path: path.clone(),
                        verify: self.verify,
                    });
                }
            }
        }
        Ok(out)
    }
}

impl SnapshotSegment {
    /// The stream's name.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// The file's time window `[start, end)`.
    pub fn window(&self) -> (i64, i64) {
        (self.window_start, window_end(self.window_start))
    }

    /// Calls `f` with each event of the file, in order, reading `piece` bytes at a time into
    /// `buf` (whose allocation is reused): a piece small enough to stay in the core's cache
    /// while its events are scanned. Stops at the first record that is incomplete at the end of
    /// the file or damaged, as [`SnapshotSegment::read_into`]'s events do.
    pub fn for_each_event(&self, buf: &mut Vec<u8>, piece: usize, mut f: impl FnMut(EventRef<'_>)) -> Result<(), StoreError> {
        let mut file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).at(&self.path),
        };
        if buf.len() < piece {
            buf.resize(piece, 0);
        }
        // `buf[..filled]` holds the file from offset `base`.
        let (mut base, mut filled, mut eof) = (0u64, 0usize, false);
        loop {
            if filled == buf.len() {
                let double = buf.len() * 2;
                buf.resize(double, 0); // a record longer than the piece
            }
            let n = loop {
                match file.read(&mut buf[filled..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) => return Err(e).at(&self.path),
                }
            };
            filled += n;
            eof = eof || n == 0;
            let mut off = 0;
            loop {
                match decode_at(&buf[..filled], off, self.verify) {
                    Decoded::Record(r, next) => {
                        let ptr = EventPtr {
                            stream_id: self.stream_id,
                            window_start: self.window_start,
                            seq: self.seq,
                            offset: base + off as u64,
                        };
                        f(EventRef { timestamp: r.timestamp, ingestion_time: r.ingestion_time, message: r.message, ptr });
                        off = next;
                    }
                    Decoded::End => break,
                    Decoded::Incomplete if !eof => break,
                    Decoded::Incomplete | Decoded::Corrupt(_) => return Ok(()),
                }
            }
            if eof {
                return Ok(());
            }
            buf.copy_within(off..filled, 0);
            filled -= off;
            base += off as u64;
        }
    }

    /// Reads the file into `buf` (reusing its allocation); events iterate as for an open store.
    pub fn read_into(&self, mut buf: Vec<u8>) -> Result<SegmentData, StoreError> {
        buf.clear();
        match File::open(&self.path) {
            Ok(mut f) => {
                if let Ok(m) = f.metadata() {
                    buf.reserve_exact(m.len() as usize);
                }
                f.read_to_end(&mut buf).at(&self.path)?;
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e).at(&self.path),
        }
        Ok(SegmentData::from_parts(buf, self.stream_id, self.window_start, self.seq, self.verify))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputLogEvent, LogStore, StoreOptions};

    #[test]
    fn a_snapshot_lists_and_reads_what_a_closed_store_holds() {
        let dir = tempfile::tempdir().unwrap();
        let hour = 3_600_000;
        {
            let store = LogStore::open(dir.path(), StoreOptions::default()).unwrap();
            store.ensure_log_stream("g", "s", 0).unwrap();
            store.ensure_log_stream("other", "s", 0).unwrap();
            let events = [
                InputLogEvent::new(hour, "a"),
                InputLogEvent::new(2 * hour + 1, "b"),
                InputLogEvent::new(2 * hour + 2, "a longer message"),
                InputLogEvent::new(2 * hour + 3, "c"),
            ];
            store.put_log_events("g", "s", &events, 0).unwrap();
            // While the store is open, a snapshot is refused.
            assert!(matches!(Snapshot::open(dir.path(), true), Err(StoreError::Locked { .. })));
        }
        let snap = Snapshot::open(dir.path(), true).unwrap();
        assert_eq!(snap.log_groups(), ["g", "other"]);
        let all = snap.segments("g", i64::MIN, i64::MAX).unwrap();
        assert_eq!(all.len(), 2);
        let data = all[1].read_into(Vec::new()).unwrap();
        let events: Vec<_> = data.events().map(|e| (e.timestamp, e.message.to_vec())).collect();
        assert_eq!(events[0], (2 * hour + 1, b"b".to_vec()));
        assert_eq!(events.len(), 3);
        assert_eq!(all[1].stream(), "s");
        for seg in &all {
            let whole: Vec<_> =
                seg.read_into(Vec::new()).unwrap().events().map(|e| (e.timestamp, e.message.to_vec(), e.ptr)).collect();
            for piece in [1, 7, 30, 1 << 18] {
                let mut pieces = Vec::new();
                seg.for_each_event(&mut Vec::new(), piece, |e| pieces.push((e.timestamp, e.message.to_vec(), e.ptr))).unwrap();
                assert_eq!(pieces, whole, "piece {piece}");
            }
        }
        assert_eq!(snap.segments("g", 2 * hour, 2 * hour).unwrap().len(), 1);
        assert!(matches!(snap.segments("nope", 0, 1), Err(StoreError::GroupNotFound(_))));
        // Pointers resolve in the store, as a live scan's do.
        let ptr = data.events().next().unwrap().ptr;
        drop(snap);
        let store = LogStore::open(dir.path(), StoreOptions::default()).unwrap();
        assert_eq!(store.get_event(&ptr).unwrap().unwrap().message, b"b");
        drop(store);
        let empty = tempfile::tempdir().unwrap();
        assert!(Snapshot::open(empty.path(), true).unwrap().log_groups().is_empty());
    }
}
