//! Model invocation logging: builds the `ModelInvocationLog` record of a successful call and
//! appends it to the configured log group and/or queues it for the S3 bucket (journaled) before
//! the response leaves, so an acknowledged call always has its record (and a failed append
//! fails the call).

use bedrock_model::converse::{ConverseRequest, ConverseResponse};
use bedrock_model::error::ServiceError;
use bedrock_model::record::{InvocationContext, ModelInvocationLog, Operation};
use log_store::InputLogEvent;

use crate::ops::RequestContext;
use crate::state::AppState;

/// The stream Bedrock writes every record to, in whichever log group is configured.
pub const LOG_STREAM: &str = bedrock_model::record::LOG_STREAM_NAME;

/// One successful Converse-shaped invocation, as the record needs it.
#[derive(Debug)]
pub(crate) struct Invocation<'a> {
    pub(crate) ctx: &'a RequestContext,
    pub(crate) operation: Operation,
    /// The model id as invoked.
    pub(crate) model_id: &'a str,
    pub(crate) request: &'a ConverseRequest,
    pub(crate) response: &'a ConverseResponse,
}

/// Writes the record of `inv` when logging to CloudWatch is configured; does nothing otherwise.
pub(crate) fn deliver(state: &AppState, inv: &Invocation<'_>) -> Result<(), ServiceError> {
    let Some(cfg) = state.logging.current() else { return Ok(()) };
    let now_ms = state.config.clock.now_ms();
    let context = InvocationContext {
        timestamp: timestamp_of(now_ms),
        account_id: state.config.account_id.clone(),
        identity_arn: state.config.principals.arn_for(inv.ctx.caller.access_key.as_deref(), &state.config.account_id),
        region: inv.ctx.region.clone(),
        request_id: inv.ctx.request_id.clone(),
        operation: inv.operation,
        model_id: inv.model_id.to_owned(),
    };
    let record = ModelInvocationLog::for_converse(&context, inv.request, inv.response, &cfg);
    // Per destination: large bodies moved to S3 `data/` objects where configured.
    let destinations = crate::s3::destinations::prepare(state, &cfg, record, now_ms)?;
    if let (Some(group), Some(record)) = (cfg.log_group_name(), &destinations.cloud_watch) {
        let message = record.to_json_string();
        let event = InputLogEvent::new(record.event_timestamp_ms(), &message);
        state
            .store
            .put_log_events(group, LOG_STREAM, &[event], now_ms)
            .map_err(|err| ServiceError::internal(format!("failed to deliver the invocation log record: {err}")))?;
    }
    crate::s3::destinations::queue_s3(state, destinations)
}

fn timestamp_of(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}
