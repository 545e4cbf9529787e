//! PutMetricData: each `MetricDatum` (a `Value`, `Values` with `Counts`, or `StatisticValues`;
//! a `Unit`; `StorageResolution` 1 or 60; a `Timestamp` no more than two weeks before and two
//! hours after the emulator's clock, default now) is checked with CloudWatch's codes, then the
//! whole request is published to the metric store at once (journaled before the answer).

use aws_protocol::Timestamp;
use metric_store::{Datum, Values};
use serde::Deserialize;

use super::convert::{check_dimensions, key, unit};
use crate::CloudWatchService;
use crate::error::CloudWatchError;
use crate::shapes::Dimension;

/// The most datums in one request.
pub(crate) const MAX_DATUMS: usize = 1000;
/// The most `Values` in one datum.
pub(crate) const MAX_VALUES: usize = 150;
const TWO_WEEKS_MS: i64 = 14 * 86_400_000;
const TWO_HOURS_MS: i64 = 2 * 3_600_000;
/// CloudWatch refuses values whose magnitude is above 2^360 or (other than 0) below 2^-260.
const MAX_MAGNITUDE: f64 = 2.348_542_582_773_833e108;
const MIN_MAGNITUDE: f64 = 5.397_605_346_934_028e-79;

/// `StatisticSet`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct StatisticSet {
    pub(crate) sample_count: f64,
    pub(crate) sum: f64,
    pub(crate) minimum: f64,
    pub(crate) maximum: f64,
}

/// `MetricDatum`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct MetricDatum {
    pub(crate) metric_name: String,
    #[serde(default)]
    pub(crate) dimensions: Vec<Dimension>,
    pub(crate) timestamp: Option<Timestamp>,
    pub(crate) value: Option<f64>,
    pub(crate) statistic_values: Option<StatisticSet>,
    pub(crate) values: Option<Vec<f64>>,
    pub(crate) counts: Option<Vec<f64>>,
    pub(crate) unit: Option<String>,
    pub(crate) storage_resolution: Option<i64>,
}

/// `PutMetricDataInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PutMetricDataInput {
    pub(crate) namespace: String,
    pub(crate) metric_data: Option<Vec<MetricDatum>>,
}

pub(crate) fn put_metric_data(state: &CloudWatchService, input: PutMetricDataInput) -> Result<(), CloudWatchError> {
    let data = input.metric_data.unwrap_or_default();
    if data.is_empty() {
        return Err(CloudWatchError::MissingParameter("The parameter MetricData is required.".into()));
    }
    if data.len() > MAX_DATUMS {
        return Err(CloudWatchError::InvalidParameterValue(format!(
            "The collection MetricData must not have a size greater than {MAX_DATUMS}."
        )));
    }
    if input.namespace.starts_with("AWS/") {
        return Err(CloudWatchError::invalid_value("Namespace", &input.namespace));
    }
    let now = state.env.now_ms();
    let mut datums = Vec::with_capacity(data.len());
    for (i, d) in data.iter().enumerate() {
        datums.push(datum(&input.namespace, d, &format!("MetricData.member.{}", i + 1), now)?);
    }
    state.metrics.put(&datums, now).map_err(|e| CloudWatchError::Internal(e.to_string()))
}

fn check_value(v: f64, parameter: &str) -> Result<f64, CloudWatchError> {
    let magnitude = v.abs();
    if !v.is_finite() || magnitude > MAX_MAGNITUDE || (magnitude != 0.0 && magnitude < MIN_MAGNITUDE) {
        return Err(CloudWatchError::invalid_value(parameter, v));
    }
    Ok(v)
}

