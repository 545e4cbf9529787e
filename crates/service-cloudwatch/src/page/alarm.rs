//! An `alarm` widget's data: each alarm its `alarms` property names (by ARN; the name after
//! `:alarm:` when the ARN is of another region or account) with its state, reason and the time
//! of its last update; an alarm that does not exist is listed as such.

use serde_json::{Map, Value};

use super::model::{AlarmView, Content};
use crate::CloudWatchService;

/// The content of an alarm widget with properties `props`.
pub(crate) fn alarm_content(state: &CloudWatchService, props: &Map<String, Value>) -> Content {
    let Some(arns) = props.get("alarms").and_then(Value::as_array) else {
        return Content::message("This alarm widget names no alarms.");
    };
    let alarms = state.alarms.lock();
    let views = arns
        .iter()
        .filter_map(Value::as_str)
        .map(|arn| {
            let name = arn.rsplit_once(":alarm:").map_or(arn, |(_, n)| n);
            let found = alarms.alarms.values().find(|a| a.arn == arn).or_else(|| alarms.alarms.get(name));
            match found {
                Some(a) => AlarmView {
                    name: a.name.clone(),
                    arn: a.arn.clone(),
                    state: Some(a.state.value.as_str().to_owned()),
                    reason: a.state.reason.clone(),
                    updated_ms: Some(a.state.updated_ms),
                },
                None => AlarmView {
                    name: name.to_owned(),
                    arn: arn.to_owned(),
                    state: None,
                    reason: "No such alarm.".to_owned(),
                    updated_ms: None,
                },
            }
        })
        .collect();
    Content::Alarms { alarms: views }
}
