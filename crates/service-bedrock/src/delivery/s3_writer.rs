//! [`S3Delivery`]: S3 delivery with its background writer. The request path only journals a
//! record and adds it to its batch ([`Batches::enqueue`]); when a batch fills, a writer thread
//! owned by the delivery is woken to gzip and write the batches, so no call waits for a
//! compression or an object write. The real-time flush timer, explicit flushes and shutdown
//! call [`S3Delivery::flush`] on their own threads; flushes never overlap.
//!
//! The thread starts with [`S3Delivery::open`] and stops when the delivery is dropped, without
//! flushing (a dropped delivery is a stopped process: its records stay in the journal).

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use object_store::bucket_store::BucketStore;

use crate::delivery::s3_batches::{Batches, DeliveryError, FlushReport};

/// After a failed background flush, the writer waits this long (or for the next timer or
/// explicit flush) before trying again, instead of retrying on every record.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The S3 delivery pipeline of one emulator.
#[derive(Debug)]
pub struct S3Delivery {
    batches: Arc<Batches>,
    signal: Arc<Signal>,
    writer: Option<JoinHandle<()>>,
}

/// What the request path tells the writer, and what the writer has done.
#[derive(Debug, Default)]
struct Signal {
    state: Mutex<WriterState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct WriterState {
    /// Wake-ups asked for (a batch filled).
    requested: u64,
    /// Wake-ups the writer has handled: every batch that was full then has been flushed (or
    /// the flush failed and the records stay pending).
    handled: u64,
    stop: bool,
}

impl Signal {
    fn lock(&self) -> MutexGuard<'_, WriterState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl S3Delivery {
    /// Opens the pipeline over `store`, replaying the journal left by a previous run, and starts
    /// the background writer.
    pub fn open(store: Arc<BucketStore>, journal_path: PathBuf, fsync: bool) -> Result<Self, DeliveryError> {
        let batches = Arc::new(Batches::open(store, journal_path, fsync)?);
        let signal = Arc::new(Signal::default());
        let writer = std::thread::Builder::new()
            .name("s3-delivery".into())
            .spawn({
                let (batches, signal) = (Arc::clone(&batches), Arc::clone(&signal));
                move || write_batches(&batches, &signal)
            })
            .map_err(|source| DeliveryError::Writer { source })?;
        Ok(Self { batches, signal, writer: Some(writer) })
    }

    /// The bucket store deliveries write to.
    pub fn store(&self) -> &BucketStore {
        self.batches.store()
    }

    /// Queues one record line for `bucket` under the hour directory `dir`: journaled when this
    /// returns `Ok`; written to S3 later, off the caller's path.
    pub(crate) fn enqueue(&self, bucket: &str, dir: &str, at_ms: i64, request_id: &str, line: &str) -> Result<(), DeliveryError> {
        if self.batches.enqueue(bucket, dir, at_ms, request_id, line)? {
            self.signal.lock().requested += 1;
            self.signal.changed.notify_all();
        }
        Ok(())
    }

    /// Number of records waiting for the next flush.
    pub fn pending_records(&self) -> usize {
        self.batches.pending_records()
    }

    /// Writes every pending batch now, on the caller's thread. On failure the unwritten records
    /// stay pending (and journaled) for the next flush.
    pub fn flush(&self) -> Result<FlushReport, DeliveryError> {
        self.batches.flush()
    }

    /// Waits until the background writer has handled every full batch signalled so far (for
    /// tests and benchmarks that need the objects on disk; the request path never waits).
    pub fn settle(&self) {
        let mut state = self.signal.lock();
        let target = state.requested;
        while state.handled < target && !state.stop {
            state = self.signal.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Drop for S3Delivery {
    fn drop(&mut self) {
        self.signal.lock().stop = true;
        self.signal.changed.notify_all();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// The writer thread: sleeps until a batch fills, flushes, repeats until told to stop.
fn write_batches(batches: &Batches, signal: &Signal) {
    let mut state = signal.lock();
    loop {
        while state.handled == state.requested && !state.stop {
            state = signal.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        if state.stop {
            return;
        }
        let upto = state.requested;
        drop(state);
        let failed = batches.flush().is_err(); // the flush logs its own errors
        state = signal.lock();
        state.handled = upto;
        signal.changed.notify_all();
        if failed && !state.stop {
            state = signal.changed.wait_timeout(state, RETRY_AFTER).unwrap_or_else(PoisonError::into_inner).0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::s3_batches::MAX_BATCH_RECORDS;

    const DIR: &str = "AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2025/12/03/10/";

    fn open(dir: &std::path::Path) -> S3Delivery {
        let store = BucketStore::new(dir.join("s3"), false);
        store.ensure_bucket("logs", 0).unwrap();
        S3Delivery::open(Arc::new(store), dir.join("pending.jsonl"), false).unwrap()
    }

    /// The request path never waits for a flush: with every flush held off, a full batch is
    /// still accepted (journaled) at once; the writer writes it once flushes may run again.
    #[test]
    fn a_full_batch_is_written_off_the_request_path() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        let held = d.batches.hold_flushes();
        for i in 0..MAX_BATCH_RECORDS {
            d.enqueue("logs", DIR, 1_000 + i as i64, &format!("r{i}"), "{}").unwrap();
        }
        assert_eq!(d.pending_records(), MAX_BATCH_RECORDS);
        assert!(d.store().list_objects("logs", "").unwrap().is_empty());
        drop(held);
        d.settle();
        assert_eq!(d.pending_records(), 0);
        assert_eq!(d.store().list_objects("logs", "").unwrap().len(), 1);
    }

    #[test]
    fn dropping_stops_the_writer_and_keeps_the_journal() {
        let tmp = tempfile::tempdir().unwrap();
        let d = open(tmp.path());
        d.enqueue("logs", DIR, 1_000, "r1", "{}").unwrap();
        drop(d);
        let d = open(tmp.path());
        assert_eq!(d.pending_records(), 1);
        assert_eq!(d.flush().unwrap().records, 1);
    }
}
