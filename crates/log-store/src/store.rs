//! [`LogStore`]: the in-memory model of groups and streams and the operations on them.
//! Opening is in `open.rs`, appending in `append.rs`.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::error::{IoContext, StoreError};
use crate::handles::{HandleCache, open_file, relieved};
use crate::meta::{self, GROUP_META, Meta, STREAM_META};
use crate::names::{encode_component, stream_id};
use crate::ptr::EventPtr;
use crate::record::{HEADER_LEN, Header};
use crate::scan::SegmentRef;
use crate::segment::{Segment, window_start};
use crate::sync::{lock, read, write};
use crate::types::{LogGroupInfo, LogStreamInfo, RecoveryReport, StoreOptions, StoredEvent};

pub(crate) const GROUPS_DIR: &str = "groups";
pub(crate) const STREAMS_DIR: &str = "streams";
pub(crate) const TMP_DIR: &str = "tmp";

/// A durable, concurrent store of CloudWatch-style log groups, streams and events.
///
/// Cheap to clone (an `Arc` inside); all methods take `&self` and may be called from any
/// thread. See `LAYOUT.md` for the files and the durability rules.
#[derive(Clone)]
pub struct LogStore {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for LogStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogStore").field("root", &self.inner.root).finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) root: PathBuf,
    pub(crate) groups_dir: PathBuf,
    pub(crate) tmp_dir: PathBuf,
    pub(crate) options: StoreOptions,
    pub(crate) groups: RwLock<BTreeMap<String, Arc<Group>>>,
    pub(crate) by_id: RwLock<HashMap<u64, Arc<Stream>>>,
    /// The open append handles (see `handles.rs`).
    pub(crate) handles: Arc<HandleCache>,
    /// Retention of groups without a policy of their own, in days (0: none).
    pub(crate) default_retention_days: AtomicU32,
    /// Set once any retention (a group's or the default) has been configured: until then
    /// appends never sweep.
    pub(crate) retention_configured: AtomicBool,
    /// The store time (an append's ingestion time) at which appends next sweep expired segments.
    pub(crate) next_sweep_ms: AtomicI64,
    /// Serializes sweeps.
    pub(crate) sweeping: Mutex<()>,
    pub(crate) report: RecoveryReport,
    /// Told of every successful append (see `observer.rs`).
    pub(crate) observer: std::sync::OnceLock<Arc<dyn crate::AppendObserver>>,
    /// Holds the advisory lock on `<root>/LOCK` for the store's lifetime.
    pub(crate) _lock: File,
}

#[derive(Debug)]
pub(crate) struct Group {
    pub(crate) name: Arc<str>,
    pub(crate) dir: PathBuf,
    pub(crate) creation_time: i64,
    /// The group's retention policy in days (0: none); persisted in `group.json`.
    pub(crate) retention_days: AtomicU32,
    pub(crate) streams: RwLock<BTreeMap<String, Arc<Stream>>>,
}

#[derive(Debug)]
pub(crate) struct Stream {
    pub(crate) group: Arc<str>,
    pub(crate) name: Arc<str>,
    pub(crate) id: u64,
    pub(crate) dir: PathBuf,
    pub(crate) creation_time: i64,
    pub(crate) segments: RwLock<BTreeMap<(i64, u32), Arc<Segment>>>,
    pub(crate) stats: StreamStats,
    pub(crate) deleted: AtomicBool,
}

/// Event statistics of a stream, updated after every append.
#[derive(Debug)]
pub(crate) struct StreamStats {
    has_events: AtomicBool,
    first_timestamp: AtomicI64,
    last_timestamp: AtomicI64,
    last_ingestion: AtomicI64,
}

impl Default for StreamStats {
    fn default() -> Self {
        StreamStats {
            has_events: AtomicBool::new(false),
            first_timestamp: AtomicI64::new(i64::MAX),
            last_timestamp: AtomicI64::new(i64::MIN),
            last_ingestion: AtomicI64::new(i64::MIN),
        }
    }
}

impl StreamStats {
    pub(crate) fn record(&self, min_ts: i64, max_ts: i64, ingestion: i64) {
        self.first_timestamp.fetch_min(min_ts, Ordering::Relaxed);
        self.last_timestamp.fetch_max(max_ts, Ordering::Relaxed);
        self.last_ingestion.fetch_max(ingestion, Ordering::Relaxed);
        self.has_events.store(true, Ordering::Release);
    }

    fn get(&self) -> Option<(i64, i64, i64)> {
        self.has_events.load(Ordering::Acquire).then(|| {
            (
                self.first_timestamp.load(Ordering::Relaxed),
                self.last_timestamp.load(Ordering::Relaxed),
                self.last_ingestion.load(Ordering::Relaxed),
            )
        })
    }
}

