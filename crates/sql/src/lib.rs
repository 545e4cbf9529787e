//! Athena's SQL on Apache DataFusion, with no HTTP: a catalog of databases and external tables
//! saved in the data directory, Hive DDL as Athena accepts it, tables read from
//! newline-delimited JSON objects (gzip or not) with the OpenX JsonSerDe's semantics, and
//! SELECT in Athena's (Trino's) dialect with the Trino functions Athena users write.
//!
//! ```text
//! text ─▶ ddl::parse ─▶ DDL / SHOW / DESCRIBE ─▶ ddl::exec (catalog) ──────────────┐
//!                   └─▶ query ─▶ rewrite (Trino → DataFusion, refusals) ─▶ DataFusion ─┴▶ QueryOutput
//!                                         tables (catalog) ─▶ scan (objects ─▶ serde ─▶ Arrow)
//! ```

pub mod catalog;
pub mod ddl;
mod df_error;
mod engine;
pub mod error;
pub mod hive_type;
mod projection;
pub mod result;
mod rewrite;
mod scan;
mod serde;
pub mod source;
mod tables;
pub mod timefmt;
mod trino;

pub use catalog::Catalog;
pub use ddl::StatementType;
pub use engine::{Engine, QueryContext};
pub use error::SqlError;
pub use result::{OutputColumn, QueryOutput};
pub use source::{BucketSource, Location, ObjectEntry, ObjectSource, Storage};
