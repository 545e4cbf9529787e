//! PutMetricAlarm and PutCompositeAlarm: the configuration checked with CloudWatch's rules
//! (`ValidationError` for most, as CloudWatch answers them), the alarm created in
//! INSUFFICIENT_DATA ("Unchecked: Initial alarm creation") or updated with its state kept, and a
//! `ConfigurationUpdate` history item.

use aws_protocol::Timestamp;
use serde::Deserialize;
use serde_json::json;

use super::model::{Alarm, AlarmKind, AlarmState, MetricConfig, StateValue};
use super::rule::Rule;
use crate::CloudWatchService;
use crate::error::CloudWatchError;
use crate::metrics::convert::check_dimensions;
use crate::metrics::get_metric_data::check_queries;
use crate::shapes::{AlarmHistoryItem, Dimension, MetricDataQuery};
use service_kit::RequestContext;

/// Alarms per account (AWS's default quota is higher; this guards the emulator).
pub(crate) const MAX_ALARMS: usize = 10_000;

/// `PutMetricAlarmInput` (the members the emulator acts on; `Tags`, `EvaluationWindow`,
/// `WarmUpConfiguration`, `ActionConfiguration` are validated by the model and not kept).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutMetricAlarmInput {
    pub(crate) alarm_name: String,
    pub(crate) alarm_description: Option<String>,
    pub(crate) actions_enabled: Option<bool>,
    #[serde(rename = "OKActions", default)]
    pub(crate) ok_actions: Vec<String>,
    #[serde(default)]
    pub(crate) alarm_actions: Vec<String>,
    #[serde(default)]
    pub(crate) insufficient_data_actions: Vec<String>,
    pub(crate) metric_name: Option<String>,
    pub(crate) namespace: Option<String>,
    pub(crate) statistic: Option<String>,
    pub(crate) extended_statistic: Option<String>,
    #[serde(default)]
    pub(crate) dimensions: Vec<Dimension>,
    pub(crate) period: Option<i64>,
    pub(crate) unit: Option<String>,
    pub(crate) evaluation_periods: Option<i64>,
    pub(crate) datapoints_to_alarm: Option<i64>,
    pub(crate) threshold: Option<f64>,
    pub(crate) comparison_operator: Option<String>,
    pub(crate) treat_missing_data: Option<String>,
    pub(crate) evaluate_low_sample_count_percentile: Option<String>,
    pub(crate) metrics: Option<Vec<MetricDataQuery>>,
    pub(crate) threshold_metric_id: Option<String>,
    pub(crate) evaluation_criteria: Option<serde_json::Value>,
}

/// `PutCompositeAlarmInput` (`ActionsSuppressor*` and `Tags` are not kept).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutCompositeAlarmInput {
    pub(crate) alarm_name: String,
    pub(crate) alarm_rule: String,
    pub(crate) alarm_description: Option<String>,
    pub(crate) actions_enabled: Option<bool>,
    #[serde(rename = "OKActions", default)]
    pub(crate) ok_actions: Vec<String>,
    #[serde(default)]
    pub(crate) alarm_actions: Vec<String>,
    #[serde(default)]
    pub(crate) insufficient_data_actions: Vec<String>,
}

fn invalid(message: impl Into<String>) -> CloudWatchError {
    CloudWatchError::Validation(message.into())
}

fn check_actions(lists: [(&str, &[String]); 3]) -> Result<(), CloudWatchError> {
    for (name, list) in lists {
        for arn in list {
            let parts: Vec<&str> = arn.splitn(6, ':').collect();
            if parts.len() < 6 || parts[0] != "arn" || parts[2].is_empty() {
                return Err(invalid(format!("Invalid arn syntax: {arn} (in {name})")));
            }
        }
    }
    Ok(())
}

