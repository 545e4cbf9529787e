//! The engine's errors, each with the Trino/Hive error name Athena puts before its message
//! (`SYNTAX_ERROR: ...`, `TABLE_NOT_FOUND: ...`) and whether the user or the system is at fault.

/// Why a statement failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqlError {
    /// The text does not parse.
    #[error("SYNTAX_ERROR: {0}")]
    Syntax(String),
    /// Valid SQL the emulator does not run (named in the message); never answered wrongly.
    #[error("NOT_SUPPORTED: {0} is not supported by this emulator")]
    NotSupported(String),
    /// No such database.
    #[error("SCHEMA_NOT_FOUND: Schema '{0}' does not exist")]
    SchemaNotFound(String),
    /// No such table.
    #[error("TABLE_NOT_FOUND: Table '{0}' does not exist")]
    TableNotFound(String),
    /// CREATE of something that exists (without IF NOT EXISTS).
    #[error("ALREADY_EXISTS: {0}")]
    AlreadyExists(String),
    /// A statement that is valid SQL but wrong for the catalog (a bad LOCATION, a bad property).
    #[error("INVALID_DDL: {0}")]
    InvalidDdl(String),
    /// A row the SerDe cannot read.
    #[error("HIVE_BAD_DATA: {0}")]
    BadData(String),
    /// A line that is not a JSON object (without `ignore.malformed.json`).
    #[error("HIVE_CURSOR_ERROR: {0}")]
    Cursor(String),
    /// Planning or execution failed for the query's own reasons (a column that does not exist,
    /// a type mismatch, division by zero).
    #[error("{0}")]
    Query(String),
    /// The storage could not be read (a missing bucket, an unreadable object).
    #[error("HIVE_FILESYSTEM_ERROR: {0}")]
    Storage(String),
    /// The query was stopped.
    #[error("Query cancelled")]
    Cancelled,
    /// The emulator's own failure (the catalog file could not be written).
    #[error("INTERNAL_ERROR: {0}")]
    Internal(String),
}

impl SqlError {
    /// True when the statement or the data is at fault (Athena's error category 2, USER).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, SqlError::Internal(_) | SqlError::Storage(_))
    }

    /// Athena's `AthenaError.ErrorType` for this error (our numbering where AWS publishes none
    /// that fits; see ARCHITECTURE.md).
    pub fn error_type(&self) -> i32 {
        match self {
            SqlError::Syntax(_) => 1001,
            SqlError::NotSupported(_) => 1002,
            SqlError::SchemaNotFound(_) | SqlError::TableNotFound(_) => 1003,
            SqlError::AlreadyExists(_) | SqlError::InvalidDdl(_) => 1004,
            SqlError::BadData(_) | SqlError::Cursor(_) => 1005,
            SqlError::Query(_) => 1006,
            SqlError::Storage(_) => 1007,
            SqlError::Cancelled => 1008,
            SqlError::Internal(_) => 1009,
        }
    }
}
