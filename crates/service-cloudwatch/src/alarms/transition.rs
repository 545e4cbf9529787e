//! An alarm changing state (by evaluation or SetAlarmState): the new state, its `StateUpdate`
//! history item, and, when actions are enabled, the actions of the new state: an SNS topic ARN
//! publishes the alarm notification (an `Action` history item says whether it succeeded); other
//! action types are recorded as not emulated.

use aws_protocol::Timestamp;
use serde_json::json;

use super::model::{AlarmState, StateValue};
use super::notify;
use super::reason::state_history_data;
use super::store::Alarms;
use crate::CloudWatchService;
use crate::shapes::AlarmHistoryItem;

/// Moves alarm `name` to `value` with `reason` at `now_ms`, records it and runs its actions.
/// Returns whether the state changed (a transition to the same state changes nothing).
pub(crate) fn transition(
    service: &CloudWatchService,
    alarms: &mut Alarms,
    name: &str,
    value: StateValue,
    reason: String,
    reason_data: Option<String>,
    now_ms: i64,
) -> bool {
    let Some(alarm) = alarms.alarms.get_mut(name) else { return false };
    let old = alarm.state.clone();
    if old.value == value {
        return false;
    }
    alarm.state = AlarmState { value, reason, reason_data, updated_ms: now_ms, transitioned_ms: now_ms };
    let alarm = alarm.clone();
    alarms.record(AlarmHistoryItem {
        alarm_name: alarm.name.clone(),
        alarm_type: alarm.type_name().to_owned(),
        timestamp: Timestamp::from_epoch_millis(now_ms),
        history_item_type: "StateUpdate".to_owned(),
        history_summary: format!("Alarm updated from {} to {}", old.value.as_str(), value.as_str()),
        history_data: state_history_data(
            (old.value, &old.reason, old.reason_data.as_deref()),
            (value, &alarm.state.reason, alarm.state.reason_data.as_deref()),
        ),
    });
    if !alarm.actions_enabled {
        return true;
    }
    for action in alarm.actions_for(value) {
        let (summary, data) = if action.starts_with("arn:aws:sns:") {
            let message = notify::message(&alarm, &service.env.account_id, old.value, now_ms);
            match service.sns.publish(action, Some(notify::subject(&alarm, value)), &message, now_ms) {
                Ok(_) => (
                    format!("Successfully executed action {action}"),
                    json!({"actionState": "Succeeded", "stateUpdateTimestamp": now_ms, "notificationResource": action, "publishedMessage": message}),
                ),
                Err(err) => (
                    format!("Failed to execute action {action}. Received error: \"{err}\""),
                    json!({"actionState": "Failed", "stateUpdateTimestamp": now_ms, "error": err.to_string()}),
                ),
            }
        } else {
            (
                format!("Failed to execute action {action}. Received error: \"this action type is not emulated\""),
                json!({"actionState": "Failed", "stateUpdateTimestamp": now_ms, "error": "this action type is not emulated"}),
            )
        };
        alarms.record(AlarmHistoryItem {
            alarm_name: alarm.name.clone(),
            alarm_type: alarm.type_name().to_owned(),
            timestamp: Timestamp::from_epoch_millis(now_ms),
            history_item_type: "Action".to_owned(),
            history_summary: summary.chars().take(255).collect(),
            history_data: data.to_string(),
        });
    }
    true
}