impl Stream {
    pub(crate) fn new(group: Arc<str>, name: &str, dir: PathBuf, creation_time: i64) -> Stream {
        Stream {
            id: stream_id(&group, name),
            group,
            name: name.into(),
            dir,
            creation_time,
            segments: RwLock::new(BTreeMap::new()),
            stats: StreamStats::default(),
            deleted: AtomicBool::new(false),
        }
    }

    pub(crate) fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }

    fn stored_bytes(&self) -> u64 {
        read(&self.segments).values().map(|s| s.committed()).sum()
    }

    fn info(&self) -> LogStreamInfo {
        let stats = self.stats.get();
        LogStreamInfo {
            name: self.name.to_string(),
            creation_time: self.creation_time,
            first_event_timestamp: stats.map(|s| s.0),
            last_event_timestamp: stats.map(|s| s.1),
            last_ingestion_time: stats.map(|s| s.2),
            stored_bytes: self.stored_bytes(),
        }
    }

    /// Marks the stream deleted and closes its append handles; appends racing with this
    /// either finished before it or fail with `StreamNotFound`.
    fn retire(&self) {
        self.deleted.store(true, Ordering::Release);
        for seg in read(&self.segments).values() {
            *lock(&seg.writer) = None;
        }
    }

    /// Undoes [`Stream::retire`] when the deletion failed on disk.
    fn unretire(&self) {
        self.deleted.store(false, Ordering::Release);
    }
}

/// Retires `streams` (so no append can open a file under `dir` any more), then moves `dir`
/// into a fresh staging directory, which it returns; on failure the streams live again.
fn retire_and_stage(inner: &Inner, streams: &[Arc<Stream>], dir: &Path) -> Result<PathBuf, StoreError> {
    streams.iter().for_each(|s| s.retire());
    let moved = meta::staging_dir(&inner.tmp_dir).and_then(|staged| {
        fs::rename(dir, staged.join("deleted")).at(dir)?;
        Ok(staged)
    });
    if moved.is_err() {
        streams.iter().for_each(|s| s.unretire());
    }
    moved
}

impl Group {
    fn info(&self) -> LogGroupInfo {
        LogGroupInfo {
            name: self.name.to_string(),
            creation_time: self.creation_time,
            retention_in_days: self.retention_days(),
            stored_bytes: read(&self.streams).values().map(|s| s.stored_bytes()).sum(),
        }
    }

    /// The group's own retention policy, in days.
    pub(crate) fn retention_days(&self) -> Option<u32> {
        Some(self.retention_days.load(Ordering::Acquire)).filter(|d| *d > 0)
    }
}

/// Removes a staged (already deleted) directory. Out of descriptors even after relief, it is
/// left for the next open, which empties `tmp/`: the deletion itself has happened.
fn remove_staged(inner: &Inner, staged: &Path) -> Result<(), StoreError> {
    match relieved(&inner.handles, || fs::remove_dir_all(staged).at(staged)) {
        Err(StoreError::TooManyOpenFiles { .. }) => Ok(()),
        other => other,
    }
}

pub(crate) fn check_name(name: &str) -> Result<(), StoreError> {
    if name.is_empty() {
        return Err(StoreError::InvalidName { name: String::new(), reason: "must not be empty" });
    }
    Ok(())
}

impl LogStore {
    /// The data directory.
    pub fn root(&self) -> &Path {
        &self.inner.root
    }

    pub fn options(&self) -> &StoreOptions {
        &self.inner.options
    }

    /// Closes every idle append handle now (the store reopens them on demand). For a server
    /// whose accept loop hit `EMFILE`; the store does it itself when one of its own opens does.
    /// Returns how many were closed.
    pub fn release_idle_handles(&self) -> usize {
        self.inner.handles.release_idle()
    }

    /// Append handles open now (at most [`StoreOptions::max_open_files`], plus those in use).
    pub fn open_append_handles(&self) -> usize {
        self.inner.handles.open_handles()
    }

    /// What [`LogStore::open`] repaired or skipped.
    pub fn recovery_report(&self) -> &RecoveryReport {
        &self.inner.report
    }

    pub(crate) fn group_handle(&self, name: &str) -> Result<Arc<Group>, StoreError> {
        read(&self.inner.groups).get(name).cloned().ok_or_else(|| StoreError::GroupNotFound(name.to_string()))
    }

