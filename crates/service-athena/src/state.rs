//! What Athena remembers, saved under `<data-dir>/athena/`: the query executions
//! (`executions.json`, written after every change of state; a query RUNNING when the process
//! stopped is FAILED when it starts again) and the work groups (`workgroups.json`; `primary`
//! always exists). Results stay in memory and in the result files; running queries' abort
//! handles in memory only.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use sql::QueryOutput;

use crate::error::AthenaError;
use crate::shapes::{QueryExecution, WorkGroup, WorkGroupConfiguration};

/// One execution and what only the emulator needs of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Execution {
    pub(crate) execution: QueryExecution,
    pub(crate) client_request_token: Option<String>,
    /// Submission order (ListQueryExecutions lists newest first).
    pub(crate) seq: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    executions: Vec<Execution>,
}

/// The service's state.
#[derive(Debug)]
pub(crate) struct State {
    dir: PathBuf,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
pub(crate) struct Inner {
    pub(crate) executions: HashMap<String, Execution>,
    pub(crate) results: HashMap<String, Arc<QueryOutput>>,
    pub(crate) running: HashMap<String, tokio::task::AbortHandle>,
    pub(crate) work_groups: BTreeMap<String, WorkGroup>,
    pub(crate) next_seq: u64,
}

fn read_json<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> Result<T, AthenaError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| AthenaError::Internal(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(AthenaError::Internal(format!("{}: {e}", path.display()))),
    }
}

fn write_json(path: &Path, value: &impl Serialize) -> Result<(), AthenaError> {
    let fail = |e: std::io::Error| AthenaError::Internal(format!("{}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec(value).map_err(|e| AthenaError::Internal(e.to_string()))?).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

/// The `primary` work group.
pub(crate) fn primary(created_ms: i64) -> WorkGroup {
    WorkGroup {
        name: "primary".to_owned(),
        state: "ENABLED".to_owned(),
        configuration: WorkGroupConfiguration::default(),
        description: String::new(),
        creation_time: crate::shapes::seconds(created_ms),
    }
}

impl State {
    /// The state saved under `dir`; executions left RUNNING or QUEUED are FAILED now.
    pub(crate) fn open(dir: &Path, now_ms: i64) -> Result<State, AthenaError> {
        let saved: Saved = read_json(&dir.join("executions.json"))?;
        let groups: Vec<WorkGroup> = read_json(&dir.join("workgroups.json"))?;
        let mut inner = Inner::default();
        for mut e in saved.executions {
            if matches!(e.execution.status.state.as_str(), "QUEUED" | "RUNNING") {
                e.execution.status.state = "FAILED".to_owned();
                e.execution.status.state_change_reason = Some("The emulator stopped while the query ran".to_owned());
                e.execution.status.completion_date_time = Some(crate::shapes::seconds(now_ms));
            }
            inner.next_seq = inner.next_seq.max(e.seq + 1);
            inner.executions.insert(e.execution.query_execution_id.clone(), e);
        }
        for g in groups {
            inner.work_groups.insert(g.name.clone(), g);
        }
        inner.work_groups.entry("primary".to_owned()).or_insert_with(|| primary(now_ms));
        Ok(State { dir: dir.to_owned(), inner: Mutex::new(inner) })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Saves the executions (called with the lock held, after a change).
    pub(crate) fn save_executions(&self, inner: &Inner) -> Result<(), AthenaError> {
        let mut executions: Vec<Execution> = inner.executions.values().cloned().collect();
        executions.sort_by_key(|e| e.seq);
        write_json(&self.dir.join("executions.json"), &Saved { executions })
    }

    /// Saves the work groups.
    pub(crate) fn save_work_groups(&self, inner: &Inner) -> Result<(), AthenaError> {
        let groups: Vec<&WorkGroup> = inner.work_groups.values().collect();
        write_json(&self.dir.join("workgroups.json"), &groups)
    }
}
