//! The catalog as DataFusion sees it for one query: a catalog provider (`awsdatacatalog`)
//! whose schemas are the databases and whose tables are `JsonTable`s counting into the query's
//! scanned-bytes counter.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use async_trait::async_trait;
use datafusion::catalog::{CatalogProvider, SchemaProvider, TableProvider};
use datafusion::error::Result;

use crate::catalog::Catalog;
use crate::scan::JsonTable;
use crate::source::Storage;

/// The catalog for one query.
#[derive(Debug, Clone)]
pub(crate) struct QueryCatalog {
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) storage: Storage,
    pub(crate) scanned: Arc<AtomicU64>,
}

impl CatalogProvider for QueryCatalog {
    fn schema_names(&self) -> Vec<String> {
        self.catalog.databases().into_iter().map(|d| d.name).collect()
    }

    fn schema(&self, name: &str) -> Option<Arc<dyn SchemaProvider>> {
        let name = name.to_ascii_lowercase();
        self.catalog.database(&name)?;
        Some(Arc::new(DatabaseSchema { database: name, query: self.clone() }))
    }
}

#[derive(Debug)]
struct DatabaseSchema {
    database: String,
    query: QueryCatalog,
}

#[async_trait]
impl SchemaProvider for DatabaseSchema {
    fn table_names(&self) -> Vec<String> {
        self.query.catalog.tables(&self.database).map(|t| t.into_iter().map(|t| t.name).collect()).unwrap_or_default()
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        let Ok(def) = self.query.catalog.table(&self.database, &name.to_ascii_lowercase()) else { return Ok(None) };
        Ok(Some(Arc::new(JsonTable::new(def, self.query.storage.clone(), Arc::clone(&self.query.scanned)))))
    }

    fn table_exist(&self, name: &str) -> bool {
        self.query.catalog.table(&self.database, &name.to_ascii_lowercase()).is_ok()
    }
}
