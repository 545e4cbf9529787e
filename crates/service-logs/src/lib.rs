//! The CloudWatch Logs API (awsJson1.1: `POST /` with `X-Amz-Target: Logs_20140328.<Operation>`),
//! over the log store that Bedrock's invocation records are written to. Requests are validated
//! against the logs model (`model/`); each operation lives in its own file; errors are
//! `{"__type", "message"}`.
//!
//! | file | job |
//! |---|---|
//! | `model/` | the operations, typed requests and responses, their validation, `LogsError` |
//! | `groups.rs`, `streams.rs` | Create/Delete/DescribeLogGroups, Create/Delete/DescribeLogStreams |
//! | `events.rs` | PutLogEvents, GetLogEvents, GetLogRecord |
//! | `filter_events.rs` | FilterLogEvents (patterns: the logs-filter crate) |
//! | `queries.rs`, `query_registry.rs` | StartQuery, GetQueryResults, StopQuery, DescribeQueries |
//! | `metric_filters.rs` | Put/Describe/Delete/TestMetricFilter and the rules on a transformation |
//! | `metric_publisher.rs` | the log store's append observer: matching events → metric datapoints |
//! | `retention.rs` | PutRetentionPolicy, DeleteRetentionPolicy, the allowed `retentionInDays` |
//! | `names.rs`, `paging.rs` | identifiers and ARNs, store errors, `nextToken`s |
//! | `authorization.rs` | each operation's IAM action and log-group / log-stream ARNs (`--enforce-iam`) |

mod authorization;
mod events;
mod filter_events;
mod groups;
mod metric_filters;
pub mod metric_publisher;
pub mod model;
mod names;
mod paging;
mod queries;
mod query_registry;
pub mod retention;
mod streams;

use query_registry::QueryRegistry;

use std::sync::Arc;
use std::time::Duration;

use aws_protocol::{AwsError, Reply, ServiceId};
use log_store::LogStore;
use serde::de::DeserializeOwned;
use service_kit::{Call, CallFuture, Environment, RequestContext, Service};

use crate::model::{LogsError, LogsOperation, parse_logs_request};

/// Logs Insights queries run at once by default (AWS allows 100 per account; a laptop has fewer
/// cores, and queued queries simply stay `Scheduled` a little longer).
pub const DEFAULT_MAX_CONCURRENT_QUERIES: usize = 4;

/// How the Logs service is set up.
#[derive(Debug, Clone)]
pub struct LogsConfig {
    /// Logs Insights queries that run at once; more wait as `Scheduled` (0: none ever runs,
    /// which tests use to hold a query in `Scheduled`).
    pub max_concurrent_queries: usize,
    /// How long `GetQueryResults` waits for an unfinished query before answering `Running`
    /// (saves clients a polling round; see ARCHITECTURE.md).
    pub query_results_wait: Duration,
    /// Retention of log groups without a policy of their own (`serve --retention-days`);
    /// `None`: their events never expire.
    pub default_retention_days: Option<u32>,
    /// Scan threads per query (each holds one segment file open). Default: the cores, within
    /// the scanners' share of the process's descriptor budget.
    pub scan_threads: usize,
}

impl Default for LogsConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self {
            max_concurrent_queries: DEFAULT_MAX_CONCURRENT_QUERIES,
            query_results_wait: Duration::from_secs(1),
            default_retention_days: None,
            scan_threads: fd_budget::FdBudget::current().scan_threads(DEFAULT_MAX_CONCURRENT_QUERIES, cores),
        }
    }
}

/// The CloudWatch Logs service: its environment, the shared log store, the running queries.
#[derive(Debug)]
pub struct LogsService {
    env: Environment,
    store: Arc<LogStore>,
    queries: QueryRegistry,
    query_results_wait: Duration,
    /// The metric filters, when a metric store is given.
    metric_filters: Option<Arc<metric_publisher::MetricPublisher>>,
}

impl LogsService {
    /// The service over `store` (whose default retention it sets).
    pub fn new(env: Environment, store: Arc<LogStore>, config: LogsConfig) -> Self {
        store.set_default_retention_days(config.default_retention_days);
        Self {
            env,
            store,
            queries: QueryRegistry::new(config.max_concurrent_queries, config.scan_threads),
            query_results_wait: config.query_results_wait,
            metric_filters: None,
        }
    }

    /// Deletes the segments expired at the emulator's clock now (appends also do this once a
    /// minute; a timer calling this keeps an idle emulator's disk bounded too).
    pub fn sweep_retention(&self) -> Result<log_store::SweepReport, log_store::StoreError> {
        self.store.sweep_expired(self.env.now_ms())
    }

