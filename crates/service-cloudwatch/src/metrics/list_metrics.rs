//! ListMetrics: the metrics published to in the last two weeks (or, with `RecentlyActive`
//! `PT3H`, the last three hours), filtered by namespace, name and dimension filters (a filter
//! without a value matches any value of that dimension), sorted, 500 a page.

use serde::Deserialize;

use super::convert::metric_of;
use crate::CloudWatchService;
use crate::error::CloudWatchError;
use crate::shapes::ListMetricsOutput;

/// Metrics per page.
pub(crate) const PAGE: usize = 500;

/// `DimensionFilter`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DimensionFilter {
    pub(crate) name: String,
    pub(crate) value: Option<String>,
}

/// `ListMetricsInput`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListMetricsInput {
    pub(crate) namespace: Option<String>,
    pub(crate) metric_name: Option<String>,
    #[serde(default)]
    pub(crate) dimensions: Vec<DimensionFilter>,
    pub(crate) next_token: Option<String>,
    pub(crate) recently_active: Option<String>,
}

pub(crate) fn list_metrics(state: &CloudWatchService, input: ListMetricsInput) -> Result<ListMetricsOutput, CloudWatchError> {
    let now = state.env.now_ms();
    let since = match input.recently_active.as_deref() {
        Some(_) => now - 3 * 3_600_000,
        None => now - 14 * 86_400_000,
    };
    let offset = match input.next_token.as_deref() {
        None => 0,
        Some(t) => service_kit::opaque::decode(t)
            .and_then(|p| p.strip_prefix("lm:").and_then(|n| n.parse::<usize>().ok()))
            .ok_or_else(|| CloudWatchError::InvalidParameterValue("The specified NextToken is invalid.".into()))?,
    };
    let all = state.metrics.metrics(now).map_err(|e| CloudWatchError::Internal(e.to_string()))?;
    let matching: Vec<_> = all
        .into_iter()
        .filter(|m| m.last_published_ms >= since)
        .filter(|m| input.namespace.as_ref().is_none_or(|n| &m.key.namespace == n))
        .filter(|m| input.metric_name.as_ref().is_none_or(|n| &m.key.name == n))
        .filter(|m| {
            input.dimensions.iter().all(|f| match &f.value {
                Some(v) => m.key.dimension(&f.name) == Some(v.as_str()),
                None => m.key.dimension(&f.name).is_some(),
            })
        })
        .collect();
    let page: Vec<_> = matching.iter().skip(offset).take(PAGE).map(|m| metric_of(&m.key)).collect();
    let next = offset + page.len();
    let next_token = (next < matching.len()).then(|| service_kit::opaque::encode(&format!("lm:{next}")));
    Ok(ListMetricsOutput { metrics: page, next_token })
}
