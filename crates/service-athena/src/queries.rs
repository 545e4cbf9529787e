//! StartQueryExecution (output location from the request or the work group, the output
//! bucket checked, `ClientRequestToken` idempotency), GetQueryExecution, StopQueryExecution,
//! ListQueryExecutions, BatchGetQueryExecution.

use std::sync::Arc;

use aws_protocol::Reply;
use serde::{Deserialize, Serialize};
use serde_json::json;
use service_kit::Call;

use crate::AthenaService;
use crate::error::AthenaError;
use crate::input::input;
use crate::shapes::{
    EngineVersion, QueryExecution, QueryExecutionContext, QueryExecutionStatistics, QueryExecutionStatus, ResultConfiguration,
    seconds,
};
use crate::state::Execution;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StartInput {
    query_string: String,
    client_request_token: Option<String>,
    query_execution_context: Option<QueryExecutionContext>,
    result_configuration: Option<ResultConfiguration>,
    work_group: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StartOutput {
    query_execution_id: String,
}

/// `s3://bucket/prefix/` → (bucket, prefix with a trailing `/` or empty).
pub(crate) fn split_output_location(location: &str) -> Result<(String, String), AthenaError> {
    let rest = location
        .strip_prefix("s3://")
        .ok_or_else(|| AthenaError::InvalidRequest(format!("outputLocation is not a valid S3 path. Provided {location}")))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(AthenaError::InvalidRequest(format!("outputLocation is not a valid S3 path. Provided {location}")));
    }
    let prefix = if prefix.is_empty() || prefix.ends_with('/') { prefix.to_owned() } else { format!("{prefix}/") };
    Ok((bucket.to_owned(), prefix))
}

