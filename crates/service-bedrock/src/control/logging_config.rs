//! Put/Get/DeleteModelInvocationLoggingConfiguration (`/logging/modelinvocations`), and the
//! side effects of a successful PUT Bedrock has on AWS: the permission-check line in the log
//! group's `aws/bedrock/modelinvocations` stream, the permission-check object in each S3
//! location (which deleting the configuration leaves in place).

use bedrock_model::error::ServiceError;
use bedrock_model::logging::{LoggingConfig, parse_put_logging_request};
use log_store::InputLogEvent;

use crate::BedrockService;
use crate::delivery::invocation_log::LOG_STREAM;

/// The non-JSON line Bedrock writes to the log stream when it has checked that it may write
/// there (reference §3; projects filter it out of JSON pipelines; Insights queries and metric
/// filters see it).
pub const PERMISSION_CHECK_MESSAGE: &str = "Permissions are correctly set for Amazon Bedrock logs.";

/// `PUT`: validates and stores the configuration. Under `--enforce-iam` Bedrock's permission
/// checks run first (`permissions.rs`: the role, its trust policy and permissions, the log
/// group, the buckets and their policies). Otherwise the CloudWatch log group and the S3
/// buckets are created when they do not exist yet (see ARCHITECTURE.md: the emulator stands in
/// for the setup scripts). Each S3 location gets Bedrock's permission-check marker object, and
/// the log stream gets the permission-check line.
pub(crate) fn put(state: &BedrockService, body: &[u8], region: &str) -> Result<(), ServiceError> {
    let cfg = parse_put_logging_request(body)?;
    if state.env.authorizer.enforcement().is_on() {
        crate::control::permissions::check_all(state, &cfg, region).map_err(|refused| {
            tracing::info!(reason = %refused.reason(), "logging configuration refused");
            refused.to_service_error()
        })?;
    }
    crate::delivery::destinations::prepare_locations(state, &cfg)?;
    if let Some(cw) = &cfg.cloud_watch_config {
        let now = state.env.now_ms();
        let failed = |err: log_store::StoreError| {
            ServiceError::internal(format!("cannot write to log group {}: {err}", cw.log_group_name))
        };
        state.logs.ensure_log_stream(&cw.log_group_name, LOG_STREAM, now).map_err(failed)?;
        let line = InputLogEvent::new(now, PERMISSION_CHECK_MESSAGE);
        state.logs.put_log_events(&cw.log_group_name, LOG_STREAM, &[line], now).map_err(failed)?;
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
    state.logging.delete().map_err(|err| ServiceError::internal(format!("cannot delete the logging configuration: {err}")))
}
