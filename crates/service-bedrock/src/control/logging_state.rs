//! The model invocation logging configuration in force, saved as
//! `<data-dir>/bedrock/logging-config.json` (or the marker `logging-config.deleted`), so it
//! survives restarts as an account's configuration does.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use bedrock_model::logging::LoggingConfig;

use crate::{DEFAULT_LOG_GROUP, InitialLogging, OpenError};

/// The model invocation logging configuration, persisted as JSON.
#[derive(Debug)]
pub(crate) struct LoggingState {
    path: PathBuf,
    current: RwLock<Option<Arc<LoggingConfig>>>,
    /// The configuration in force is the emulator's default (no PUT made it): its role and
    /// group are not checked at delivery under `--enforce-iam`.
    default_in_force: AtomicBool,
}

impl LoggingState {
    /// Opens the configuration saved under `dir`; without one, starts as `initial` says.
    pub(crate) fn open(dir: &Path, initial: InitialLogging, account_id: &str) -> Result<Self, OpenError> {
        std::fs::create_dir_all(dir).map_err(|source| OpenError::Io { path: dir.to_owned(), source })?;
        let path = dir.join("logging-config.json");
        let mut default_in_force = false;
        let current = match std::fs::read(&path) {
            Ok(bytes) => {
                let cfg = bedrock_model::logging::parse_put_logging_request(&bytes)
                    .map_err(|err| OpenError::BadLoggingConfig { path: path.clone(), message: err.message })?;
                Some(Arc::new(cfg))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if path.with_extension("deleted").exists() {
                    None
                } else {
                    match initial {
                        InitialLogging::Off => None,
                        InitialLogging::CloudWatchDefault => {
                            default_in_force = true;
                            Some(Arc::new(default_logging_config(account_id)))
                        }
                    }
                }
            }
            Err(source) => return Err(OpenError::Io { path, source }),
        };
        Ok(Self { path, current: RwLock::new(current), default_in_force: AtomicBool::new(default_in_force) })
    }

    /// The configuration in force.
    pub(crate) fn current(&self) -> Option<Arc<LoggingConfig>> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// `true` while the configuration in force is the emulator's default, not a PUT's.
    pub(crate) fn is_default(&self) -> bool {
        self.default_in_force.load(Ordering::Acquire)
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
        self.default_in_force.store(false, Ordering::Release);
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
        self.default_in_force.store(false, Ordering::Release);
        Ok(())
    }
}

/// The configuration the emulator starts with by default.
pub fn default_logging_config(account_id: &str) -> LoggingConfig {
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
