//! The service registry: opens the shared stores of the data directory (the log store under
//! `logs/`, the buckets under `s3/`) and the services over them, each given only the environment,
//! its own configuration and the stores it uses.

use std::sync::Arc;

use log_store::{LogStore, StoreOptions};
use object_store::BucketStore;
use service_bedrock::BedrockService;
use service_kit::Environment;
use service_logs::LogsService;
use service_s3::S3Service;

use crate::config::EmulatorConfig;
use crate::error::StartError;

/// The services one port serves.
#[derive(Debug)]
pub(crate) struct Services {
    pub(crate) env: Environment,
    /// The request body limit.
    pub(crate) max_body_bytes: usize,
    pub(crate) bedrock: Arc<BedrockService>,
    pub(crate) logs: Arc<LogsService>,
    pub(crate) s3: Arc<S3Service>,
    /// The log store (shared by Bedrock's delivery and the Logs API).
    pub(crate) log_store: Arc<LogStore>,
}

impl Services {
    /// Opens the data directory and every service over it.
    pub(crate) fn open(config: &EmulatorConfig) -> Result<Self, StartError> {
        let env = config.environment();
        let store_root = config.data_dir.join("logs");
        let log_store = LogStore::open(&store_root, StoreOptions { fsync: config.fsync, ..StoreOptions::default() })
            .map(Arc::new)
            .map_err(|source| StartError::Store { path: store_root, source })?;
        let buckets = Arc::new(BucketStore::new(config.data_dir.join("s3"), config.fsync));
        let bedrock = BedrockService::open(
            env.clone(),
            config.bedrock(),
            &config.data_dir,
            Arc::clone(&log_store),
            Arc::clone(&buckets),
        )?;
        let logs = LogsService::new(env.clone(), Arc::clone(&log_store), config.logs());
        let s3 = S3Service::new(env.clone(), buckets);
        Ok(Self {
            env,
            max_body_bytes: config.max_body_bytes,
            bedrock: Arc::new(bedrock),
            logs: Arc::new(logs),
            s3: Arc::new(s3),
            log_store,
        })
    }
}
