//! The CloudWatch Logs API on the emulator's port (awsJson1.1: `POST /` with
//! `X-Amz-Target: Logs_20140328.<Operation>`), over the same log store Bedrock's invocation
//! records are written to. Requests are validated against the logs model (bedrock-model's
//! `cloudwatch_logs`); each operation lives in its own file; errors are `{"__type", "message"}`.

mod events;
mod filter_events;
pub mod filter_pattern;
mod groups;
mod names;
mod paging;
mod queries;
mod query_registry;
mod streams;

pub(crate) use query_registry::QueryRegistry;

use std::sync::Arc;

use bedrock_model::cloudwatch_logs::{LogsError, LogsErrorCode, LogsOperation, parse_logs_request};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ops::RequestContext;
use crate::response::{self, HttpResponse};
use crate::state::AppState;

/// What an operation answers: a JSON body, or nothing (`200` with an empty body).
pub(crate) enum LogsReply {
    Json(Value),
    Empty,
}

/// Answers one CloudWatch Logs request.
pub(crate) async fn handle(state: &Arc<AppState>, ctx: &RequestContext, operation: &str, body: &[u8]) -> HttpResponse {
    let result = match LogsOperation::from_name(operation) {
        Some(op) => dispatch(state, ctx, op, body).await,
        None => Err(LogsError::new(
            LogsErrorCode::UnknownOperationException,
            format!("CloudWatch Logs operation {operation} is not supported by this emulator"),
        )),
    };
    match result {
        Ok(LogsReply::Json(value)) => response::logs_ok(&ctx.request_id, value.to_string()),
        Ok(LogsReply::Empty) => response::logs_ok(&ctx.request_id, ""),
        Err(err) => response::logs_error(&err, &ctx.request_id),
    }
}

async fn dispatch(state: &Arc<AppState>, ctx: &RequestContext, op: LogsOperation, body: &[u8]) -> Result<LogsReply, LogsError> {
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
    }
}

fn req<T: DeserializeOwned>(op: LogsOperation, body: &[u8]) -> Result<T, LogsError> {
    parse_logs_request(op, body)
}
