//! The state shared by every request: configuration, the log store, and the current model
//! invocation logging configuration (saved in the data directory, so it survives restarts as an
//! account's configuration does).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use bedrock_model::logging::LoggingConfig;
use log_store::{LogStore, StoreOptions};

use crate::config::{EmulatorConfig, InitialLogging};
use crate::error::StartError;

/// The log group the default configuration delivers to.
pub const DEFAULT_LOG_GROUP: &str = "/aws/bedrock/modelinvocations";

/// Everything a request handler can reach.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) config: EmulatorConfig,
    pub(crate) store: LogStore,
    pub(crate) logging: LoggingState,
    /// Logs Insights queries started through StartQuery.
    pub(crate) queries: crate::logs::QueryRegistry,
    /// S3 delivery: local buckets under `s3/`, pending records journaled under `bedrock/`.
    pub(crate) s3: crate::s3::S3Delivery,
}

impl AppState {
    /// Opens the data directory: the log store under `logs/`, the logging configuration under
    /// `bedrock/logging-config.json`.
    pub(crate) fn open(config: EmulatorConfig) -> Result<Self, StartError> {
        let store_root = config.data_dir.join("logs");
        let store = LogStore::open(&store_root, StoreOptions { fsync: config.fsync, ..StoreOptions::default() })
            .map_err(|source| StartError::Store { path: store_root.clone(), source })?;
        let logging = LoggingState::open(&config.data_dir.join("bedrock"), &config)?;
        let s3 = open_s3(&config, logging.current().as_deref())?;
        if let Some(current) = logging.current()
            && let Some(cw) = &current.cloud_watch_config {
                store
                    .ensure_log_stream(&cw.log_group_name, crate::invocation_log::LOG_STREAM, config.clock.now_ms())
                    .map_err(|source| StartError::Store { path: store_root, source })?;
            }
        let queries = crate::logs::QueryRegistry::new(config.max_concurrent_queries);
        Ok(Self { config, store, logging, queries, s3 })
    }
}

/// Opens S3 delivery (replaying records a previous run left pending) and makes sure the
/// buckets of a saved configuration exist.
fn open_s3(config: &EmulatorConfig, current: Option<&LoggingConfig>) -> Result<crate::s3::S3Delivery, StartError> {
    let root = crate::s3::records::bucket_root(&config.data_dir);
    let store = crate::s3::BucketStore::new(&root, config.fsync);
    if let Some(cfg) = current {
        for s3 in cfg.s3_config.iter().chain(cfg.large_data_s3()) {
            store.ensure_bucket(&s3.bucket_name).map_err(|err| StartError::S3 { message: err.to_string() })?;
        }
    }
    let journal = config.data_dir.join("bedrock").join("s3-pending.jsonl");
    crate::s3::S3Delivery::open(store, journal, config.fsync).map_err(|err| StartError::S3 { message: err.to_string() })
}

/// The model invocation logging configuration, persisted as JSON.
#[derive(Debug)]
pub(crate) struct LoggingState {
    path: PathBuf,
    current: RwLock<Option<Arc<LoggingConfig>>>,
}

impl LoggingState {
    fn open(dir: &Path, config: &EmulatorConfig) -> Result<Self, StartError> {
        std::fs::create_dir_all(dir).map_err(|source| StartError::Io { path: dir.to_owned(), source })?;
        let path = dir.join("logging-config.json");
        let current = match std::fs::read(&path) {
            Ok(bytes) => {
                let cfg = bedrock_model::logging::parse_put_logging_request(&bytes)
                    .map_err(|err| StartError::BadLoggingConfig { path: path.clone(), message: err.message })?;
                Some(Arc::new(cfg))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if path.with_extension("deleted").exists() {
                    None
                } else {
                    match config.initial_logging {
                        InitialLogging::Off => None,
                        InitialLogging::CloudWatchDefault => Some(Arc::new(default_logging_config(&config.account_id))),
                    }
                }
            }
            Err(source) => return Err(StartError::Io { path, source }),
        };
        Ok(Self { path, current: RwLock::new(current) })
    }

    /// The configuration in force.
    pub(crate) fn current(&self) -> Option<Arc<LoggingConfig>> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the configuration and saves it (write to a temporary file, then rename).
    pub(crate) fn put(&self, cfg: LoggingConfig) -> std::io::Result<()> {
        let body = serde_json::json!({ "loggingConfig": &cfg }).to_string();
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, body)?;
        std::fs::rename(&tmp, &self.path)?;
        match std::fs::remove_file(self.path.with_extension("deleted")) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(cfg));
        Ok(())
    }

    /// Removes the configuration: logging off.
    pub(crate) fn delete(&self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
        // Remember the deletion across restarts, so the default does not come back.
        let marker = self.path.with_extension("deleted");
        std::fs::write(marker, b"")?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }
}

/// The configuration the emulator starts with by default.
pub(crate) fn default_logging_config(account_id: &str) -> LoggingConfig {
    let body = serde_json::json!({
        "loggingConfig": {
            "cloudWatchConfig": {
                "logGroupName": DEFAULT_LOG_GROUP,
                "roleArn": format!("arn:aws:iam::{account_id}:role/BedrockInvocationLoggingRole"),
            },
            "textDataDeliveryEnabled": true,
            "imageDataDeliveryEnabled": true,
            "embeddingDataDeliveryEnabled": true,
        }
    });
    bedrock_model::logging::parse_put_logging_request(body.to_string().as_bytes())
        .expect("the default logging configuration is valid")
}
