//! What can go wrong reading records: typed errors for the library, with the file (or object)
//! and line a bad record came from.

use std::path::PathBuf;

/// A line that is not a record: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRecord {
    /// The file path or `s3://bucket/key`.
    pub source: String,
    /// 1-based line number within the file or object (after decompression).
    pub line: u64,
    pub message: String,
}

impl std::fmt::Display for BadRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.message)
    }
}

/// Why reading stopped.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A line is not a record and the policy is `fail`.
    #[error("{0} (use --on-bad-record skip to skip such lines)")]
    BadRecord(BadRecord),
    /// An object is not valid gzip, or could not be fetched.
    #[error("{location}: {message}")]
    Object { location: String, message: String },
    /// The S3 location or endpoint configuration is not usable.
    #[error("{0}")]
    Remote(String),
}
