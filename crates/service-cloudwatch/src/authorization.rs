//! What each CloudWatch and SNS operation is authorized against under `--enforce-iam`:
//! `cloudwatch:{Op}` on the alarms it names (`arn:aws:cloudwatch:{region}:{account}:alarm:{name}`)
//! or `*` (metrics have no resource type; PutMetricData sets `cloudwatch:namespace`), the
//! dashboards it names (`arn:aws:cloudwatch::{account}:dashboard/{name}`, no region);
//! `sns:{Op}` on the topic (`arn:aws:sns:{region}:{account}:{name}`) or `*` for the listings.

use serde_json::Value;
use service_kit::{Authorization, Call, action_prefix};

use crate::input::raw_document;

/// The authorization of one call.
pub(crate) fn authorization(account: &str, call: &Call<'_>) -> Authorization {
    let region = &call.ctx.region;
    let action = format!("{}:{}", action_prefix(call.request.service), call.operation());
    let doc = raw_document(*call);
    let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
    let list = |k: &str| -> Vec<String> {
        doc.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let alarm = |name: &str| format!("arn:aws:cloudwatch:{region}:{account}:alarm:{name}");
    let or_star = |v: Vec<String>| if v.is_empty() { vec!["*".to_owned()] } else { v };
    let resources = match call.operation() {
        "PutMetricAlarm" | "PutCompositeAlarm" | "SetAlarmState" | "DescribeAlarmHistory" => {
            or_star(text("AlarmName").iter().map(|n| alarm(n)).collect())
        }
        "DeleteAlarms" | "EnableAlarmActions" | "DisableAlarmActions" => {
            or_star(list("AlarmNames").iter().map(|n| alarm(n)).collect())
        }
        // Dashboards are global: no region in their ARN.
        "PutDashboard" | "GetDashboard" => {
            or_star(text("DashboardName").iter().map(|n| format!("arn:aws:cloudwatch::{account}:dashboard/{n}")).collect())
        }
        "DeleteDashboards" => {
            or_star(list("DashboardNames").iter().map(|n| format!("arn:aws:cloudwatch::{account}:dashboard/{n}")).collect())
        }
        "CreateTopic" => or_star(text("Name").iter().map(|n| format!("arn:aws:sns:{region}:{account}:{n}")).collect()),
        "DeleteTopic" | "GetTopicAttributes" | "Subscribe" | "Publish" | "ListSubscriptionsByTopic" | "ConfirmSubscription" => {
            or_star(text("TopicArn").into_iter().collect())
        }
        "Unsubscribe" => or_star(
            text("SubscriptionArn").and_then(|s| s.rsplit_once(':').map(|(topic, _)| topic.to_owned())).into_iter().collect(),
        ),
        _ => vec!["*".to_owned()],
    };
    let auth = Authorization::default().and(action, resources);
    match (call.operation(), text("Namespace")) {
        ("PutMetricData", Some(ns)) => auth.key("cloudwatch:namespace", ns),
        _ => auth,
    }
}
