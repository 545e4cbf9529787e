//! GetQueryResults: the rows of a SUCCEEDED query (the header row first on the first page of a
//! query's results only), `ColumnInfo` with Trino's type names, `MaxResults` (the header row
//! counts) and `NextToken` paging; `InvalidRequestException` for a query that did not succeed.
//! After a restart the rows are read back from the result file and its sidecar.

use std::sync::Arc;

use aws_protocol::Reply;
use serde::{Deserialize, Serialize};
use service_kit::Call;
use sql::{OutputColumn, QueryOutput, StatementType};

use crate::AthenaService;
use crate::error::AthenaError;
use crate::input::input;
use crate::queries::{not_found, split_output_location};
use crate::shapes::{ColumnInfo, Datum, ResultSet, ResultSetMetadata, Row};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ResultsInput {
    query_execution_id: String,
    next_token: Option<String>,
    max_results: Option<usize>,
    query_result_type: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResultsOutput {
    update_count: i64,
    result_set: ResultSet,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// Precision and case sensitivity Athena reports per type.
fn column_info(c: &OutputColumn) -> ColumnInfo {
    let (precision, case_sensitive) = match c.type_name.as_str() {
        "varchar" | "string" => (2_147_483_647, true),
        "tinyint" => (3, false),
        "smallint" => (5, false),
        "integer" => (10, false),
        "bigint" => (19, false),
        "double" => (17, false),
        "real" => (9, false),
        "boolean" => (0, false),
        "timestamp" | "timestamp with time zone" => (3, false),
        "date" => (0, false),
        _ => (0, false),
    };
    ColumnInfo {
        catalog_name: "hive".to_owned(),
        schema_name: String::new(),
        table_name: String::new(),
        name: c.name.clone(),
        label: c.name.clone(),
        type_name: c.type_name.clone(),
        precision,
        scale: 0,
        nullable: "UNKNOWN".to_owned(),
        case_sensitive,
    }
}

pub(crate) fn get_results(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: ResultsInput = input(call)?;
    if i.query_result_type.as_deref() == Some("DATA_MANIFEST") {
        return Err(AthenaError::InvalidRequest("QueryResultType DATA_MANIFEST is not supported by this emulator".to_owned()));
    }
    let (state, reason, location, cached) = {
        let st = service.state.lock();
        let e = st.executions.get(&i.query_execution_id).ok_or_else(|| not_found(&i.query_execution_id))?;
        let s = &e.execution.status;
        (
            s.state.clone(),
            s.state_change_reason.clone(),
            e.execution.result_configuration.output_location.clone().unwrap_or_default(),
            st.results.get(&i.query_execution_id).cloned(),
        )
    };
    match state.as_str() {
        "SUCCEEDED" => {}
        "QUEUED" | "RUNNING" => {
            return Err(AthenaError::InvalidRequest(format!("Query has not yet finished. Current state: {state}")));
        }
        "FAILED" => return Err(AthenaError::InvalidRequest(reason.unwrap_or_else(|| "Query failed".to_owned()))),
        _ => return Err(AthenaError::InvalidRequest(format!("Query did not finish successfully. Final query state: {state}"))),
    }
    let out = match cached {
        Some(out) => out,
        None => Arc::new(read_back(service, &location)?),
    };
    let header = out.has_header_row();
    let total = out.rows.len() + usize::from(header);
    let start = crate::paging::start(i.next_token.as_deref())?;
    let max = i.max_results.unwrap_or(1000);
    let end = (start + max).min(total);
    let mut rows = Vec::new();
    for n in start..end {
        let values: Vec<Option<String>> = if header && n == 0 {
            out.columns.iter().map(|c| Some(c.name.clone())).collect()
        } else {
            out.rows[n - usize::from(header)].clone()
        };
        rows.push(Row { data: values.into_iter().map(|v| Datum { var_char_value: v }).collect() });
    }
    let result_set =
        ResultSet { rows, result_set_metadata: ResultSetMetadata { column_info: out.columns.iter().map(column_info).collect() } };
    let next_token = (end < total).then(|| crate::paging::token(end));
    Ok(Reply::shape("GetQueryResultsOutput", ResultsOutput { update_count: 0, result_set, next_token }))
}

/// A result read back from its file and sidecar.
fn read_back(service: &AthenaService, location: &str) -> Result<QueryOutput, AthenaError> {
    let gone = || AthenaError::InvalidRequest(format!("The query results at {location} are no longer available"));
    let (bucket, key) = split_output_location(location)?;
    let key = key.trim_end_matches('/');
    let meta = service.buckets.get_object(&bucket, &format!("{key}.metadata")).ok().flatten().ok_or_else(gone)?.0;
    let meta: serde_json::Value = serde_json::from_slice(&meta).map_err(|_| gone())?;
    let columns: Vec<OutputColumn> = meta["columns"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| OutputColumn {
                    name: c["name"].as_str().unwrap_or_default().to_owned(),
                    type_name: c["type_name"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let statement_type = match meta["statementType"].as_str() {
        Some("DDL") => StatementType::Ddl,
        Some("UTILITY") => StatementType::Utility,
        _ => StatementType::Dml,
    };
    let bytes = service.buckets.get_object(&bucket, key).ok().flatten().ok_or_else(gone)?.0;
    let text = String::from_utf8_lossy(&bytes);
    let rows = if statement_type == StatementType::Dml {
        crate::csv::parse(&text).into_iter().skip(1).collect()
    } else {
        text.lines().map(|l| vec![Some(l.to_owned())]).collect()
    };
    Ok(QueryOutput { statement_type, columns, rows, data_scanned_bytes: 0 })
}
