//! PutMetricFilter, DescribeMetricFilters, DeleteMetricFilter and TestMetricFilter, with
//! CloudWatch Logs' rules on a transformation: `metricValue` a number or a `$.path` (a path
//! needs a JSON pattern), at most three `dimensions`, each a `$.path`, only with a JSON pattern
//! ("The specified filter pattern does not support dimensions"), never with a `defaultValue`
//! ("dimensions and default value are mutually exclusive properties"); 100 filters per group.

use std::collections::BTreeMap;

use aws_protocol::Reply;
use logs_filter::{FilterPattern, JsonPath};
use serde::{Deserialize, Serialize};

use crate::LogsService;
use crate::metric_publisher::{Compiled, MetricFilter, MetricTransformation, ValueSource, selector_text};
use crate::model::{LogsError, LogsErrorCode};
use crate::paging;

/// Metric filters per log group.
pub(crate) const MAX_FILTERS_PER_GROUP: usize = 100;
/// Dimensions per transformation.
pub(crate) const MAX_DIMENSIONS: usize = 3;

/// `PutMetricFilterRequest` (`applyOnTransformedLogs`, `fieldSelectionCriteria`,
/// `emitSystemFieldDimensions` are validated by the model, not kept).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PutMetricFilterRequest {
    pub(crate) log_group_name: String,
    pub(crate) filter_name: String,
    pub(crate) filter_pattern: String,
    pub(crate) metric_transformations: Vec<MetricTransformation>,
}

/// `DescribeMetricFiltersRequest`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DescribeMetricFiltersRequest {
    pub(crate) log_group_name: Option<String>,
    pub(crate) filter_name_prefix: Option<String>,
    pub(crate) next_token: Option<String>,
    pub(crate) limit: Option<i32>,
    pub(crate) metric_name: Option<String>,
    pub(crate) metric_namespace: Option<String>,
}

/// `DeleteMetricFilterRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DeleteMetricFilterRequest {
    pub(crate) log_group_name: String,
    pub(crate) filter_name: String,
}

/// `TestMetricFilterRequest`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TestMetricFilterRequest {
    pub(crate) filter_pattern: String,
    pub(crate) log_event_messages: Vec<String>,
}

/// `DescribeMetricFiltersResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DescribeMetricFiltersResponse {
    pub(crate) metric_filters: Vec<MetricFilter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
}

/// `MetricFilterMatchRecord`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MetricFilterMatchRecord {
    pub(crate) event_number: i64,
    pub(crate) event_message: String,
    pub(crate) extracted_values: BTreeMap<String, String>,
}

/// `TestMetricFilterResponse`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TestMetricFilterResponse {
    pub(crate) matches: Vec<MetricFilterMatchRecord>,
}

fn parse_pattern(text: &str) -> Result<FilterPattern, LogsError> {
    FilterPattern::parse(text).map_err(|e| LogsError::invalid_parameter(format!("Invalid metric filter pattern: {e}")))
}

/// Checks a definition against CloudWatch Logs' rules and compiles it.
pub(crate) fn compile(def: MetricFilter) -> Result<Compiled, LogsError> {
    let pattern = parse_pattern(&def.filter_pattern)?;
    let t = def
        .metric_transformations
        .first()
        .ok_or_else(|| LogsError::invalid_parameter("metricTransformations must have one item."))?;
    let is_json = pattern.is_json();
    let value = match t.metric_value.trim() {
        v if v.starts_with('$') => {
            let path =
                JsonPath::parse(v).map_err(|e| LogsError::invalid_parameter(format!("Invalid metric value: {v} ({e})")))?;
            if !is_json {
                return Err(LogsError::invalid_parameter(format!(
                    "Invalid metric value: {v}. A field selector needs a JSON filter pattern."
                )));
            }
            ValueSource::Path(path)
        }
        v => ValueSource::Literal(
            v.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| LogsError::invalid_parameter(format!("Invalid metric value: {v}")))?,
        ),
    };
    let mut dimensions = Vec::new();
    if let Some(dims) = &t.dimensions
        && !dims.is_empty()
    {
        if t.default_value.is_some() {
            return Err(LogsError::invalid_parameter(
                "Invalid metric transformation: dimensions and default value are mutually exclusive properties",
            ));
        }
        if !is_json {
            return Err(LogsError::invalid_parameter("The specified filter pattern does not support dimensions"));
        }
        if dims.len() > MAX_DIMENSIONS {
            return Err(LogsError::invalid_parameter(format!(
                "A metric transformation can have at most {MAX_DIMENSIONS} dimensions."
            )));
        }
        for (name, selector) in dims {
            let path = JsonPath::parse(selector.trim()).map_err(|_| {
                LogsError::invalid_parameter(format!(
                    "Invalid dimension value for {name}: {selector}. Use a field selector such as $.modelId."
                ))
            })?;
            dimensions.push((name.clone(), path));
        }
    }
    Ok(Compiled::new(def, pattern, value, dimensions))
}

