//! Model invocation logging: builds the `ModelInvocationLog` record of a successful call and
//! appends it to the configured log group and/or queues it for the S3 bucket (journaled) before
//! the response leaves, so an acknowledged call always has its record (and a failed append
//! fails the call).

use bedrock_model::converse::{ConverseRequest, ConverseResponse};
use bedrock_model::error::{ErrorCode, ServiceError};
use bedrock_model::logging::LoggingConfig;
use bedrock_model::record::{InvocationContext, ModelInvocationLog, Operation};
use log_store::InputLogEvent;

use service_kit::RequestContext;
use crate::BedrockService;

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

/// Writes the record of a Converse-shaped call (see [`deliver_with`]).
pub(crate) fn deliver(state: &BedrockService, inv: &Invocation<'_>) -> Result<(), ServiceError> {
    deliver_with(state, inv.ctx, inv.operation, inv.model_id, |context, cfg| {
        ModelInvocationLog::for_converse(context, inv.request, inv.response, cfg)
    })
}

/// Writes the record `build` makes (from the call's context and the logging configuration) to
/// the configured destinations (CloudWatch now, S3 queued and journaled); does nothing when
/// logging is off. Every operation's record goes through here.
pub(crate) fn deliver_with(
    state: &BedrockService,
    ctx: &RequestContext,
    operation: Operation,
    model_id: &str,
    build: impl FnOnce(&InvocationContext, &LoggingConfig) -> ModelInvocationLog,
) -> Result<(), ServiceError> {
    let Some(cfg) = state.logging.current() else { return Ok(()) };
    let now_ms = state.env.now_ms();
    let context = InvocationContext {
        timestamp: service_kit::clock::utc_datetime(now_ms),
        account_id: state.env.account_id.clone(),
        identity_arn: state.env.principal_arn(ctx),
        region: ctx.region.clone(),
        request_id: ctx.request_id.clone(),
        operation,
        model_id: model_id.to_owned(),
    };
    let record = build(&context, &cfg);
    // Per destination: large bodies moved to S3 `data/` objects where configured.
    let destinations = crate::delivery::destinations::prepare(state, &cfg, record, now_ms)?;
    use crate::metrics::Destination;
    if let (Some(group), Some(line)) = (cfg.log_group_name(), &destinations.cloud_watch) {
        let delivered = append_to_cloud_watch(state, ctx, group, destinations.event_timestamp_ms, line, now_ms);
        state.metrics(|m, now| m.delivery(Destination::CloudWatch, matches!(delivered, Ok(true)), now));
        delivered?;
    }
    let to_s3 = cfg.s3_config.is_some();
    let queued = crate::delivery::destinations::queue_s3(state, destinations);
    if to_s3 {
        state.metrics(|m, now| m.delivery(Destination::S3, queued.is_ok(), now));
    }
    queued
}

/// Appends one record (its JSON `message`) to the Bedrock stream of `group`; `Ok(false)` when it
/// was dropped (the group is gone: AWS's delivery failure).
fn append_to_cloud_watch(
    state: &BedrockService,
    ctx: &RequestContext,
    group: &str,
    timestamp_ms: i64,
    message: &str,
    now_ms: i64,
) -> Result<bool, ServiceError> {
    let event = InputLogEvent::new(timestamp_ms, message);
    let failed = |err| match err {
        // Transient: the store released its idle files, so the client's retry succeeds.
        log_store::StoreError::TooManyOpenFiles { .. } => ServiceError::new(
            ErrorCode::ServiceUnavailableException,
            "The emulator is out of file descriptors; it released its idle files, try the request again.",
        ),
        err => ServiceError::internal(format!("failed to deliver the invocation log record: {err}")),
    };
    match state.logs.put_log_events(group, LOG_STREAM, &[event], now_ms) {
        Ok(_) => Ok(true),
        // Bedrock creates its stream when it is missing (deleted through DeleteLogStream).
        Err(log_store::StoreError::StreamNotFound { .. }) => {
            state.logs.ensure_log_stream(group, LOG_STREAM, now_ms).map_err(failed)?;
            state.logs.put_log_events(group, LOG_STREAM, &[event], now_ms).map_err(failed)?;
            Ok(true)
        }
        // A deleted log group is a delivery failure on AWS: the call succeeds, the record is
        // dropped (ARCHITECTURE.md, behaviour choices).
        Err(log_store::StoreError::GroupNotFound(_)) => {
            tracing::warn!(%group, request_id = %ctx.request_id, "log group does not exist; invocation record dropped");
            Ok(false)
        }
        Err(err) => Err(failed(err)),
    }
}
