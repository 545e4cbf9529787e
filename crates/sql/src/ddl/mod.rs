//! Athena's statements other than queries: which kind a text is (DDL, DML, UTILITY), and the
//! Hive DDL and SHOW/DESCRIBE statements parsed by hand (`parser.rs` over `cursor.rs`).
//! Queries (SELECT, WITH, VALUES, EXPLAIN) go to DataFusion whole.

mod cursor;
pub(crate) mod exec;
mod parser;

pub use parser::{ColumnSpec, CreateTable, PartitionSpec, Statement, parse};

/// Athena's `StatementType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementType {
    Ddl,
    Dml,
    Utility,
}

impl StatementType {
    /// As the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementType::Ddl => "DDL",
            StatementType::Dml => "DML",
            StatementType::Utility => "UTILITY",
        }
    }
}
