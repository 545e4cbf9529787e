//! StartQuery, GetQueryResults, StopQuery, DescribeQueries: Logs Insights over the store.
//!
//! StartQuery checks the request and compiles the query (a bad query is a
//! `MalformedQueryException` with `queryCompileError` in characters), then the query runs in the
//! background ([`super::query_registry`]). The time range is `[startTime·1000, endTime·1000+999]`
//! ms, inclusive at both ends as on AWS.

use std::sync::Arc;

use crate::model::{
    DescribeQueriesRequest, DescribeQueriesResponse, GetQueryResultsRequest, GetQueryResultsResponse, LogsError, LogsErrorCode,
    QueryInfo, QueryStatistics, StartQueryRequest, StartQueryResponse, StopQueryRequest, StopQueryResponse, query_results,
};
use logs_insights::{CheckOptions, Severity, Statistics, compile};

use super::names::name_from_identifier;
use super::paging;
use super::query_registry::{QueryEntry, submit};
use crate::LogsService;
use aws_protocol::Reply;
use insights_scan::source_log_groups;

/// Queries not finished at once, per account, before LimitExceededException (AWS quota).
const MAX_UNFINISHED_QUERIES: usize = 100;
/// Log groups one query may name.
const MAX_LOG_GROUPS: usize = 50;
/// Rows a query returns by default.
const DEFAULT_ROWS: usize = 10_000;

pub(super) fn start_query(state: &Arc<LogsService>, req: StartQueryRequest) -> Result<Reply, LogsError> {
    check_query_language(req.query_language.as_deref())?;
    if req.end_time < req.start_time {
        return Err(LogsError::invalid_parameter("endTime must be greater than or equal to startTime."));
    }
    let start_ms = req.start_time.saturating_mul(1000);
    let end_ms = req.end_time.saturating_mul(1000).saturating_add(999);
    let opts = CheckOptions { schema: None, now_ms: Some(state.env.now_ms()), time_range: Some((start_ms, end_ms)) };
    let plan = compile(&req.query_string, &opts).map_err(|diags| malformed(&req.query_string, &diags))?;

    let given = [req.log_group_name.is_some(), req.log_group_names.is_some(), req.log_group_identifiers.is_some()];
    let groups: Vec<String> = match given.iter().filter(|g| **g).count() {
        0 if plan.source().is_some() => source_log_groups(&state.store, &plan),
        0 => {
            return Err(LogsError::invalid_parameter(
                "Either logGroupName, logGroupNames or logGroupIdentifiers must be specified, or the query must start with SOURCE.",
            ));
        }
        1 => {
            let mut names: Vec<String> = Vec::new();
            names.extend(req.log_group_name.iter().cloned());
            names.extend(req.log_group_names.iter().flatten().cloned());
            names.extend(req.log_group_identifiers.iter().flatten().map(|id| name_from_identifier(id)));
            names
        }
        _ => {
            return Err(LogsError::invalid_parameter(
                "logGroupName, logGroupNames and logGroupIdentifiers are mutually exclusive parameters.",
            ));
        }
    };
    if groups.is_empty() {
        return Err(LogsError::invalid_parameter("The query names no log group."));
    }
    if groups.len() > MAX_LOG_GROUPS {
        return Err(LogsError::invalid_parameter(format!(
            "A query can name at most {MAX_LOG_GROUPS} log groups; this one names {}.",
            groups.len()
        )));
    }
    for group in &groups {
        if state.store.log_group(group).is_none() {
            return Err(LogsError::not_found(format!(
                "Log group '{group}' does not exist for account ID '{}'",
                state.env.account_id
            )));
        }
    }
    if state.queries.unfinished() >= MAX_UNFINISHED_QUERIES {
        return Err(LogsError::new(
            LogsErrorCode::LimitExceededException,
            format!("Account maximum query concurrency limit of [{MAX_UNFINISHED_QUERIES}] reached."),
        ));
    }
    let described = match groups.as_slice() {
        // AWS shows the stored query with its source and time range spelled out.
        [one] if plan.source().is_none() => {
            format!("SOURCE \"{one}\" START={start_ms} END={end_ms} | {}", req.query_string)
        }
        _ => req.query_string.clone(),
    };
    let row_limit = req.limit.map_or(DEFAULT_ROWS, |n| n as usize);
    let id = state.env.ids.request_id();
    let entry = Arc::new(QueryEntry::new(id.clone(), described, groups, state.env.now_ms(), row_limit));
    submit(state, entry, plan, start_ms, end_ms);
    Ok(Reply::shape("StartQueryResponse", StartQueryResponse { query_id: id }))
}

