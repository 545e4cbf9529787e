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

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::delivery::keys as names;
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

/// One pending record; the journal holds its [`Head`] and its `line`.
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

/// An entry without its record: the JSON before the tab of a journal line.
#[derive(Debug, Serialize, Deserialize)]
struct Head<'a> {
    bucket: std::borrow::Cow<'a, str>,
    dir: std::borrow::Cow<'a, str>,
    at_ms: i64,
    request_id: std::borrow::Cow<'a, str>,
}

#[derive(Debug, Default)]
struct Pending {
    batches: BTreeMap<(String, String), Vec<Entry>>,
    bytes: BTreeMap<(String, String), usize>,
    journal: Option<File>,
}

/// The journal and the pending batches of one emulator's S3 delivery.
#[derive(Debug)]
pub(crate) struct Batches {
    store: Arc<BucketStore>,
    journal_path: PathBuf,
    fsync: bool,
    pending: Mutex<Pending>,
    /// Serializes flushes (timer, size trigger, explicit).
    flushing: Mutex<()>,
}

impl Batches {
    /// Opens the pipeline over `store`, replaying the journal left by a previous run.
    pub(crate) fn open(store: Arc<BucketStore>, journal_path: PathBuf, fsync: bool) -> Result<Self, DeliveryError> {
        let this = Self { store, journal_path, fsync, pending: Mutex::new(Pending::default()), flushing: Mutex::new(()) };
        let mut replayed = Vec::new();
        for path in [this.rotated_path(), this.journal_path.clone()] {
            replayed.extend(read_journal(&path)?);
        }
        {
            let mut pending = this.lock();
            // Rewrite the journal as exactly the replayed entries.
            let file = this.fresh_journal(&this.journal_path, &replayed)?;
            pending.journal = Some(file);
            for entry in replayed {
                add(&mut pending, entry);
            }
        }
        let _ = fs::remove_file(this.rotated_path());
        Ok(this)
    }

    /// The bucket store deliveries write to.
    pub(crate) fn store(&self) -> &BucketStore {
        &self.store
    }

