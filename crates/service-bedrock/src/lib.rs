//! Amazon Bedrock: the runtime (Converse, ConverseStream, InvokeModel,
//! InvokeModelWithResponseStream, CountTokens), the logging control plane
//! (Put/Get/DeleteModelInvocationLoggingConfiguration), the model catalog, the deterministic
//! responder, and the delivery of `ModelInvocationLog` records to CloudWatch Logs and S3.
//!
//! The service owns its state ([`BedrockService`]) and is given only what it needs: the
//! [`Environment`], the shared log store and the shared buckets.
//!
//! | module | job |
//! |---|---|
//! | `api.rs` | the [`Service`](service_kit::Service) impl: the operations answered, a call → its handler |
//! | `authorization.rs` | each operation's IAM action and resource ARNs (profiles and the models they route to) |
//! | `error.rs` | Bedrock's errors as the protocol layer's `AwsError` |
//! | `runtime/` | the runtime operations, one file each; `invoke/` (text, embedding, stream); the stream plan |
//! | `control/` | the logging configuration: its operations and its persisted state |
//! | `delivery/` | the record, its destinations, S3 batches, media and large bodies, keys |
//! | `catalog.rs` | model ids, inference profiles, on-demand rules (`data/catalog.json`, embedded) |
//! | `responder.rs`, `tokens.rs` | deterministic answers, declared responses, the token estimate |
//! | `fnv.rs` | the one stable hash (answers, embeddings, S3 batch names) |
//! | `metrics.rs` | the `AWS/Bedrock` runtime metrics, published to the shared metric store |
//! | `cost_metrics.rs` | `--cost-metrics`: each call's `EstimatedCost` (`CustomMetrics`), total and per request metadata key |
//! | `pacing.rs` | how long an answer takes (instant, or a model family's pace) and the timing it reports |
//! | `quota.rs` | what a request reserves against its model's quota, and what it settles at |
//! | `prices/` | the dated price table (`data/prices.json`, embedded), the price a call pays, exact money |

mod api;
mod authorization;
pub mod catalog;
mod control;
pub mod cost_metrics;
pub mod delivery;
mod error;
mod fnv;
pub mod metrics;
pub mod pacing;
pub mod prices;
mod quota;
pub mod responder;
mod runtime;
pub mod tokens;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bedrock_model::logging::LoggingConfig;
use log_store::LogStore;
use object_store::BucketStore;
use service_kit::Environment;

pub use catalog::{Catalog, ModelFamily};
pub use control::logging_config::PERMISSION_CHECK_MESSAGE;
pub use control::logging_state::default_logging_config;
pub use pacing::PacingMode;
pub use prices::PriceTable;
pub use responder::Responder;

use control::logging_state::LoggingState;
use delivery::S3Delivery;

/// The log group the default configuration delivers to.
pub const DEFAULT_LOG_GROUP: &str = "/aws/bedrock/modelinvocations";

/// How invocation logging starts when the data directory holds no saved configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialLogging {
    /// Logging on to `/aws/bedrock/modelinvocations` with text, image and embedding delivery.
    CloudWatchDefault,
    /// Like a fresh AWS account: no logging configuration.
    Off,
}

/// How the Bedrock service is set up.
#[derive(Debug, Clone)]
pub struct BedrockConfig {
    /// Logging state when the data directory has none saved.
    pub initial_logging: InitialLogging,
    /// The known models.
    pub catalog: Catalog,
    /// Declared responses and the deterministic generator.
    pub responder: Responder,
    /// Whether the S3 journal is also fsync'ed.
    pub fsync: bool,
    /// Holds each record this long before delivering it (`serve --delivery-delay`); none by
    /// default.
    pub delivery_delay: Option<delivery::DeliveryDelay>,
}

impl Default for BedrockConfig {
    fn default() -> Self {
        Self {
            initial_logging: InitialLogging::CloudWatchDefault,
            catalog: Catalog::embedded(),
            responder: Responder::default(),
            fsync: false,
            delivery_delay: None,
        }
    }
}

