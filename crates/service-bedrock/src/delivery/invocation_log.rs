//! Model invocation logging: builds the `ModelInvocationLog` record of a successful call and
//! appends it to the configured log group and/or queues it for the S3 bucket (journaled) before
//! the response leaves, so an acknowledged call always has its record (and a failed append
//! fails the call). Under `--enforce-iam` a configuration a PUT checked is checked again per
//! record: a destination Bedrock may no longer write drops the record (counted and reported).

use bedrock_model::converse::{ConverseRequest, ConverseResponse};
use bedrock_model::error::{ErrorCode, ServiceError};
use bedrock_model::logging::LoggingConfig;
use bedrock_model::record::{InvocationContext, ModelInvocationLog, Operation};
use log_store::InputLogEvent;

use crate::BedrockService;
use crate::control::permissions;
use service_kit::RequestContext;

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
    let mut destinations = crate::delivery::destinations::prepare(state, &cfg, record, now_ms)?;
    // Under --enforce-iam, a configuration a PUT checked is checked again at each delivery: a
    // role or bucket policy changed since makes the delivery fail, as on AWS.
    let recheck = state.env.authorizer.enforcement().is_on() && !state.logging.is_default();
    use crate::delivery::report::{Destination as Report, DroppedRecord};
    use crate::metrics::Destination;
    let dropped = |destination: Report, target: &str, reason: String| {
        state.deliveries.dropped(DroppedRecord {
            request_id: ctx.request_id.clone(),
            destination,
            target: target.to_owned(),
            reason,
        });
    };
    if let (Some(cw), Some(line)) = (&cfg.cloud_watch_config, &destinations.cloud_watch) {
        let group = &cw.log_group_name;
        let permitted = if recheck {
            permissions::check_log_group(state, group, &cw.role_arn, &ctx.region, &["logs:PutLogEvents"])
        } else {
            Ok(())
        };
        let delivered = match permitted {
            Ok(()) => append_to_cloud_watch(state, group, destinations.event_timestamp_ms, line, now_ms),
            Err(refused) => Err(Ok(refused.reason())),
        };
        let ok = matches!(delivered, Ok(()));
        state.metrics(|m, now| m.delivery(Destination::CloudWatch, ok, now));
        match delivered {
            Ok(()) => state.deliveries.delivered(Report::CloudWatch),
            Err(Ok(reason)) => {
                tracing::warn!(%group, request_id = %ctx.request_id, %reason, "invocation record dropped");
                dropped(Report::CloudWatch, group, reason);
            }
            Err(Err(err)) => return Err(err),
        }
    }
    if let Some(s3) = &cfg.s3_config
        && recheck
        && let Err(refused) = permissions::check_bucket(state, s3, &ctx.region, None)
    {
        destinations.drop_s3();
        state.metrics(|m, now| m.delivery(Destination::S3, false, now));
        dropped(Report::S3, &s3.bucket_name, refused.reason());
        return Ok(());
    }
    let to_s3 = cfg.s3_config.is_some();
    let queued = crate::delivery::destinations::queue_s3(state, destinations);
    if to_s3 {
        state.metrics(|m, now| m.delivery(Destination::S3, queued.is_ok(), now));
        if queued.is_ok() {
            state.deliveries.delivered(Report::S3);
        }
    }
    queued
}

/// Appends one record (its JSON `message`) to the Bedrock stream of `group`; `Err(Ok(reason))`
/// when it was dropped (the group is gone: AWS's delivery failure), `Err(Err(_))` when the store
/// failed.
fn append_to_cloud_watch(
    state: &BedrockService,
    group: &str,
    timestamp_ms: i64,
    message: &str,
    now_ms: i64,
) -> Result<(), Result<String, ServiceError>> {
    let event = InputLogEvent::new(timestamp_ms, message);
    let failed = |err: log_store::StoreError| {
        Err(match err {
            // Transient: the store released its idle files, so the client's retry succeeds.
            log_store::StoreError::TooManyOpenFiles { .. } => ServiceError::new(
                ErrorCode::ServiceUnavailableException,
                "The emulator is out of file descriptors; it released its idle files, try the request again.",
            ),
            err => ServiceError::internal(format!("failed to deliver the invocation log record: {err}")),
        })
    };
    match state.logs.put_log_events(group, LOG_STREAM, &[event], now_ms) {
        Ok(_) => Ok(()),
        // Bedrock creates its stream when it is missing (deleted through DeleteLogStream).
        Err(log_store::StoreError::StreamNotFound { .. }) => {
            state.logs.ensure_log_stream(group, LOG_STREAM, now_ms).map_err(failed)?;
            state.logs.put_log_events(group, LOG_STREAM, &[event], now_ms).map_err(failed)?;
            Ok(())
        }
        // A deleted log group is a delivery failure on AWS: the call succeeds, the record is
        // dropped (ARCHITECTURE.md, behaviour choices).
        Err(log_store::StoreError::GroupNotFound(_)) => Err(Ok(format!("the log group {group} does not exist"))),
        Err(err) => Err(failed(err)),
    }
}
