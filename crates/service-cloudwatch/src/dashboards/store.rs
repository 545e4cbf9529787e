//! The account's dashboards, one file each: `<data-dir>/cloudwatch/dashboards/<name>` holds
//! `{"name", "body", "lastModifiedMs"}`, written to `dashboards/%tmp/<name>` and renamed into
//! place. Names are CloudWatch's (`[A-Za-z0-9_-]`, at most 255 characters, checked before they
//! get here), so a name is always one safe file name; `%tmp` can never be one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::api::valid_name;

/// A dashboard as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Dashboard {
    pub(crate) name: String,
    /// The body as PutDashboard received it.
    pub(crate) body: String,
    pub(crate) last_modified_ms: i64,
}

/// Why the dashboards could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum DashboardStoreError {
    #[error("cannot access {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a valid dashboard file: {source}")]
    Parse { path: PathBuf, source: serde_json::Error },
}

/// The dashboards, and where they are saved.
#[derive(Debug)]
pub(crate) struct DashboardStore {
    dir: Option<PathBuf>,
    inner: Mutex<BTreeMap<String, Dashboard>>,
}

impl DashboardStore {
    /// Nothing saved (tests).
    pub(crate) fn in_memory() -> Self {
        Self { dir: None, inner: Mutex::new(BTreeMap::new()) }
    }

    /// Loads every dashboard under `dir/dashboards/` (none yet: no dashboards).
    pub(crate) fn open(dir: &Path) -> Result<Self, DashboardStoreError> {
        let dir = dir.join("dashboards");
        let mut dashboards = BTreeMap::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => Some(entries),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => return Err(DashboardStoreError::Io { path: dir, source }),
        };
        for entry in entries.into_iter().flatten() {
            let path = entry.map_err(|source| DashboardStoreError::Io { path: dir.clone(), source })?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            if !valid_name(name) {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|source| DashboardStoreError::Io { path: path.clone(), source })?;
            let dashboard: Dashboard =
                serde_json::from_slice(&bytes).map_err(|source| DashboardStoreError::Parse { path: path.clone(), source })?;
            dashboards.insert(dashboard.name.clone(), dashboard);
        }
        Ok(Self { dir: Some(dir), inner: Mutex::new(dashboards) })
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Dashboard>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The dashboard named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<Dashboard> {
        self.lock().get(name).cloned()
    }

    /// Every dashboard, in name order.
    pub(crate) fn list(&self) -> Vec<Dashboard> {
        self.lock().values().cloned().collect()
    }

    /// Creates or replaces a dashboard (saved first: a dashboard that could not be saved is not
    /// kept).
    pub(crate) fn put(&self, dashboard: Dashboard) -> Result<(), DashboardStoreError> {
        let mut dashboards = self.lock();
        if let Some(dir) = &self.dir {
            let path = dir.join(&dashboard.name);
            let tmp_dir = dir.join("%tmp");
            let tmp = tmp_dir.join(&dashboard.name);
            let io = |path: &Path| {
                let path = path.to_owned();
                move |source| DashboardStoreError::Io { path, source }
            };
            std::fs::create_dir_all(&tmp_dir).map_err(io(&tmp_dir))?;
            let bytes =
                serde_json::to_vec(&dashboard).map_err(|source| DashboardStoreError::Parse { path: path.clone(), source })?;
            std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
            std::fs::rename(&tmp, &path).map_err(io(&path))?;
        }
        dashboards.insert(dashboard.name.clone(), dashboard);
        Ok(())
    }

    /// Deletes the dashboards named; returns the names that did not exist.
    pub(crate) fn delete(&self, names: &[String]) -> Result<Vec<String>, DashboardStoreError> {
        let mut dashboards = self.lock();
        let mut missing = Vec::new();
        for name in names {
            if !dashboards.contains_key(name) {
                if !missing.contains(name) {
                    missing.push(name.clone());
                }
                continue;
            }
            if let Some(dir) = &self.dir {
                let path = dir.join(name);
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(source) => return Err(DashboardStoreError::Io { path, source }),
                }
            }
            dashboards.remove(name);
        }
        Ok(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dashboard(name: &str, body: &str) -> Dashboard {
        Dashboard { name: name.into(), body: body.into(), last_modified_ms: 7 }
    }

    #[test]
    fn dashboards_survive_a_reopen_and_deletes_report_the_missing() {
        let dir = tempfile::tempdir().unwrap();
        let store = DashboardStore::open(dir.path()).unwrap();
        store.put(dashboard("b", r#"{"widgets":[]}"#)).unwrap();
        store.put(dashboard("a", "{}")).unwrap();
        store.put(dashboard(&"x".repeat(255), "{}")).unwrap();
        store.put(dashboard("a", r#"{"widgets":[1]}"#)).unwrap();
        let reopened = DashboardStore::open(dir.path()).unwrap();
        let names: Vec<String> = reopened.list().into_iter().map(|d| d.name).collect();
        assert_eq!(names, vec!["a".to_owned(), "b".to_owned(), "x".repeat(255)]);
        assert_eq!(reopened.get("a").unwrap().body, r#"{"widgets":[1]}"#);
        assert_eq!(reopened.delete(&["a".into(), "nope".into(), "nope".into()]).unwrap(), vec!["nope".to_owned()]);
        let again = DashboardStore::open(dir.path()).unwrap();
        assert!(again.get("a").is_none());
        assert_eq!(again.list().len(), 2);
    }
}