/// Why the Bedrock service could not open its state.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
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
    /// The log group of the saved configuration could not be prepared.
    #[error("cannot prepare the log group {group}")]
    LogGroup {
        /// The group.
        group: String,
        /// The store's error.
        #[source]
        source: log_store::StoreError,
    },
}

/// Amazon Bedrock: its environment, catalog, responder, logging configuration and deliveries.
#[derive(Debug)]
pub struct BedrockService {
    env: Environment,
    catalog: Catalog,
    responder: Responder,
    logging: LoggingState,
    /// The log store records are appended to.
    logs: Arc<LogStore>,
    /// S3 delivery: pending records journaled under `<data-dir>/bedrock/`, batches in `buckets`.
    s3: S3Delivery,
    /// The `AWS/Bedrock` metrics, when a metric store is given.
    metrics: Option<metrics::RuntimeMetrics>,
    /// Each call's `EstimatedCost` (`--cost-metrics`); none by default.
    cost_metrics: Option<cost_metrics::CostMetrics>,
    /// Records delivered and dropped (`GET /_emulator/deliveries`).
    deliveries: delivery::report::Deliveries,
    /// Per-model quotas (none unless given).
    quotas: Arc<faults::Quotas>,
    /// How long answers take.
    pacing: pacing::Pacing,
    /// The delivery delay, if any.
    delivery_delay: Option<delivery::DeliveryDelay>,
    /// Records held for the delay (journaled under `<data-dir>/bedrock/held.jsonl`).
    held: delivery::held::Held,
}

impl BedrockService {
    /// Opens the service's state under `data_dir/bedrock` (the logging configuration, the S3
    /// journal, replayed), over the shared log store and buckets.
    pub fn open(
        env: Environment,
        config: BedrockConfig,
        data_dir: &Path,
        logs: Arc<LogStore>,
        buckets: Arc<BucketStore>,
    ) -> Result<Self, OpenError> {
        let dir = data_dir.join("bedrock");
        let logging = LoggingState::open(&dir, config.initial_logging, &env.account_id)?;
        let s3 = open_s3(buckets, &dir, config.fsync, logging.current().as_deref(), env.now_ms())?;
        if let Some(current) = logging.current()
            && let Some(cw) = &current.cloud_watch_config
        {
            logs.ensure_log_stream(&cw.log_group_name, delivery::invocation_log::LOG_STREAM, env.now_ms())
                .map_err(|source| OpenError::LogGroup { group: cw.log_group_name.clone(), source })?;
        }
        let pacing = pacing::instant(std::sync::Arc::clone(&env.clock));
        let quotas = Arc::new(faults::Quotas::new());
        let held = delivery::held::Held::open(dir.join("held.jsonl"), config.fsync)
            .map_err(|err| OpenError::S3 { message: err.to_string() })?;
        Ok(Self {
            env,
            catalog: config.catalog,
            responder: config.responder,
            logging,
            logs,
            s3,
            metrics: None,
            cost_metrics: None,
            deliveries: delivery::report::Deliveries::default(),
            quotas,
            pacing,
            delivery_delay: config.delivery_delay,
            held,
        })
    }

    /// Enforces `quotas` (shared with `/_emulator/quotas`) from now on.
    pub fn with_quotas(mut self, quotas: Arc<faults::Quotas>) -> Self {
        self.quotas = quotas;
        self
    }

    /// Paces answers in `mode`, waiting with `sleeper` (real time, or the clock moved in tests).
    pub fn with_pacing(mut self, mode: PacingMode, sleeper: service_kit::SharedSleeper) -> Self {
        self.pacing = pacing::Pacing { mode, sleeper, clock: Arc::clone(&self.env.clock) };
        self
    }

    /// The timing an answer reports, having spent it under realistic pacing (measured on the
    /// emulator's clock from `started_ms`).
    pub(crate) async fn answer_timing(
        &self,
        foundation_model_id: &str,
        completion: &responder::Completion,
        started_ms: i64,
    ) -> pacing::Timing {
        if !self.pacing.is_realistic() {
            return pacing::Timing::instant(completion.latency_ms);
        }
        let plan = self.pace_plan(foundation_model_id, completion);
        self.pacing.spend(plan, started_ms).await
    }

