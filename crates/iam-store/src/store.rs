//! [`IamStore`]: the account's identities in memory, persisted to `<data-dir>/iam/state.json`
//! after every change (written to a temporary file and renamed into place, so a crash leaves the
//! previous state or the new one, never a mix). A change runs on a copy of the state and
//! replaces it only when it succeeds and is saved: a refused request changes nothing.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{RwLock, RwLockReadGuard};

use crate::entities::IamState;

/// Why the store could not be opened or saved.
#[derive(Debug, thiserror::Error)]
pub enum IamStoreError {
    /// The file system refused.
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The state file is not the store's JSON.
    #[error("{path} is not a valid IAM state file: {message}")]
    Corrupt { path: PathBuf, message: String },
}

/// The account's users, roles, policies, keys and sessions.
#[derive(Debug)]
pub struct IamStore {
    path: PathBuf,
    fsync: bool,
    state: RwLock<IamState>,
    /// Bumped by every change (caches of compiled policies compare it).
    generation: AtomicU64,
}

impl IamStore {
    /// Opens the store in `dir` (normally `<data-dir>/iam`), empty when it has no state yet.
    pub fn open(dir: &Path, fsync: bool) -> Result<IamStore, IamStoreError> {
        let path = dir.join("state.json");
        let state = match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| IamStoreError::Corrupt { path: path.clone(), message: e.to_string() })?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => IamState::default(),
            Err(source) => return Err(IamStoreError::Io { op: "read", path, source }),
        };
        Ok(IamStore { path, fsync, state: RwLock::new(state), generation: AtomicU64::new(0) })
    }

    /// An empty store that is never saved (tests, and services built without a data directory).
    pub fn in_memory() -> IamStore {
        IamStore { path: PathBuf::new(), fsync: false, state: RwLock::new(IamState::default()), generation: AtomicU64::new(0) }
    }

    /// The current state, for reading.
    pub fn read(&self) -> RwLockReadGuard<'_, IamState> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    /// How many changes the state has seen since it was opened (a cache of anything derived
    /// from the state is fresh while this has not moved).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Runs `change` on a copy of the state; when it succeeds the copy is saved and becomes the
    /// state. A failed change, or a failed save, leaves the state as it was.
    pub fn update<R, E>(&self, change: impl FnOnce(&mut IamState) -> Result<R, E>) -> Result<R, E>
    where
        E: From<IamStoreError>,
    {
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        let mut draft = state.clone();
        let out = change(&mut draft)?;
        if draft != *state {
            self.save(&draft)?;
            *state = draft;
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        Ok(out)
    }

    fn save(&self, state: &IamState) -> Result<(), IamStoreError> {
        if self.path.as_os_str().is_empty() {
            return Ok(());
        }
        let io = |op: &'static str, path: &Path| {
            let path = path.to_owned();
            move |source| IamStoreError::Io { op, path, source }
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(io("create", dir))?;
        let tmp = self.path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(state)
            .map_err(|e| IamStoreError::Corrupt { path: self.path.clone(), message: e.to_string() })?;
        let mut file = fs::File::create(&tmp).map_err(io("create", &tmp))?;
        file.write_all(&bytes).map_err(io("write", &tmp))?;
        if self.fsync {
            file.sync_all().map_err(io("sync", &tmp))?;
        }
        fs::rename(&tmp, &self.path).map_err(io("rename", &self.path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::{KeyStatus, User};

    #[derive(Debug)]
    enum Refused {
        No,
        Store,
    }

    impl From<IamStoreError> for Refused {
        fn from(_: IamStoreError) -> Self {
            Refused::Store
        }
    }

    fn user(name: &str) -> User {
        User {
            name: name.to_owned(),
            path: "/".to_owned(),
            id: crate::ids::unique_id("AIDA", name),
            arn: format!("arn:aws:iam::123456789012:user/{name}"),
            created_ms: 1,
            inline_policies: Default::default(),
            attached_policies: Vec::new(),
            tags: Vec::new(),
        }
    }

    #[test]
    fn changes_persist_and_refused_changes_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = IamStore::open(dir.path(), false).unwrap();
        store
            .update(|s| {
                s.users.insert("alice".into(), user("Alice"));
                Ok::<_, Refused>(())
            })
            .unwrap();
        let refused = store.update(|s| {
            s.users.clear();
            Err::<(), _>(Refused::No)
        });
        assert!(matches!(refused, Err(Refused::No)));
        assert_eq!(store.read().user("ALICE").map(|u| u.name.as_str()), Some("Alice"));
        drop(store);
        let reopened = IamStore::open(dir.path(), false).unwrap();
        assert!(reopened.read().user("alice").is_some());
        assert_eq!(KeyStatus::Inactive.as_str(), "Inactive");
        std::fs::write(dir.path().join("state.json"), b"{").unwrap();
        assert!(matches!(IamStore::open(dir.path(), false), Err(IamStoreError::Corrupt { .. })));
    }
}
