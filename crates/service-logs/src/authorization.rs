//! What each CloudWatch Logs operation is authorized against under `--enforce-iam`: `logs:{Op}`
//! on the log group's ARN with the `:*` suffix (`arn:aws:logs:{region}:{account}:log-group:{name}:*`),
//! on the stream's ARN (`…:log-group:{name}:log-stream:{stream}`) for stream operations, on
//! every group StartQuery names, on `…:log-group:*` for DescribeLogGroups; the query operations
//! without a resource type (GetQueryResults, StopQuery, DescribeQueries) on
//! `…:log-group::log-stream:` (the ARN AWS's denials of them name: only `*` covers it), and
//! GetLogRecord and TestMetricFilter on `*`. The groups are read from the request's JSON; a body that does not parse is
//! authorized on `*` (the operation then answers its own error).

use serde_json::Value;
use service_kit::{Authorization, Call};

use crate::names::{log_group_arn, name_from_identifier};

/// The authorization of one call.
pub(crate) fn authorization(region: &str, account: &str, call: &Call<'_>) -> Authorization {
    let op = call.operation();
    let action = format!("logs:{op}");
    let body: Value = call.request.json_input().ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null);
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let group = |name: &str| format!("{}:*", log_group_arn(region, account, name));
    let named_group = text("logGroupName").map(str::to_owned).or_else(|| text("logGroupIdentifier").map(name_from_identifier));
    let resources: Vec<String> = match op {
        "CreateLogStream" | "DeleteLogStream" | "PutLogEvents" | "GetLogEvents" => match (&named_group, text("logStreamName")) {
            (Some(g), Some(s)) => vec![format!("{}:log-stream:{s}", log_group_arn(region, account, g))],
            (Some(g), None) => vec![group(g)],
            _ => vec!["*".to_owned()],
        },
        "DescribeLogGroups" => vec![format!("arn:aws:logs:{region}:{account}:log-group:*")],
        "StartQuery" => {
            let mut groups: Vec<String> = named_group.iter().cloned().collect();
            for key in ["logGroupNames", "logGroupIdentifiers"] {
                if let Some(Value::Array(items)) = body.get(key) {
                    groups.extend(items.iter().filter_map(Value::as_str).map(name_from_identifier));
                }
            }
            if groups.is_empty() { vec!["*".to_owned()] } else { groups.iter().map(|g| group(g)).collect() }
        }
        // No resource type: AWS names the empty group's stream in its denials.
        "GetQueryResults" | "StopQuery" | "DescribeQueries" => {
            vec![format!("arn:aws:logs:{region}:{account}:log-group::log-stream:")]
        }
        "GetLogRecord" | "TestMetricFilter" => vec!["*".to_owned()],
        _ => match &named_group {
            Some(g) => vec![group(g)],
            None => vec!["*".to_owned()],
        },
    };
    Authorization::default().and(action, resources)
}