    /// The time an answer takes under realistic pacing.
    pub(crate) fn pace_plan(&self, foundation_model_id: &str, completion: &responder::Completion) -> pacing::Plan {
        let declared = completion.latency_declared.then_some(completion.latency_ms);
        pacing::Plan::of(&self.catalog.family(foundation_model_id), completion.output_tokens, declared)
    }

    /// Publishes Bedrock's runtime metrics (`AWS/Bedrock`) to `store` from now on.
    pub fn with_metrics(mut self, store: Arc<metric_store::MetricStore>) -> Self {
        self.metrics = Some(metrics::RuntimeMetrics::new(store));
        self
    }

    /// Publishes each successful call's estimated cost (`CustomMetrics` `EstimatedCost`, in the
    /// table's currency) to `store` from now on, in total and per request metadata key of `config`.
    pub fn with_cost_metrics(mut self, store: Arc<metric_store::MetricStore>, config: cost_metrics::CostMetricsConfig) -> Self {
        self.cost_metrics = Some(cost_metrics::CostMetrics::new(store, config));
        self
    }

    /// Whether `--cost-metrics` is on (a call then keeps its request metadata for them).
    pub(crate) fn cost_metrics_on(&self) -> bool {
        self.cost_metrics.is_some()
    }

    /// Runs `f` with the metric publisher, when metrics are on.
    pub(crate) fn metrics(&self, f: impl FnOnce(&metrics::RuntimeMetrics, i64)) {
        if let Some(m) = &self.metrics {
            f(m, self.env.now_ms());
        }
    }

    /// A successful runtime call: its `AWS/Bedrock` metrics and, under `--cost-metrics`, its
    /// `EstimatedCost`, both at the same instant; nothing when neither is on.
    pub(crate) fn succeeded(&self, call: &metrics::Succeeded<'_>) {
        if self.metrics.is_none() && self.cost_metrics.is_none() {
            return;
        }
        let now = self.env.now_ms();
        if let Some(m) = &self.metrics {
            m.success(call.model_id, call.outcome, now);
        }
        if let Some(c) = &self.cost_metrics {
            c.record(call, now);
        }
    }

    /// Writes every pending S3 record batch now (what the background timer does, and shutdown
    /// does last).
    pub fn flush_deliveries(&self) -> Result<delivery::FlushReport, delivery::DeliveryError> {
        self.s3.flush()
    }

    /// Records delivered and dropped per destination, and why the last ones were dropped.
    pub fn delivery_report(&self) -> delivery::report::DeliveryReport {
        self.deliveries.report()
    }

    /// Delivers every held record now, due or not, then writes the S3 batches
    /// (`POST /_emulator/flush-deliveries`).
    pub fn release_and_flush_deliveries(&self) -> Result<delivery::FlushReport, delivery::DeliveryError> {
        delivery::invocation_log::release(self, true)?;
        self.s3.flush()
    }

    /// Delivers the held records due on the emulator's clock; returns how many were delivered.
    pub fn release_due_deliveries(&self) -> Result<usize, delivery::DeliveryError> {
        delivery::invocation_log::release(self, false)
    }

    /// Records held for the delivery delay.
    pub fn held_deliveries(&self) -> usize {
        self.held.len()
    }

    /// S3 records waiting for the next flush.
    pub fn pending_deliveries(&self) -> usize {
        self.s3.pending_records()
    }
}

/// Opens S3 delivery (replaying records a previous run left pending) and makes sure the
/// buckets of a saved configuration exist.
fn open_s3(
    store: Arc<BucketStore>,
    dir: &Path,
    fsync: bool,
    current: Option<&LoggingConfig>,
    now_ms: i64,
) -> Result<S3Delivery, OpenError> {
    if let Some(cfg) = current {
        for s3 in cfg.s3_config.iter().chain(cfg.large_data_s3()) {
            store.ensure_bucket(&s3.bucket_name, now_ms).map_err(|err| OpenError::S3 { message: err.to_string() })?;
        }
    }
    S3Delivery::open(store, dir.join("s3-pending.jsonl"), fsync).map_err(|err| OpenError::S3 { message: err.to_string() })
}
