//! The model invocation logging control plane (`PUT|GET|DELETE /logging/modelinvocations`):
//! `LoggingConfig` and its parts, validated against the bedrock 2023-04-20 model
//! (`loggingConfig` required; `cloudWatchConfig.logGroupName` 1..512 and `roleArn` 0..2048 with
//! pattern `arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+`; `S3Config.bucketName` 3..63,
//! `keyPrefix` 0..1024).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ServiceError;
use crate::models::CONTROL;
use aws_shapes::{check_body, read_body_object, strip_nulls};

/// `S3Config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Config {
    pub bucket_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_prefix: Option<String>,
}

/// `CloudWatchConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudWatchConfig {
    pub log_group_name: String,
    pub role_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub large_data_delivery_s3_config: Option<S3Config>,
}

/// `LoggingConfig`: destinations and the per-modality body switches, as sent (unset switches
/// stay unset so GET returns what PUT stored).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggingConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_config: Option<CloudWatchConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_config: Option<S3Config>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_data_delivery_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_data_delivery_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding_data_delivery_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_data_delivery_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_data_delivery_enabled: Option<bool>,
}

impl LoggingConfig {
    /// Whether text bodies (`inputBodyJson`/`outputBodyJson`) go into records. An unset switch
    /// counts as off (a Java `Boolean` null; see CHOICES.md).
    pub fn text_delivery(&self) -> bool {
        self.text_data_delivery_enabled.unwrap_or(false)
    }

    /// Whether Converse image and document bytes are delivered (as `data/` media objects):
    /// "any image or document data that you pass is logged in Amazon S3 (if you have enabled
    /// delivery and image logging in Amazon S3)".
    pub fn image_delivery(&self) -> bool {
        self.image_data_delivery_enabled.unwrap_or(false)
    }

    pub fn embedding_delivery(&self) -> bool {
        self.embedding_data_delivery_enabled.unwrap_or(false)
    }

    /// Whether Converse video bytes are delivered (as `data/` media objects).
    pub fn video_delivery(&self) -> bool {
        self.video_data_delivery_enabled.unwrap_or(false)
    }

    /// Whether Converse audio bytes are delivered (as `data/` media objects).
    pub fn audio_delivery(&self) -> bool {
        self.audio_data_delivery_enabled.unwrap_or(false)
    }

    /// The configured CloudWatch log group, if any.
    pub fn log_group_name(&self) -> Option<&str> {
        self.cloud_watch_config.as_ref().map(|c| c.log_group_name.as_str())
    }

    /// S3 location for bodies over 100 KB when delivering to CloudWatch.
    pub fn large_data_s3(&self) -> Option<&S3Config> {
        self.cloud_watch_config.as_ref().and_then(|c| c.large_data_delivery_s3_config.as_ref())
    }
}

/// `PutModelInvocationLoggingConfigurationRequest` body: `{"loggingConfig": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutModelInvocationLoggingConfigurationRequest {
    pub logging_config: LoggingConfig,
}

/// `GetModelInvocationLoggingConfigurationResponse`: `{"loggingConfig": {...}}`, or `{}` when
/// nothing is configured (member optional in the model).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetModelInvocationLoggingConfigurationResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging_config: Option<LoggingConfig>,
}

impl GetModelInvocationLoggingConfigurationResponse {
    pub fn new(config: Option<LoggingConfig>) -> Self {
        GetModelInvocationLoggingConfigurationResponse { logging_config: config }
    }

    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// Parses and validates a PUT body. Type errors: SerializationException; constraint
/// violations: one Coral ValidationException listing them all.
pub fn parse_put_logging_request(body: &[u8]) -> Result<LoggingConfig, ServiceError> {
    let value = read_body_object(body)?;
    check_body(&CONTROL, "PutModelInvocationLoggingConfigurationRequest", &value)?.into_result()?;
    let config = value.get("loggingConfig").cloned().unwrap_or(Value::Null);
    // Types were checked above; unknown members are ignored by serde as by Coral.
    serde_json::from_value(strip_nulls(config)).map_err(|e| ServiceError::serialization(e.to_string()))
}
