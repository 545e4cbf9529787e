//! DescribeAlarms (names, prefix, types, children/parents of a composite, state, action prefix,
//! pages of `MaxRecords`), DescribeAlarmsForMetric and DescribeAlarmHistory (name, types, item
//! type, date range, `ScanBy`, pages).

use aws_protocol::Timestamp;
use serde::Deserialize;

use super::model::{AlarmKind, StateValue};
use super::rule::Rule;
use crate::CloudWatchService;
use crate::error::CloudWatchError;
use crate::shapes::{DescribeAlarmHistoryOutput, DescribeAlarmsForMetricOutput, DescribeAlarmsOutput, Dimension, MetricAlarm};

/// `DescribeAlarmsInput`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeAlarmsInput {
    pub(crate) alarm_names: Option<Vec<String>>,
    pub(crate) alarm_name_prefix: Option<String>,
    pub(crate) alarm_types: Option<Vec<String>>,
    pub(crate) children_of_alarm_name: Option<String>,
    pub(crate) parents_of_alarm_name: Option<String>,
    pub(crate) state_value: Option<String>,
    pub(crate) action_prefix: Option<String>,
    pub(crate) max_records: Option<i64>,
    pub(crate) next_token: Option<String>,
}

/// `DescribeAlarmsForMetricInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeAlarmsForMetricInput {
    pub(crate) metric_name: String,
    pub(crate) namespace: String,
    pub(crate) statistic: Option<String>,
    pub(crate) extended_statistic: Option<String>,
    pub(crate) dimensions: Option<Vec<Dimension>>,
    pub(crate) period: Option<i64>,
    pub(crate) unit: Option<String>,
}

/// `DescribeAlarmHistoryInput`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DescribeAlarmHistoryInput {
    pub(crate) alarm_name: Option<String>,
    pub(crate) alarm_types: Option<Vec<String>>,
    pub(crate) history_item_type: Option<String>,
    pub(crate) start_date: Option<Timestamp>,
    pub(crate) end_date: Option<Timestamp>,
    pub(crate) max_records: Option<i64>,
    pub(crate) next_token: Option<String>,
    pub(crate) scan_by: Option<String>,
}

fn offset(token: Option<&str>, prefix: &str) -> Result<usize, CloudWatchError> {
    match token {
        None => Ok(0),
        Some(t) => service_kit::opaque::decode(t)
            .and_then(|p| p.strip_prefix(prefix).and_then(|n| n.parse().ok()))
            .ok_or_else(|| CloudWatchError::InvalidNextToken("The specified NextToken is invalid.".into())),
    }
}

fn token(next: usize, total: usize, prefix: &str) -> Option<String> {
    (next < total).then(|| service_kit::opaque::encode(&format!("{prefix}{next}")))
}

pub(crate) fn describe_alarms(
    service: &CloudWatchService,
    input: DescribeAlarmsInput,
) -> Result<DescribeAlarmsOutput, CloudWatchError> {
    if input.alarm_names.is_some() && input.alarm_name_prefix.is_some() {
        return Err(CloudWatchError::InvalidParameterCombination(
            "The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.".into(),
        ));
    }
    let types = input.alarm_types.clone().unwrap_or_else(|| vec!["MetricAlarm".to_owned()]);
    let state = input.state_value.as_deref().and_then(StateValue::parse);
    let alarms = service.alarms.lock();
    let named =
        |reference: &str| alarms.alarms.values().find(|a| a.name == reference || a.arn == reference).map(|a| a.name.clone());
    let children: Option<Vec<String>> =
        input.children_of_alarm_name.as_ref().map(|parent| match alarms.alarms.get(parent).map(|a| &a.kind) {
            Some(AlarmKind::Composite { rule }) => {
                Rule::parse(rule).map(|r| r.references().into_iter().filter_map(named).collect()).unwrap_or_default()
            }
            _ => Vec::new(),
        });
    let parents: Option<Vec<String>> = input.parents_of_alarm_name.as_ref().map(|child| {
        alarms
            .alarms
            .values()
            .filter(|a| match &a.kind {
                AlarmKind::Composite { rule } => Rule::parse(rule)
                    .map(|r| r.references().into_iter().any(|x| named(x).as_deref() == Some(child.as_str())))
                    .unwrap_or(false),
                AlarmKind::Metric(_) => false,
            })
            .map(|a| a.name.clone())
            .collect()
    });
    let matching: Vec<_> = alarms
        .alarms
        .values()
        .filter(|a| types.iter().any(|t| t == a.type_name()))
        .filter(|a| input.alarm_names.as_ref().is_none_or(|names| names.contains(&a.name)))
        .filter(|a| input.alarm_name_prefix.as_ref().is_none_or(|p| a.name.starts_with(p.as_str())))
        .filter(|a| state.is_none_or(|s| a.state.value == s))
        .filter(|a| {
            input.action_prefix.as_ref().is_none_or(|p| {
                a.ok_actions.iter().chain(&a.alarm_actions).chain(&a.insufficient_data_actions).any(|x| x.starts_with(p.as_str()))
            })
        })
        .filter(|a| children.as_ref().is_none_or(|c| c.contains(&a.name)))
        .filter(|a| parents.as_ref().is_none_or(|p| p.contains(&a.name)))
        .collect();
    let from = offset(input.next_token.as_deref(), "da:")?;
    let max = input.max_records.unwrap_or(50).clamp(1, 100) as usize;
    let page: Vec<_> = matching.iter().skip(from).take(max).collect();
    Ok(DescribeAlarmsOutput {
        metric_alarms: page.iter().filter_map(|a| a.metric_shape()).collect(),
        composite_alarms: page.iter().filter_map(|a| a.composite_shape()).collect(),
        next_token: token(from + page.len(), matching.len(), "da:"),
    })
}

