//! Model invocation logging: builds the `ModelInvocationLog` record of a successful call and
//! appends it to the configured log group and/or queues it for the S3 bucket (journaled) before
//! the response leaves, so an acknowledged call always has its record (and a failed append
//! fails the call). Under a delivery delay the record's versions are journaled as held instead,
//! and [`release`] delivers them once due on the emulator's clock. Under `--enforce-iam` a
//! configuration a PUT checked is checked again per record (when the call is made): a destination
//! Bedrock may no longer write drops the record (counted and reported).

use bedrock_model::converse::{ConverseRequest, ConverseResponse};
use bedrock_model::error::{ErrorCode, ServiceError};
use bedrock_model::logging::LoggingConfig;
use bedrock_model::record::{InvocationContext, ModelInvocationLog, Operation};
use log_store::InputLogEvent;

use crate::BedrockService;
use crate::control::permissions;
use crate::delivery::destinations::S3Entry;
use crate::delivery::held::HeldCloudWatch;
use crate::delivery::report::{Destination as Report, DroppedRecord};
use crate::metrics::Destination;
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
    // Under --enforce-iam, a configuration a PUT checked is checked again for each record: a
    // role or bucket policy changed since makes the delivery fail, as on AWS.
    if state.env.authorizer.enforcement().is_on() && !state.logging.is_default() {
        if let Some(cw) = &cfg.cloud_watch_config
            && destinations.has_cloud_watch()
            && let Err(refused) =
                permissions::check_log_group(state, &cw.log_group_name, &cw.role_arn, &ctx.region, &["logs:PutLogEvents"])
        {
            destinations.drop_cloud_watch();
            state.metrics(|m, now| m.delivery(Destination::CloudWatch, false, now));
            dropped(state, &ctx.request_id, Report::CloudWatch, &cw.log_group_name, refused.reason());
        }
        if let Some(s3) = &cfg.s3_config
            && let Err(refused) = permissions::check_bucket(state, s3, &ctx.region, None)
        {
            destinations.drop_s3();
            state.metrics(|m, now| m.delivery(Destination::S3, false, now));
            dropped(state, &ctx.request_id, Report::S3, &s3.bucket_name, refused.reason());
        }
    }
    if let Some(delay) = state.delivery_delay {
        let due_ms = now_ms.saturating_add(i64::try_from(delay.for_request(&ctx.request_id)).unwrap_or(i64::MAX));
        return state
            .held
            .hold(destinations.into_held(cfg.log_group_name(), due_ms))
            .map_err(|err| ServiceError::internal(format!("failed to hold the invocation log record: {err}")));
    }
    // Delivered now: the CloudWatch one appended, the S3 one queued (journaled), each counted
    // in the delivery metrics.
    if let Some((group, (message, timestamp_ms))) = cfg.log_group_name().zip(destinations.cloud_watch()) {
        append_to_cloud_watch(state, &ctx.request_id, &CloudWatchEvent { group, timestamp_ms, message }, now_ms)?;
    }
    if let Some(entry) = destinations.s3() {
        queue_s3(state, &ctx.request_id, entry)?;
    }
    Ok(())
}

/// A record's CloudWatch version, as appended.
#[derive(Debug, Clone, Copy)]
struct CloudWatchEvent<'a> {
    group: &'a str,
    timestamp_ms: i64,
    message: &'a str,
}

impl<'a> From<&'a HeldCloudWatch> for CloudWatchEvent<'a> {
    fn from(cw: &'a HeldCloudWatch) -> Self {
        CloudWatchEvent { group: &cw.group, timestamp_ms: cw.timestamp_ms, message: &cw.message }
    }
}

/// Queues a record's S3 version, counted in the metrics and the delivery report.
fn queue_s3(state: &BedrockService, request_id: &str, entry: S3Entry<'_>) -> Result<(), ServiceError> {
    let queued = crate::delivery::destinations::queue_s3(state, request_id, entry);
    state.metrics(|m, now| m.delivery(Destination::S3, queued.is_ok(), now));
    if queued.is_ok() {
        state.deliveries.delivered(Report::S3);
    }
    queued
}

/// Reports a record Bedrock could not deliver to `target` (`GET /_emulator/deliveries`).
fn dropped(state: &BedrockService, request_id: &str, destination: Report, target: &str, reason: String) {
    state.deliveries.dropped(DroppedRecord { request_id: request_id.to_owned(), destination, target: target.to_owned(), reason });
}

/// Delivers the held records due at the emulator's now (every held record when `all`); returns
/// how many were delivered. A record that cannot be delivered stays held for the next release.
pub(crate) fn release(state: &BedrockService, all: bool) -> Result<usize, crate::delivery::DeliveryError> {
    let now_ms = state.env.now_ms();
    let due = state.held.take_due(now_ms, all);
    if due.is_empty() {
        return Ok(0);
    }
    let mut failed = Vec::new();
    let mut delivered = 0;
    for mut record in due {
        // Each part that was delivered is dropped from the record, so a retry repeats none.
        if let Some(cw) = &record.cloud_watch {
            match append_to_cloud_watch(state, &record.request_id, &cw.into(), now_ms) {
                Ok(_) => record.cloud_watch = None,
                Err(err) => tracing::warn!(%err, request_id = %record.request_id, "a held record could not be appended; kept"),
            }
        }
        if let Some(entry) = &record.s3 {
            match queue_s3(state, &record.request_id, entry.entry()) {
                Ok(()) => record.s3 = None,
                Err(err) => {
                    tracing::warn!(%err, request_id = %record.request_id, "a held record could not be queued for S3; kept")
                }
            }
        }
        if record.cloud_watch.is_none() && record.s3.is_none() {
            delivered += 1;
        } else {
            failed.push(record);
        }
    }
    state.held.delivered(failed)?;
    Ok(delivered)
}

/// Appends one record to the Bedrock stream of its group (at the record's timestamp, ingested
/// now), counted in the metrics and the delivery report; `Ok(false)` when it was dropped (the
/// group is gone: AWS's delivery failure).
fn append_to_cloud_watch(
    state: &BedrockService,
    request_id: &str,
    cw: &CloudWatchEvent<'_>,
    now_ms: i64,
) -> Result<bool, ServiceError> {
    let appended = append_event(state, request_id, cw, now_ms);
    state.metrics(|m, now| m.delivery(Destination::CloudWatch, matches!(appended, Ok(true)), now));
    match appended {
        Ok(true) => state.deliveries.delivered(Report::CloudWatch),
        Ok(false) => {
            let reason = format!("the log group {} does not exist", cw.group);
            dropped(state, request_id, Report::CloudWatch, cw.group, reason);
        }
        Err(_) => {}
    }
    appended
}

/// [`append_to_cloud_watch`] without the counting.
fn append_event(state: &BedrockService, request_id: &str, cw: &CloudWatchEvent<'_>, now_ms: i64) -> Result<bool, ServiceError> {
    let group = cw.group;
    let event = InputLogEvent::new(cw.timestamp_ms, cw.message);
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
            tracing::warn!(%group, %request_id, "log group does not exist; invocation record dropped");
            Ok(false)
        }
        Err(err) => Err(failed(err)),
    }
}