fn metric_config(input: &PutMetricAlarmInput) -> Result<MetricConfig, CloudWatchError> {
    if input.evaluation_criteria.is_some() {
        return Err(invalid("EvaluationCriteria (PromQL alarms) is not supported by this emulator."));
    }
    let metrics = input.metrics.clone().unwrap_or_default();
    match (input.metric_name.is_some(), !metrics.is_empty()) {
        (false, false) => return Err(invalid("One of MetricName, Metrics or EvaluationCriteria must be specified.")),
        (true, true) => return Err(invalid("MetricName and Metrics cannot be specified together.")),
        _ => {}
    }
    let evaluation_periods = input
        .evaluation_periods
        .ok_or_else(|| CloudWatchError::MissingParameter("The parameter EvaluationPeriods is required.".into()))?;
    let comparison_operator = input
        .comparison_operator
        .clone()
        .ok_or_else(|| CloudWatchError::MissingParameter("The parameter ComparisonOperator is required.".into()))?;
    if !matches!(
        comparison_operator.as_str(),
        "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold"
    ) {
        return Err(invalid(format!(
            "Comparison operator {comparison_operator} is for anomaly detection alarms (ThresholdMetricId), which this emulator does not evaluate."
        )));
    }
    if input.threshold_metric_id.is_some() {
        return Err(invalid("ThresholdMetricId (anomaly detection) is not supported by this emulator."));
    }
    if input.threshold.is_none() {
        return Err(CloudWatchError::MissingParameter("The parameter Threshold is required.".into()));
    }
    let period = if metrics.is_empty() {
        if input.namespace.is_none() {
            return Err(CloudWatchError::MissingParameter("The parameter Namespace is required.".into()));
        }
        if input.statistic.is_some() == input.extended_statistic.is_some() {
            return Err(invalid("Exactly one of Statistic and ExtendedStatistic must be specified."));
        }
        if let Some(e) = &input.extended_statistic
            && metric_store::Statistic::parse(e).map_or(true, |s| s.is_basic())
        {
            return Err(invalid(format!("The value {e} for parameter ExtendedStatistic is invalid.")));
        }
        check_dimensions(&input.dimensions, "Dimensions")?;
        input.period.ok_or_else(|| CloudWatchError::MissingParameter("The parameter Period is required.".into()))?
    } else {
        let conflicting = [
            ("Namespace", input.namespace.is_some()),
            ("Dimensions", !input.dimensions.is_empty()),
            ("Period", input.period.is_some()),
            ("Unit", input.unit.is_some()),
            ("Statistic", input.statistic.is_some()),
            ("ExtendedStatistic", input.extended_statistic.is_some()),
        ];
        if let Some((name, _)) = conflicting.iter().find(|(_, given)| *given) {
            return Err(invalid(format!("Metrics cannot be specified together with {name}.")));
        }
        check_queries(&metrics, "Metrics")?;
        if metrics.iter().filter(|q| q.return_data != Some(false)).count() != 1 {
            return Err(invalid("Exactly one element of the Metrics list must have ReturnData set to true."));
        }
        MetricConfig { metrics: metrics.clone(), ..placeholder() }.evaluation_period()
    };
    if !(matches!(period, 10 | 20 | 30) || (period > 0 && period <= crate::metrics::convert::MAX_PERIOD_S && period % 60 == 0)) {
        return Err(invalid(format!("Period ({period}) must be 10, 20, 30 or a multiple of 60 seconds.")));
    }
    let total = period.saturating_mul(evaluation_periods);
    if total > 604_800 {
        return Err(invalid(
            "The evaluation period (Period multiplied by EvaluationPeriods) cannot exceed 7 days (604,800 seconds).",
        ));
    }
    if period < 3600 && total > 86_400 {
        return Err(invalid(
            "For alarms with a period of less than one hour, Period multiplied by EvaluationPeriods cannot exceed one day (86,400 seconds).",
        ));
    }
    if let Some(m) = input.datapoints_to_alarm
        && m > evaluation_periods
    {
        return Err(invalid("DatapointsToAlarm must be less than or equal to EvaluationPeriods"));
    }
    let treat_missing_data = input.treat_missing_data.clone().unwrap_or_else(|| "missing".to_owned());
    if !matches!(treat_missing_data.as_str(), "breaching" | "notBreaching" | "ignore" | "missing") {
        return Err(invalid(format!(
            "The value {treat_missing_data} for parameter TreatMissingData is invalid. Valid values are breaching, notBreaching, ignore and missing."
        )));
    }
    if let Some(e) = &input.evaluate_low_sample_count_percentile
        && !matches!(e.as_str(), "evaluate" | "ignore")
    {
        return Err(invalid(format!(
            "The value {e} for parameter EvaluateLowSampleCountPercentile is invalid. Valid values are evaluate and ignore."
        )));
    }
    Ok(MetricConfig {
        namespace: input.namespace.clone(),
        metric_name: input.metric_name.clone(),
        dimensions: input.dimensions.clone(),
        statistic: input.statistic.clone(),
        extended_statistic: input.extended_statistic.clone(),
        period: input.period,
        unit: input.unit.clone(),
        evaluation_periods,
        datapoints_to_alarm: input.datapoints_to_alarm,
        threshold: input.threshold,
        comparison_operator,
        treat_missing_data,
        evaluate_low_sample_count_percentile: input.evaluate_low_sample_count_percentile.clone(),
        metrics,
        threshold_metric_id: None,
    })
}

fn placeholder() -> MetricConfig {
    MetricConfig {
        namespace: None,
        metric_name: None,
        dimensions: Vec::new(),
        statistic: None,
        extended_statistic: None,
        period: None,
        unit: None,
        evaluation_periods: 1,
        datapoints_to_alarm: None,
        threshold: None,
        comparison_operator: String::new(),
        treat_missing_data: "missing".into(),
        evaluate_low_sample_count_percentile: None,
        metrics: Vec::new(),
        threshold_metric_id: None,
    }
}