    pub(crate) fn stream_handle(&self, group: &str, stream: &str) -> Result<Arc<Stream>, StoreError> {
        let g = self.group_handle(group)?;
        let s = read(&g.streams).get(stream).cloned();
        s.ok_or_else(|| StoreError::StreamNotFound { group: group.into(), stream: stream.into() })
    }

    /// Creates an empty log group. Errors: `GroupAlreadyExists`, `InvalidName`.
    pub fn create_log_group(&self, name: &str, creation_time_ms: i64) -> Result<(), StoreError> {
        check_name(name)?;
        let inner = &self.inner;
        let mut groups = write(&inner.groups);
        if groups.contains_key(name) {
            return Err(StoreError::GroupAlreadyExists(name.to_string()));
        }
        let dir = inner.groups_dir.join(encode_component(name));
        let meta = Meta { name: name.to_string(), creation_time: creation_time_ms, retention_in_days: None };
        let fsync = inner.options.fsync;
        relieved(&inner.handles, || {
            meta::create_dir_with_meta(&inner.tmp_dir, &dir, GROUP_META, &meta, &[STREAMS_DIR], fsync, "log group")
        })?;
        let group = Group {
            name: name.into(),
            dir,
            creation_time: creation_time_ms,
            retention_days: AtomicU32::new(0),
            streams: RwLock::new(BTreeMap::new()),
        };
        groups.insert(name.to_string(), Arc::new(group));
        Ok(())
    }

    /// Deletes a group with all its streams and events. Errors: `GroupNotFound`.
    pub fn delete_log_group(&self, name: &str) -> Result<(), StoreError> {
        let inner = &self.inner;
        let staged = {
            let mut groups = write(&inner.groups);
            let group = groups.get(name).cloned().ok_or_else(|| StoreError::GroupNotFound(name.into()))?;
            let streams: Vec<Arc<Stream>> = read(&group.streams).values().cloned().collect();
            let staged = retire_and_stage(inner, &streams, &group.dir)?;
            groups.remove(name);
            let mut by_id = write(&inner.by_id);
            for s in &streams {
                by_id.remove(&s.id);
            }
            drop(by_id);
            if inner.options.fsync {
                meta::sync_dir(&inner.groups_dir)?;
            }
            staged
        };
        remove_staged(inner, &staged)
    }

    /// All groups, sorted by name (byte order).
    pub fn log_groups(&self) -> Vec<LogGroupInfo> {
        read(&self.inner.groups).values().map(|g| g.info()).collect()
    }

    pub fn log_group(&self, name: &str) -> Option<LogGroupInfo> {
        read(&self.inner.groups).get(name).map(|g| g.info())
    }

    /// Creates an empty stream in an existing group.
    /// Errors: `GroupNotFound`, `StreamAlreadyExists`, `InvalidName`.
    pub fn create_log_stream(&self, group: &str, stream: &str, creation_time_ms: i64) -> Result<(), StoreError> {
        check_name(stream)?;
        let inner = &self.inner;
        // Held shared for the whole creation so the group cannot be deleted meanwhile.
        let groups = read(&inner.groups);
        let g = groups.get(group).ok_or_else(|| StoreError::GroupNotFound(group.into()))?;
        let mut streams = write(&g.streams);
        if streams.contains_key(stream) {
            return Err(StoreError::StreamAlreadyExists { group: group.into(), stream: stream.into() });
        }
        let dir = g.dir.join(STREAMS_DIR).join(encode_component(stream));
        let meta = Meta { name: stream.to_string(), creation_time: creation_time_ms, retention_in_days: None };
        let fsync = inner.options.fsync;
        relieved(&inner.handles, || {
            meta::create_dir_with_meta(&inner.tmp_dir, &dir, STREAM_META, &meta, &[], fsync, "log stream")
        })?;
        let s = Arc::new(Stream::new(g.name.clone(), stream, dir, creation_time_ms));
        write(&inner.by_id).insert(s.id, s.clone());
        streams.insert(stream.to_string(), s);
        Ok(())
    }

