//! PutDashboard (create or replace; the body validated first), GetDashboard, ListDashboards
//! (name prefix, pages of 1,000 in name order), DeleteDashboards. Dashboards are global: one set
//! per account whatever the region, ARN `arn:aws:cloudwatch::<account>:dashboard/<name>`.

use aws_protocol::Timestamp;
use serde::{Deserialize, Serialize};

use super::store::Dashboard;
use super::validate::{ValidationMessage, invalid_body_text, validate_body};
use crate::CloudWatchService;
use crate::error::CloudWatchError;

/// Dashboards per ListDashboards page (AWS: "up to 1000 results on one page").
pub(crate) const PAGE_SIZE: usize = 1000;
/// Dashboards one DeleteDashboards names at most.
pub(crate) const MAX_DELETE: usize = 100;
/// The longest dashboard name.
pub(crate) const MAX_NAME: usize = 255;

/// `PutDashboardInput` (`Tags` are accepted and not kept: no tagging operation is answered).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutDashboardInput {
    pub(crate) dashboard_name: String,
    pub(crate) dashboard_body: String,
}

/// `PutDashboardOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutDashboardOutput {
    pub(crate) dashboard_validation_messages: Vec<ValidationMessage>,
}

/// `GetDashboardInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetDashboardInput {
    pub(crate) dashboard_name: String,
}

/// `GetDashboardOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetDashboardOutput {
    pub(crate) dashboard_arn: String,
    pub(crate) dashboard_body: String,
    pub(crate) dashboard_name: String,
}

/// `ListDashboardsInput`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListDashboardsInput {
    pub(crate) dashboard_name_prefix: Option<String>,
    pub(crate) next_token: Option<String>,
}

/// `DashboardEntry`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DashboardEntry {
    pub(crate) dashboard_name: String,
    pub(crate) dashboard_arn: String,
    pub(crate) last_modified: Timestamp,
    pub(crate) size: i64,
}

/// `ListDashboardsOutput`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListDashboardsOutput {
    pub(crate) dashboard_entries: Vec<DashboardEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
}

/// `DeleteDashboardsInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeleteDashboardsInput {
    pub(crate) dashboard_names: Vec<String>,
}

/// `DeleteDashboardsOutput` (no members).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DeleteDashboardsOutput {}

/// A dashboard name CloudWatch accepts: 1 to 255 of `A-Z a-z 0-9 - _`.
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A dashboard's ARN.
pub(crate) fn dashboard_arn(account_id: &str, name: &str) -> String {
    format!("arn:aws:cloudwatch::{account_id}:dashboard/{name}")
}

pub(crate) fn put_dashboard(state: &CloudWatchService, input: PutDashboardInput) -> Result<PutDashboardOutput, CloudWatchError> {
    if !valid_name(&input.dashboard_name) {
        let message = if input.dashboard_name.len() > MAX_NAME {
            format!("The value for field DashboardName must be at most {MAX_NAME} characters long.")
        } else {
            "The value for field DashboardName contains invalid characters. It can only contain alphanumerics, dash (-) and underscore (_).".to_owned()
        };
        return Err(CloudWatchError::DashboardInvalidInput { message, messages: Vec::new() });
    }
    let messages = validate_body(&input.dashboard_body);
    if !messages.is_empty() {
        return Err(CloudWatchError::DashboardInvalidInput { message: invalid_body_text(&messages), messages });
    }
    let dashboard = Dashboard { name: input.dashboard_name, body: input.dashboard_body, last_modified_ms: state.env.now_ms() };
    state.dashboards.put(dashboard).map_err(|e| CloudWatchError::Internal(e.to_string()))?;
    Ok(PutDashboardOutput { dashboard_validation_messages: Vec::new() })
}

pub(crate) fn get_dashboard(state: &CloudWatchService, input: GetDashboardInput) -> Result<GetDashboardOutput, CloudWatchError> {
    let dashboard = state
        .dashboards
        .get(&input.dashboard_name)
        .ok_or_else(|| CloudWatchError::DashboardNotFound(format!("Dashboard {} does not exist", input.dashboard_name)))?;
    Ok(GetDashboardOutput {
        dashboard_arn: dashboard_arn(&state.env.account_id, &dashboard.name),
        dashboard_body: dashboard.body,
        dashboard_name: dashboard.name,
    })
}

pub(crate) fn list_dashboards(
    state: &CloudWatchService,
    input: ListDashboardsInput,
) -> Result<ListDashboardsOutput, CloudWatchError> {
    let prefix = input.dashboard_name_prefix.unwrap_or_default();
    if prefix.len() > MAX_NAME || !prefix.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return Err(CloudWatchError::InvalidParameterValue(
            "The value for field DashboardNamePrefix contains invalid characters. It can only contain alphanumerics, dot (.), dash (-) and underscore (_).".into(),
        ));
    }
    let after = match input.next_token.as_deref() {
        None => None,
        Some(token) => Some(
            service_kit::opaque::decode(token)
                .and_then(|p| p.strip_prefix("dash:").map(str::to_owned))
                .ok_or_else(|| CloudWatchError::InvalidParameterValue("The specified NextToken is invalid.".into()))?,
        ),
    };
    let matching: Vec<Dashboard> = state
        .dashboards
        .list()
        .into_iter()
        .filter(|d| d.name.starts_with(&prefix) && after.as_ref().is_none_or(|a| d.name.as_str() > a.as_str()))
        .collect();
    let more = matching.len() > PAGE_SIZE;
    let entries: Vec<DashboardEntry> = matching
        .into_iter()
        .take(PAGE_SIZE)
        .map(|d| DashboardEntry {
            dashboard_arn: dashboard_arn(&state.env.account_id, &d.name),
            last_modified: Timestamp::from_epoch_millis(d.last_modified_ms),
            size: d.body.len() as i64,
            dashboard_name: d.name,
        })
        .collect();
    let next_token =
        more.then(|| entries.last().map(|e| service_kit::opaque::encode(&format!("dash:{}", e.dashboard_name)))).flatten();
    Ok(ListDashboardsOutput { dashboard_entries: entries, next_token })
}

pub(crate) fn delete_dashboards(
    state: &CloudWatchService,
    input: DeleteDashboardsInput,
) -> Result<DeleteDashboardsOutput, CloudWatchError> {
    if input.dashboard_names.len() > MAX_DELETE {
        return Err(CloudWatchError::InvalidParameterValue(format!(
            "The collection DashboardNames must not have a size greater than {MAX_DELETE}."
        )));
    }
    let missing = state.dashboards.delete(&input.dashboard_names).map_err(|e| CloudWatchError::Internal(e.to_string()))?;
    if !missing.is_empty() {
        return Err(CloudWatchError::DashboardNotFound(format!("Dashboard(s) [{}] do not exist", missing.join(", "))));
    }
    Ok(DeleteDashboardsOutput {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_cloudwatchs_rules() {
        assert!(valid_name("GenAI-Monitoring"));
        assert!(valid_name("a_b-9"));
        assert!(valid_name(&"x".repeat(255)));
        for bad in ["", "has space", "dot.dot", "slash/", "ünï", "%tmp"] {
            assert!(!valid_name(bad), "{bad}");
        }
        assert!(!valid_name(&"x".repeat(256)));
        assert_eq!(dashboard_arn("123", "d"), "arn:aws:cloudwatch::123:dashboard/d");
    }
}