    /// Runs metric filters from now on: the filters saved at `path` are loaded, and every event
    /// appended to the log store (by any writer) is matched against its group's filters and
    /// published to `metrics`.
    pub fn with_metric_filters(
        mut self,
        metrics: Arc<metric_store::MetricStore>,
        path: Option<std::path::PathBuf>,
    ) -> Result<Self, metric_publisher::MetricFilterStoreError> {
        let publisher = Arc::new(metric_publisher::MetricPublisher::open(metrics, path)?);
        if !self.store.set_append_observer(Arc::clone(&publisher) as Arc<dyn log_store::AppendObserver>) {
            tracing::warn!("the log store already has an append observer; metric filters will not publish");
        }
        self.metric_filters = Some(publisher);
        Ok(self)
    }

    /// The metric filters, or the error of a service started without a metric store.
    fn publisher(&self) -> Result<&metric_publisher::MetricPublisher, LogsError> {
        self.metric_filters.as_deref().ok_or_else(|| {
            LogsError::new(
                crate::model::LogsErrorCode::InvalidOperationException,
                "Metric filters are not enabled in this emulator.",
            )
        })
    }
}

impl Service for LogsService {
    fn operations(&self) -> &'static [(ServiceId, &'static str)] {
        &OPERATIONS
    }

    fn authorization(&self, call: &Call<'_>) -> service_kit::Authorization {
        authorization::authorization(&call.ctx.region, &self.env.account_id, call)
    }

    fn call<'a>(self: Arc<Self>, call: Call<'a>) -> CallFuture<'a> {
        Box::pin(async move {
            let op = LogsOperation::from_name(call.operation()).ok_or_else(|| call.request.unknown_operation())?;
            let body = call.request.json_input().map_err(|err| err.to_aws_error())?;
            dispatch(&self, call.ctx, op, &body).await.map_err(|err| to_aws_error(&err))
        })
    }

    /// CloudWatch Logs refuses an oversize body as an `InvalidParameterException`.
    fn body_too_large(&self, _service: ServiceId, size: Option<u64>, limit: usize) -> AwsError {
        let size = size.map_or_else(|| format!("more than {limit}"), |n| n.to_string());
        to_aws_error(&LogsError::invalid_parameter(format!("Request body of {size} bytes exceeds the maximum of {limit} bytes.")))
    }
}

/// The operations answered, as the registry lists them.
static OPERATIONS: [(ServiceId, &str); LogsOperation::ALL.len()] = {
    let mut out = [(ServiceId::Logs, ""); LogsOperation::ALL.len()];
    let mut i = 0;
    while i < out.len() {
        out[i].1 = LogsOperation::ALL[i].name();
        i += 1;
    }
    out
};

/// A Logs error as the protocol layer's: `__type`, `message`, and `queryCompileError` for a
/// malformed query.
fn to_aws_error(err: &LogsError) -> AwsError {
    let aws = AwsError::new(err.code.as_str(), err.code.http_status(), err.message.clone());
    match &err.query_compile_error {
        Some(qce) => aws.with_field("queryCompileError", serde_json::to_value(qce).unwrap_or_default()),
        None => aws,
    }
}

async fn dispatch(state: &Arc<LogsService>, ctx: &RequestContext, op: LogsOperation, body: &[u8]) -> Result<Reply, LogsError> {
    use LogsOperation as Op;
    match op {
        Op::CreateLogGroup => groups::create_log_group(state, req(op, body)?),
        Op::DeleteLogGroup => groups::delete_log_group(state, req(op, body)?),
        Op::DescribeLogGroups => groups::describe_log_groups(state, ctx, req(op, body)?),
        Op::CreateLogStream => streams::create_log_stream(state, req(op, body)?),
        Op::DeleteLogStream => streams::delete_log_stream(state, req(op, body)?),
        Op::DescribeLogStreams => streams::describe_log_streams(state, ctx, req(op, body)?),
        Op::PutLogEvents => events::put_log_events(state, req(op, body)?),
        Op::GetLogEvents => events::get_log_events(state, req(op, body)?),
        Op::GetLogRecord => events::get_log_record(state, req(op, body)?),
        Op::FilterLogEvents => filter_events::filter_log_events(state, req(op, body)?),
        Op::StartQuery => queries::start_query(state, req(op, body)?),
        Op::GetQueryResults => queries::get_query_results(state, req(op, body)?).await,
        Op::StopQuery => queries::stop_query(state, req(op, body)?),
        Op::DescribeQueries => queries::describe_queries(state, req(op, body)?),
        Op::PutMetricFilter => metric_filters::put_metric_filter(state, req(op, body)?),
        Op::DescribeMetricFilters => metric_filters::describe_metric_filters(state, req(op, body)?),
        Op::DeleteMetricFilter => metric_filters::delete_metric_filter(state, req(op, body)?),
        Op::TestMetricFilter => metric_filters::test_metric_filter(req(op, body)?),
        Op::PutRetentionPolicy => retention::put_retention_policy(state, req(op, body)?),
        Op::DeleteRetentionPolicy => retention::delete_retention_policy(state, req(op, body)?),
    }
}

fn req<T: DeserializeOwned>(op: LogsOperation, body: &[u8]) -> Result<T, LogsError> {
    parse_logs_request(op, body)
}
