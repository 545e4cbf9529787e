//! S3 delivery of invocation-log records, batched as AWS batches them: records collect per
//! (bucket, hour directory) and are written as one gzipped, newline-delimited JSON object per
//! batch, named `{YYYYMMDDTHHMMSSmmmZ}_{16 hex}.json.gz` after the batch's first record.
//!
//! [`Batches::enqueue`] (on the request path) only appends the record to a journal
//! (`<data-dir>/bedrock/s3-pending.jsonl`, written before the call's response leaves, replayed
//! on start, so an acknowledged call keeps its record even through a process kill) and to the
//! pending batch; it says when a batch is full. [`Batches::flush`] (gzip and object writes) runs
//! off the request path: in the background writer (`s3_writer.rs`) when a batch is full, from a
//! short real-time timer, `RunningEmulator::flush_deliveries`, `POST
//! /_emulator/flush-deliveries`, and at clean shutdown.
//!
//! A journal line is the entry's header as JSON, a tab, and the record's compact JSON as it
//! will be delivered (so the record is not escaped into a string again); lines of the older
//! all-JSON form are still replayed.
//!
//! Object names are deterministic: the 16 hex digits are an FNV-1a hash of (bucket, hour
//! directory, first request id). A name already taken by other bytes takes the next hash; a
//! name holding exactly these bytes means the batch was already written (a replayed journal).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};

use crate::delivery::keys as names;
use crate::delivery::s3_journal::{self, JournalFile};
use crate::fnv::fnv1a64;
use object_store::bucket_store::{BucketStore, BucketStoreError};
use object_store::gzip;

/// A batch is written once it holds this many records…
pub const MAX_BATCH_RECORDS: usize = 1000;
/// …or this many bytes of uncompressed JSON lines.
pub const MAX_BATCH_BYTES: usize = 5 * 1024 * 1024;

/// Why a delivery step failed.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Writing an object failed.
    #[error(transparent)]
    Store(#[from] BucketStoreError),
    /// The pending-record journal could not be written or read.
    #[error("S3 delivery journal {path}: {source}")]
    Journal {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The background writer thread could not be started.
    #[error("cannot start the S3 delivery writer: {source}")]
    Writer {
        #[source]
        source: std::io::Error,
    },
}

/// What a flush wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FlushReport {
    /// Objects written.
    pub objects: usize,
    /// Records in them.
    pub records: usize,
}

/// One journaled record, as replayed; the journal holds its [`Head`] and its `line`.
#[derive(Debug, Clone, Deserialize)]
struct Entry {
    bucket: String,
    /// `…/YYYY/MM/DD/HH/`.
    dir: String,
    /// The record's delivery instant (epoch ms; names the batch when it comes first).
    at_ms: i64,
    request_id: String,
    /// The record's JSON, one line.
    line: String,
}

impl Entry {
    fn head(&self) -> Head<'_> {
        Head {
            bucket: self.bucket.as_str().into(),
            dir: self.dir.as_str().into(),
            at_ms: self.at_ms,
            request_id: self.request_id.as_str().into(),
        }
    }
}

/// An entry without its record: the JSON before the tab of a journal line.
#[derive(Debug, Serialize, Deserialize)]
struct Head<'a> {
    bucket: std::borrow::Cow<'a, str>,
    dir: std::borrow::Cow<'a, str>,
    at_ms: i64,
    request_id: std::borrow::Cow<'a, str>,
}

/// The records pending for one (bucket, hour directory), kept as the journal lines that
/// journaled them: a flush gzips the record part of each line, a failed flush writes the lines
/// back to the fresh journal as they are. No per-record allocation.
#[derive(Debug)]
struct Batch {
    bucket: String,
    dir: String,
    /// The first record's instant and request id, which name the batch's object.
    first_at_ms: i64,
    first_request_id: String,
    /// `<head>\t<record>\n` per record, in arrival order.
    lines: Vec<u8>,
    records: usize,
    /// Uncompressed bytes of the object (each record and its newline).
    body_bytes: usize,
}

impl Batch {
    fn is_full(&self) -> bool {
        self.records >= MAX_BATCH_RECORDS || self.body_bytes >= MAX_BATCH_BYTES
    }

