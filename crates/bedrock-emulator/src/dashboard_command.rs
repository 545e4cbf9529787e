//! `bedrock-emulator dashboard init`: writes the starter dashboards into a running emulator
//! through PutDashboard (awsJson, as boto3 would send it), so a new user sees a populated page
//! in one command:
//!
//! - `GenAI-Monitoring`, the workshop lab's dashboard (seed 004): invocations, token usage and
//!   latency per hour as Logs Insights widgets. The lab's token and latency queries name fields
//!   Bedrock's records do not have (`inputTokenCount`, `@duration`); the widgets use the
//!   corrected queries of `fixtures/queries/seed/lab_*.fixed.insights`, the latency read from
//!   a Converse record's `metrics.latencyMs` in either layout of `outputBodyJson` (nested in
//!   `output` since December 2025, flat before).
//! - `Bedrock-Token-Usage`, the seed README's five recommended widgets (seed 000): total tokens
//!   (a number), tokens by application (a pie, the README's own widget query), tokens over time
//!   (stacked areas), tokens by cost centre (bars) and the recent invocations (a table).
//!
//! Log widgets read `--log-group` (the emulator's Bedrock log group by default; the lab
//! configures `/aws/bedrock/model-invocations`); metric widgets read AWS/Bedrock.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

use aws_protocol::ServiceId;
use aws_protocol::client::{RemoteError, json_request, json_response};

/// The lab's dashboard.
pub const LAB_DASHBOARD: &str = "GenAI-Monitoring";
/// The seed README's recommended widgets.
pub const USAGE_DASHBOARD: &str = "Bedrock-Token-Usage";

