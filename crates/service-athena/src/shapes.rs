//! The output shapes, named and spelled as in the Athena model (PascalCase members; dates as
//! epoch seconds, which is how awsJson1.1 writes the model's `timestamp`s).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ResultConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) output_location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) expected_bucket_owner: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueryExecutionContext {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) catalog: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AthenaErrorShape {
    pub(crate) error_category: i32,
    pub(crate) error_type: i32,
    pub(crate) retryable: bool,
    pub(crate) error_message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueryExecutionStatus {
    pub(crate) state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state_change_reason: Option<String>,
    pub(crate) submission_date_time: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) completion_date_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) athena_error: Option<AthenaErrorShape>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueryExecutionStatistics {
    pub(crate) engine_execution_time_in_millis: i64,
    pub(crate) data_scanned_in_bytes: i64,
    pub(crate) total_execution_time_in_millis: i64,
    pub(crate) query_queue_time_in_millis: i64,
    pub(crate) service_pre_processing_time_in_millis: i64,
    pub(crate) query_planning_time_in_millis: i64,
    pub(crate) service_processing_time_in_millis: i64,
    pub(crate) result_reuse_information: ResultReuseInformation,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ResultReuseInformation {
    pub(crate) reused_previous_result: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct EngineVersion {
    pub(crate) selected_engine_version: String,
    pub(crate) effective_engine_version: String,
}

impl Default for EngineVersion {
    fn default() -> Self {
        EngineVersion {
            selected_engine_version: "AUTO".to_owned(),
            effective_engine_version: "Athena engine version 3".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct QueryExecution {
    pub(crate) query_execution_id: String,
    pub(crate) query: String,
    pub(crate) statement_type: String,
    pub(crate) result_configuration: ResultConfiguration,
    pub(crate) query_execution_context: QueryExecutionContext,
    pub(crate) status: QueryExecutionStatus,
    pub(crate) statistics: QueryExecutionStatistics,
    pub(crate) work_group: String,
    pub(crate) engine_version: EngineVersion,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) substatement_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ColumnInfo {
    pub(crate) catalog_name: String,
    pub(crate) schema_name: String,
    pub(crate) table_name: String,
    pub(crate) name: String,
    pub(crate) label: String,
    #[serde(rename = "Type")]
    pub(crate) type_name: String,
    pub(crate) precision: i32,
    pub(crate) scale: i32,
    pub(crate) nullable: String,
    pub(crate) case_sensitive: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Datum {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) var_char_value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Row {
    pub(crate) data: Vec<Datum>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ResultSetMetadata {
    pub(crate) column_info: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ResultSet {
    pub(crate) rows: Vec<Row>,
    pub(crate) result_set_metadata: ResultSetMetadata,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Database {
    pub(crate) name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<String>,
    pub(crate) parameters: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Column {
    pub(crate) name: String,
    #[serde(rename = "Type")]
    pub(crate) type_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TableMetadata {
    pub(crate) name: String,
    pub(crate) create_time: f64,
    pub(crate) table_type: String,
    pub(crate) columns: Vec<Column>,
    pub(crate) partition_keys: Vec<Column>,
    pub(crate) parameters: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WorkGroupConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) result_configuration: Option<ResultConfiguration>,
    #[serde(default)]
    pub(crate) enforce_work_group_configuration: bool,
    #[serde(default)]
    pub(crate) publish_cloud_watch_metrics_enabled: bool,
    #[serde(default)]
    pub(crate) requester_pays_enabled: bool,
    #[serde(default)]
    pub(crate) engine_version: EngineVersion,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WorkGroup {
    pub(crate) name: String,
    pub(crate) state: String,
    pub(crate) configuration: WorkGroupConfiguration,
    pub(crate) description: String,
    pub(crate) creation_time: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct WorkGroupSummary {
    pub(crate) name: String,
    pub(crate) state: String,
    pub(crate) description: String,
    pub(crate) creation_time: f64,
    pub(crate) engine_version: EngineVersion,
}

/// Epoch seconds of epoch milliseconds, as awsJson writes a timestamp.
pub(crate) fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}