    /// The records' JSON, one per journal line (the part after the line's first tab).
    fn records(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        memchr::memchr_iter(b'\n', &self.lines).map(move |end| {
            let line = &self.lines[start..end];
            start = end + 1;
            memchr::memchr(b'\t', line).map_or(line, |tab| &line[tab + 1..])
        })
    }
}

/// The journal and the pending batches of one emulator's S3 delivery.
///
/// Locking: a record's journal line is written under a read lock of `journal` (each writer
/// copies its line to an offset of its own, `s3_journal.rs`, so no request waits for another's),
/// then added to its batch under `pending` (a copy, held briefly). A flush rotates the journal
/// under the write lock and takes the batches before releasing it, so the rotated journal holds
/// exactly the records it takes.
#[derive(Debug)]
pub(crate) struct Batches {
    store: Arc<BucketStore>,
    journal_path: PathBuf,
    fsync: bool,
    journal: RwLock<Option<JournalFile>>,
    /// The journal file of the last flush, emptied, at the spare path: the next rotation's
    /// fresh journal (a rename, not a new file).
    spare: Mutex<Option<JournalFile>>,
    pending: Mutex<Vec<Batch>>,
    /// Serializes flushes (timer, size trigger, explicit).
    flushing: Mutex<()>,
}

impl Batches {
    /// Opens the pipeline over `store`, replaying the journal left by a previous run.
    pub(crate) fn open(store: Arc<BucketStore>, journal_path: PathBuf, fsync: bool) -> Result<Self, DeliveryError> {
        let this = Self {
            store,
            journal_path,
            fsync,
            journal: RwLock::new(None),
            spare: Mutex::new(None),
            pending: Mutex::new(Vec::new()),
            flushing: Mutex::new(()),
        };
        let mut replayed = Vec::new();
        for path in [this.rotated_path(), this.journal_path.clone()] {
            for entry in read_journal(&path)? {
                replayed.extend(journal_line(&entry.head(), &entry.line));
            }
        }
        // Rewrite the journal as exactly the replayed lines (all in the tab form).
        let journal =
            JournalFile::create(&this.journal_path, &replayed, this.fsync).map_err(this.journal_err(&this.journal_path))?;
        *this.journal_mut() = Some(journal);
        add_lines(&mut this.lock(), &replayed);
        let _ = fs::remove_file(this.rotated_path());
        let _ = fs::remove_file(this.spare_path());
        Ok(this)
    }

    /// The bucket store deliveries write to.
    pub(crate) fn store(&self) -> &BucketStore {
        &self.store
    }

    fn rotated_path(&self) -> PathBuf {
        self.journal_path.with_extension("jsonl.flushing")
    }

    fn spare_path(&self) -> PathBuf {
        self.journal_path.with_extension("jsonl.spare")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Batch>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn journal_mut(&self) -> std::sync::RwLockWriteGuard<'_, Option<JournalFile>> {
        self.journal.write().unwrap_or_else(|p| p.into_inner())
    }

    fn journal_err(&self, path: &Path) -> impl FnOnce(std::io::Error) -> DeliveryError {
        let path = path.to_owned();
        move |source| DeliveryError::Journal { path, source }
    }

    /// Appends whole journal lines (one write for all of them) under the journal's read lock,
    /// then runs `then` before the lock is released (a flush cannot rotate in between).
    fn journaled<T>(&self, lines: &[u8], then: impl FnOnce() -> T) -> Result<T, DeliveryError> {
        let journal = self.journal.read().unwrap_or_else(|p| p.into_inner());
        let Some(file) = journal.as_ref() else {
            return Err(self.journal_err(&self.journal_path)(std::io::Error::other("journal not open")));
        };
        file.append(lines).map_err(self.journal_err(&self.journal_path))?;
        Ok(then())
    }

    /// The next journal: the spare (renamed into place), else a new file.
    fn next_journal(&self) -> Result<JournalFile, DeliveryError> {
        if let Some(spare) = self.spare.lock().unwrap_or_else(|p| p.into_inner()).take() {
            match fs::rename(self.spare_path(), &self.journal_path) {
                Ok(()) => return Ok(spare),
                Err(err) => tracing::warn!(%err, "the spare S3 journal could not be reused; creating one"),
            }
        }
        JournalFile::create(&self.journal_path, &[], self.fsync).map_err(self.journal_err(&self.journal_path))
    }

