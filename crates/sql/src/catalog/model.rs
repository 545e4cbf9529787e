//! What the catalog holds: a database, a table (columns, partition keys, LOCATION, SerDe and
//! table properties), a registered partition.

use std::collections::BTreeMap;

use crate::hive_type::HiveType;

/// A database (Athena's schema).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DatabaseDef {
    pub name: String,
    pub comment: Option<String>,
    pub location: Option<String>,
    pub properties: BTreeMap<String, String>,
    /// Epoch milliseconds.
    pub created_ms: i64,
}

/// A column or partition key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnDef {
    /// Lower-cased, as Athena stores it.
    pub name: String,
    pub ty: HiveType,
    pub comment: Option<String>,
}

/// A partition registered by `MSCK REPAIR TABLE` or `ALTER TABLE ADD PARTITION`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartitionDef {
    /// One value per partition key, as text.
    pub values: Vec<String>,
    /// Where its objects are (`s3://bucket/prefix/`).
    pub location: String,
}

/// An external table over newline-delimited JSON objects.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableDef {
    pub database: String,
    pub name: String,
    pub columns: Vec<ColumnDef>,
    pub partition_keys: Vec<ColumnDef>,
    /// `s3://bucket/prefix/`, a local directory or `file://` URL.
    pub location: String,
    pub serde: String,
    pub serde_properties: BTreeMap<String, String>,
    pub table_properties: BTreeMap<String, String>,
    pub comment: Option<String>,
    /// Epoch milliseconds.
    pub created_ms: i64,
    pub partitions: Vec<PartitionDef>,
}

impl TableDef {
    /// A SerDe property, case-insensitively by name.
    pub fn serde_property(&self, name: &str) -> Option<&str> {
        self.serde_properties.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// A table property, case-insensitively by name.
    pub fn table_property(&self, name: &str) -> Option<&str> {
        self.table_properties.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether partition projection is on (`projection.enabled` = true).
    pub fn projection_enabled(&self) -> bool {
        self.table_property("projection.enabled").is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}
