//! The GetQueryResults wire form of a query result: `results` as rows of `{field, value}` and
//! `statistics` as doubles (`StatsValue`). Shared by GetQueryResults and `query --json`.

use logs_insights::{ResultField, Statistics};
use serde_json::{Value, json};

/// `results`: one array of `{field, value}` per row.
pub fn results_json(rows: &[Vec<ResultField>]) -> Value {
    Value::Array(
        rows.iter()
            .map(|row| Value::Array(row.iter().map(|f| json!({ "field": f.field, "value": f.value })).collect()))
            .collect(),
    )
}

/// `statistics`: counts as doubles, as the service sends them.
pub fn statistics_json(stats: &Statistics) -> Value {
    json!({
        "recordsMatched": stats.records_matched as f64,
        "recordsScanned": stats.records_scanned as f64,
        "bytesScanned": stats.bytes_scanned as f64,
    })
}