    /// After a flush: the rotated journal (whose records are written or journaled again) leaves
    /// the paths replayed at start, is emptied and kept as the spare; if emptying fails it is
    /// removed. (Emptied in place instead, a kill halfway would replay the rest twice.)
    fn recycle(&self, rotated: JournalFile) -> Result<(), DeliveryError> {
        let (rotated_path, spare_path) = (self.rotated_path(), self.spare_path());
        fs::rename(&rotated_path, &spare_path).map_err(self.journal_err(&rotated_path))?;
        match rotated.reset() {
            Ok(()) => *self.spare.lock().unwrap_or_else(|p| p.into_inner()) = Some(rotated),
            Err(err) => {
                tracing::warn!(%err, "the rotated S3 journal could not be emptied for reuse; removing it");
                drop(rotated);
                fs::remove_file(&spare_path).map_err(self.journal_err(&spare_path))?;
            }
        }
        Ok(())
    }

    /// Queues one record line for `bucket` under the hour directory `dir`, journaled first
    /// (when this returns `Ok` the record survives a process kill). Returns whether its batch is
    /// now full (time to flush; this never flushes itself).
    pub(crate) fn enqueue(
        &self,
        bucket: &str,
        dir: &str,
        at_ms: i64,
        request_id: &str,
        line: &str,
    ) -> Result<bool, DeliveryError> {
        let head = Head { bucket: bucket.into(), dir: dir.into(), at_ms, request_id: request_id.into() };
        let journaled = journal_line(&head, line);
        self.journaled(&journaled, || add(&mut self.lock(), &head, &journaled, line.len() + 1))
    }

    /// Number of records waiting for the next flush.
    pub(crate) fn pending_records(&self) -> usize {
        self.lock().iter().map(|b| b.records).sum()
    }

    /// Writes every pending batch. On failure the unwritten records stay pending (and
    /// journaled) for the next flush.
    pub(crate) fn flush(&self) -> Result<FlushReport, DeliveryError> {
        let _one_at_a_time = self.flushing.lock().unwrap_or_else(|p| p.into_inner());
        let rotated = self.rotated_path();
        let (batches, rotated_journal) = {
            let mut journal = self.journal_mut();
            let mut pending = self.lock();
            if pending.is_empty() {
                return Ok(FlushReport::default());
            }
            // Records queued from now on go to a fresh journal; the old one covers `batches`.
            fs::rename(&self.journal_path, &rotated).map_err(self.journal_err(&self.journal_path))?;
            let next = match self.next_journal() {
                Ok(next) => next,
                Err(err) => {
                    // Put the journal back: nothing was taken.
                    fs::rename(&rotated, &self.journal_path).map_err(self.journal_err(&rotated))?;
                    return Err(err);
                }
            };
            (std::mem::take(&mut *pending), journal.replace(next))
        };
        let mut report = FlushReport::default();
        let mut failed: Vec<Batch> = Vec::new();
        let mut first_err = None;
        for batch in batches {
            match self.write_batch(&batch) {
                Ok(()) => {
                    report.objects += 1;
                    report.records += batch.records;
                }
                Err(err) => {
                    tracing::error!(%err, bucket = batch.bucket, dir = batch.dir, "S3 delivery failed; records stay pending");
                    failed.push(batch);
                    first_err.get_or_insert(err);
                }
            }
        }
        if !failed.is_empty() {
            let lines: Vec<u8> = failed.iter().flat_map(|b| b.lines.iter().copied()).collect();
            // The failed records go back ahead of those queued since (they are older).
            self.journaled(&lines, || {
                let mut pending = self.lock();
                let newer = std::mem::replace(&mut *pending, failed);
                for batch in newer {
                    add_lines(&mut pending, &batch.lines);
                }
            })?;
        }
        match rotated_journal {
            Some(old) => self.recycle(old)?,
            None => fs::remove_file(&rotated).map_err(self.journal_err(&rotated))?,
        }
        match first_err {
            Some(err) => Err(err.into()),
            None => Ok(report),
        }
    }