/// The MalformedQueryException for the first error of a query.
fn malformed(src: &str, diags: &[logs_insights::Diagnostic]) -> LogsError {
    let first = diags.iter().find(|d| d.severity == Severity::Error).or(diags.first());
    match first {
        Some(d) => {
            let at = d.char_offsets(src);
            LogsError::malformed_query(d.message.clone(), at.start_char_offset as u64, at.end_char_offset as u64)
        }
        None => LogsError::malformed_query("The query could not be compiled.", 0, 0),
    }
}

pub(super) async fn get_query_results(state: &LogsService, req: GetQueryResultsRequest) -> Result<Reply, LogsError> {
    let entry = state.queries.get(&req.query_id).ok_or_else(|| unknown_query(&req.query_id))?;
    if !entry.progress().status.is_finished() {
        entry.wait_finished(state.query_results_wait).await;
    }
    let progress = entry.progress();
    let offset = paging::decode_offset("results", req.next_token.as_deref())?;
    let (results, statistics, next_token) = match &progress.result {
        Some(result) => {
            let rows = result.rows.len().min(entry.row_limit);
            let page = req.max_items.map_or(rows, |n| n as usize);
            let end = offset.saturating_add(page).min(rows);
            let next_token = (end < rows).then(|| paging::encode("results", &end.to_string()));
            (query_results(&result.rows[offset.min(end)..end]), QueryStatistics::from(&result.statistics), next_token)
        }
        None => (Vec::new(), QueryStatistics::from(&Statistics::default()), None),
    };
    let response =
        GetQueryResultsResponse { query_language: "CWLI", status: progress.status.as_str(), results, statistics, next_token };
    Ok(Reply::shape("GetQueryResultsResponse", response))
}

pub(super) fn stop_query(state: &LogsService, req: StopQueryRequest) -> Result<Reply, LogsError> {
    let entry = state.queries.get(&req.query_id).ok_or_else(|| unknown_query(&req.query_id))?;
    if !entry.stop() {
        return Err(LogsError::invalid_parameter(format!(
            "Query {} is not running: its status is {}.",
            req.query_id,
            entry.progress().status.as_str()
        )));
    }
    Ok(Reply::shape("StopQueryResponse", StopQueryResponse { success: true }))
}

pub(super) fn describe_queries(state: &LogsService, req: DescribeQueriesRequest) -> Result<Reply, LogsError> {
    check_query_language(req.query_language.as_deref())?;
    let offset = paging::decode_offset("queries", req.next_token.as_deref())?;
    let max = req.max_results.map_or(1000, |n| n as usize);
    let selected: Vec<_> = state
        .queries
        .newest_first()
        .into_iter()
        .filter(|e| req.log_group_name.as_ref().is_none_or(|g| e.log_groups.contains(g)))
        .filter(|e| req.status.as_deref().is_none_or(|s| e.progress().status.as_str() == s))
        .collect();
    let queries: Vec<QueryInfo> = selected
        .iter()
        .skip(offset)
        .take(max)
        .map(|e| {
            let progress = e.progress();
            QueryInfo {
                query_language: "CWLI",
                query_id: e.id.clone(),
                query_string: e.described_query.clone(),
                status: progress.status.as_str(),
                create_time: e.create_time,
                log_group_name: e.log_groups.first().cloned(),
                bytes_scanned: progress.result.as_ref().map(|r| r.statistics.bytes_scanned as f64),
            }
        })
        .collect();
    let next = offset + queries.len();
    let next_token = (next < selected.len()).then(|| paging::encode("queries", &next.to_string()));
    Ok(Reply::shape("DescribeQueriesResponse", DescribeQueriesResponse { queries, next_token }))
}

/// Only the Logs Insights language (`CWLI`, the default) is emulated; SQL and PPL are refused.
fn check_query_language(lang: Option<&str>) -> Result<(), LogsError> {
    match lang {
        None | Some("CWLI") => Ok(()),
        Some(lang) => Err(LogsError::invalid_parameter(format!(
            "queryLanguage {lang} is not supported by this emulator; only CWLI (the Logs Insights query language) is."
        ))),
    }
}

fn unknown_query(id: &str) -> LogsError {
    LogsError::not_found(format!("Query {id} does not exist."))
}
