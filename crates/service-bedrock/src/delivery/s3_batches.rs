//! S3 delivery of invocation-log records, batched as AWS batches them: records collect per
//! (bucket, hour directory) and are written as one gzipped, newline-delimited JSON object per
//! batch, named `{YYYYMMDDTHHMMSSmmmZ}_{16 hex}.json.gz` after the batch's first record.
//!
//! Batches are written on [`S3Delivery::flush`], called by a short real-time timer, when a batch
//! grows past its limits, by `RunningEmulator::flush_deliveries`, by
//! `POST /_emulator/flush-deliveries`, and on clean shutdown. Until then every record is also in
//! a journal (`<data-dir>/bedrock/s3-pending.jsonl`, written before the call's response leaves),
//! replayed on start, so an acknowledged call keeps its record even through a process kill.
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

use crate::fnv::fnv1a64;
use object_store::bucket_store::{BucketStore, BucketStoreError};
use object_store::gzip;
use crate::delivery::keys as names;

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
}

/// What a flush wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FlushReport {
    /// Objects written.
    pub objects: usize,
    /// Records in them.
    pub records: usize,
}

/// One pending record, as journaled.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Default)]
struct Pending {
    batches: BTreeMap<(String, String), Vec<Entry>>,
    bytes: BTreeMap<(String, String), usize>,
    journal: Option<File>,
}

/// The S3 delivery pipeline of one emulator.
#[derive(Debug)]
pub struct S3Delivery {
    store: Arc<BucketStore>,
    journal_path: PathBuf,
    fsync: bool,
    pending: Mutex<Pending>,
    /// Serializes flushes (timer, size trigger, explicit).
    flushing: Mutex<()>,
}

impl S3Delivery {
    /// Opens the pipeline over `store`, replaying the journal left by a previous run.
    pub fn open(store: Arc<BucketStore>, journal_path: PathBuf, fsync: bool) -> Result<Self, DeliveryError> {
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
    pub fn store(&self) -> &BucketStore {
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

    /// Queues one record line for `bucket` under the hour directory `dir`; journals it first.
    /// Writes the batches at once when this one is full.
    pub(crate) fn enqueue(&self, bucket: &str, dir: &str, at_ms: i64, request_id: &str, line: String) -> Result<(), DeliveryError> {
        let entry = Entry { bucket: bucket.to_owned(), dir: dir.to_owned(), at_ms, request_id: request_id.to_owned(), line };
        let full = {
            let mut pending = self.lock();
            let Some(journal) = pending.journal.as_mut() else {
                return Err(self.journal_err(&self.journal_path)(std::io::Error::other("journal not open")));
            };
            journal.write_all(&journal_line(&entry)).map_err(self.journal_err(&self.journal_path))?;
            if self.fsync {
                journal.sync_data().map_err(self.journal_err(&self.journal_path))?;
            }
            let key = (entry.bucket.clone(), entry.dir.clone());
            add(&mut pending, entry);
            pending.batches[&key].len() >= MAX_BATCH_RECORDS || pending.bytes[&key] >= MAX_BATCH_BYTES
        };
        if full {
            self.flush()?;
        }
        Ok(())
    }

    /// Number of records waiting for the next flush.
    pub fn pending_records(&self) -> usize {
        self.lock().batches.values().map(Vec::len).sum()
    }

    /// Writes every pending batch. On failure the unwritten records stay pending (and
    /// journaled) for the next flush.
    pub fn flush(&self) -> Result<FlushReport, DeliveryError> {
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

fn journal_line(entry: &Entry) -> Vec<u8> {
    let mut line = serde_json::to_vec(entry).unwrap_or_default();
    line.push(b'\n');
    line
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
    for line in std::io::BufReader::new(file).split(b'\n') {
        let line = line.map_err(|source| DeliveryError::Journal { path: path.to_owned(), source })?;
        match serde_json::from_slice::<Entry>(&line) {
            Ok(entry) => out.push(entry),
            Err(err) => tracing::warn!(%err, path = %path.display(), "skipping a torn S3 journal line"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

    fn open(dir: &Path) -> S3Delivery {
        let store = BucketStore::new(dir.join("s3"), false);
        store.ensure_bucket("logs", 0).unwrap();
        S3Delivery::open(Arc::new(store), dir.join("pending.jsonl"), false).unwrap()
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
    fn a_full_batch_is_written_at_once() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        for i in 0..MAX_BATCH_RECORDS {
            d.enqueue("logs", DIR, 1_000 + i as i64, &format!("r{i}"), "{}".into()).unwrap();
        }
        assert_eq!(d.pending_records(), 0);
        assert_eq!(d.store().list_objects("logs", "").unwrap().len(), 1);
    }
}