    fn rotated_path(&self) -> PathBuf {
        self.journal_path.with_extension("jsonl.flushing")
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn journal_err(&self, path: &Path) -> impl FnOnce(std::io::Error) -> DeliveryError {
        let path = path.to_owned();
        move |source| DeliveryError::Journal { path, source }
    }

    fn fresh_journal(&self, path: &Path, entries: &[Entry]) -> Result<File, DeliveryError> {
        let mut file = File::create(path).map_err(self.journal_err(path))?;
        let mut buf = Vec::new();
        for entry in entries {
            buf.extend(journal_line(entry));
        }
        file.write_all(&buf).map_err(self.journal_err(path))?;
        if self.fsync {
            file.sync_data().map_err(self.journal_err(path))?;
        }
        Ok(file)
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
        line: String,
    ) -> Result<bool, DeliveryError> {
        let entry = Entry { bucket: bucket.to_owned(), dir: dir.to_owned(), at_ms, request_id: request_id.to_owned(), line };
        let journaled = journal_line(&entry);
        let mut pending = self.lock();
        let Some(journal) = pending.journal.as_mut() else {
            return Err(self.journal_err(&self.journal_path)(std::io::Error::other("journal not open")));
        };
        journal.write_all(&journaled).map_err(self.journal_err(&self.journal_path))?;
        if self.fsync {
            journal.sync_data().map_err(self.journal_err(&self.journal_path))?;
        }
        let key = (entry.bucket.clone(), entry.dir.clone());
        add(&mut pending, entry);
        Ok(pending.batches[&key].len() >= MAX_BATCH_RECORDS || pending.bytes[&key] >= MAX_BATCH_BYTES)
    }

    /// Number of records waiting for the next flush.
    pub(crate) fn pending_records(&self) -> usize {
        self.lock().batches.values().map(Vec::len).sum()
    }

    /// Writes every pending batch. On failure the unwritten records stay pending (and
    /// journaled) for the next flush.
    pub(crate) fn flush(&self) -> Result<FlushReport, DeliveryError> {
        let _one_at_a_time = self.flushing.lock().unwrap_or_else(|p| p.into_inner());
        let rotated = self.rotated_path();
        let batches = {
            let mut pending = self.lock();
            if pending.batches.is_empty() {
                return Ok(FlushReport::default());
            }
            // Records queued from now on go to a fresh journal; the old one covers `batches`.
            pending.journal = None;
            fs::rename(&self.journal_path, &rotated).map_err(self.journal_err(&self.journal_path))?;
            pending.journal = Some(self.fresh_journal(&self.journal_path, &[])?);
            pending.bytes.clear();
            std::mem::take(&mut pending.batches)
        };
        let mut report = FlushReport::default();
        let mut failed: Vec<Entry> = Vec::new();
        let mut first_err = None;
        for ((bucket, dir), entries) in batches {
            match self.write_batch(&bucket, &dir, &entries) {
                Ok(()) => {
                    report.objects += 1;
                    report.records += entries.len();
                }
                Err(err) => {
                    tracing::error!(%err, bucket, dir, "S3 delivery failed; records stay pending");
                    failed.extend(entries);
                    first_err.get_or_insert(err);
                }
            }
        }
        if !failed.is_empty() {
            let mut pending = self.lock();
            if let Some(journal) = pending.journal.as_mut() {
                let mut buf = Vec::new();
                for entry in &failed {
                    buf.extend(journal_line(entry));
                }
                journal.write_all(&buf).map_err(self.journal_err(&self.journal_path))?;
            }
            for entry in failed {
                add(&mut pending, entry);
            }
        }
        fs::remove_file(&rotated).map_err(self.journal_err(&rotated))?;
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

    fn write_batch(&self, bucket: &str, dir: &str, entries: &[Entry]) -> Result<(), BucketStoreError> {
        let Some(first) = entries.first() else { return Ok(()) };
        let mut body = Vec::new();
        for entry in entries {
            body.extend_from_slice(entry.line.as_bytes());
            body.push(b'\n');
        }
        let gz = gzip::compress(&body);
        // The batch's time is its first record's; its hour directory is that record's hour.
        for salt in 0u32.. {
            let suffix = fnv1a64(&[bucket.as_bytes(), dir.as_bytes(), first.request_id.as_bytes(), &salt.to_be_bytes()]);
            let key = format!("{dir}{}", names::batch_object_name(first.at_ms, suffix));
            match self.store.get_object(bucket, &key)? {
                Some((existing, _)) if existing == gz => return Ok(()),
                Some(_) => continue,
                None => return self.store.put_object(bucket, &key, &gz, first.at_ms),
            }
        }
        unreachable!("u32 salts are not exhausted")
    }
}

fn add(pending: &mut Pending, entry: Entry) {
    let key = (entry.bucket.clone(), entry.dir.clone());
    *pending.bytes.entry(key.clone()).or_default() += entry.line.len() + 1;
    pending.batches.entry(key).or_default().push(entry);
}

/// `<head JSON>\t<record JSON>\n`: compact JSON holds no raw tab or newline, so the first tab
/// ends the head and the newline the record.
fn journal_line(entry: &Entry) -> Vec<u8> {
    let head = Head {
        bucket: entry.bucket.as_str().into(),
        dir: entry.dir.as_str().into(),
        at_ms: entry.at_ms,
        request_id: entry.request_id.as_str().into(),
    };
    let mut out = Vec::with_capacity(entry.line.len() + entry.dir.len() + 128);
    serde_json::to_writer(&mut out, &head).expect("a head serializes");
    out.push(b'\t');
    out.extend_from_slice(entry.line.as_bytes());
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

/// Entries of a journal; a torn last line (a write cut short: its call was never answered) is
/// skipped.
fn read_journal(path: &Path) -> Result<Vec<Entry>, DeliveryError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(DeliveryError::Journal { path: path.to_owned(), source }),
    };
    let mut out = Vec::new();
    let mut reader = std::io::BufReader::new(file);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|source| DeliveryError::Journal { path: path.to_owned(), source })?;
        if n == 0 {
            return Ok(out);
        }
        // Only a line with its newline was written whole.
        let whole = line.pop() == Some(b'\n');
        match parse_journal_line(&line).filter(|_| whole) {
            Some(entry) => out.push(entry),
            None => tracing::warn!(path = %path.display(), "skipping a torn S3 journal line"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

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
        d.enqueue("logs", DIR, 1_764_759_284_250, "r1", "{\"n\":1}".into()).unwrap();
        d.enqueue("logs", DIR, 1_764_759_285_000, "r2", "{\"n\":2}".into()).unwrap();
        let other = DIR.replace("/10/", "/11/");
        d.enqueue("logs", &other, 1_764_762_000_000, "r3", "{\"n\":3}".into()).unwrap();
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
        d2.enqueue("logs", DIR, 1_764_759_284_250, "r1", "{\"n\":1}".into()).unwrap();
        d2.enqueue("logs", DIR, 1_764_759_285_000, "r2", "{\"n\":2}".into()).unwrap();
        d2.flush().unwrap();
        assert_eq!(d2.store().list_objects("logs", DIR).unwrap()[0].key, objects[0].key);
    }

    #[test]
    fn a_taken_name_moves_on_and_never_overwrites() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        d.enqueue("logs", DIR, 1_000, "r1", "a".into()).unwrap();
        d.flush().unwrap();
        d.enqueue("logs", DIR, 1_000, "r1", "b".into()).unwrap();
        d.flush().unwrap();
        let objects = d.store().list_objects("logs", "").unwrap();
        assert_eq!(objects.len(), 2);
    }

    #[test]
    fn pending_records_survive_a_restart_without_flush() {
        let tmp = tempfile::tempdir().unwrap();
        {
            let d = open(tmp.path());
            d.enqueue("logs", DIR, 1_000, "r1", "{\"kept\":true}".into()).unwrap();
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

    #[test]
    fn a_failed_write_keeps_the_records() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        d.enqueue("gone-bucket", DIR, 1_000, "r1", "x".into()).unwrap();
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
            let full = d.enqueue("logs", DIR, 1_000 + i as i64, &format!("r{i}"), "{}".into()).unwrap();
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
        let tab_form = journal_line(&entry);
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
