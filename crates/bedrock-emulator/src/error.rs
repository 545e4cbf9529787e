//! Errors of starting and running the emulator (the library edge). Request-level errors are
//! each service's own and are rendered by the service for its protocol.

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
    /// The IAM store (users, roles, policies, keys, sessions) could not be opened.
    #[error("cannot open the IAM store at {path}")]
    Iam {
        /// The store directory.
        path: PathBuf,
        /// The store's error.
        #[source]
        source: iam_store::IamStoreError,
    },
    /// The metric store could not be opened.
    #[error("cannot open the metric store at {path}")]
    Metrics {
        /// The store root.
        path: PathBuf,
        /// The store's error.
        #[source]
        source: metric_store::MetricStoreError,
    },
    /// A service could not open its state.
    #[error("cannot open {service}: {message}")]
    Service {
        /// The service.
        service: &'static str,
        /// What failed.
        message: String,
    },
    /// The fault rules given at start are refused.
    #[error("invalid fault rules: {0}")]
    Faults(#[from] faults::RuleError),
    /// The Bedrock service could not open its state (logging configuration, S3 journal).
    #[error(transparent)]
    Bedrock(#[from] service_bedrock::OpenError),
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
