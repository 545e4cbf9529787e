//! DeleteAlarms (history is kept), SetAlarmState (a transition with the caller's reason; its
//! `StateReasonData` must be JSON), EnableAlarmActions and DisableAlarmActions.

use aws_protocol::Timestamp;
use serde::Deserialize;

use super::model::{AlarmKind, StateValue};
use super::rule::Rule;
use super::transition::transition;
use crate::CloudWatchService;
use crate::error::CloudWatchError;
use crate::shapes::AlarmHistoryItem;

/// `DeleteAlarmsInput`, `EnableAlarmActionsInput`, `DisableAlarmActionsInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AlarmNamesInput {
    pub(crate) alarm_names: Vec<String>,
}

/// `SetAlarmStateInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SetAlarmStateInput {
    pub(crate) alarm_name: String,
    pub(crate) state_value: String,
    pub(crate) state_reason: String,
    pub(crate) state_reason_data: Option<String>,
}

pub(crate) fn delete_alarms(service: &CloudWatchService, input: AlarmNamesInput) -> Result<(), CloudWatchError> {
    let now = service.env.now_ms();
    let mut alarms = service.alarms.lock();
    let missing: Vec<&String> = input.alarm_names.iter().filter(|n| !alarms.alarms.contains_key(*n)).collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        return Err(CloudWatchError::ResourceNotFound(format!("The following alarms were not found: [{}]", names.join(", "))));
    }
    for name in &input.alarm_names {
        let used_by = alarms.alarms.values().find(|a| match &a.kind {
            AlarmKind::Composite { rule } => {
                !input.alarm_names.contains(&a.name)
                    && Rule::parse(rule)
                        .map(|r| r.references().iter().any(|x| x == name || x.ends_with(&format!(":alarm:{name}"))))
                        .unwrap_or(false)
            }
            AlarmKind::Metric(_) => false,
        });
        if let Some(parent) = used_by {
            return Err(CloudWatchError::Validation(format!(
                "The alarm {name} is referenced by the composite alarm {}.",
                parent.name
            )));
        }
    }
    for name in &input.alarm_names {
        if let Some(alarm) = alarms.alarms.remove(name) {
            alarms.evaluated_boundary.remove(name);
            alarms.record(AlarmHistoryItem {
                alarm_name: name.clone(),
                alarm_type: alarm.type_name().to_owned(),
                timestamp: Timestamp::from_epoch_millis(now),
                history_item_type: "ConfigurationUpdate".to_owned(),
                history_summary: format!("Alarm \"{name}\" deleted").chars().take(255).collect(),
                history_data: serde_json::json!({"version": "1.0", "type": "Delete", "deletedAlarm": {"alarmName": name, "alarmArn": alarm.arn}}).to_string(),
            });
        }
    }
    service.alarms.save(&alarms).map_err(|e| CloudWatchError::Internal(e.to_string()))
}

pub(crate) fn set_alarm_state(service: &CloudWatchService, input: SetAlarmStateInput) -> Result<(), CloudWatchError> {
    let value =
        StateValue::parse(&input.state_value).ok_or_else(|| CloudWatchError::invalid_value("StateValue", &input.state_value))?;
    if let Some(data) = &input.state_reason_data
        && serde_json::from_str::<serde_json::Value>(data).is_err()
    {
        return Err(CloudWatchError::InvalidFormat("StateReasonData must be valid JSON.".into()));
    }
    let now = service.env.now_ms();
    let mut alarms = service.alarms.lock();
    if !alarms.alarms.contains_key(&input.alarm_name) {
        return Err(CloudWatchError::ResourceNotFound(format!("Alarm {} does not exist.", input.alarm_name)));
    }
    if transition(service, &mut alarms, &input.alarm_name, value, input.state_reason, input.state_reason_data, now) {
        // The next evaluation looks again (CloudWatch returns the alarm to its actual state).
        alarms.evaluated_boundary.remove(&input.alarm_name);
        service.alarms.save(&alarms).map_err(|e| CloudWatchError::Internal(e.to_string()))?;
    }
    Ok(())
}

pub(crate) fn set_actions_enabled(
    service: &CloudWatchService,
    input: AlarmNamesInput,
    enabled: bool,
) -> Result<(), CloudWatchError> {
    let mut alarms = service.alarms.lock();
    let mut changed = false;
    for name in &input.alarm_names {
        if let Some(a) = alarms.alarms.get_mut(name) {
            changed |= a.actions_enabled != enabled;
            a.actions_enabled = enabled;
        }
    }
    if changed {
        service.alarms.save(&alarms).map_err(|e| CloudWatchError::Internal(e.to_string()))?;
    }
    Ok(())
}
