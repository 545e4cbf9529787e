//! Opens the shared stores of the data directory (the log store under `logs/`, the buckets under
//! `s3/`, the identities under `iam/`) and the services over them, each given only the environment, its own configuration and
//! the stores it uses, and registers them.

use std::sync::Arc;

use iam_store::IamStore;
use log_store::{LogStore, StoreOptions};
use object_store::BucketStore;
use service_bedrock::BedrockService;
use service_iam::IamService;
use service_kit::Environment;
use service_logs::LogsService;
use service_s3::S3Service;

use crate::config::EmulatorConfig;
use crate::error::StartError;
use crate::identities::AccountIdentities;
use crate::registry::Registry;

/// The services one port serves.
#[derive(Debug)]
pub(crate) struct Services {
    pub(crate) env: Environment,
    /// The request body limit.
    pub(crate) max_body_bytes: usize,
    /// Operation → service.
    pub(crate) registry: Registry,
    /// Bedrock, for its S3 delivery flushes.
    pub(crate) bedrock: Arc<BedrockService>,
    /// The log store (shared by Bedrock's delivery and the Logs API).
    pub(crate) log_store: Arc<LogStore>,
}

impl Services {
    /// Opens the data directory and every service over it.
    pub(crate) fn open(config: &EmulatorConfig) -> Result<Self, StartError> {
        let iam_dir = config.data_dir.join("iam");
        let iam = IamStore::open(&iam_dir, config.fsync)
            .map(Arc::new)
            .map_err(|source| StartError::Iam { path: iam_dir, source })?;
        let identities = AccountIdentities { iam: Arc::clone(&iam), fallback: config.principal_identities() };
        let env = config.environment(Arc::new(identities));
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
        let iam = IamService::new(env.clone(), iam);
        let bedrock = Arc::new(bedrock);
        let mut registry = Registry::default();
        registry.register(Arc::clone(&bedrock) as Arc<dyn service_kit::Service>);
        registry.register(Arc::new(logs));
        registry.register(Arc::new(s3));
        registry.register(Arc::new(iam));
        Ok(Self { env, max_body_bytes: config.max_body_bytes, registry, bedrock, log_store })
    }
}
