//! The store's errors.

use std::path::PathBuf;

/// Why the metric store failed.
#[derive(Debug, thiserror::Error)]
pub enum MetricStoreError {
    /// A file of the store could not be read or written.
    #[error("metric store: cannot access {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

pub(crate) trait IoContext<T> {
    fn at(self, path: &std::path::Path) -> Result<T, MetricStoreError>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn at(self, path: &std::path::Path) -> Result<T, MetricStoreError> {
        self.map_err(|source| MetricStoreError::Io { path: path.to_owned(), source })
    }
}