/// Stores `kind` as alarm `name`: new alarms start in INSUFFICIENT_DATA, updates keep the state.
#[allow(clippy::too_many_arguments)]
fn upsert(
    service: &CloudWatchService,
    ctx: &RequestContext,
    name: &str,
    description: Option<String>,
    actions_enabled: Option<bool>,
    actions: [Vec<String>; 3],
    kind: AlarmKind,
) -> Result<(), CloudWatchError> {
    let now = service.env.now_ms();
    let mut alarms = service.alarms.lock();
    let existing = alarms.alarms.get(name).cloned();
    if let Some(e) = &existing
        && std::mem::discriminant(&e.kind) != std::mem::discriminant(&kind)
    {
        return Err(invalid(format!("The alarm {name} already exists as a {}.", e.type_name())));
    }
    if existing.is_none() && alarms.alarms.len() >= MAX_ALARMS {
        return Err(CloudWatchError::LimitExceeded(format!("The maximum number of alarms ({MAX_ALARMS}) has been reached.")));
    }
    let [ok_actions, alarm_actions, insufficient_data_actions] = actions;
    let state = existing.as_ref().map(|e| e.state.clone()).unwrap_or_else(|| AlarmState {
        value: StateValue::InsufficientData,
        reason: "Unchecked: Initial alarm creation".to_owned(),
        reason_data: None,
        updated_ms: now,
        transitioned_ms: now,
    });
    let alarm = Alarm {
        name: name.to_owned(),
        arn: format!("arn:aws:cloudwatch:{}:{}:alarm:{name}", ctx.region, service.env.account_id),
        region: ctx.region.clone(),
        description,
        actions_enabled: actions_enabled.unwrap_or(true),
        ok_actions,
        alarm_actions,
        insufficient_data_actions,
        kind,
        state,
        configuration_updated_ms: now,
    };
    let created = existing.is_none();
    let shape = alarm
        .metric_shape()
        .map(|s| serde_json::to_value(s).unwrap_or_default())
        .or_else(|| alarm.composite_shape().map(|s| serde_json::to_value(s).unwrap_or_default()))
        .unwrap_or_default();
    let data = if created {
        json!({"version": "1.0", "type": "Create", "createdAlarm": shape})
    } else {
        json!({"version": "1.0", "type": "Update", "updatedAlarm": shape})
    };
    alarms.record(AlarmHistoryItem {
        alarm_name: name.to_owned(),
        alarm_type: alarm.type_name().to_owned(),
        timestamp: Timestamp::from_epoch_millis(now),
        history_item_type: "ConfigurationUpdate".to_owned(),
        history_summary: format!("Alarm \"{name}\" {}", if created { "created" } else { "updated" }).chars().take(255).collect(),
        history_data: data.to_string().chars().take(4095).collect(),
    });
    alarms.evaluated_boundary.remove(name);
    alarms.alarms.insert(name.to_owned(), alarm);
    service.alarms.save(&alarms).map_err(|e| CloudWatchError::Internal(e.to_string()))
}

pub(crate) fn put_metric_alarm(
    service: &CloudWatchService,
    ctx: &RequestContext,
    input: PutMetricAlarmInput,
) -> Result<(), CloudWatchError> {
    check_actions([
        ("OKActions", &input.ok_actions),
        ("AlarmActions", &input.alarm_actions),
        ("InsufficientDataActions", &input.insufficient_data_actions),
    ])?;
    let config = metric_config(&input)?;
    upsert(
        service,
        ctx,
        &input.alarm_name,
        input.alarm_description.clone(),
        input.actions_enabled,
        [input.ok_actions, input.alarm_actions, input.insufficient_data_actions],
        AlarmKind::Metric(Box::new(config)),
    )
}

pub(crate) fn put_composite_alarm(
    service: &CloudWatchService,
    ctx: &RequestContext,
    input: PutCompositeAlarmInput,
) -> Result<(), CloudWatchError> {
    check_actions([
        ("OKActions", &input.ok_actions),
        ("AlarmActions", &input.alarm_actions),
        ("InsufficientDataActions", &input.insufficient_data_actions),
    ])?;
    let rule = Rule::parse(&input.alarm_rule).map_err(|e| invalid(format!("Error in alarm rule: {e}")))?;
    {
        let alarms = service.alarms.lock();
        for r in rule.references() {
            if r == input.alarm_name || r.ends_with(&format!(":alarm:{}", input.alarm_name)) {
                return Err(invalid(format!("The alarm rule of {} cannot reference the alarm itself.", input.alarm_name)));
            }
            if !alarms.alarms.values().any(|a| a.name == r || a.arn == r) {
                return Err(invalid(format!("Could not find alarm {r} referenced in the alarm rule.")));
            }
        }
    }
    upsert(
        service,
        ctx,
        &input.alarm_name,
        input.alarm_description.clone(),
        input.actions_enabled,
        [input.ok_actions, input.alarm_actions, input.insufficient_data_actions],
        AlarmKind::Composite { rule: input.alarm_rule },
    )
}
