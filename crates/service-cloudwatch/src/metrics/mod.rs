//! The metrics operations: PutMetricData, GetMetricStatistics, GetMetricData, ListMetrics, and
//! the conversions between their shapes and the metric store.

pub(crate) mod convert;
pub(crate) mod get_metric_data;
pub(crate) mod get_metric_statistics;
pub(crate) mod list_metrics;
pub(crate) mod put_metric_data;