fn datum(namespace: &str, d: &MetricDatum, at: &str, now: i64) -> Result<Datum, CloudWatchError> {
    check_dimensions(&d.dimensions, &format!("{at}.Dimensions"))?;
    let given = [d.value.is_some(), d.statistic_values.is_some(), d.values.is_some()];
    if given.iter().filter(|g| **g).count() > 1 {
        let names: Vec<String> = ["Value", "StatisticValues", "Values"]
            .iter()
            .zip(given)
            .filter(|(_, g)| *g)
            .map(|(n, _)| format!("{at}.{n}"))
            .collect();
        return Err(CloudWatchError::InvalidParameterCombination(format!(
            "The parameters {} are mutually exclusive and you have specified more than one.",
            names.join(", ")
        )));
    }
    if d.counts.is_some() && d.values.is_none() {
        return Err(CloudWatchError::InvalidParameterCombination(format!(
            "The parameter {at}.Counts can only be specified with {at}.Values."
        )));
    }
    let values = if let Some(v) = d.value {
        Values::Single(check_value(v, &format!("{at}.Value"))?)
    } else if let Some(set) = &d.statistic_values {
        let p = |n: &str| format!("{at}.StatisticValues.{n}");
        let sample_count = check_value(set.sample_count, &p("SampleCount"))?;
        let (sum, min, max) = (
            check_value(set.sum, &p("Sum"))?,
            check_value(set.minimum, &p("Minimum"))?,
            check_value(set.maximum, &p("Maximum"))?,
        );
        if sample_count <= 0.0 {
            return Err(CloudWatchError::invalid_value(&p("SampleCount"), sample_count));
        }
        if min > max {
            return Err(CloudWatchError::InvalidParameterValue(format!(
                "The parameter {} must be less than or equal to the parameter {}.",
                p("Minimum"),
                p("Maximum")
            )));
        }
        Values::Set { sample_count, sum, min, max }
    } else if let Some(vs) = &d.values {
        if vs.len() > MAX_VALUES {
            return Err(CloudWatchError::InvalidParameterValue(format!(
                "The collection {at}.Values must not have a size greater than {MAX_VALUES}."
            )));
        }
        let counts = match &d.counts {
            Some(c) if c.len() != vs.len() => {
                return Err(CloudWatchError::InvalidParameterValue(format!(
                    "The parameters {at}.Values and {at}.Counts must be of the same size."
                )));
            }
            Some(c) => c.clone(),
            None => vec![1.0; vs.len()],
        };
        let mut pairs = Vec::with_capacity(vs.len());
        for (j, (v, c)) in vs.iter().zip(&counts).enumerate() {
            let v = check_value(*v, &format!("{at}.Values.member.{}", j + 1))?;
            if !(c.is_finite() && *c >= 0.0) {
                return Err(CloudWatchError::invalid_value(&format!("{at}.Counts.member.{}", j + 1), c));
            }
            if *c > 0.0 {
                pairs.push((v, *c));
            }
        }
        if pairs.is_empty() {
            return Err(CloudWatchError::InvalidParameterValue(format!(
                "The parameter {at}.Values must contain at least one value with a count above 0."
            )));
        }
        Values::Counted(pairs)
    } else {
        return Err(CloudWatchError::MissingParameter(format!(
            "One of the parameters {at}.Value, {at}.StatisticValues or {at}.Values must be specified."
        )));
    };
    let high_resolution = match d.storage_resolution {
        None | Some(60) => false,
        Some(1) => true,
        Some(other) => return Err(CloudWatchError::invalid_value(&format!("{at}.StorageResolution"), other)),
    };
    let timestamp_ms = d.timestamp.map_or(now, Timestamp::epoch_millis);
    if timestamp_ms < now - TWO_WEEKS_MS {
        return Err(CloudWatchError::InvalidParameterValue(format!(
            "The parameter {at}.Timestamp must specify a time no more than two weeks in the past."
        )));
    }
    if timestamp_ms > now + TWO_HOURS_MS {
        return Err(CloudWatchError::InvalidParameterValue(format!(
            "The parameter {at}.Timestamp must specify a time no more than two hours in the future."
        )));
    }
    Ok(Datum {
        key: key(namespace, &d.metric_name, &d.dimensions),
        timestamp_ms,
        unit: unit(d.unit.as_deref()),
        high_resolution,
        values,
    })
}
