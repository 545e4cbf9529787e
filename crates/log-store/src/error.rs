//! The one error type of the crate: [`StoreError`].

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in the log store.
///
/// Client-caused conditions (`*NotFound`, `*AlreadyExists`, `InvalidName`, `EventTooLarge`,
/// `InvalidPtr`) are distinct variants so that the server can map them to CloudWatch errors;
/// `TooManyOpenFiles` is a transient fault (a 503); the rest are faults of the disk or of the
/// data directory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("log group {0:?} already exists")]
    GroupAlreadyExists(String),
    #[error("log group {0:?} does not exist")]
    GroupNotFound(String),
    #[error("log stream {stream:?} already exists in log group {group:?}")]
    StreamAlreadyExists { group: String, stream: String },
    #[error("log stream {stream:?} does not exist in log group {group:?}")]
    StreamNotFound { group: String, stream: String },
    #[error("invalid name {name:?}: {reason}")]
    InvalidName { name: String, reason: &'static str },
    #[error("event {index} has a message of {len} bytes, over the store's limit of {max} bytes")]
    EventTooLarge { index: usize, len: usize, max: usize },
    #[error("invalid event pointer {0:?}")]
    InvalidPtr(String),
    #[error("the data directory {path} is in use by another LogStore")]
    Locked { path: PathBuf },
    #[error("the data directory {path} has format {found:?}, this build reads {expected:?}")]
    UnsupportedFormat { path: PathBuf, found: String, expected: &'static str },
    #[error("{path} already exists on disk but is not a known {what} (left by an older run?)")]
    PathOccupied { path: PathBuf, what: &'static str },
    /// Opening a file failed for lack of descriptors (`EMFILE`/`ENFILE`) even after the store
    /// released its idle append handles: a transient fault, the next request may succeed.
    #[error("out of file descriptors opening {path}: {source}")]
    TooManyOpenFiles {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl StoreError {
    /// The error of an I/O operation on `path`: `TooManyOpenFiles` for `EMFILE`/`ENFILE`,
    /// `Io` for everything else.
    pub(crate) fn io(path: &std::path::Path, source: io::Error) -> StoreError {
        let path = path.to_path_buf();
        if fd_budget::is_exhaustion(&source) {
            StoreError::TooManyOpenFiles { path, source }
        } else {
            StoreError::Io { path, source }
        }
    }
}

/// Attaches a path to an `io::Error`.
pub(crate) trait IoContext<T> {
    fn at(self, path: &std::path::Path) -> Result<T, StoreError>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn at(self, path: &std::path::Path) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::io(path, source))
    }
}