pub(crate) fn put_metric_filter(state: &LogsService, req: PutMetricFilterRequest) -> Result<Reply, LogsError> {
    let publisher = state.publisher()?;
    state.store.log_group(&req.log_group_name).ok_or_else(|| LogsError::not_found("The specified log group does not exist."))?;
    let def = MetricFilter {
        filter_name: req.filter_name,
        filter_pattern: req.filter_pattern,
        metric_transformations: req.metric_transformations,
        creation_time: state.env.now_ms(),
        log_group_name: req.log_group_name,
    };
    let compiled = compile(def)?;
    match publisher
        .put(compiled, MAX_FILTERS_PER_GROUP)
        .map_err(|e| LogsError::new(LogsErrorCode::ServiceUnavailableException, e.to_string()))?
    {
        Ok(()) => Ok(Reply::empty()),
        Err(_) => Err(LogsError::new(
            LogsErrorCode::LimitExceededException,
            format!("The maximum number of metric filters ({MAX_FILTERS_PER_GROUP}) for this log group has been reached."),
        )),
    }
}

pub(crate) fn describe_metric_filters(state: &LogsService, req: DescribeMetricFiltersRequest) -> Result<Reply, LogsError> {
    let publisher = state.publisher()?;
    if req.filter_name_prefix.is_some() && req.log_group_name.is_none() {
        return Err(LogsError::invalid_parameter("If you specify filterNamePrefix, you must also specify logGroupName."));
    }
    if req.metric_name.is_some() != req.metric_namespace.is_some() {
        return Err(LogsError::invalid_parameter("metricName and metricNamespace must be specified together."));
    }
    if let Some(group) = &req.log_group_name {
        state.store.log_group(group).ok_or_else(|| LogsError::not_found("The specified log group does not exist."))?;
    }
    let matching: Vec<MetricFilter> = publisher
        .all()
        .into_iter()
        .filter(|f| req.log_group_name.as_ref().is_none_or(|g| &f.log_group_name == g))
        .filter(|f| req.filter_name_prefix.as_ref().is_none_or(|p| f.filter_name.starts_with(p.as_str())))
        .filter(|f| {
            req.metric_name.as_ref().is_none_or(|n| {
                f.metric_transformations
                    .iter()
                    .any(|t| &t.metric_name == n && Some(&t.metric_namespace) == req.metric_namespace.as_ref())
            })
        })
        .collect();
    let from = paging::decode_offset("metricfilters", req.next_token.as_deref())?;
    let limit = req.limit.map_or(50, |n| n.max(1) as usize);
    let total = matching.len();
    let metric_filters: Vec<MetricFilter> = matching.into_iter().skip(from).take(limit).collect();
    let next = from + metric_filters.len();
    let next_token = (next < total).then(|| paging::encode("metricfilters", &next.to_string()));
    Ok(Reply::shape("DescribeMetricFiltersResponse", DescribeMetricFiltersResponse { metric_filters, next_token }))
}

