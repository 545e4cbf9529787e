//! GetMetricStatistics: `Statistics` or `ExtendedStatistics` (not both) of one metric per
//! period, periods aligned as CloudWatch rounds the start, at most 1,440 datapoints; without a
//! `Unit`, one datapoint per unit the data was published with.

use std::collections::BTreeMap;

use aws_protocol::Timestamp;
use metric_store::{Statistic, StatsQuery, Unit, retention};
use serde::Deserialize;

use super::convert::{check_dimensions, check_query_period, check_range, key};
use crate::CloudWatchService;
use crate::error::CloudWatchError;
use crate::shapes::{Datapoint, Dimension, GetMetricStatisticsOutput};

/// The most datapoints one call may ask for.
pub(crate) const MAX_DATAPOINTS: i64 = 1440;

/// `GetMetricStatisticsInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetMetricStatisticsInput {
    pub(crate) namespace: String,
    pub(crate) metric_name: String,
    #[serde(default)]
    pub(crate) dimensions: Vec<Dimension>,
    pub(crate) start_time: Timestamp,
    pub(crate) end_time: Timestamp,
    pub(crate) period: i64,
    pub(crate) statistics: Option<Vec<String>>,
    pub(crate) extended_statistics: Option<Vec<String>>,
    pub(crate) unit: Option<String>,
}

pub(crate) fn get_metric_statistics(
    state: &CloudWatchService,
    input: GetMetricStatisticsInput,
) -> Result<GetMetricStatisticsOutput, CloudWatchError> {
    let basic = input.statistics.clone().unwrap_or_default();
    let extended = input.extended_statistics.clone().unwrap_or_default();
    match (basic.is_empty(), extended.is_empty()) {
        (true, true) => {
            return Err(CloudWatchError::MissingParameter(
                "At least one of the parameters Statistics and ExtendedStatistics must be specified.".into(),
            ));
        }
        (false, false) => {
            return Err(CloudWatchError::InvalidParameterCombination(
                "The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.".into(),
            ));
        }
        _ => {}
    }
    let mut stats: Vec<(String, Statistic, bool)> = Vec::new();
    for (i, s) in basic.iter().enumerate() {
        let stat = Statistic::parse(s).map_err(|_| CloudWatchError::invalid_value(&format!("Statistics.member.{}", i + 1), s))?;
        stats.push((s.clone(), stat, false));
    }
    for (i, s) in extended.iter().enumerate() {
        let stat = Statistic::parse(s)
            .ok()
            .filter(|st| !st.is_basic())
            .ok_or_else(|| CloudWatchError::invalid_value(&format!("ExtendedStatistics.member.{}", i + 1), s))?;
        stats.push((s.clone(), stat, true));
    }
    check_dimensions(&input.dimensions, "Dimensions")?;
    check_query_period(input.period, "Period")?;
    let (start, end) = (input.start_time.epoch_millis(), input.end_time.epoch_millis());
    check_range(start, end)?;
    let now = state.env.now_ms();
    let aligned = retention::aligned_start_ms(start, input.period, now);
    let requested = (end - aligned + input.period * 1000 - 1) / (input.period * 1000);
    if requested > MAX_DATAPOINTS {
        return Err(CloudWatchError::InvalidParameterCombination(format!(
            "You have requested up to {} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.",
            thousands(requested)
        )));
    }
    let metric = key(&input.namespace, &input.metric_name, &input.dimensions);
    let unit = input.unit.as_deref().and_then(Unit::parse);
    let need_distribution = !extended.is_empty();
    let q = StatsQuery { key: &metric, start_ms: start, end_ms: end, period_s: input.period, unit, need_distribution };
    let periods = state.metrics.query(&q, now).map_err(|e| CloudWatchError::Internal(e.to_string()))?;
    let mut datapoints = Vec::new();
    for period in periods {
        for (unit, agg) in &period.per_unit {
            let value = |name: &str| stats.iter().find(|(n, _, ext)| !ext && n == name).and_then(|(_, s, _)| s.compute(agg));
            let ext: BTreeMap<String, f64> =
                stats.iter().filter(|s| s.2).filter_map(|(n, s, _)| s.compute(agg).map(|v| (n.clone(), v))).collect();
            datapoints.push(Datapoint {
                timestamp: Timestamp::from_epoch_millis(period.start_ms),
                sample_count: value("SampleCount"),
                average: value("Average"),
                sum: value("Sum"),
                minimum: value("Minimum"),
                maximum: value("Maximum"),
                unit: unit.as_str().to_owned(),
                extended_statistics: (!extended.is_empty()).then_some(ext),
            });
        }
    }
    Ok(GetMetricStatisticsOutput { label: input.metric_name, datapoints })
}

/// `1441` → `1,441`.
fn thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(1441), "1,441");
        assert_eq!(super::thousands(100), "100");
        assert_eq!(super::thousands(1_000_000), "1,000,000");
    }
}