    /// Holds every flush off until the guard is dropped (tests of the request path).
    #[cfg(test)]
    pub(crate) fn hold_flushes(&self) -> std::sync::MutexGuard<'_, ()> {
        self.flushing.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn write_batch(&self, batch: &Batch) -> Result<(), BucketStoreError> {
        let Batch { bucket, dir, first_at_ms, first_request_id, .. } = batch;
        let mut body = Vec::with_capacity(batch.body_bytes);
        for record in batch.records() {
            body.extend_from_slice(record);
            body.push(b'\n');
        }
        // One buffer compresses faster than a write per record.
        let gz = gzip::compress(&body);
        // The batch's time is its first record's; its hour directory is that record's hour.
        for salt in 0u32.. {
            let suffix = fnv1a64(&[bucket.as_bytes(), dir.as_bytes(), first_request_id.as_bytes(), &salt.to_be_bytes()]);
            let key = format!("{dir}{}", names::batch_object_name(*first_at_ms, suffix));
            match self.store.get_object(bucket, &key)? {
                Some((existing, _)) if existing == gz => return Ok(()),
                Some(_) => continue,
                None => return self.store.put_object(bucket, &key, &gz, *first_at_ms),
            }
        }
        unreachable!("u32 salts are not exhausted")
    }
}

/// Adds one whole journal line (tab form) to its batch: `head` is what precedes its tab, and
/// `body_bytes` the record with its newline. Returns whether the batch is now full.
fn add(pending: &mut Vec<Batch>, head: &Head<'_>, line: &[u8], body_bytes: usize) -> bool {
    let batch = match pending.iter().position(|b| b.bucket == head.bucket && b.dir == head.dir) {
        Some(i) => &mut pending[i],
        None => {
            pending.push(Batch {
                bucket: head.bucket.clone().into_owned(),
                dir: head.dir.clone().into_owned(),
                first_at_ms: head.at_ms,
                first_request_id: head.request_id.clone().into_owned(),
                lines: Vec::with_capacity(64 * 1024),
                records: 0,
                body_bytes: 0,
            });
            pending.last_mut().expect("just pushed")
        }
    };
    batch.lines.extend_from_slice(line);
    batch.records += 1;
    batch.body_bytes += body_bytes;
    batch.is_full()
}

/// Adds journal lines in the tab form (as this module writes them) to their batches.
fn add_lines(pending: &mut Vec<Batch>, lines: &[u8]) {
    for line in lines.split_inclusive(|&b| b == b'\n') {
        let Some(tab) = memchr::memchr(b'\t', line) else { continue };
        let Ok(head) = serde_json::from_slice::<Head<'_>>(&line[..tab]) else { continue };
        add(pending, &head, line, line.len() - tab - 1);
    }
}

/// `<head JSON>\t<record JSON>\n`: compact JSON holds no raw tab or newline, so the first tab
/// ends the head and the newline the record.
fn journal_line(head: &Head<'_>, line: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + head.dir.len() + head.bucket.len() + head.request_id.len() + 64);
    serde_json::to_writer(&mut out, head).expect("a head serializes");
    out.push(b'\t');
    out.extend_from_slice(line.as_bytes());
    out.push(b'\n');
    out
}

/// One journal line back as an entry: the tab form, or the older all-JSON form. `None` for a
/// line cut short or damaged.
fn parse_journal_line(line: &[u8]) -> Option<Entry> {
    let Some(tab) = line.iter().position(|&b| b == b'\t') else {
        return serde_json::from_slice::<Entry>(line).ok();
    };
    let head: Head<'_> = serde_json::from_slice(&line[..tab]).ok()?;
    let record = std::str::from_utf8(&line[tab + 1..]).ok()?;
    serde_json::from_str::<serde::de::IgnoredAny>(record).ok()?;
    Some(Entry {
        bucket: head.bucket.into_owned(),
        dir: head.dir.into_owned(),
        at_ms: head.at_ms,
        request_id: head.request_id.into_owned(),
        line: record.to_owned(),
    })
}

