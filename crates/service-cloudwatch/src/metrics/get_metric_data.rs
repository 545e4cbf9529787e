//! GetMetricData: up to 500 `MetricDataQuery`s (`MetricStat` or metric math `Expression`)
//! evaluated over the window; one result per returned query (a `SEARCH` or an array gives one
//! per series, all under the query's id), labels (default or dynamic, `LabelOptions.Timezone`),
//! `ScanBy` order (newest first by default) and paging by `MaxDatapoints` (100,800 by default)
//! with a `NextToken`; a result cut by the page is `PartialData`.

use std::collections::HashSet;

use aws_protocol::Timestamp;
use serde::Deserialize;

use super::convert::{check_query_period, check_range};
use crate::CloudWatchService;
use crate::error::CloudWatchError;
use crate::math::eval::{Evaluator, Series, Value, Window};
use crate::math::labels::{default_label, parse_timezone, render};
use crate::shapes::{GetMetricDataOutput, MetricDataQuery, MetricDataResult};

/// Queries per request.
pub(crate) const MAX_QUERIES: usize = 500;
/// Datapoints per page by default (and at most).
pub(crate) const MAX_DATAPOINTS: i64 = 100_800;

/// `LabelOptions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct LabelOptions {
    pub(crate) timezone: Option<String>,
}

/// `GetMetricDataInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetMetricDataInput {
    pub(crate) metric_data_queries: Vec<MetricDataQuery>,
    pub(crate) start_time: Timestamp,
    pub(crate) end_time: Timestamp,
    pub(crate) next_token: Option<String>,
    pub(crate) scan_by: Option<String>,
    pub(crate) max_datapoints: Option<i64>,
    pub(crate) label_options: Option<LabelOptions>,
}

