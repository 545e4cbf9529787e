//! Typed CloudWatch Logs responses, named and shaped as in the logs model, serialized once by the
//! protocol layer. Members the emulator never sets are left out of the structs; optional ones
//! are omitted when unset, as the service omits them.

use std::collections::BTreeMap;

use logs_insights::{ResultField, Statistics};
use serde::Serialize;

/// `PutLogEventsResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PutLogEventsResponse {
    pub next_sequence_token: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected_log_events_info: Option<RejectedLogEventsInfo>,
}

/// `RejectedLogEventsInfo`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedLogEventsInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub too_new_log_event_start_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub too_old_log_event_end_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expired_log_event_end_index: Option<usize>,
}

/// `OutputLogEvent`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputLogEvent {
    pub timestamp: i64,
    pub message: String,
    pub ingestion_time: i64,
}

/// `GetLogEventsResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLogEventsResponse {
    pub events: Vec<OutputLogEvent>,
    pub next_forward_token: String,
    pub next_backward_token: String,
}

/// `GetLogRecordResponse`: the record's fields, every value a string.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetLogRecordResponse {
    pub log_record: BTreeMap<String, String>,
}

/// `FilteredLogEvent`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilteredLogEvent {
    pub log_stream_name: String,
    pub timestamp: i64,
    pub message: String,
    pub ingestion_time: i64,
    pub event_id: String,
}

/// `SearchedLogStream` (never sent: the list has been empty since 2020, model documentation).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchedLogStream {}

/// `FilterLogEventsResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterLogEventsResponse {
    pub events: Vec<FilteredLogEvent>,
    pub searched_log_streams: Vec<SearchedLogStream>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `LogGroup`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    pub log_group_name: String,
    pub creation_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_in_days: Option<u32>,
    pub metric_filter_count: u32,
    pub arn: String,
    pub stored_bytes: u64,
    pub log_group_class: &'static str,
    pub log_group_arn: String,
    pub deletion_protection_enabled: bool,
}

/// `DescribeLogGroupsResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogGroupsResponse {
    pub log_groups: Vec<LogGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `LogStream`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogStream {
    pub log_stream_name: String,
    pub creation_time: i64,
    pub arn: String,
    pub stored_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_event_timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_event_timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_ingestion_time: Option<i64>,
}

/// `DescribeLogStreamsResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeLogStreamsResponse {
    pub log_streams: Vec<LogStream>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `StartQueryResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StartQueryResponse {
    pub query_id: String,
}

/// `ResultField`.
#[derive(Debug, Clone, Serialize)]
pub struct ResultFieldShape {
    pub field: String,
    pub value: String,
}

/// `QueryStatistics`: counts as doubles, as the service sends them.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryStatistics {
    pub records_matched: f64,
    pub records_scanned: f64,
    pub bytes_scanned: f64,
}

impl From<&Statistics> for QueryStatistics {
    fn from(stats: &Statistics) -> Self {
        QueryStatistics {
            records_matched: stats.records_matched as f64,
            records_scanned: stats.records_scanned as f64,
            bytes_scanned: stats.bytes_scanned as f64,
        }
    }
}

/// The `results` of GetQueryResults: one list of `{field, value}` per row.
pub fn query_results(rows: &[Vec<ResultField>]) -> Vec<Vec<ResultFieldShape>> {
    rows.iter()
        .map(|row| row.iter().map(|f| ResultFieldShape { field: f.field.clone(), value: f.value.clone() }).collect())
        .collect()
}

/// `GetQueryResultsResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetQueryResultsResponse {
    pub query_language: &'static str,
    pub status: &'static str,
    pub results: Vec<Vec<ResultFieldShape>>,
    pub statistics: QueryStatistics,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `StopQueryResponse`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct StopQueryResponse {
    pub success: bool,
}

/// `QueryInfo`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryInfo {
    pub query_language: &'static str,
    pub query_id: String,
    pub query_string: String,
    pub status: &'static str,
    pub create_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_scanned: Option<f64>,
}

/// `DescribeQueriesResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeQueriesResponse {
    pub queries: Vec<QueryInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}
