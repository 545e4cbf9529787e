//! Everything an emulator instance is started with. The command line builds one of these; Rust
//! tests build one directly (`EmulatorConfig::new(dir)` then override what they need).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use service_bedrock::{BedrockConfig, Catalog, InitialLogging, Responder};
use service_kit::{
    Enforcement, Environment, PrincipalIdentities, Principals, RandomIds, SharedAuthorizer, SharedClock, SharedIdentities,
    SharedIds, StartedClock,
};

pub use crate::credentials::RootCredentials;
use service_logs::{DEFAULT_MAX_CONCURRENT_QUERIES, LogsConfig};

/// The default port of `bedrock-emulator serve`.
pub const DEFAULT_PORT: u16 = 4599;

/// The largest request body accepted (InvokeModel's documented 25,000,000-byte limit).
pub const DEFAULT_MAX_BODY_BYTES: usize = 25_000_000;

pub use service_kit::DEFAULT_ACCOUNT_ID;

/// How often pending S3 record batches are written by default.
pub const DEFAULT_S3_FLUSH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// How often alarms are looked at in the background by default (CloudWatch evaluates every
/// minute; the emulator checks for a passed period boundary more often).
pub const DEFAULT_ALARM_EVALUATION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);

/// How often (real time) the invocation records held for a delivery delay are checked for
/// being due on the emulator's clock.
pub const HELD_RELEASE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// How often recorded metric samples (Bedrock's metrics, metric filters) are written to the
/// metric store's journal.
pub const METRICS_FLUSH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// The configuration of one emulator instance.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Where log groups, the logging configuration and S3 buckets live.
    pub data_dir: PathBuf,
    /// The clock every timestamp comes from.
    pub clock: SharedClock,
    /// The request-id generator.
    pub ids: SharedIds,
    /// `accountId` in records and ARNs.
    pub account_id: String,
    /// The region for unsigned requests (signed ones use their credential scope's region).
    pub default_region: String,
    /// Access key → principal ARN for keys the account's IAM store did not issue
    /// (`serve --principals`).
    pub principals: Principals,
    /// Logging state when the data directory has none saved.
    pub initial_logging: InitialLogging,
    /// The known models.
    pub catalog: Catalog,
    /// Declared responses and the deterministic generator.
    pub responder: Responder,
    /// The request body limit.
    pub max_body_bytes: usize,
    /// Whether appends are also fsync'ed (power-loss durability, slower).
    pub fsync: bool,
    /// Logs Insights queries that run at once; more wait as `Scheduled` (0: none ever runs,
    /// which tests use to hold a query in `Scheduled`).
    pub max_concurrent_queries: usize,
    /// How long `GetQueryResults` waits for an unfinished query before answering `Running`
    /// (saves clients a polling round; see ARCHITECTURE.md).
    pub query_results_wait: std::time::Duration,
    /// How often pending S3 record batches are written in the background (real time); `None`
    /// leaves it to size limits, explicit flushes and shutdown (tests).
    pub s3_flush_interval: Option<std::time::Duration>,
    /// Whether Bedrock publishes its `AWS/Bedrock` runtime metrics.
    pub bedrock_metrics: bool,
    /// How often (real time) alarms whose period boundary passed on the emulator's clock are
    /// evaluated in the background; `None`: only on `POST /_emulator/alarms/evaluate`.
    pub alarm_evaluation_interval: Option<std::time::Duration>,
    /// `--enforce-iam`: SigV4 verified and policies evaluated (`Strict`), or evaluated and logged
    /// only (`Soft`); `Off` (the default) lets every request in.
    pub enforce_iam: Enforcement,
    /// The account root's key pair under enforcement (`test`/`test`).
    pub root_credentials: RootCredentials,
    /// Fault rules in force at start (`serve --faults FILE`): a rules document's JSON text.
    pub fault_rules: Option<String>,
    /// Per-model quotas (`serve --quotas FILE`); none by default.
    pub quotas: Vec<faults::Quota>,
    /// How the emulator waits (a rule's latency, pacing): in real time, or by moving its clock.
    pub waits: Waits,
    /// How long Bedrock's answers take (`serve --pacing`): instant by default.
    pub pacing: service_bedrock::PacingMode,
    /// How long each invocation record is held before delivery (`serve --delivery-delay`).
    pub delivery_delay: Option<service_bedrock::delivery::DeliveryDelay>,
    /// Retention (days) of log groups without a policy of their own (`serve --retention-days`).
    pub retention_days: Option<u32>,
    /// Each successful call's estimated cost as `CustomMetrics` `EstimatedCost`, in total and
    /// per request metadata key (`serve --cost-metrics KEY`, `--prices FILE`); off by default.
    pub cost_metrics: Option<service_bedrock::cost_metrics::CostMetricsConfig>,
}

/// How the emulator spends the time it decides to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Waits {
    /// Real time (`serve`).
    #[default]
    RealTime,
    /// Moves the emulator's clock forward at once (tests: no sleeping, exact durations).
    AdvanceClock,
}

impl EmulatorConfig {
    /// Defaults: 127.0.0.1 on port 0, real time, random ids, logging on, embedded catalog.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            clock: Arc::new(StartedClock::system()),
            ids: Arc::new(RandomIds),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            default_region: service_kit::DEFAULT_REGION.to_owned(),
            principals: Principals::default(),
            initial_logging: InitialLogging::CloudWatchDefault,
            catalog: Catalog::embedded(),
            responder: Responder::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            fsync: false,
            max_concurrent_queries: DEFAULT_MAX_CONCURRENT_QUERIES,
            query_results_wait: std::time::Duration::from_secs(1),
            s3_flush_interval: Some(DEFAULT_S3_FLUSH_INTERVAL),
            bedrock_metrics: true,
            alarm_evaluation_interval: Some(DEFAULT_ALARM_EVALUATION_INTERVAL),
            enforce_iam: Enforcement::Off,
            root_credentials: RootCredentials::default(),
            fault_rules: None,
            quotas: Vec::new(),
            waits: Waits::RealTime,
            pacing: service_bedrock::PacingMode::Instant,
            delivery_delay: None,
            retention_days: None,
            cost_metrics: None,
        }
    }
}

impl EmulatorConfig {
    /// The environment every service is given: `clock` (the configured clock under a forward-only
    /// offset), and callers resolved with `identities`.
    pub(crate) fn environment(
        &self,
        clock: SharedClock,
        identities: SharedIdentities,
        authorizer: SharedAuthorizer,
    ) -> Environment {
        Environment {
            clock,
            ids: Arc::clone(&self.ids),
            account_id: self.account_id.clone(),
            default_region: self.default_region.clone(),
            identities,
            authorizer,
        }
    }

    /// The principal map alone, over this account (keys the IAM store did not issue).
    pub(crate) fn principal_identities(&self) -> PrincipalIdentities {
        PrincipalIdentities { principals: self.principals.clone(), account_id: self.account_id.clone() }
    }

    /// Bedrock's part of the configuration.
    pub(crate) fn bedrock(&self) -> BedrockConfig {
        BedrockConfig {
            initial_logging: self.initial_logging,
            catalog: self.catalog.clone(),
            responder: self.responder.clone(),
            fsync: self.fsync,
            delivery_delay: self.delivery_delay,
        }
    }

    /// CloudWatch Logs' part of the configuration.
    pub(crate) fn logs(&self) -> LogsConfig {
        LogsConfig {
            max_concurrent_queries: self.max_concurrent_queries,
            query_results_wait: self.query_results_wait,
            default_retention_days: self.retention_days,
            ..LogsConfig::default()
        }
    }
}
