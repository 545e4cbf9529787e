//! Errors of starting and running the emulator (the library edge). Request-level errors are
//! `bedrock_model::error::ServiceError`, rendered by `response.rs`.

use std::path::PathBuf;

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The log store could not be opened.
    #[error("cannot open the log store at {path}")]
    Store {
        /// The store root.
        path: PathBuf,
        /// The store's error.
        #[source]
        source: log_store::StoreError,
    },
    /// A file or directory could not be read or created.
    #[error("cannot access {path}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The saved logging configuration is not valid.
    #[error("the saved logging configuration {path} is invalid: {message}")]
    BadLoggingConfig {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// S3 delivery could not be opened (its journal, or a configured bucket).
    #[error("cannot open S3 delivery: {message}")]
    S3 {
        /// What failed.
        message: String,
    },
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
