//! Amazon CloudWatch (service `monitoring`): metrics over the shared metric store
//! (PutMetricData, GetMetricStatistics, GetMetricData with metric math, ListMetrics), alarms
//! (metric, metric-math and composite; state, history, evaluation on the emulator's clock,
//! actions), dashboards (Put/Get/List/DeleteDashboards, and the page that draws them), and a
//! minimal Amazon SNS that alarm actions publish to. One service struct answers both models, in
//! every protocol their SDKs speak (the protocol layer decodes; this crate reads one JSON document
//! per call).
//!
//! | file | job |
//! |---|---|
//! | `api.rs` | the [`Service`](service_kit::Service) impl: operations, dispatch |
//! | `input.rs` | an operation's input as JSON (any protocol), checked against the trimmed models |
//! | `error.rs` | CloudWatch's errors (shape name + awsQuery code) and SNS's |
//! | `shapes.rs` | the CloudWatch shapes the operations share |
//! | `metrics/` | PutMetricData, GetMetricStatistics, GetMetricData, ListMetrics |
//! | `math/` | metric math: parser, evaluator, `SEARCH`, labels |
//! | `alarms/` | alarms: configuration, state, history, evaluation, actions |
//! | `dashboards/` | dashboards: the four operations, body validation, saved dashboards |
//! | `page/` | a dashboard as a web page: each widget's data from the stores, drawn by Chart.js |
//! | `sns/` | topics, subscriptions, Publish, HTTP delivery |

mod alarms;
mod api;
mod dashboards;
mod error;
mod input;
mod math;
mod metrics;
pub mod page;
mod shapes;
mod sns;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use log_store::LogStore;
use metric_store::MetricStore;
use service_kit::Environment;

pub use alarms::evaluate::{EvaluationReport, Transition};
pub use dashboards::store::DashboardStoreError;
pub use dashboards::validate::ValidationMessage;
pub use error::{CloudWatchError, SnsError};
pub use sns::state::{Delivery, SnsMessage};

use alarms::store::AlarmStore;
use dashboards::store::DashboardStore;
use sns::Sns;
use sns::state::SnsStore;

/// Why the service could not open its state.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot open the alarms: {0}")]
    Alarms(#[from] alarms::store::AlarmStoreError),
    #[error("cannot open SNS: {0}")]
    Sns(#[from] sns::state::SnsStoreError),
    #[error("cannot open the dashboards: {0}")]
    Dashboards(#[from] DashboardStoreError),
}

/// CloudWatch and SNS.
#[derive(Debug)]
pub struct CloudWatchService {
    env: Environment,
    metrics: Arc<MetricStore>,
    alarms: AlarmStore,
    dashboards: DashboardStore,
    /// The log store the page's log widgets query (none: they say so).
    logs: Option<Arc<LogStore>>,
    sns: Sns,
}

impl CloudWatchService {
    /// Opens the alarms, dashboards and SNS's topics under `dir` (`<data-dir>/cloudwatch`), over
    /// the shared metric store.
    pub fn open(env: Environment, dir: &Path, metrics: Arc<MetricStore>) -> Result<Self, OpenError> {
        let alarms = AlarmStore::open(dir)?;
        let dashboards = DashboardStore::open(dir)?;
        let sns = Sns::new(env.clone(), SnsStore::open(dir)?);
        Ok(Self { env, metrics, alarms, dashboards, logs: None, sns })
    }

    /// A service that saves nothing (tests).
    pub fn in_memory(env: Environment, metrics: Arc<MetricStore>) -> Self {
        let sns = Sns::new(env.clone(), SnsStore::default());
        Self { env, metrics, alarms: AlarmStore::in_memory(), dashboards: DashboardStore::in_memory(), logs: None, sns }
    }

    /// The same service with the shared log store, which the dashboards' log widgets query.
    pub fn with_logs(mut self, logs: Arc<LogStore>) -> Self {
        self.logs = Some(logs);
        self
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
