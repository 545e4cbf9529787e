//! Opens the shared stores of the data directory (the log store under `logs/`, the buckets under
//! `s3/`, the identities under `iam/`, the metric store under `metrics/`) and the services over
//! them, each given only the environment, its own configuration and the stores it uses, and
//! registers them; the account's authorizer (`--enforce-iam`) over the identities.

use std::sync::Arc;

use iam_store::IamStore;
use log_store::{LogStore, StoreOptions};
use metric_store::MetricStore;
use object_store::BucketStore;
use service_athena::AthenaService;
use service_bedrock::BedrockService;
use service_cloudwatch::CloudWatchService;
use service_iam::IamService;
use service_kit::AdjustableClock;
use service_kit::Environment;
use service_logs::LogsService;
use service_s3::S3Service;

use crate::authorizer::AccountAuthorizer;
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
    /// CloudWatch Logs, for its retention sweeps.
    pub(crate) logs: Arc<LogsService>,
    /// The log store (shared by Bedrock's delivery and the Logs API).
    pub(crate) log_store: Arc<LogStore>,
    /// The metric store (Bedrock's metrics, metric filters, CloudWatch).
    pub(crate) metric_store: Arc<MetricStore>,
    /// CloudWatch and SNS, for alarm evaluation, the SNS message list and the dashboard pages.
    pub(crate) cloudwatch: Arc<CloudWatchService>,
    /// The emulator's clock (`POST /_emulator/clock` moves it forward).
    pub(crate) clock: Arc<AdjustableClock>,
    /// SigV4 verification and policy evaluation (`--enforce-iam`).
    pub(crate) authorizer: Arc<AccountAuthorizer>,
    /// The fault rules (`/_emulator/faults`).
    pub(crate) faults: Arc<faults::FaultEngine>,
    /// Per-model quotas, enforced by Bedrock (`/_emulator/quotas`).
    pub(crate) quotas: Arc<faults::Quotas>,
    /// How waits are spent (real time, or the clock moved in tests).
    pub(crate) sleeper: service_kit::SharedSleeper,
}

impl Services {
    /// Opens the data directory and every service over it.
    pub(crate) fn open(config: &EmulatorConfig) -> Result<Self, StartError> {
        let iam_dir = config.data_dir.join("iam");
        let iam =
            IamStore::open(&iam_dir, config.fsync).map(Arc::new).map_err(|source| StartError::Iam { path: iam_dir, source })?;
        let root_key = config.enforce_iam.is_on().then(|| config.root_credentials.access_key.clone());
        let identities = AccountIdentities { iam: Arc::clone(&iam), fallback: config.principal_identities(), root_key };
        let authorizer = Arc::new(AccountAuthorizer::new(
            config.enforce_iam,
            Arc::clone(&iam),
            config.root_credentials.clone(),
            config.account_id.clone(),
        ));
        let clock = Arc::new(AdjustableClock::new(Arc::clone(&config.clock)));
        let sleeper: service_kit::SharedSleeper = match config.waits {
            crate::config::Waits::RealTime => Arc::new(service_kit::RealTime),
            crate::config::Waits::AdvanceClock => Arc::new(service_kit::AdvanceClock(Arc::clone(&clock))),
        };
        let faults = Arc::new(faults::FaultEngine::new());
        if let Some(text) = &config.fault_rules {
            faults.replace(faults::parse_rules(text.as_bytes())?);
        }
        let quotas = Arc::new(faults::Quotas::new());
        quotas.replace(config.quotas.clone());
        let env = config.environment(
            Arc::clone(&clock) as service_kit::SharedClock,
            Arc::new(identities),
            Arc::clone(&authorizer) as service_kit::SharedAuthorizer,
        );
        let store_root = config.data_dir.join("logs");
        let log_store = LogStore::open(&store_root, StoreOptions { fsync: config.fsync, ..StoreOptions::default() })
            .map(Arc::new)
            .map_err(|source| StartError::Store { path: store_root, source })?;
        let buckets = Arc::new(BucketStore::new(config.data_dir.join("s3"), config.fsync));
        let metrics_root = config.data_dir.join("metrics");
        let (metric_store, _) = MetricStore::open(&metrics_root, metric_store::StoreOptions { fsync: config.fsync })
            .map_err(|source| StartError::Metrics { path: metrics_root, source })?;
        let metric_store = Arc::new(metric_store);
        let bedrock =
            BedrockService::open(env.clone(), config.bedrock(), &config.data_dir, Arc::clone(&log_store), Arc::clone(&buckets))?;
        let bedrock = if config.bedrock_metrics { bedrock.with_metrics(Arc::clone(&metric_store)) } else { bedrock };
        let bedrock = match &config.cost_metrics {
            Some(cost) => bedrock.with_cost_metrics(Arc::clone(&metric_store), cost.clone()),
            None => bedrock,
        };
        let bedrock = bedrock.with_quotas(Arc::clone(&quotas)).with_pacing(config.pacing, Arc::clone(&sleeper));
        let filters = config.data_dir.join("logs-metric-filters.json");
        let logs = LogsService::new(env.clone(), Arc::clone(&log_store), config.logs())
            .with_metric_filters(Arc::clone(&metric_store), Some(filters))
            .map_err(|err| StartError::Service { service: "CloudWatch Logs", message: err.to_string() })?;
        let cloudwatch =
            CloudWatchService::open(env.clone(), &CloudWatchService::state_dir(&config.data_dir), Arc::clone(&metric_store))
                .map(|cw| Arc::new(cw.with_logs(Arc::clone(&log_store))))
                .map_err(|err| StartError::Service { service: "CloudWatch", message: err.to_string() })?;
        let athena = AthenaService::open(env.clone(), &AthenaService::state_dir(&config.data_dir), Arc::clone(&buckets))
            .map_err(|err| StartError::Service { service: "Athena", message: err.to_string() })?;
        let s3 = S3Service::new(env.clone(), buckets);
        let iam = IamService::new(env.clone(), iam);
        let bedrock = Arc::new(bedrock);
        let mut registry = Registry::default();
        registry.register(Arc::clone(&bedrock) as Arc<dyn service_kit::Service>);
        let logs = Arc::new(logs);
        registry.register(Arc::clone(&logs) as Arc<dyn service_kit::Service>);
        registry.register(Arc::new(s3));
        registry.register(Arc::new(iam));
        registry.register(Arc::clone(&cloudwatch) as Arc<dyn service_kit::Service>);
        registry.register(Arc::new(athena));
        Ok(Self {
            env,
            max_body_bytes: config.max_body_bytes,
            registry,
            bedrock,
            logs,
            log_store,
            metric_store,
            cloudwatch,
            clock,
            authorizer,
            faults,
            quotas,
            sleeper,
        })
    }
}
