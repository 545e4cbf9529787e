//! The catalog: databases and their tables (columns, partition keys, LOCATION, SerDe and table
//! properties, registered partitions), kept in memory and saved after every change to one JSON
//! file in the data directory (written to a temporary file and renamed into place; a change runs
//! on a copy and replaces the state only once saved, so a failed save changes nothing).

mod model;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

pub use model::{ColumnDef, DatabaseDef, PartitionDef, TableDef};

use crate::error::SqlError;

/// The database every catalog has, as in Athena.
pub const DEFAULT_DATABASE: &str = "default";

#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
struct State {
    databases: BTreeMap<String, DatabaseEntry>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct DatabaseEntry {
    def: DatabaseDef,
    tables: BTreeMap<String, TableDef>,
}

/// Databases and tables, saved to `<dir>/catalog.json` when opened over a directory.
#[derive(Debug)]
pub struct Catalog {
    file: Option<PathBuf>,
    state: RwLock<State>,
}

impl Catalog {
    /// A catalog that lives only in memory (the `sql` command), with the `default` database.
    pub fn in_memory() -> Catalog {
        Catalog { file: None, state: RwLock::new(State::with_default()) }
    }

    /// The catalog saved under `dir` (created on the first change).
    pub fn open(dir: &Path) -> Result<Catalog, SqlError> {
        let file = dir.join("catalog.json");
        let state = match std::fs::read(&file) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| SqlError::Internal(format!("{} does not parse: {e}", file.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => State::with_default(),
            Err(e) => return Err(SqlError::Internal(format!("reading {}: {e}", file.display()))),
        };
        Ok(Catalog { file: Some(file), state: RwLock::new(state) })
    }

    /// The catalog saved under `dir`, read once; changes stay in memory (the `sql` command
    /// reads a running emulator's catalog without writing it).
    pub fn snapshot(dir: &Path) -> Result<Catalog, SqlError> {
        let mut c = Catalog::open(dir)?;
        c.file = None;
        Ok(c)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `change` on a copy of the state, saves it, then makes it the state.
    fn change<T>(&self, change: impl FnOnce(&mut State) -> Result<T, SqlError>) -> Result<T, SqlError> {
        let mut guard = self.state.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut next = guard.clone();
        let out = change(&mut next)?;
        if let Some(file) = &self.file {
            save(file, &next)?;
        }
        *guard = next;
        Ok(out)
    }

    /// Every database, by name.
    pub fn databases(&self) -> Vec<DatabaseDef> {
        self.read().databases.values().map(|d| d.def.clone()).collect()
    }

    /// One database.
    pub fn database(&self, name: &str) -> Option<DatabaseDef> {
        self.read().databases.get(&name.to_ascii_lowercase()).map(|d| d.def.clone())
    }

    /// Creates a database; `Ok(false)` when it existed and `if_not_exists` was given.
    pub fn create_database(&self, def: DatabaseDef, if_not_exists: bool) -> Result<bool, SqlError> {
        self.change(|s| {
            if s.databases.contains_key(&def.name) {
                return if if_not_exists {
                    Ok(false)
                } else {
                    Err(SqlError::AlreadyExists(format!("Database {} already exists", def.name)))
                };
            }
            s.databases.insert(def.name.clone(), DatabaseEntry { def, tables: BTreeMap::new() });
            Ok(true)
        })
    }

    /// Drops a database (its tables too with `cascade`; a database with tables otherwise refuses).
    pub fn drop_database(&self, name: &str, if_exists: bool, cascade: bool) -> Result<(), SqlError> {
        self.change(|s| {
            let Some(entry) = s.databases.get(name) else {
                return if if_exists { Ok(()) } else { Err(SqlError::SchemaNotFound(name.to_owned())) };
            };
            if !entry.tables.is_empty() && !cascade {
                return Err(SqlError::InvalidDdl(format!("Database {name} is not empty. One or more tables exist.")));
            }
            s.databases.remove(name);
            Ok(())
        })
    }

    /// The tables of a database, by name.
    pub fn tables(&self, database: &str) -> Result<Vec<TableDef>, SqlError> {
        let state = self.read();
        let db = state.databases.get(database).ok_or_else(|| SqlError::SchemaNotFound(database.to_owned()))?;
        Ok(db.tables.values().cloned().collect())
    }

    /// One table.
    pub fn table(&self, database: &str, name: &str) -> Result<TableDef, SqlError> {
        let state = self.read();
        let db = state.databases.get(database).ok_or_else(|| SqlError::SchemaNotFound(database.to_owned()))?;
        db.tables.get(name).cloned().ok_or_else(|| SqlError::TableNotFound(format!("awsdatacatalog.{database}.{name}")))
    }

    /// Creates a table; `Ok(false)` when it existed and `if_not_exists` was given.
    pub fn create_table(&self, def: TableDef, if_not_exists: bool) -> Result<bool, SqlError> {
        self.change(|s| {
            let db = s.databases.get_mut(&def.database).ok_or_else(|| SqlError::SchemaNotFound(def.database.clone()))?;
            if db.tables.contains_key(&def.name) {
                return if if_not_exists {
                    Ok(false)
                } else {
                    Err(SqlError::AlreadyExists(format!("Table {}.{} already exists", def.database, def.name)))
                };
            }
            db.tables.insert(def.name.clone(), def);
            Ok(true)
        })
    }

    /// Drops a table (the data under its LOCATION stays, as for an external table).
    pub fn drop_table(&self, database: &str, name: &str, if_exists: bool) -> Result<(), SqlError> {
        self.change(|s| {
            let db = s.databases.get_mut(database).ok_or_else(|| SqlError::SchemaNotFound(database.to_owned()))?;
            if db.tables.remove(name).is_none() && !if_exists {
                return Err(SqlError::TableNotFound(format!("awsdatacatalog.{database}.{name}")));
            }
            Ok(())
        })
    }

    /// Adds partitions to a table (those whose values are registered already are kept as they
    /// are); returns how many were new.
    pub fn add_partitions(&self, database: &str, name: &str, partitions: Vec<PartitionDef>) -> Result<usize, SqlError> {
        self.change(|s| {
            let db = s.databases.get_mut(database).ok_or_else(|| SqlError::SchemaNotFound(database.to_owned()))?;
            let table =
                db.tables.get_mut(name).ok_or_else(|| SqlError::TableNotFound(format!("awsdatacatalog.{database}.{name}")))?;
            let mut added = 0;
            for p in partitions {
                if !table.partitions.iter().any(|q| q.values == p.values) {
                    table.partitions.push(p);
                    added += 1;
                }
            }
            Ok(added)
        })
    }
}

impl State {
    fn with_default() -> State {
        let mut s = State::default();
        let def = DatabaseDef { name: DEFAULT_DATABASE.to_owned(), ..DatabaseDef::default() };
        s.databases.insert(def.name.clone(), DatabaseEntry { def, tables: BTreeMap::new() });
        s
    }
}

fn save(file: &Path, state: &State) -> Result<(), SqlError> {
    let fail = |e: std::io::Error| SqlError::Internal(format!("writing {}: {e}", file.display()));
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = file.with_extension("json.tmp");
    let bytes = serde_json::to_vec_pretty(state).map_err(|e| SqlError::Internal(e.to_string()))?;
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, file).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_saved_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalog::open(dir.path()).unwrap();
        assert!(c.create_database(DatabaseDef { name: "logs".into(), ..Default::default() }, false).unwrap());
        assert!(!c.create_database(DatabaseDef { name: "logs".into(), ..Default::default() }, true).unwrap());
        assert!(c.create_database(DatabaseDef { name: "logs".into(), ..Default::default() }, false).is_err());
        let again = Catalog::open(dir.path()).unwrap();
        let names: Vec<_> = again.databases().into_iter().map(|d| d.name).collect();
        assert_eq!(names, ["default", "logs"]);
    }
}
