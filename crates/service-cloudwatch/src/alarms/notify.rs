//! The SNS message CloudWatch publishes for an alarm's state change: the subject
//! `ALARM: "name" in US East (N. Virginia)` and the JSON body with the alarm, the old and new
//! states, the reason, the region's long name and the `Trigger` (metric, statistic, period,
//! threshold...).

use serde_json::{Value, json};

use super::model::{Alarm, AlarmKind, StateValue};
use super::reason::long_date;

/// The region's name as the console and alarm notifications write it.
pub(crate) fn region_name(region: &str) -> String {
    let name = match region {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "eu-west-1" => "EU (Ireland)",
        "eu-west-2" => "EU (London)",
        "eu-west-3" => "EU (Paris)",
        "eu-central-1" => "EU (Frankfurt)",
        "eu-north-1" => "EU (Stockholm)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-northeast-2" => "Asia Pacific (Seoul)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-south-1" => "Asia Pacific (Mumbai)",
        "ca-central-1" => "Canada (Central)",
        "sa-east-1" => "South America (Sao Paulo)",
        other => other,
    };
    name.to_owned()
}

/// The notification's subject.
pub(crate) fn subject(alarm: &Alarm, state: StateValue) -> String {
    let subject = format!("{}: \"{}\" in {}", state.as_str(), alarm.name, region_name(&alarm.region));
    // SNS subjects are at most 100 characters.
    subject.chars().take(100).collect()
}

/// The notification's body (the `Message` of the SNS notification).
pub(crate) fn message(alarm: &Alarm, account_id: &str, old: StateValue, changed_ms: i64) -> String {
    let mut body = json!({
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "AWSAccountId": account_id,
        "AlarmConfigurationUpdatedTimestamp": long_date(alarm.configuration_updated_ms),
        "NewStateValue": alarm.state.value.as_str(),
        "NewStateReason": alarm.state.reason,
        "StateChangeTime": long_date(changed_ms),
        "Region": region_name(&alarm.region),
        "AlarmArn": alarm.arn,
        "OldStateValue": old.as_str(),
        "OKActions": alarm.ok_actions,
        "AlarmActions": alarm.alarm_actions,
        "InsufficientDataActions": alarm.insufficient_data_actions,
    });
    match &alarm.kind {
        AlarmKind::Metric(c) => {
            let (stat_type, stat) = match (&c.statistic, &c.extended_statistic) {
                (Some(s), _) => ("Statistic", Value::String(s.to_ascii_uppercase())),
                (None, Some(e)) => ("ExtendedStatistic", Value::String(e.clone())),
                (None, None) => ("MetricMath", Value::Null),
            };
            let dims: Vec<Value> = c.dimensions.iter().map(|d| json!({"value": d.value, "name": d.name})).collect();
            let mut trigger = json!({
                "MetricName": c.metric_name,
                "Namespace": c.namespace,
                "StatisticType": stat_type,
                "Statistic": stat,
                "Unit": c.unit,
                "Dimensions": dims,
                "Period": c.evaluation_period(),
                "EvaluationPeriods": c.evaluation_periods,
                "DatapointsToAlarm": c.datapoints_to_alarm(),
                "ComparisonOperator": c.comparison_operator,
                "Threshold": c.threshold,
                "TreatMissingData": c.treat_missing_data,
                "EvaluateLowSampleCountPercentile": c.evaluate_low_sample_count_percentile.clone().unwrap_or_default(),
            });
            if !c.metrics.is_empty() {
                trigger["Metrics"] = serde_json::to_value(&c.metrics).unwrap_or(Value::Null);
            }
            body["Trigger"] = trigger;
        }
        AlarmKind::Composite { rule } => {
            body["AlarmRule"] = json!(rule);
        }
    }
    body.to_string()
}
