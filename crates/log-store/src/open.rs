//! [`LogStore::open`]: lock the data directory, check its format, clear staging leftovers, load
//! group and stream metadata, and walk every segment to repair torn tails and rebuild the
//! per-stream statistics.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::error::{IoContext, StoreError};
use crate::handles::HandleCache;
use crate::meta::{self, GROUP_META, STREAM_META};
use crate::names::encode_component;
use crate::segment::{self, Segment};
use crate::store::{GROUPS_DIR, Group, Inner, LogStore, STREAMS_DIR, Stream, TMP_DIR};
use crate::sync::write;
use crate::types::{RecoveryReport, StoreOptions};

/// Content of `<root>/FORMAT`.
pub(crate) const FORMAT: &str = "log-store 1\n";

impl LogStore {
    /// Opens (creating if needed) the store in `root`.
    ///
    /// Takes an exclusive advisory lock on `<root>/LOCK` (a second open fails with `Locked`),
    /// truncates torn segment tails (see [`RecoveryReport`]) and rebuilds stream statistics.
    /// Reads every segment once: opening costs about one sequential read of the data.
    pub fn open(root: &Path, options: StoreOptions) -> Result<LogStore, StoreError> {
        fs::create_dir_all(root).at(root)?;
        let lock_path = root.join("LOCK");
        let lock = OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).at(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked { path: root.to_path_buf() });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e).at(&lock_path),
        }
        check_format(root, options.fsync)?;

        let tmp_dir = root.join(TMP_DIR);
        if tmp_dir.exists() {
            fs::remove_dir_all(&tmp_dir).at(&tmp_dir)?;
        }
        fs::create_dir(&tmp_dir).at(&tmp_dir)?;
        let groups_dir = root.join(GROUPS_DIR);
        fs::create_dir_all(&groups_dir).at(&groups_dir)?;

        let mut report = RecoveryReport::default();
        let mut groups = BTreeMap::new();
        let mut by_id = HashMap::new();
        for entry in fs::read_dir(&groups_dir).at(&groups_dir)? {
            let dir = entry.at(&groups_dir)?.path();
            let Some(group) = load_group(&dir, &options, &mut report, &mut by_id)? else {
                report.ignored.push(dir);
                continue;
            };
            groups.insert(group.name.to_string(), Arc::new(group));
        }
        let retention_configured = groups.values().any(|g: &Arc<Group>| g.retention_days().is_some());
        let inner = Inner {
            root: root.to_path_buf(),
            groups_dir,
            tmp_dir,
            handles: Arc::new(HandleCache::new(options.max_open_files)),
            options,
            groups: RwLock::new(groups),
            by_id: RwLock::new(by_id),
            default_retention_days: AtomicU32::new(0),
            retention_configured: AtomicBool::new(retention_configured),
            next_sweep_ms: AtomicI64::new(i64::MIN),
            sweeping: Mutex::new(()),
            report,
            observer: std::sync::OnceLock::new(),
            _lock: lock,
        };
        Ok(LogStore { inner: Arc::new(inner) })
    }
}

fn check_format(root: &Path, fsync: bool) -> Result<(), StoreError> {
    let path = root.join("FORMAT");
    match fs::read(&path) {
        Ok(found) if found == FORMAT.as_bytes() => Ok(()),
        Ok(found) => Err(StoreError::UnsupportedFormat {
            path: root.to_path_buf(),
            found: String::from_utf8_lossy(&found).trim().to_string(),
            expected: FORMAT.trim_ascii_end(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            fs::write(&path, FORMAT).at(&path)?;
            if fsync {
                File::open(&path).and_then(|f| f.sync_all()).at(&path)?;
                meta::sync_dir(root)?;
            }
            Ok(())
        }
        Err(e) => Err(e).at(&path),
    }
}

/// Name of a directory entry whose metadata is valid and encodes back to the entry's name.
fn meta_for(dir: &Path, file: &str) -> Option<meta::Meta> {
    let m = meta::read_meta(&dir.join(file))?;
    let ok = !m.name.is_empty() && dir.file_name()?.to_str()? == encode_component(&m.name);
    ok.then_some(m)
}

fn load_group(
    dir: &Path,
    options: &StoreOptions,
    report: &mut RecoveryReport,
    by_id: &mut HashMap<u64, Arc<Stream>>,
) -> Result<Option<Group>, StoreError> {
    let streams_dir = dir.join(STREAMS_DIR);
    let Some(m) = meta_for(dir, GROUP_META).filter(|_| streams_dir.is_dir()) else {
        return Ok(None);
    };
    let name: Arc<str> = m.name.into();
    let mut streams = BTreeMap::new();
    for entry in fs::read_dir(&streams_dir).at(&streams_dir)? {
        let sdir = entry.at(&streams_dir)?.path();
        let Some(sm) = meta_for(&sdir, STREAM_META) else {
            report.ignored.push(sdir);
            continue;
        };
        let stream = Stream::new(name.clone(), &sm.name, sdir, sm.creation_time);
        load_segments(&stream, options, report)?;
        let stream = Arc::new(stream);
        by_id.insert(stream.id, stream.clone());
        streams.insert(sm.name, stream);
    }
    Ok(Some(Group {
        name,
        dir: dir.to_path_buf(),
        creation_time: m.creation_time,
        retention_days: AtomicU32::new(m.retention_in_days.unwrap_or(0)),
        streams: RwLock::new(streams),
    }))
}

fn load_segments(stream: &Stream, options: &StoreOptions, report: &mut RecoveryReport) -> Result<(), StoreError> {
    let mut segments = write(&stream.segments);
    for entry in fs::read_dir(&stream.dir).at(&stream.dir)? {
        let entry = entry.at(&stream.dir)?;
        let path = entry.path();
        let file_name = entry.file_name();
        let Some((start, seq)) = file_name.to_str().and_then(segment::parse_file_name) else {
            if file_name != STREAM_META {
                report.ignored.push(path);
            }
            continue;
        };
        let file = OpenOptions::new().read(true).write(true).open(&path).at(&path)?;
        let walk = segment::walk(&file).at(&path)?;
        report.segments_checked += 1;
        let seg = Segment::new(path.clone(), start, seq, walk.valid_len);
        if let (Some(min), Some(max)) = (walk.min_timestamp, walk.max_timestamp) {
            seg.widen_span(min, max);
        }
        if walk.valid_len < walk.file_len {
            if walk.torn_tail {
                file.set_len(walk.valid_len).at(&path)?;
                if options.fsync {
                    file.sync_all().at(&path)?;
                }
                report.truncated.push((path, walk.file_len - walk.valid_len));
            } else {
                seg.sealed.store(true, Ordering::Release);
                report.corrupt.push((path, walk.file_len - walk.valid_len));
            }
        }
        if let (Some(min), Some(max), Some(ing)) = (walk.min_timestamp, walk.max_timestamp, walk.max_ingestion) {
            stream.stats.record(min, max, ing);
        }
        segments.insert((start, seq), Arc::new(seg));
    }
    Ok(())
}
