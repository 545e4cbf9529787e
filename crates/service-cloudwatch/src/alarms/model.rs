//! An alarm as the emulator keeps it (and saves it): its configuration, metric or composite,
//! and its state; and how it is shown as `MetricAlarm` / `CompositeAlarm`.

use aws_protocol::Timestamp;
use serde::{Deserialize, Serialize};

use crate::shapes::{CompositeAlarm, Dimension, MetricAlarm, MetricDataQuery};

/// `StateValue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum StateValue {
    #[serde(rename = "OK")]
    Ok,
    #[serde(rename = "ALARM")]
    Alarm,
    #[serde(rename = "INSUFFICIENT_DATA")]
    InsufficientData,
}

impl StateValue {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StateValue::Ok => "OK",
            StateValue::Alarm => "ALARM",
            StateValue::InsufficientData => "INSUFFICIENT_DATA",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<StateValue> {
        match text {
            "OK" => Some(StateValue::Ok),
            "ALARM" => Some(StateValue::Alarm),
            "INSUFFICIENT_DATA" => Some(StateValue::InsufficientData),
            _ => None,
        }
    }
}

/// An alarm's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct AlarmState {
    pub(crate) value: StateValue,
    pub(crate) reason: String,
    pub(crate) reason_data: Option<String>,
    pub(crate) updated_ms: i64,
    pub(crate) transitioned_ms: i64,
}

/// A metric alarm's configuration (`PutMetricAlarm`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct MetricConfig {
    pub(crate) namespace: Option<String>,
    pub(crate) metric_name: Option<String>,
    pub(crate) dimensions: Vec<Dimension>,
    pub(crate) statistic: Option<String>,
    pub(crate) extended_statistic: Option<String>,
    pub(crate) period: Option<i64>,
    pub(crate) unit: Option<String>,
    pub(crate) evaluation_periods: i64,
    pub(crate) datapoints_to_alarm: Option<i64>,
    pub(crate) threshold: Option<f64>,
    pub(crate) comparison_operator: String,
    pub(crate) treat_missing_data: String,
    pub(crate) evaluate_low_sample_count_percentile: Option<String>,
    pub(crate) metrics: Vec<MetricDataQuery>,
    pub(crate) threshold_metric_id: Option<String>,
}

impl MetricConfig {
    /// The period the alarm evaluates: its `Period`, or for metric math the returned query's
    /// (an expression's `Period`, else the longest `MetricStat` period).
    pub(crate) fn evaluation_period(&self) -> i64 {
        if let Some(p) = self.period {
            return p;
        }
        let returned = self.metrics.iter().find(|q| q.return_data != Some(false));
        returned
            .and_then(|q| q.metric_stat.as_ref().map(|m| m.period).or(q.period))
            .or_else(|| self.metrics.iter().filter_map(|q| q.metric_stat.as_ref().map(|m| m.period)).max())
            .unwrap_or(60)
    }

    /// `DatapointsToAlarm`, defaulting to `EvaluationPeriods`.
    pub(crate) fn datapoints_to_alarm(&self) -> i64 {
        self.datapoints_to_alarm.unwrap_or(self.evaluation_periods)
    }
}

/// What kind of alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum AlarmKind {
    Metric(Box<MetricConfig>),
    Composite { rule: String },
}

/// An alarm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Alarm {
    pub(crate) name: String,
    pub(crate) arn: String,
    pub(crate) region: String,
    pub(crate) description: Option<String>,
    pub(crate) actions_enabled: bool,
    pub(crate) ok_actions: Vec<String>,
    pub(crate) alarm_actions: Vec<String>,
    pub(crate) insufficient_data_actions: Vec<String>,
    pub(crate) kind: AlarmKind,
    pub(crate) state: AlarmState,
    pub(crate) configuration_updated_ms: i64,
}

impl Alarm {
    pub(crate) fn type_name(&self) -> &'static str {
        match self.kind {
            AlarmKind::Metric(_) => "MetricAlarm",
            AlarmKind::Composite { .. } => "CompositeAlarm",
        }
    }

    /// The actions of a transition to `state`.
    pub(crate) fn actions_for(&self, state: StateValue) -> &[String] {
        match state {
            StateValue::Ok => &self.ok_actions,
            StateValue::Alarm => &self.alarm_actions,
            StateValue::InsufficientData => &self.insufficient_data_actions,
        }
    }

    /// The `MetricAlarm` shape (`None` for a composite alarm).
    pub(crate) fn metric_shape(&self) -> Option<MetricAlarm> {
        let AlarmKind::Metric(c) = &self.kind else { return None };
        Some(MetricAlarm {
            alarm_name: self.name.clone(),
            alarm_arn: self.arn.clone(),
            alarm_description: self.description.clone(),
            alarm_configuration_updated_timestamp: Timestamp::from_epoch_millis(self.configuration_updated_ms),
            actions_enabled: self.actions_enabled,
            ok_actions: self.ok_actions.clone(),
            alarm_actions: self.alarm_actions.clone(),
            insufficient_data_actions: self.insufficient_data_actions.clone(),
            state_value: self.state.value.as_str().to_owned(),
            state_reason: self.state.reason.clone(),
            state_reason_data: self.state.reason_data.clone(),
            state_updated_timestamp: Timestamp::from_epoch_millis(self.state.updated_ms),
            metric_name: c.metric_name.clone(),
            namespace: c.namespace.clone(),
            statistic: c.statistic.clone(),
            extended_statistic: c.extended_statistic.clone(),
            dimensions: c.dimensions.clone(),
            period: c.period,
            unit: c.unit.clone(),
            evaluation_periods: c.evaluation_periods,
            datapoints_to_alarm: Some(c.datapoints_to_alarm()),
            threshold: c.threshold,
            comparison_operator: c.comparison_operator.clone(),
            treat_missing_data: c.treat_missing_data.clone(),
            evaluate_low_sample_count_percentile: c.evaluate_low_sample_count_percentile.clone(),
            metrics: c.metrics.clone(),
            threshold_metric_id: c.threshold_metric_id.clone(),
            state_transitioned_timestamp: Timestamp::from_epoch_millis(self.state.transitioned_ms),
        })
    }

    /// The `CompositeAlarm` shape (`None` for a metric alarm).
    pub(crate) fn composite_shape(&self) -> Option<CompositeAlarm> {
        let AlarmKind::Composite { rule } = &self.kind else { return None };
        Some(CompositeAlarm {
            actions_enabled: self.actions_enabled,
            alarm_actions: self.alarm_actions.clone(),
            alarm_arn: self.arn.clone(),
            alarm_configuration_updated_timestamp: Timestamp::from_epoch_millis(self.configuration_updated_ms),
            alarm_description: self.description.clone(),
            alarm_name: self.name.clone(),
            alarm_rule: rule.clone(),
            insufficient_data_actions: self.insufficient_data_actions.clone(),
            ok_actions: self.ok_actions.clone(),
            state_reason: self.state.reason.clone(),
            state_reason_data: self.state.reason_data.clone(),
            state_updated_timestamp: Timestamp::from_epoch_millis(self.state.updated_ms),
            state_value: self.state.value.as_str().to_owned(),
            state_transitioned_timestamp: Timestamp::from_epoch_millis(self.state.transitioned_ms),
        })
    }
}
