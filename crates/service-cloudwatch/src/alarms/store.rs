//! The alarms of the account and their history, in memory and saved as one JSON file
//! (`<data-dir>/cloudwatch/alarms.json`, written to a temporary file and renamed) after every
//! change. History is kept for alarms that were deleted too, newest 10,000 items.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::model::Alarm;
use crate::shapes::AlarmHistoryItem;

/// History items kept.
pub(crate) const MAX_HISTORY: usize = 10_000;

/// What is saved.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Alarms {
    pub(crate) alarms: BTreeMap<String, Alarm>,
    pub(crate) history: Vec<AlarmHistoryItem>,
    /// Per alarm, the latest period boundary evaluated (not saved: a restart evaluates again).
    #[serde(skip)]
    pub(crate) evaluated_boundary: BTreeMap<String, i64>,
}

impl Alarms {
    /// Appends a history item, dropping the oldest past [`MAX_HISTORY`].
    pub(crate) fn record(&mut self, item: AlarmHistoryItem) {
        self.history.push(item);
        if self.history.len() > MAX_HISTORY {
            let excess = self.history.len() - MAX_HISTORY;
            self.history.drain(..excess);
        }
    }
}

/// Why the alarms could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum AlarmStoreError {
    #[error("cannot access {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a valid alarms file: {source}")]
    Parse { path: PathBuf, source: serde_json::Error },
}

/// The alarms, and where they are saved.
#[derive(Debug)]
pub(crate) struct AlarmStore {
    path: Option<PathBuf>,
    inner: Mutex<Alarms>,
}

impl AlarmStore {
    /// Nothing saved (tests).
    pub(crate) fn in_memory() -> Self {
        Self { path: None, inner: Mutex::new(Alarms::default()) }
    }

    /// Loads `dir/alarms.json` (none yet: no alarms).
    pub(crate) fn open(dir: &Path) -> Result<Self, AlarmStoreError> {
        let path = dir.join("alarms.json");
        let alarms = match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|source| AlarmStoreError::Parse { path: path.clone(), source })?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Alarms::default(),
            Err(source) => return Err(AlarmStoreError::Io { path, source }),
        };
        Ok(Self { path: Some(path), inner: Mutex::new(alarms) })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Alarms> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Saves `alarms` (called with the lock held, after a change).
    pub(crate) fn save(&self, alarms: &Alarms) -> Result<(), AlarmStoreError> {
        let Some(path) = &self.path else { return Ok(()) };
        let io = |source| AlarmStoreError::Io { path: path.clone(), source };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec(alarms).map_err(|source| AlarmStoreError::Parse { path: path.clone(), source })?;
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}
