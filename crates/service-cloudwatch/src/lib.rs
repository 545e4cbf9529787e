//! Amazon CloudWatch (service `monitoring`): metrics over the shared metric store
//! (PutMetricData, GetMetricStatistics, GetMetricData with metric math, ListMetrics), alarms
//! (metric, metric-math and composite; state, history, evaluation on the emulator's clock,
//! actions), and a minimal Amazon SNS that alarm actions publish to. One service struct answers
//! both models, in every protocol their SDKs speak (the protocol layer decodes; this crate reads
//! one JSON document per call).
//!
//! | file | job |
//! |---|---|
//! | `api.rs` | the [`Service`](service_kit::Service) impl: operations, dispatch |
//! | `input.rs` | an operation's input as JSON (any protocol), checked against the trimmed models |
//! | `authorization.rs` | each operation's IAM action and alarm / topic ARN (`--enforce-iam`) |
//! | `error.rs` | CloudWatch's errors (shape name + awsQuery code) and SNS's |
//! | `shapes.rs` | the CloudWatch shapes the operations share |
//! | `metrics/` | PutMetricData, GetMetricStatistics, GetMetricData, ListMetrics |
//! | `math/` | metric math: parser, evaluator, `SEARCH`, labels |
//! | `alarms/` | alarms: configuration, state, history, evaluation, actions |
//! | `sns/` | topics, subscriptions, Publish, HTTP delivery |

mod alarms;
mod api;
mod authorization;
mod error;
mod input;
mod math;
mod metrics;
mod shapes;
mod sns;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use metric_store::MetricStore;
use service_kit::Environment;

pub use alarms::evaluate::{EvaluationReport, Transition};
pub use error::{CloudWatchError, SnsError};
pub use sns::state::{Delivery, SnsMessage};

use alarms::store::AlarmStore;
use sns::Sns;
use sns::state::SnsStore;

/// Why the service could not open its state.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the alarms: {0}")]
    Alarms(#[from] alarms::store::AlarmStoreError),
    #[error("cannot open SNS: {0}")]
    Sns(#[from] sns::state::SnsStoreError),
}

/// CloudWatch and SNS.
#[derive(Debug)]
pub struct CloudWatchService {
    env: Environment,
    metrics: Arc<MetricStore>,
    alarms: AlarmStore,
    sns: Sns,
}

impl CloudWatchService {
    /// Opens the alarms and SNS's topics under `dir` (`<data-dir>/cloudwatch`), over the
    /// shared metric store.
    pub fn open(env: Environment, dir: &Path, metrics: Arc<MetricStore>) -> Result<Self, OpenError> {
        let alarms = AlarmStore::open(dir)?;
        let sns = Sns::new(env.clone(), SnsStore::open(dir)?);
        Ok(Self { env, metrics, alarms, sns })
    }

    /// A service that saves nothing (tests).
    pub fn in_memory(env: Environment, metrics: Arc<MetricStore>) -> Self {
        let sns = Sns::new(env.clone(), SnsStore::default());
        Self { env, metrics, alarms: AlarmStore::in_memory(), sns }
    }

    /// The directory the service keeps its state in, under a data directory.
    pub fn state_dir(data_dir: &Path) -> PathBuf {
        data_dir.join("cloudwatch")
    }

    /// Evaluates every alarm now (`POST /_emulator/alarms/evaluate`).
    pub fn evaluate_alarms(&self) -> Result<EvaluationReport, CloudWatchError> {
        alarms::evaluate::evaluate(self, false)
    }

    /// Evaluates the alarms with a period boundary passed since their last evaluation (the
    /// background tick).
    pub fn evaluate_due_alarms(&self) -> Result<EvaluationReport, CloudWatchError> {
        alarms::evaluate::evaluate(self, true)
    }

    /// The SNS messages published (and confirmations sent), oldest first, with their deliveries
    /// (`GET /_emulator/sns/messages`).
    pub fn sns_messages(&self) -> Vec<SnsMessage> {
        self.sns.store.messages()
    }
}