pub(crate) fn describe_alarms_for_metric(
    service: &CloudWatchService,
    input: DescribeAlarmsForMetricInput,
) -> Result<DescribeAlarmsForMetricOutput, CloudWatchError> {
    let alarms = service.alarms.lock();
    let mut wanted_dims = input.dimensions.clone();
    if let Some(d) = wanted_dims.as_mut() {
        d.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let metric_alarms: Vec<MetricAlarm> = alarms
        .alarms
        .values()
        .filter(|a| match &a.kind {
            AlarmKind::Metric(c) => {
                let mut dims = c.dimensions.clone();
                dims.sort_by(|a, b| a.name.cmp(&b.name));
                c.metric_name.as_deref() == Some(input.metric_name.as_str())
                    && c.namespace.as_deref() == Some(input.namespace.as_str())
                    && input.statistic.as_ref().is_none_or(|s| c.statistic.as_ref() == Some(s))
                    && input.extended_statistic.as_ref().is_none_or(|s| c.extended_statistic.as_ref() == Some(s))
                    && input.period.is_none_or(|p| c.period == Some(p))
                    && input.unit.as_ref().is_none_or(|u| c.unit.as_ref() == Some(u))
                    && wanted_dims.as_ref().is_none_or(|d| *d == dims)
            }
            AlarmKind::Composite { .. } => false,
        })
        .filter_map(|a| a.metric_shape())
        .collect();
    Ok(DescribeAlarmsForMetricOutput { metric_alarms })
}

pub(crate) fn describe_alarm_history(
    service: &CloudWatchService,
    input: DescribeAlarmHistoryInput,
) -> Result<DescribeAlarmHistoryOutput, CloudWatchError> {
    let types = input.alarm_types.clone().unwrap_or_else(|| vec!["MetricAlarm".to_owned(), "CompositeAlarm".to_owned()]);
    let alarms = service.alarms.lock();
    let mut items: Vec<_> = alarms
        .history
        .iter()
        .filter(|h| input.alarm_name.as_ref().is_none_or(|n| &h.alarm_name == n))
        .filter(|h| types.contains(&h.alarm_type))
        .filter(|h| input.history_item_type.as_ref().is_none_or(|t| &h.history_item_type == t))
        .filter(|h| input.start_date.is_none_or(|s| h.timestamp >= s))
        .filter(|h| input.end_date.is_none_or(|e| h.timestamp <= e))
        .cloned()
        .collect();
    if input.scan_by.as_deref() != Some("TimestampAscending") {
        items.reverse();
    }
    let from = offset(input.next_token.as_deref(), "dah:")?;
    let max = input.max_records.unwrap_or(100).clamp(1, 100) as usize;
    let total = items.len();
    let page: Vec<_> = items.into_iter().skip(from).take(max).collect();
    let next_token = token(from + page.len(), total, "dah:");
    Ok(DescribeAlarmHistoryOutput { alarm_history_items: page, next_token })
}
