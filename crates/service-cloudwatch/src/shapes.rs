//! The CloudWatch shapes the operations share, named and spelled as in the model: inputs
//! (`Dimension`, `Metric`, `MetricStat`, `MetricDataQuery`) and outputs (`Datapoint`,
//! `MetricDataResult`, `MetricAlarm`, `CompositeAlarm`, `AlarmHistoryItem`, ...). Outputs leave
//! out unset members; timestamps are `aws_protocol::Timestamp` (epoch seconds in JSON, tag 1 in
//! CBOR, ISO 8601 in awsQuery).

use std::collections::BTreeMap;

use aws_protocol::Timestamp;
use serde::{Deserialize, Serialize};

/// `Dimension`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Dimension {
    pub(crate) name: String,
    pub(crate) value: String,
}

/// `Metric`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Metric {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) metric_name: Option<String>,
    #[serde(default)]
    pub(crate) dimensions: Vec<Dimension>,
}

/// `MetricStat`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricStat {
    pub(crate) metric: Metric,
    pub(crate) period: i64,
    pub(crate) stat: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unit: Option<String>,
}

/// `MetricDataQuery` (GetMetricData's queries, a metric-math alarm's `Metrics`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricDataQuery {
    pub(crate) id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) metric_stat: Option<MetricStat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expression: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) return_data: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) account_id: Option<String>,
}

/// `Datapoint` (GetMetricStatistics).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Datapoint {
    pub(crate) timestamp: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sample_count: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) average: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) maximum: Option<f64>,
    pub(crate) unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) extended_statistics: Option<BTreeMap<String, f64>>,
}

/// `GetMetricStatisticsOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetMetricStatisticsOutput {
    pub(crate) label: String,
    pub(crate) datapoints: Vec<Datapoint>,
}

/// `MessageData`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MessageData {
    pub(crate) code: String,
    pub(crate) value: String,
}

/// `MetricDataResult`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricDataResult {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) timestamps: Vec<Timestamp>,
    pub(crate) values: Vec<f64>,
    pub(crate) status_code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) messages: Vec<MessageData>,
}

/// `GetMetricDataOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetMetricDataOutput {
    pub(crate) metric_data_results: Vec<MetricDataResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
    pub(crate) messages: Vec<MessageData>,
}

/// `ListMetricsOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListMetricsOutput {
    pub(crate) metrics: Vec<Metric>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
}

/// `MetricAlarm`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricAlarm {
    pub(crate) alarm_name: String,
    pub(crate) alarm_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) alarm_description: Option<String>,
    pub(crate) alarm_configuration_updated_timestamp: Timestamp,
    pub(crate) actions_enabled: bool,
    #[serde(rename = "OKActions")]
    pub(crate) ok_actions: Vec<String>,
    pub(crate) alarm_actions: Vec<String>,
    pub(crate) insufficient_data_actions: Vec<String>,
    pub(crate) state_value: String,
    pub(crate) state_reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state_reason_data: Option<String>,
    pub(crate) state_updated_timestamp: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) metric_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) statistic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) extended_statistic: Option<String>,
    pub(crate) dimensions: Vec<Dimension>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unit: Option<String>,
    pub(crate) evaluation_periods: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) datapoints_to_alarm: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) threshold: Option<f64>,
    pub(crate) comparison_operator: String,
    pub(crate) treat_missing_data: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) evaluate_low_sample_count_percentile: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) metrics: Vec<MetricDataQuery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) threshold_metric_id: Option<String>,
    pub(crate) state_transitioned_timestamp: Timestamp,
}

/// `CompositeAlarm`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CompositeAlarm {
    pub(crate) actions_enabled: bool,
    pub(crate) alarm_actions: Vec<String>,
    pub(crate) alarm_arn: String,
    pub(crate) alarm_configuration_updated_timestamp: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) alarm_description: Option<String>,
    pub(crate) alarm_name: String,
    pub(crate) alarm_rule: String,
    pub(crate) insufficient_data_actions: Vec<String>,
    #[serde(rename = "OKActions")]
    pub(crate) ok_actions: Vec<String>,
    pub(crate) state_reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state_reason_data: Option<String>,
    pub(crate) state_updated_timestamp: Timestamp,
    pub(crate) state_value: String,
    pub(crate) state_transitioned_timestamp: Timestamp,
}

/// `DescribeAlarmsOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeAlarmsOutput {
    pub(crate) composite_alarms: Vec<CompositeAlarm>,
    pub(crate) metric_alarms: Vec<MetricAlarm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
}

/// `DescribeAlarmsForMetricOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeAlarmsForMetricOutput {
    pub(crate) metric_alarms: Vec<MetricAlarm>,
}

/// `AlarmHistoryItem`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AlarmHistoryItem {
    pub(crate) alarm_name: String,
    pub(crate) alarm_type: String,
    pub(crate) timestamp: Timestamp,
    pub(crate) history_item_type: String,
    pub(crate) history_summary: String,
    pub(crate) history_data: String,
}

/// `DescribeAlarmHistoryOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeAlarmHistoryOutput {
    pub(crate) alarm_history_items: Vec<AlarmHistoryItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
}
