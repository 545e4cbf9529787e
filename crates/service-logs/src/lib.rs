//! The CloudWatch Logs API (awsJson1.1: `POST /` with `X-Amz-Target: Logs_20140328.<Operation>`),
//! over the log store that Bedrock's invocation records are written to. Requests are validated
//! against the logs model (`model/`); each operation lives in its own file; errors are
//! `{"__type", "message"}`.
//!
//! | file | job |
//! |---|---|
//! | `model/` | the operations, typed requests, their validation, `LogsError` |
//! | `groups.rs`, `streams.rs` | Create/Delete/DescribeLogGroups, Create/Delete/DescribeLogStreams |
//! | `events.rs` | PutLogEvents, GetLogEvents, GetLogRecord |
//! | `filter_events.rs` | FilterLogEvents (patterns: the logs-filter crate) |
//! | `queries.rs`, `query_registry.rs`, `query_results.rs` | StartQuery, GetQueryResults, StopQuery, DescribeQueries |
//! | `retention.rs` | PutRetentionPolicy, DeleteRetentionPolicy, the allowed `retentionInDays` |
//! | `names.rs`, `paging.rs` | identifiers and ARNs, store errors, `nextToken`s |

mod events;
mod filter_events;
mod groups;
pub mod model;
mod names;
mod paging;
mod queries;
mod query_registry;
pub mod query_results;
pub mod retention;
mod streams;

use query_registry::QueryRegistry;

use std::sync::Arc;
use std::time::Duration;

use log_store::LogStore;
use serde::de::DeserializeOwned;
use serde_json::Value;
use service_kit::response::{self as http, HttpResponse};
use service_kit::{Environment, RequestContext};

use crate::model::{LogsError, LogsErrorCode, LogsOperation, parse_logs_request};

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
        }
    }

    /// Deletes the segments expired at the emulator's clock now (appends also do this once a
    /// minute; a timer calling this keeps an idle emulator's disk bounded too).
    pub fn sweep_retention(&self) -> Result<log_store::SweepReport, log_store::StoreError> {
        self.store.sweep_expired(self.env.now_ms())
    }
}

/// What an operation answers: a JSON body, or nothing (`200` with an empty body).
pub(crate) enum LogsReply {
    Json(Value),
    Empty,
}

/// Answers one CloudWatch Logs request.
pub async fn handle(state: &Arc<LogsService>, ctx: &RequestContext, operation: &str, body: &[u8]) -> HttpResponse {
    let result = match LogsOperation::from_name(operation) {
        Some(op) => dispatch(state, ctx, op, body).await,
        None => Err(LogsError::new(
            LogsErrorCode::UnknownOperationException,
            format!("CloudWatch Logs operation {operation} is not supported by this emulator"),
        )),
    };
    match result {
        Ok(LogsReply::Json(value)) => logs_ok(&ctx.request_id, value.to_string()),
        Ok(LogsReply::Empty) => logs_ok(&ctx.request_id, ""),
        Err(err) => logs_error(&err, &ctx.request_id),
    }
}

async fn dispatch(state: &Arc<LogsService>, ctx: &RequestContext, op: LogsOperation, body: &[u8]) -> Result<LogsReply, LogsError> {
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
        Op::PutRetentionPolicy => retention::put_retention_policy(state, req(op, body)?),
        Op::DeleteRetentionPolicy => retention::delete_retention_policy(state, req(op, body)?),
    }
}

fn req<T: DeserializeOwned>(op: LogsOperation, body: &[u8]) -> Result<T, LogsError> {
    parse_logs_request(op, body)
}

/// A CloudWatch Logs (awsJson1.1) success response.
fn logs_ok(request_id: &str, body: impl Into<bytes::Bytes>) -> HttpResponse {
    http::ok(request_id, "application/x-amz-json-1.1", body)
}

/// A CloudWatch Logs (awsJson1.1) error response: `{"__type", "message"}` (and
/// `queryCompileError` for a malformed query).
pub fn logs_error(err: &LogsError, request_id: &str) -> HttpResponse {
    let status = ::http::StatusCode::from_u16(err.code.http_status()).unwrap_or(::http::StatusCode::BAD_REQUEST);
    http::error(request_id, status, "application/x-amz-json-1.1", &[], err.to_body())
}