/// Checks the queries' structure (ids, one of `MetricStat` and `Expression`, periods, at least
/// one returned): shared with metric-math alarms.
pub(crate) fn check_queries(queries: &[MetricDataQuery], parameter: &str) -> Result<(), CloudWatchError> {
    if queries.is_empty() {
        return Err(CloudWatchError::MissingParameter(format!("The parameter {parameter} is required.")));
    }
    if queries.len() > MAX_QUERIES {
        return Err(CloudWatchError::InvalidParameterValue(format!(
            "The collection {parameter} must not have a size greater than {MAX_QUERIES}."
        )));
    }
    let mut seen = HashSet::new();
    for (i, q) in queries.iter().enumerate() {
        let at = format!("{parameter}.member.{}", i + 1);
        let mut chars = q.id.chars();
        let well_formed =
            chars.next().is_some_and(|c| c.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !well_formed {
            return Err(CloudWatchError::Validation(format!(
                "Invalid metric_id: {}. The first character must be a lowercase letter, the others letters, numbers or underscores ({at}.Id).",
                q.id
            )));
        }
        if !seen.insert(q.id.as_str()) {
            return Err(CloudWatchError::Validation(format!("Duplicate metric_id: {} ({at}.Id).", q.id)));
        }
        match (&q.metric_stat, &q.expression) {
            (Some(ms), None) => {
                check_query_period(ms.period, &format!("{at}.MetricStat.Period"))?;
                if metric_store::Statistic::parse(&ms.stat).is_err() {
                    return Err(CloudWatchError::invalid_value(&format!("{at}.MetricStat.Stat"), &ms.stat));
                }
                if ms.metric.namespace.is_none() || ms.metric.metric_name.is_none() {
                    return Err(CloudWatchError::MissingParameter(format!(
                        "The parameters {at}.MetricStat.Metric.Namespace and {at}.MetricStat.Metric.MetricName are required."
                    )));
                }
            }
            (None, Some(_)) => {
                if let Some(p) = q.period {
                    check_query_period(p, &format!("{at}.Period"))?;
                }
            }
            _ => {
                return Err(CloudWatchError::Validation(format!(
                    "Exactly one of MetricStat and Expression must be specified in {at} (id {}).",
                    q.id
                )));
            }
        }
    }
    if queries.iter().all(|q| q.return_data == Some(false)) {
        return Err(CloudWatchError::Validation(format!("At least one query of {parameter} must have ReturnData set to true.")));
    }
    Ok(())
}

pub(crate) fn get_metric_data(
    state: &CloudWatchService,
    input: GetMetricDataInput,
) -> Result<GetMetricDataOutput, CloudWatchError> {
    check_queries(&input.metric_data_queries, "MetricDataQueries")?;
    let (start, end) = (input.start_time.epoch_millis(), input.end_time.epoch_millis());
    check_range(start, end)?;
    let tz = match input.label_options.as_ref().and_then(|o| o.timezone.as_deref()) {
        None => 0,
        Some(t) => parse_timezone(t).ok_or_else(|| {
            CloudWatchError::Validation(format!(
                "The value {t} for parameter LabelOptions.Timezone is invalid: use +HHMM or -HHMM."
            ))
        })?,
    };
    let max = input.max_datapoints.unwrap_or(MAX_DATAPOINTS);
    if !(1..=MAX_DATAPOINTS).contains(&max) {
        return Err(CloudWatchError::invalid_value("MaxDatapoints", max));
    }
    let offset = match input.next_token.as_deref() {
        None => 0,
        Some(t) => service_kit::opaque::decode(t)
            .and_then(|p| p.strip_prefix("gmd:").and_then(|n| n.parse::<usize>().ok()))
            .ok_or_else(|| CloudWatchError::InvalidNextToken("The specified NextToken is invalid.".into()))?,
    };
    let ascending = input.scan_by.as_deref() == Some("TimestampAscending");
    let window = Window { start_ms: start, end_ms: end, now_ms: state.env.now_ms() };
    let series = evaluate(state, window, &input.metric_data_queries, tz)?;

    // Page over the datapoints of every result, in result order.
    let mut results = Vec::new();
    let mut skip = offset;
    let mut room = max as usize;
    let mut total = 0usize;
    for (id, label, s) in series {
        let mut points: Vec<(i64, f64)> = s.points.into_iter().collect();
        if !ascending {
            points.reverse();
        }
        total += points.len();
        let from = skip.min(points.len());
        skip -= from;
        let take = room.min(points.len() - from);
        room -= take;
        let page = &points[from..from + take];
        let cut = from + take < points.len();
        results.push(MetricDataResult {
            id,
            label,
            timestamps: page.iter().map(|p| Timestamp::from_epoch_millis(p.0)).collect(),
            values: page.iter().map(|p| p.1).collect(),
            status_code: if cut { "PartialData" } else { "Complete" }.to_owned(),
            messages: Vec::new(),
        });
    }
    let served = offset + max as usize - room;
    let next_token = (served < total).then(|| service_kit::opaque::encode(&format!("gmd:{served}")));
    Ok(GetMetricDataOutput { metric_data_results: results, next_token, messages: Vec::new() })
}

/// The returned queries' series with their ids and labels, in query order.
pub(crate) fn evaluate(
    state: &CloudWatchService,
    window: Window,
    queries: &[MetricDataQuery],
    tz: i32,
) -> Result<Vec<(String, String, Series)>, CloudWatchError> {
    let mut ev = Evaluator::new(&state.metrics, window, queries);
    let mut out = Vec::new();
    for q in queries.iter().filter(|q| q.return_data != Some(false)) {
        let value = ev.value_of(&q.id).map_err(|e| CloudWatchError::Validation(format!("Error in expression {}: {e}", q.id)))?;
        let from_search = q.expression.as_deref().is_some_and(|e| e.to_ascii_uppercase().contains("SEARCH("));
        let items = match value {
            Value::Series(s) => vec![s],
            Value::Array(a) => a,
            Value::Scalar(v) => vec![ev.broadcast(v, q.period.unwrap_or(0))],
        };
        for s in items {
            let default = default_label(&s, &q.id, from_search);
            let label = match &q.label {
                Some(template) => render(template, &s, &default, tz),
                None => default,
            };
            out.push((q.id.clone(), label, s));
        }
    }
    Ok(out)
}