pub(crate) fn start(service: &Arc<AthenaService>, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: StartInput = input(call)?;
    let work_group_name = i.work_group.clone().unwrap_or_else(|| "primary".to_owned());
    let mut context = i.query_execution_context.clone().unwrap_or_default();
    if let Some(catalog) = &context.catalog
        && !catalog.eq_ignore_ascii_case("awsdatacatalog")
    {
        return Err(AthenaError::InvalidRequest(format!("Catalog {catalog} is not found.")));
    }
    let database = context.database.clone().unwrap_or_else(|| "default".to_owned());
    let mut st = service.state.lock();
    let group = st
        .work_groups
        .get(&work_group_name)
        .cloned()
        .ok_or_else(|| AthenaError::InvalidRequest(format!("WorkGroup {work_group_name} is not found.")))?;
    if group.state != "ENABLED" {
        return Err(AthenaError::InvalidRequest(format!("WorkGroup {work_group_name} is disabled.")));
    }
    if let Some(token) = &i.client_request_token
        && let Some(existing) = st.executions.values().find(|e| e.client_request_token.as_deref() == Some(token))
    {
        let same = existing.execution.query == i.query_string && existing.execution.work_group == work_group_name;
        if !same {
            return Err(AthenaError::InvalidRequest("Idempotent parameters do not match".to_owned()));
        }
        let id = existing.execution.query_execution_id.clone();
        return Ok(Reply::shape("StartQueryExecutionOutput", StartOutput { query_execution_id: id }));
    }
    let from_group = group.configuration.result_configuration.as_ref().and_then(|r| r.output_location.clone());
    let from_request = i.result_configuration.as_ref().and_then(|r| r.output_location.clone());
    let location = if group.configuration.enforce_work_group_configuration {
        from_group.or(from_request)
    } else {
        from_request.or(from_group)
    };
    let location = location.ok_or_else(|| {
        AthenaError::InvalidRequest(
            "No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input."
                .to_owned(),
        )
    })?;
    let (bucket, prefix) = split_output_location(&location)?;
    if !service.buckets.bucket_exists(&bucket).unwrap_or(false) {
        return Err(AthenaError::InvalidRequest(format!("Unable to verify/create output bucket {bucket}")));
    }
    let statement_type = sql::ddl::parse(&i.query_string).map(|s| s.statement_type()).unwrap_or(sql::StatementType::Dml);
    let id = service.env.ids.request_id();
    let ext = if statement_type == sql::StatementType::Dml { "csv" } else { "txt" };
    let key = format!("{prefix}{id}.{ext}");
    let now = service.env.now_ms();
    context.database.get_or_insert_with(|| database.clone());
    let execution = QueryExecution {
        query_execution_id: id.clone(),
        query: i.query_string.clone(),
        statement_type: statement_type.as_str().to_owned(),
        result_configuration: ResultConfiguration {
            output_location: Some(format!("s3://{bucket}/{key}")),
            expected_bucket_owner: None,
        },
        query_execution_context: context,
        status: QueryExecutionStatus {
            state: "QUEUED".to_owned(),
            state_change_reason: None,
            submission_date_time: seconds(now),
            completion_date_time: None,
            athena_error: None,
        },
        statistics: QueryExecutionStatistics::default(),
        work_group: work_group_name,
        engine_version: EngineVersion::default(),
        substatement_type: None,
    };
    let seq = st.next_seq;
    st.next_seq += 1;
    st.executions.insert(id.clone(), Execution { execution, client_request_token: i.client_request_token, seq });
    service.state.save_executions(&st)?;
    drop(st);
    crate::run::spawn(service, id.clone(), i.query_string, database, bucket, key, now);
    Ok(Reply::shape("StartQueryExecutionOutput", StartOutput { query_execution_id: id }))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct IdInput {
    query_execution_id: String,
}

pub(crate) fn not_found(id: &str) -> AthenaError {
    AthenaError::InvalidRequest(format!("QueryExecution {id} was not found"))
}

pub(crate) fn get(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: IdInput = input(call)?;
    let st = service.state.lock();
    let e = st.executions.get(&i.query_execution_id).ok_or_else(|| not_found(&i.query_execution_id))?;
    Ok(Reply::shape("GetQueryExecutionOutput", json!({ "QueryExecution": e.execution })))
}

pub(crate) fn stop(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: IdInput = input(call)?;
    let mut st = service.state.lock();
    let now = service.env.now_ms();
    let e = st.executions.get_mut(&i.query_execution_id).ok_or_else(|| not_found(&i.query_execution_id))?;
    if matches!(e.execution.status.state.as_str(), "QUEUED" | "RUNNING") {
        e.execution.status.state = "CANCELLED".to_owned();
        e.execution.status.state_change_reason = Some("Query cancelled by user".to_owned());
        e.execution.status.completion_date_time = Some(seconds(now));
        if let Some(handle) = st.running.remove(&i.query_execution_id) {
            handle.abort();
        }
        service.state.save_executions(&st)?;
    }
    Ok(Reply::shape("StopQueryExecutionOutput", json!({})))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListInput {
    next_token: Option<String>,
    max_results: Option<usize>,
    work_group: Option<String>,
}

pub(crate) fn list(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: ListInput = input(call)?;
    let group = i.work_group.unwrap_or_else(|| "primary".to_owned());
    let st = service.state.lock();
    if !st.work_groups.contains_key(&group) {
        return Err(AthenaError::InvalidRequest(format!("WorkGroup {group} is not found.")));
    }
    let mut all: Vec<&Execution> = st.executions.values().filter(|e| e.execution.work_group == group).collect();
    all.sort_by_key(|b| std::cmp::Reverse(b.seq));
    let start = crate::paging::start(i.next_token.as_deref())?;
    let max = i.max_results.unwrap_or(50);
    let page: Vec<&String> = all.iter().skip(start).take(max).map(|e| &e.execution.query_execution_id).collect();
    let next = (start + max < all.len()).then(|| crate::paging::token(start + max));
    Ok(Reply::shape("ListQueryExecutionsOutput", json!({ "QueryExecutionIds": page, "NextToken": next })))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct BatchInput {
    query_execution_ids: Vec<String>,
}

pub(crate) fn batch_get(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: BatchInput = input(call)?;
    let st = service.state.lock();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in &i.query_execution_ids {
        match st.executions.get(id) {
            Some(e) => found.push(e.execution.clone()),
            None => missing.push(json!({
                "QueryExecutionId": id,
                "ErrorCode": "INVALID_INPUT",
                "ErrorMessage": format!("QueryExecution {id} was not found"),
            })),
        }
    }
    Ok(Reply::shape("BatchGetQueryExecutionOutput", json!({ "QueryExecutions": found, "UnprocessedQueryExecutionIds": missing })))
}