/// Entries of a journal; a torn line (a write cut short: its call was never answered) is
/// skipped.
fn read_journal(path: &Path) -> Result<Vec<Entry>, DeliveryError> {
    let back = s3_journal::read_lines(path).map_err(|source| DeliveryError::Journal { path: path.to_owned(), source })?;
    let mut torn = back.torn;
    let mut out = Vec::with_capacity(back.lines.len());
    for line in back.lines {
        match parse_journal_line(&line) {
            Some(entry) => out.push(entry),
            None => torn += 1,
        }
    }
    if torn > 0 {
        tracing::warn!(path = %path.display(), torn, "skipping torn S3 journal lines");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;
    use std::io::Write;

    fn open(dir: &Path) -> Batches {
        let store = BucketStore::new(dir.join("s3"), false);
        store.ensure_bucket("logs", 0).unwrap();
        Batches::open(Arc::new(store), dir.join("pending.jsonl"), false).unwrap()
    }

    const DIR: &str = "AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2025/12/03/10/";

    #[test]
    fn batches_per_hour_directory_and_names_are_deterministic() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        d.enqueue("logs", DIR, 1_764_759_284_250, "r1", "{\"n\":1}").unwrap();
        d.enqueue("logs", DIR, 1_764_759_285_000, "r2", "{\"n\":2}").unwrap();
        let other = DIR.replace("/10/", "/11/");
        d.enqueue("logs", &other, 1_764_762_000_000, "r3", "{\"n\":3}").unwrap();
        assert_eq!(d.pending_records(), 3);
        assert_eq!(d.flush().unwrap(), FlushReport { objects: 2, records: 3 });
        assert_eq!(d.flush().unwrap(), FlushReport::default());
        let objects = d.store().list_objects("logs", "").unwrap();
        assert_eq!(objects.len(), 2);
        assert!(objects[0].key.starts_with(&format!("{DIR}20251203T105444250Z_")), "{}", objects[0].key);
        let (gz, info) = d.store().get_object("logs", &objects[0].key).unwrap().unwrap();
        assert_eq!(gzip::decompress(&gz).unwrap(), b"{\"n\":1}\n{\"n\":2}\n");
        assert_eq!(info.last_modified_ms, 1_764_759_284_250);

        // The same records in a fresh directory give the same names.
        let tmp2 = tempfile::tempdir().unwrap();
        let d2 = open(tmp2.path());
        d2.enqueue("logs", DIR, 1_764_759_284_250, "r1", "{\"n\":1}").unwrap();
        d2.enqueue("logs", DIR, 1_764_759_285_000, "r2", "{\"n\":2}").unwrap();
        d2.flush().unwrap();
        assert_eq!(d2.store().list_objects("logs", DIR).unwrap()[0].key, objects[0].key);
    }

    #[test]
    fn a_taken_name_moves_on_and_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        d.enqueue("logs", DIR, 1_000, "r1", "a").unwrap();
        d.flush().unwrap();
        d.enqueue("logs", DIR, 1_000, "r1", "b").unwrap();
        d.flush().unwrap();
        let objects = d.store().list_objects("logs", "").unwrap();
        assert_eq!(objects.len(), 2);
    }

    #[test]
    fn pending_records_survive_a_restart_without_flush() {
        let tmp = tempfile::tempdir().unwrap();
        {
            let d = open(tmp.path());
            d.enqueue("logs", DIR, 1_000, "r1", "{\"kept\":true}").unwrap();
            // Dropped without flushing: a killed process.
        }
        // A torn line from a write cut short is skipped.
        let mut journal = OpenOptions::new().append(true).open(tmp.path().join("pending.jsonl")).unwrap();
        journal.write_all(b"{\"bucket\":\"lo").unwrap();
        let d = open(tmp.path());
        assert_eq!(d.pending_records(), 1);
        assert_eq!(d.flush().unwrap().records, 1);
        let key = &d.store().list_objects("logs", "").unwrap()[0].key;
        let gz = d.store().get_object("logs", key).unwrap().unwrap().0;
        assert_eq!(gzip::decompress(&gz).unwrap(), b"{\"kept\":true}\n");
        drop(d);
        assert_eq!(open(tmp.path()).pending_records(), 0);
    }

    /// Records journaled by concurrent callers while flushes rotate the journal: each lands in
    /// exactly one object, and a restart after the last flush finds nothing pending (no record is
    /// left in a journal whose batch was written, none is lost between the two journals).
    #[test]
    fn concurrent_enqueues_and_flushes_deliver_every_record_once() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        let (threads, per_thread) = (4, 500);
        std::thread::scope(|s| {
            for t in 0..threads {
                let d = &d;
                s.spawn(move || {
                    for i in 0..per_thread {
                        let line = format!("{{\"t\":{t},\"i\":{i}}}");
                        d.enqueue("logs", DIR, 1_000, &format!("r{t}-{i}"), &line).unwrap();
                    }
                });
            }
            s.spawn(|| {
                for _ in 0..50 {
                    d.flush().unwrap();
                }
            });
        });
        d.flush().unwrap();
        assert_eq!(d.pending_records(), 0);
        let mut seen = Vec::new();
        for object in d.store().list_objects("logs", "").unwrap() {
            let gz = d.store().get_object("logs", &object.key).unwrap().unwrap().0;
            let body = String::from_utf8(gzip::decompress(&gz).unwrap()).unwrap();
            seen.extend(body.lines().map(str::to_owned));
        }
        let total = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!((total, seen.len()), (threads * per_thread, threads * per_thread));
        drop(d);
        assert_eq!(open(tmp.path()).pending_records(), 0);
    }

    /// A batch whose write failed is journaled again, keeps its place ahead of later records
    /// and still names its object after a restart.
    #[test]
    fn a_failed_batch_is_journaled_again_and_still_names_its_object() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        d.enqueue("gone-bucket", DIR, 1_000, "old", "{\"n\":\"old\"}").unwrap();
        assert!(d.flush().is_err());
        d.enqueue("gone-bucket", DIR, 2_000, "new", "{\"n\":\"new\"}").unwrap();
        drop(d);
        // Replayed from the journal: both, the failed one first (it names the batch).
        let d = open(tmp.path());
        d.store().ensure_bucket("gone-bucket", 0).unwrap();
        assert_eq!(d.flush().unwrap(), FlushReport { objects: 1, records: 2 });
        let object = &d.store().list_objects("gone-bucket", "").unwrap()[0];
        assert!(object.key.starts_with(&format!("{DIR}19700101T000001000Z_")), "{}", object.key);
        let gz = d.store().get_object("gone-bucket", &object.key).unwrap().unwrap().0;
        assert_eq!(gzip::decompress(&gz).unwrap(), b"{\"n\":\"old\"}\n{\"n\":\"new\"}\n");
    }

    #[test]
    fn a_failed_write_keeps_the_records() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        d.enqueue("gone-bucket", DIR, 1_000, "r1", "x").unwrap();
        assert!(d.flush().is_err());
        assert_eq!(d.pending_records(), 1);
        d.store().ensure_bucket("gone-bucket", 0).unwrap();
        assert_eq!(d.flush().unwrap().records, 1);
    }

    #[test]
    fn enqueue_says_when_a_batch_is_full_and_writes_no_object() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        for i in 0..MAX_BATCH_RECORDS {
            let full = d.enqueue("logs", DIR, 1_000 + i as i64, &format!("r{i}"), "{}").unwrap();
            assert_eq!(full, i + 1 == MAX_BATCH_RECORDS, "record {i}");
        }
        assert_eq!(d.pending_records(), MAX_BATCH_RECORDS);
        assert!(d.store().list_objects("logs", "").unwrap().is_empty());
    }

    #[test]
    fn journal_lines_of_both_forms_replay_and_torn_ones_do_not() {
        let tmp = tempfile::tempdir().unwrap();
        drop(open(tmp.path()));
        let journal = tmp.path().join("pending.jsonl");
        let entry = Entry {
            bucket: "logs".into(),
            dir: DIR.into(),
            at_ms: 1_000,
            request_id: "r1".into(),
            line: "{\"t\":\"a\\tb\"}".into(),
        };
        let tab_form = journal_line(&entry.head(), &entry.line);
        assert_eq!(tab_form.iter().filter(|&&b| b == b'\t').count(), 1, "the record's own tab stays escaped");
        let legacy = format!(
            "{{\"bucket\":\"logs\",\"dir\":\"{DIR}\",\"at_ms\":2000,\"request_id\":\"r2\",\"line\":\"{{\\\"old\\\":1}}\"}}\n"
        );
        let mut bytes = tab_form.clone();
        bytes.extend_from_slice(legacy.as_bytes());
        // A line cut short by a kill: no newline, and its record incomplete.
        bytes.extend_from_slice(&tab_form[..tab_form.len() - 5]);
        std::fs::write(&journal, &bytes).unwrap();
        let d = open(tmp.path());
        assert_eq!(d.pending_records(), 2);
        d.flush().unwrap();
        let key = &d.store().list_objects("logs", "").unwrap()[0].key;
        let gz = d.store().get_object("logs", key).unwrap().unwrap().0;
        assert_eq!(gzip::decompress(&gz).unwrap(), b"{\"t\":\"a\\tb\"}\n{\"old\":1}\n");
    }
}