pub(crate) fn delete_metric_filter(state: &LogsService, req: DeleteMetricFilterRequest) -> Result<Reply, LogsError> {
    let publisher = state.publisher()?;
    state.store.log_group(&req.log_group_name).ok_or_else(|| LogsError::not_found("The specified log group does not exist."))?;
    let removed = publisher
        .delete(&req.log_group_name, &req.filter_name)
        .map_err(|e| LogsError::new(LogsErrorCode::ServiceUnavailableException, e.to_string()))?;
    if !removed {
        return Err(LogsError::not_found("The specified metric filter does not exist."));
    }
    Ok(Reply::empty())
}

pub(crate) fn test_metric_filter(req: TestMetricFilterRequest) -> Result<Reply, LogsError> {
    let pattern = parse_pattern(&req.filter_pattern)?;
    let selectors: Vec<JsonPath> = pattern.selectors().into_iter().cloned().collect();
    let mut matches = Vec::new();
    for (i, message) in req.log_event_messages.iter().enumerate() {
        let doc = serde_json::from_str::<serde_json::Value>(message).ok();
        let matched = match &pattern {
            FilterPattern::Json(expr) => doc.as_ref().is_some_and(|d| expr.matches(d)),
            other => other.matches(message),
        };
        if !matched {
            continue;
        }
        let mut extracted = BTreeMap::new();
        if let Some(doc) = &doc {
            for s in &selectors {
                if let Some(v) = s.select(doc) {
                    let text = match v {
                        serde_json::Value::String(t) => t.clone(),
                        other => other.to_string(),
                    };
                    extracted.insert(selector_text(s), text);
                }
            }
        }
        matches.push(MetricFilterMatchRecord {
            event_number: i as i64 + 1,
            event_message: message.clone(),
            extracted_values: extracted,
        });
    }
    Ok(Reply::shape("TestMetricFilterResponse", TestMetricFilterResponse { matches }))
}

/// Deleting a log group deletes its metric filters.
pub(crate) fn forget_group(state: &LogsService, group: &str) {
    if let Some(p) = &state.metric_filters
        && let Err(err) = p.delete_group(group)
    {
        tracing::warn!(%err, %group, "the metric filters of a deleted log group could not be saved");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(pattern: &str, value: &str, dims: Option<&[(&str, &str)]>, default: Option<f64>) -> MetricFilter {
        MetricFilter {
            filter_name: "f".into(),
            filter_pattern: pattern.into(),
            metric_transformations: vec![MetricTransformation {
                metric_name: "m".into(),
                metric_namespace: "N".into(),
                metric_value: value.into(),
                default_value: default,
                dimensions: dims.map(|d| d.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()),
                unit: None,
            }],
            creation_time: 0,
            log_group_name: "g".into(),
        }
    }

    #[test]
    fn cloudwatch_logs_rules_on_transformations() {
        assert!(compile(def("{ $.a > 0 }", "$.a", Some(&[("ModelId", "$.modelId")]), None)).is_ok());
        assert!(compile(def("ERROR", "1", None, Some(0.0))).is_ok());
        let err = |d| compile(d).unwrap_err().message;
        assert_eq!(
            err(def("ERROR", "1", Some(&[("x", "$.x")]), None)),
            "The specified filter pattern does not support dimensions"
        );
        assert_eq!(
            err(def("{ $.a > 0 }", "1", Some(&[("x", "$.x")]), Some(1.0))),
            "Invalid metric transformation: dimensions and default value are mutually exclusive properties"
        );
        assert!(err(def("ERROR", "$.a", None, None)).contains("needs a JSON filter pattern"));
        assert!(err(def("{ $.a > 0 }", "abc", None, None)).starts_with("Invalid metric value"));
        assert!(
            err(def("{ $.a > 0 }", "1", Some(&[("a", "$.a"), ("b", "$.b"), ("c", "$.c"), ("d", "$.d")]), None))
                .contains("at most 3")
        );
        assert!(err(def("{ $.a = ", "1", None, None)).starts_with("Invalid metric filter pattern"));
    }
}