    /// Makes sure the group and the stream exist, creating either with `now_ms` as its
    /// creation time. Idempotent and safe to race.
    pub fn ensure_log_stream(&self, group: &str, stream: &str, now_ms: i64) -> Result<(), StoreError> {
        if self.stream_handle(group, stream).is_ok() {
            return Ok(());
        }
        match self.create_log_group(group, now_ms) {
            Ok(()) | Err(StoreError::GroupAlreadyExists(_)) => {}
            Err(e) => return Err(e),
        }
        match self.create_log_stream(group, stream, now_ms) {
            Ok(()) | Err(StoreError::StreamAlreadyExists { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Deletes a stream and its events. Errors: `GroupNotFound`, `StreamNotFound`.
    pub fn delete_log_stream(&self, group: &str, stream: &str) -> Result<(), StoreError> {
        let inner = &self.inner;
        let staged = {
            let groups = read(&inner.groups);
            let g = groups.get(group).ok_or_else(|| StoreError::GroupNotFound(group.into()))?;
            let mut streams = write(&g.streams);
            let s = streams
                .get(stream)
                .cloned()
                .ok_or_else(|| StoreError::StreamNotFound { group: group.into(), stream: stream.into() })?;
            let staged = retire_and_stage(inner, std::slice::from_ref(&s), &s.dir)?;
            streams.remove(stream);
            write(&inner.by_id).remove(&s.id);
            if inner.options.fsync {
                meta::sync_dir(&g.dir.join(STREAMS_DIR))?;
            }
            staged
        };
        remove_staged(inner, &staged)
    }

    /// The group's streams, sorted by name (byte order). Errors: `GroupNotFound`.
    pub fn log_streams(&self, group: &str) -> Result<Vec<LogStreamInfo>, StoreError> {
        let g = self.group_handle(group)?;
        let streams = read(&g.streams);
        Ok(streams.values().map(|s| s.info()).collect())
    }

    pub fn log_stream(&self, group: &str, stream: &str) -> Result<LogStreamInfo, StoreError> {
        Ok(self.stream_handle(group, stream)?.info())
    }

    /// Non-empty segments of `group` (all streams, or only the named ones; unknown names are
    /// ignored) whose window, and whose events' time span, overlap `[start_ms, end_ms]` (both
    /// inclusive), ordered by stream name, then window, then sequence. Decided from memory: no
    /// file is opened.
    /// Errors: `GroupNotFound`.
    pub fn segments(
        &self,
        group: &str,
        streams: Option<&[&str]>,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<Vec<SegmentRef>, StoreError> {
        let g = self.group_handle(group)?;
        let chosen: Vec<Arc<Stream>> = {
            let all = read(&g.streams);
            match streams {
                None => all.values().cloned().collect(),
                Some(names) => {
                    let mut names = names.to_vec();
                    names.sort_unstable();
                    names.dedup();
                    names.iter().filter_map(|n| all.get(*n).cloned()).collect()
                }
            }
        };
        let mut out = Vec::new();
        if start_ms > end_ms {
            return Ok(out);
        }
        let verify = self.inner.options.verify_checksums;
        for s in chosen {
            let segs = read(&s.segments);
            for (&(w, _), seg) in segs.range((window_start(start_ms), 0)..) {
                if w > end_ms {
                    break;
                }
                if seg.committed() > 0 && seg.may_overlap(start_ms, end_ms) {
                    out.push(SegmentRef { segment: seg.clone(), stream: s.clone(), verify, handles: self.inner.handles.clone() });
                }
            }
        }
        Ok(out)
    }

    /// The event at `ptr` (from [`crate::EventRef::ptr`]), or `None` when it no longer exists
    /// (group or stream deleted) or the pointer does not point at a record.
    pub fn get_event(&self, ptr: &EventPtr) -> Result<Option<StoredEvent>, StoreError> {
        let Some(s) = read(&self.inner.by_id).get(&ptr.stream_id).cloned() else {
            return Ok(None);
        };
        let Some(seg) = read(&s.segments).get(&(ptr.window_start, ptr.seq)).cloned() else {
            return Ok(None);
        };
        let committed = seg.committed();
        if ptr.offset.saturating_add(HEADER_LEN as u64) > committed {
            return Ok(None);
        }
        let opened = relieved(&self.inner.handles, || open_file(OpenOptions::new().read(true), &seg.path));
        let file = match opened {
            Ok(f) => f,
            Err(StoreError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut raw = [0u8; HEADER_LEN];
        file.read_exact_at(&mut raw, ptr.offset).at(&seg.path)?;
        let h = Header::parse(&raw);
        let end = ptr.offset + (HEADER_LEN + h.len) as u64;
        if h.len > crate::record::MAX_MESSAGE_BYTES || end > committed {
            return Ok(None);
        }
        let mut message = vec![0; h.len];
        file.read_exact_at(&mut message, ptr.offset + HEADER_LEN as u64).at(&seg.path)?;
        if !h.verify(&raw, &message) {
            return Ok(None);
        }
        Ok(Some(StoredEvent {
            group: s.group.to_string(),
            stream: s.name.to_string(),
            timestamp: h.timestamp,
            ingestion_time: h.ingestion_time,
            message,
        }))
    }
}
