//! Typed CloudWatch Logs requests, named and shaped as in the logs model. Only members the
//! emulator acts on are read; the others are validated by the model and then ignored, as
//! documented per field (`kmsKeyId`, `tags`, `unmask`, `entity`, ...).

use serde::Deserialize;

/// `CreateLogGroupRequest` (`kmsKeyId`, `tags`, `logGroupClass` are validated, not kept).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateLogGroupRequest {
    pub log_group_name: String,
}

/// `DeleteLogGroupRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteLogGroupRequest {
    pub log_group_name: String,
}

/// `DescribeLogGroupsRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogGroupsRequest {
    pub log_group_name_prefix: Option<String>,
    pub log_group_name_pattern: Option<String>,
    pub log_group_identifiers: Option<Vec<String>>,
    pub next_token: Option<String>,
    pub limit: Option<i32>,
    pub log_group_class: Option<String>,
    pub account_identifiers: Option<Vec<String>>,
    pub include_linked_accounts: Option<bool>,
}

/// `CreateLogStreamRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateLogStreamRequest {
    pub log_group_name: String,
    pub log_stream_name: String,
}

/// `DeleteLogStreamRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteLogStreamRequest {
    pub log_group_name: String,
    pub log_stream_name: String,
}

/// `DescribeLogStreamsRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogStreamsRequest {
    pub log_group_name: Option<String>,
    pub log_group_identifier: Option<String>,
    pub log_stream_name_prefix: Option<String>,
    pub order_by: Option<String>,
    pub descending: Option<bool>,
    pub next_token: Option<String>,
    pub limit: Option<i32>,
}

/// One `InputLogEvent`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InputLogEvent {
    pub timestamp: i64,
    pub message: String,
}

/// `PutLogEventsRequest` (`sequenceToken` is ignored, as AWS now does; `entity` is not kept).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutLogEventsRequest {
    pub log_group_name: String,
    pub log_stream_name: String,
    pub log_events: Vec<InputLogEvent>,
}

/// `GetLogEventsRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLogEventsRequest {
    pub log_group_name: Option<String>,
    pub log_group_identifier: Option<String>,
    pub log_stream_name: String,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub next_token: Option<String>,
    pub limit: Option<i32>,
    pub start_from_head: Option<bool>,
}

/// `FilterLogEventsRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterLogEventsRequest {
    pub log_group_name: Option<String>,
    pub log_group_identifier: Option<String>,
    pub log_stream_names: Option<Vec<String>>,
    pub log_stream_name_prefix: Option<String>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub filter_pattern: Option<String>,
    pub next_token: Option<String>,
    pub limit: Option<i32>,
}

/// `StartQueryRequest`. `startTime`/`endTime` are epoch **seconds**.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartQueryRequest {
    pub query_language: Option<String>,
    pub log_group_name: Option<String>,
    pub log_group_names: Option<Vec<String>>,
    pub log_group_identifiers: Option<Vec<String>>,
    pub start_time: i64,
    pub end_time: i64,
    pub query_string: String,
    pub limit: Option<i32>,
}

/// `GetQueryResultsRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetQueryResultsRequest {
    pub query_id: String,
    pub next_token: Option<String>,
    pub max_items: Option<i32>,
}

/// `StopQueryRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopQueryRequest {
    pub query_id: String,
}

/// `DescribeQueriesRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeQueriesRequest {
    pub log_group_name: Option<String>,
    pub status: Option<String>,
    pub max_results: Option<i32>,
    pub next_token: Option<String>,
    pub query_language: Option<String>,
}

/// `GetLogRecordRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLogRecordRequest {
    pub log_record_pointer: String,
}

/// `PutRetentionPolicyRequest` (`retentionInDays`: one of the values of
/// [`crate::retention::ALLOWED_RETENTION_DAYS`], checked by the operation).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PutRetentionPolicyRequest {
    pub log_group_name: String,
    pub retention_in_days: i32,
}

/// `DeleteRetentionPolicyRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteRetentionPolicyRequest {
    pub log_group_name: String,
}
