//! Model invocation logging: builds the `ModelInvocationLog` record of a successful call and
//! appends it to the configured log group before the response leaves, so an acknowledged call
//! always has its record (and a failed append fails the call: nothing half-done).

use bedrock_model::error::ServiceError;
use bedrock_model::metadata::RequestMetadata;
use log_store::InputLogEvent;

use crate::ops::RequestContext;
use crate::state::AppState;

/// The stream Bedrock writes every record to, in whichever log group is configured.
pub const LOG_STREAM: &str = "aws/bedrock/modelinvocations";

/// One successful invocation, as the record needs it.
#[derive(Debug)]
pub(crate) struct Invocation<'a> {
    pub(crate) ctx: &'a RequestContext,
    /// `Converse`, `ConverseStream`, `InvokeModel`, `InvokeModelWithResponseStream`.
    pub(crate) operation: &'static str,
    /// The model id as invoked.
    pub(crate) model_id: &'a str,
    /// The request body as sent.
    pub(crate) input_body: &'a serde_json::Value,
    /// The response body.
    pub(crate) output_body: &'a serde_json::Value,
    pub(crate) input_token_count: u32,
    pub(crate) output_token_count: u32,
    pub(crate) cache_read_input_token_count: Option<u32>,
    pub(crate) cache_write_input_token_count: Option<u32>,
    pub(crate) request_metadata: Option<&'a RequestMetadata>,
}

/// Writes the record of `inv` when logging to CloudWatch is configured; does nothing otherwise.
pub(crate) fn deliver(state: &AppState, inv: &Invocation<'_>) -> Result<(), ServiceError> {
    let Some(cfg) = state.logging.current() else { return Ok(()) };
    let Some(cw) = &cfg.cloud_watch_config else { return Ok(()) };
    let now_ms = state.config.clock.now_ms();
    // Records carry second-precision timestamps, and the event timestamp equals the record's.
    let timestamp_ms = now_ms - now_ms.rem_euclid(1000);
    let text_delivery = cfg.text_data_delivery_enabled.unwrap_or(false);
    let record = record_json(state, inv, timestamp_ms, text_delivery);
    let message = serde_json::to_string(&record).expect("a JSON value serializes");
    state
        .store
        .put_log_events(&cw.log_group_name, LOG_STREAM, &[InputLogEvent { timestamp: timestamp_ms, message }], now_ms)
        .map_err(|err| ServiceError::internal(format!("failed to deliver the invocation log record: {err}")))?;
    Ok(())
}

fn record_json(state: &AppState, inv: &Invocation<'_>, timestamp_ms: i64, text_delivery: bool) -> serde_json::Value {
    todo!("adapt to bedrock_model::record")
}
