//! Between the wire shapes and the metric store: metric keys from `Metric`/`Dimension`s, units,
//! and the rules on periods and time ranges every metrics operation shares.

use metric_store::{Dimension as StoreDimension, MetricKey, Unit};

use crate::error::CloudWatchError;
use crate::shapes::{Dimension, Metric};

/// The store's key of a `Metric` (`None` without a namespace or a name).
pub(crate) fn metric_key(metric: &Metric) -> Option<MetricKey> {
    Some(key(metric.namespace.as_deref()?, metric.metric_name.as_deref()?, &metric.dimensions))
}

/// The store's key of namespace, name, dimensions.
pub(crate) fn key(namespace: &str, name: &str, dimensions: &[Dimension]) -> MetricKey {
    MetricKey::new(namespace, name, dimensions.iter().map(|d| StoreDimension::new(&d.name, &d.value)).collect())
}

/// A `Metric` for a store key.
pub(crate) fn metric_of(key: &MetricKey) -> Metric {
    Metric { namespace: Some(key.namespace.clone()), metric_name: Some(key.name.clone()), dimensions: dimensions_of(key) }
}

/// The `Dimension`s of a store key.
pub(crate) fn dimensions_of(key: &MetricKey) -> Vec<Dimension> {
    key.dimensions().iter().map(|d| Dimension { name: d.name.clone(), value: d.value.clone() }).collect()
}

/// A unit the model already checked (unknown text counts as `None`).
pub(crate) fn unit(text: Option<&str>) -> Unit {
    text.and_then(Unit::parse).unwrap_or(Unit::None)
}

/// Two dimensions with one name are refused.
pub(crate) fn check_dimensions(dimensions: &[Dimension], parameter: &str) -> Result<(), CloudWatchError> {
    let mut names: Vec<&str> = dimensions.iter().map(|d| d.name.as_str()).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return Err(CloudWatchError::InvalidParameterValue(format!(
            "The collection {parameter} must not contain duplicate dimension names."
        )));
    }
    Ok(())
}

/// The longest query period accepted: 455 days, the longest retention (keeps period arithmetic
/// in range).
pub(crate) const MAX_PERIOD_S: i64 = 455 * 86_400;

/// A query period: 1, 5, 10, 20, 30 or a multiple of 60 seconds (at most [`MAX_PERIOD_S`]).
pub(crate) fn check_query_period(period: i64, parameter: &str) -> Result<(), CloudWatchError> {
    if matches!(period, 1 | 5 | 10 | 20 | 30) || (period > 0 && period <= MAX_PERIOD_S && period % 60 == 0) {
        Ok(())
    } else {
        Err(CloudWatchError::InvalidParameterValue(format!(
            "The parameter {parameter} must be 1, 5, 10, 20, 30 or a multiple of 60."
        )))
    }
}

/// `StartTime` before `EndTime`.
pub(crate) fn check_range(start_ms: i64, end_ms: i64) -> Result<(), CloudWatchError> {
    if start_ms >= end_ms {
        return Err(CloudWatchError::InvalidParameterValue(
            "The parameter StartTime must be less than the parameter EndTime.".into(),
        ));
    }
    Ok(())
}
