//! Records held for a delivery delay: each is journaled (`<data-dir>/bedrock/held.jsonl`) before
//! the call's response leaves, kept in memory until its due instant on the emulator's clock,
//! then handed back for delivery (CloudWatch append, S3 queue); the journal is rewritten
//! without the records delivered. A killed process replays the journal at start, so nothing
//! acknowledged is lost (a record delivered just before a kill, before the rewrite, is
//! delivered again: at least once).

use std::fs::{self, File};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::s3_batches::DeliveryError;

/// A record's CloudWatch version, ready to append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HeldCloudWatch {
    pub(crate) group: String,
    pub(crate) timestamp_ms: i64,
    pub(crate) message: String,
}

/// A record's S3 version, ready to queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HeldS3 {
    pub(crate) bucket: String,
    pub(crate) dir: String,
    pub(crate) at_ms: i64,
    pub(crate) line: String,
}

/// One held record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HeldRecord {
    pub(crate) request_id: String,
    /// When it becomes visible (epoch ms, emulator's clock).
    pub(crate) due_ms: i64,
    pub(crate) cloud_watch: Option<HeldCloudWatch>,
    pub(crate) s3: Option<HeldS3>,
}

#[derive(Debug)]
struct State {
    records: Vec<HeldRecord>,
    journal: Option<File>,
}

/// The held records and their journal.
#[derive(Debug)]
pub(crate) struct Held {
    path: PathBuf,
    fsync: bool,
    state: Mutex<State>,
}

impl Held {
    /// Opens the journal at `path`, replaying what a previous run left held.
    pub(crate) fn open(path: PathBuf, fsync: bool) -> Result<Self, DeliveryError> {
        let records = read_journal(&path)?;
        let journal = rewrite(&path, &records, fsync)?;
        Ok(Self { path, fsync, state: Mutex::new(State { records, journal: Some(journal) }) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn err(&self) -> impl FnOnce(std::io::Error) -> DeliveryError + '_ {
        move |source| DeliveryError::Journal { path: self.path.clone(), source }
    }

    /// Holds `record`: journaled before this returns.
    pub(crate) fn hold(&self, record: HeldRecord) -> Result<(), DeliveryError> {
        let mut line = serde_json::to_vec(&record).map_err(|e| self.err()(std::io::Error::other(e)))?;
        line.push(b'\n');
        let mut state = self.lock();
        let journal = state.journal.as_mut().ok_or_else(|| self.err()(std::io::Error::other("journal not open")))?;
        journal.write_all(&line).map_err(self.err())?;
        if self.fsync {
            journal.sync_data().map_err(self.err())?;
        }
        state.records.push(record);
        Ok(())
    }

    /// Takes the records due at `now_ms` (every record when `all`), oldest due first. The caller
    /// delivers them and then calls [`Held::delivered`] with any it could not deliver.
    pub(crate) fn take_due(&self, now_ms: i64, all: bool) -> Vec<HeldRecord> {
        let mut state = self.lock();
        let (mut due, kept): (Vec<HeldRecord>, Vec<HeldRecord>) =
            std::mem::take(&mut state.records).into_iter().partition(|r| all || r.due_ms <= now_ms);
        state.records = kept;
        due.sort_by_key(|r| r.due_ms);
        due
    }

    /// After a delivery: `failed` are held again, and the journal is rewritten as what is held.
    pub(crate) fn delivered(&self, failed: Vec<HeldRecord>) -> Result<(), DeliveryError> {
        let mut state = self.lock();
        state.records.extend(failed);
        state.journal = None;
        state.journal = Some(rewrite(&self.path, &state.records, self.fsync)?);
        Ok(())
    }

    /// How many records are held.
    pub(crate) fn len(&self) -> usize {
        self.lock().records.len()
    }
}

/// Writes `records` as the whole journal (a temporary file renamed into place) and opens it
/// for appending.
fn rewrite(path: &Path, records: &[HeldRecord], fsync: bool) -> Result<File, DeliveryError> {
    let err = |source| DeliveryError::Journal { path: path.to_owned(), source };
    let tmp = path.with_extension("jsonl.tmp");
    let mut buf = Vec::new();
    for record in records {
        serde_json::to_writer(&mut buf, record).map_err(|e| err(std::io::Error::other(e)))?;
        buf.push(b'\n');
    }
    let mut file = File::create(&tmp).map_err(err)?;
    file.write_all(&buf).map_err(err)?;
    if fsync {
        file.sync_data().map_err(err)?;
    }
    fs::rename(&tmp, path).map_err(err)?;
    fs::OpenOptions::new().append(true).open(path).map_err(err)
}

/// The journal's records; a torn last line (its call was never answered) is skipped.
fn read_journal(path: &Path) -> Result<Vec<HeldRecord>, DeliveryError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(DeliveryError::Journal { path: path.to_owned(), source }),
    };
    let mut out = Vec::new();
    for line in std::io::BufReader::new(file).split(b'\n') {
        let line = line.map_err(|source| DeliveryError::Journal { path: path.to_owned(), source })?;
        match serde_json::from_slice::<HeldRecord>(&line) {
            Ok(record) => out.push(record),
            Err(err) => tracing::warn!(%err, path = %path.display(), "skipping a torn held-record journal line"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, due_ms: i64) -> HeldRecord {
        HeldRecord {
            request_id: id.to_owned(),
            due_ms,
            cloud_watch: Some(HeldCloudWatch { group: "g".into(), timestamp_ms: 1, message: "{}".into() }),
            s3: None,
        }
    }

    #[test]
    fn held_records_come_out_when_due_and_survive_a_kill() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("held.jsonl");
        {
            let held = Held::open(path.clone(), false).unwrap();
            held.hold(record("a", 100)).unwrap();
            held.hold(record("b", 200)).unwrap();
            // Dropped without delivering: a killed process.
        }
        let mut journal = fs::OpenOptions::new().append(true).open(&path).unwrap();
        journal.write_all(b"{\"request_id\":\"c\",\"du").unwrap();
        let held = Held::open(path.clone(), false).unwrap();
        assert_eq!(held.len(), 2, "replayed; the torn line skipped");
        assert!(held.take_due(99, false).is_empty());
        held.delivered(Vec::new()).unwrap();
        let due = held.take_due(150, false);
        assert_eq!(due.iter().map(|r| r.request_id.as_str()).collect::<Vec<_>>(), ["a"]);
        held.delivered(Vec::new()).unwrap();
        assert_eq!(Held::open(path.clone(), false).unwrap().len(), 1, "the journal holds what is left");
        let all = held.take_due(0, true);
        held.delivered(all).unwrap();
        assert_eq!(held.len(), 1, "a failed delivery is held again");
    }
}