/// Why `dashboard init` failed.
#[derive(Debug, thiserror::Error)]
pub enum DashboardCommandError {
    #[error("cannot reach the emulator at {endpoint} ({reason}); is `bedrock-emulator serve` running there?")]
    Unreachable { endpoint: String, reason: String },
    #[error("PutDashboard {name} was refused: {error}")]
    Refused { name: String, error: RemoteError },
    #[error("cannot build the request: {0}")]
    Request(#[from] aws_protocol::client::RequestError),
}

/// The starter dashboards: (name, body).
pub fn starter_dashboards(log_group: &str) -> Vec<(&'static str, String)> {
    vec![(LAB_DASHBOARD, lab_dashboard(log_group).to_string()), (USAGE_DASHBOARD, usage_dashboard(log_group).to_string())]
}

/// A log widget reading `log_group`.
fn log_widget(log_group: &str, title: &str, query: &str, view: &str, place: [u32; 4]) -> Value {
    let [x, y, width, height] = place;
    let source = log_group.replace('\'', "\\'");
    json!({
        "type": "log", "x": x, "y": y, "width": width, "height": height,
        "properties": {"title": title, "region": "us-east-1", "view": view, "query": format!("SOURCE '{source}' | {query}")}
    })
}

/// The sum over AWS/Bedrock's models of one token metric, every five minutes.
fn token_sum(metric: &str) -> String {
    format!("SUM(SEARCH('{{AWS/Bedrock,ModelId}} MetricName=\"{metric}\"', 'Sum', 300))")
}

fn lab_dashboard(log_group: &str) -> Value {
    json!({
        "start": "-PT12H",
        "widgets": [
            log_widget(log_group, "Invocation Count", "fields @timestamp\n| stats count() as invocations by bin(1h)", "timeSeries", [0, 0, 8, 6]),
            log_widget(
                log_group,
                "Token Usage",
                "fields @timestamp, input.inputTokenCount, output.outputTokenCount\n| stats sum(input.inputTokenCount) as totalInput, sum(output.outputTokenCount) as totalOutput by bin(1h)",
                "timeSeries",
                [8, 0, 8, 6],
            ),
            log_widget(
                log_group,
                "Latency",
                "fields @timestamp, coalesce(output.outputBodyJson.output.metrics.latencyMs, output.outputBodyJson.metrics.latencyMs) as latencyMs\n| stats avg(latencyMs) as avgLatency, max(latencyMs) as maxLatency by bin(1h)",
                "timeSeries",
                [16, 0, 8, 6],
            ),
        ]
    })
}

fn usage_dashboard(log_group: &str) -> Value {
    json!({
        "widgets": [
            {
                "type": "metric", "x": 0, "y": 0, "width": 6, "height": 6,
                "properties": {
                    "title": "Total Tokens", "region": "us-east-1", "view": "singleValue", "stat": "Sum", "period": 300,
                    "setPeriodToTimeRange": true,
                    "metrics": [[{"expression": format!("{} + {}", token_sum("InputTokenCount"), token_sum("OutputTokenCount")), "label": "Total tokens", "id": "e1"}]]
                }
            },
            log_widget(
                log_group,
                "Token Usage by Application",
                "fields @timestamp, requestMetadata.application_name, input.inputTokenCount + output.outputTokenCount as Tokens | stats sum(Tokens) by requestMetadata.application_name",
                "pie",
                [6, 0, 8, 6],
            ),
            {
                "type": "metric", "x": 14, "y": 0, "width": 10, "height": 6,
                "properties": {
                    "title": "Tokens over Time", "region": "us-east-1", "view": "timeSeries", "stacked": true, "stat": "Sum", "period": 300,
                    "metrics": [
                        [{"expression": token_sum("InputTokenCount"), "label": "Input tokens", "id": "e1"}],
                        [{"expression": token_sum("OutputTokenCount"), "label": "Output tokens", "id": "e2"}]
                    ]
                }
            },
            log_widget(
                log_group,
                "Tokens by Cost Center",
                "fields requestMetadata.cost_center as CostCenter, input.inputTokenCount + output.outputTokenCount as Tokens\n| stats sum(Tokens) as TotalTokens by CostCenter\n| sort TotalTokens desc",
                "bar",
                [0, 6, 10, 7],
            ),
            log_widget(
                log_group,
                "Recent Invocations",
                "fields @timestamp, requestMetadata.application_name as Application, requestMetadata.user_id as User, modelId, input.inputTokenCount as InputTokens, output.outputTokenCount as OutputTokens\n| sort @timestamp desc\n| limit 20",
                "table",
                [10, 6, 14, 7],
            ),
        ]
    })
}

/// Puts the starter dashboards into the emulator at `endpoint`; returns their names.
pub async fn init(endpoint: &str, log_group: &str) -> Result<Vec<String>, DashboardCommandError> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut names = Vec::new();
    for (name, body) in starter_dashboards(log_group) {
        let input = json!({"DashboardName": name, "DashboardBody": body});
        let request = json_request(endpoint, ServiceId::CloudWatch, "PutDashboard", &input)?.map(Full::new);
        let unreachable = |reason: String| DashboardCommandError::Unreachable { endpoint: endpoint.to_owned(), reason };
        let response = client.request(request).await.map_err(|e| unreachable(e.to_string()))?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(|e| unreachable(e.to_string()))?.to_bytes();
        json_response(parts.status.as_u16(), &parts.headers, &body)
            .map_err(|error| DashboardCommandError::Refused { name: name.to_owned(), error })?;
        names.push(name.to_owned());
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_dashboards_read_the_log_group_given() {
        let dashboards = starter_dashboards("/aws/bedrock/model-invocations");
        assert_eq!(dashboards.iter().map(|d| d.0).collect::<Vec<_>>(), vec![LAB_DASHBOARD, USAGE_DASHBOARD]);
        let lab: Value = serde_json::from_str(&dashboards[0].1).unwrap();
        assert_eq!(lab["widgets"].as_array().unwrap().len(), 3);
        assert!(
            lab["widgets"][0]["properties"]["query"]
                .as_str()
                .unwrap()
                .starts_with("SOURCE '/aws/bedrock/model-invocations' | fields @timestamp")
        );
        let usage: Value = serde_json::from_str(&dashboards[1].1).unwrap();
        let kinds: Vec<&str> =
            usage["widgets"].as_array().unwrap().iter().map(|w| w["properties"]["view"].as_str().unwrap()).collect();
        assert_eq!(kinds, vec!["singleValue", "pie", "timeSeries", "bar", "table"]);
    }
}
