//! Put/Get/DeleteModelInvocationLoggingConfiguration (`/logging/modelinvocations`).

use bedrock_model::error::ServiceError;
use bedrock_model::logging::{LoggingConfig, parse_put_logging_request};

use crate::delivery::invocation_log::LOG_STREAM;
use crate::BedrockService;

/// `PUT`: validates and stores the configuration. The CloudWatch log group and the S3 buckets
/// are created when they do not exist yet (see ARCHITECTURE.md: the emulator stands in for the
/// setup scripts), and each S3 location gets Bedrock's permission-check marker object.
pub(crate) fn put(state: &BedrockService, body: &[u8]) -> Result<(), ServiceError> {
    let cfg = parse_put_logging_request(body)?;
    crate::delivery::destinations::prepare_locations(state, &cfg)?;
    if let Some(cw) = &cfg.cloud_watch_config {
        state
            .logs
            .ensure_log_stream(&cw.log_group_name, LOG_STREAM, state.env.now_ms())
            .map_err(|err| ServiceError::internal(format!("cannot create log group {}: {err}", cw.log_group_name)))?;
    }
    state.logging.put(cfg).map_err(|err| ServiceError::internal(format!("cannot save the logging configuration: {err}")))
}

/// `GetModelInvocationLoggingConfigurationResponse`: `{"loggingConfig": {...}}`, or `{}` when
/// logging is not configured.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetModelInvocationLoggingConfigurationResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) logging_config: Option<LoggingConfig>,
}

/// `GET`.
pub(crate) fn get(state: &BedrockService) -> GetModelInvocationLoggingConfigurationResponse {
    GetModelInvocationLoggingConfigurationResponse { logging_config: state.logging.current().map(|cfg| (*cfg).clone()) }
}

/// `DELETE`: logging off.
pub(crate) fn delete(state: &BedrockService) -> Result<(), ServiceError> {
    state
        .logging
        .delete()
        .map_err(|err| ServiceError::internal(format!("cannot delete the logging configuration: {err}")))
}
