//! A `metric` widget's data: its rows (shorthand expanded) as GetMetricData queries with the
//! widget's `period` and `stat` (a row's own `stat`, `period`, `id`, `label`, `visible` win),
//! evaluated over the page's range by the same code as GetMetricData. `timeSeries` draws lines
//! (`stacked`: areas); `singleValue`, `bar` and `pie` show one number per series: the latest
//! datapoint, or with `setPeriodToTimeRange` the widget's statistic over the whole range.
//! A time series with more than 1,440 points gets a longer period, as the console's automatic
//! period does.

use serde_json::{Map, Value};

use super::model::{CategorySeries, Chart, ChartData, ChartView, Content, LabelledValue, TimeSeries};
use super::range::TimeRange;
use crate::CloudWatchService;
use crate::dashboards::metric_rows::{RowSource, expand_rows};
use crate::math::eval::{Series, Window};
use crate::metrics::convert::MAX_PERIOD_S;
use crate::metrics::get_metric_data::{check_queries, evaluate};
use crate::shapes::{Dimension, Metric, MetricDataQuery, MetricStat};

/// The widget's period when it gives none (the console's default).
const DEFAULT_PERIOD: i64 = 300;
/// The widget's statistic when it gives none.
const DEFAULT_STAT: &str = "Average";
/// The most points a series is drawn with before its period grows.
const MAX_POINTS: i64 = 1440;

/// The content of a metric widget with properties `props` over `range`.
pub(crate) fn metric_content(state: &CloudWatchService, props: &Map<String, Value>, range: &TimeRange) -> Content {
    let view = props.get("view").and_then(Value::as_str).unwrap_or("timeSeries");
    if !matches!(view, "timeSeries" | "singleValue" | "bar" | "pie") {
        return Content::message(format!("The emulator's page does not draw the metric view \"{view}\"."));
    }
    let Some(rows) = props.get("metrics").and_then(Value::as_array) else {
        return Content::message("This widget has no metrics (annotations alone are not drawn).");
    };
    let whole_range = props.get("setPeriodToTimeRange").and_then(Value::as_bool).unwrap_or(false) && view != "timeSeries";
    let range_s = (range.end_ms + 1 - range.start_ms).div_euclid(1000).max(1);
    let mut period = props.get("period").and_then(Value::as_i64).unwrap_or(DEFAULT_PERIOD).max(1);
    if whole_range {
        period = (range_s + 59) / 60 * 60;
    } else if range_s / period > MAX_POINTS {
        period = (range_s / MAX_POINTS + 59) / 60 * 60;
    }
    let period = period.min(MAX_PERIOD_S);
    let stat = props.get("stat").and_then(Value::as_str).unwrap_or(DEFAULT_STAT);
    let queries = match queries(rows, period, stat) {
        Ok(q) => q,
        Err(message) => return Content::message(message),
    };
    if let Err(e) = check_queries(&queries, "metrics") {
        return Content::message(format!("CloudWatch would not draw these metrics: {}", e.to_aws().message));
    }
    let window = Window { start_ms: range.start_ms, end_ms: range.end_ms + 1, now_ms: state.env.now_ms() };
    let results = match evaluate(state, window, &queries, 0) {
        Ok(r) => r,
        Err(e) => return Content::message(format!("CloudWatch would not draw these metrics: {}", e.to_aws().message)),
    };
    let stats: Vec<&str> = results
        .iter()
        .map(|(id, _, _)| {
            queries.iter().find(|q| &q.id == id).and_then(|q| q.metric_stat.as_ref()).map_or(stat, |m| m.stat.as_str())
        })
        .collect();
    match view {
        "timeSeries" => {
            let series =
                results.into_iter().map(|(_, label, s)| TimeSeries { label, points: s.points.into_iter().collect() }).collect();
            let stacked = props.get("stacked").and_then(Value::as_bool).unwrap_or(false);
            Content::Chart(Chart { view: ChartView::Line, stacked, data: ChartData::Time { series }, rows: None })
        }
        "singleValue" => Content::SingleValue {
            values: results
                .into_iter()
                .zip(stats)
                .map(|((_, label, s), stat)| LabelledValue { label, value: one_value(&s, stat, whole_range) })
                .collect(),
        },
        _ => {
            let mut categories = Vec::new();
            let mut values = Vec::new();
            for ((_, label, s), stat) in results.into_iter().zip(stats) {
                values.push(one_value(&s, stat, whole_range));
                categories.push(label);
            }
            let view = if view == "pie" { ChartView::Pie } else { ChartView::Bar };
            let label = props.get("title").and_then(Value::as_str).unwrap_or(stat).to_owned();
            Content::Chart(Chart {
                view,
                stacked: false,
                data: ChartData::Category { categories, series: vec![CategorySeries { label, values }] },
                rows: None,
            })
        }
    }
}

/// One number for a series: the latest point, or over the range the statistic's combination
/// of the points (a range can straddle two aligned periods).
fn one_value(series: &Series, stat: &str, whole_range: bool) -> Option<f64> {
    let values: Vec<f64> = series.points.values().copied().collect();
    if !whole_range {
        return values.last().copied();
    }
    if values.is_empty() {
        return None;
    }
    Some(match stat {
        "Sum" | "SampleCount" => values.iter().sum(),
        "Minimum" => values.iter().copied().fold(f64::INFINITY, f64::min),
        "Maximum" => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        _ => values.iter().sum::<f64>() / values.len() as f64,
    })
}

/// The rows as GetMetricData queries: ids `m1`, `m2`... (`e1`... for expressions) unless a row
/// names its own.
fn queries(rows: &[Value], period: i64, stat: &str) -> Result<Vec<MetricDataQuery>, String> {
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in expand_rows(rows).into_iter().enumerate() {
        let row = row.map_err(|e| format!("Metric row {i}: {}", e.message))?;
        let own_period = row.options.get("period").and_then(Value::as_i64).map(|p| p.clamp(1, MAX_PERIOD_S)).unwrap_or(period);
        let label = row.option_str("label").map(str::to_owned);
        let return_data = row.options.get("visible").and_then(Value::as_bool).filter(|v| !v).map(|_| false);
        let id = row.option_str("id").map(str::to_owned);
        let row_stat = row.option_str("stat").unwrap_or(stat).to_owned();
        let query = match row.source {
            RowSource::Metric { namespace, name, dimensions } => MetricDataQuery {
                id: id.unwrap_or_else(|| format!("m{}", i + 1)),
                metric_stat: Some(MetricStat {
                    metric: Metric {
                        namespace: Some(namespace),
                        metric_name: Some(name),
                        dimensions: dimensions.into_iter().map(|(name, value)| Dimension { name, value }).collect(),
                    },
                    period: own_period,
                    stat: row_stat,
                    unit: None,
                }),
                expression: None,
                label,
                return_data,
                period: None,
                account_id: None,
            },
            RowSource::Expression(expression) => MetricDataQuery {
                id: id.unwrap_or_else(|| format!("e{}", i + 1)),
                metric_stat: None,
                expression: Some(expression),
                label,
                return_data,
                period: Some(own_period),
                account_id: None,
            },
        };
        out.push(query);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const T: i64 = 1_764_759_240_000; // a minute boundary

    pub(crate) fn service() -> CloudWatchService {
        let store = Arc::new(metric_store::MetricStore::in_memory());
        let key =
            metric_store::MetricKey::new("AWS/Bedrock", "InputTokenCount", vec![metric_store::Dimension::new("ModelId", "m")]);
        let datum = |t: i64, v: f64| metric_store::Datum {
            key: key.clone(),
            timestamp_ms: t,
            unit: metric_store::Unit::Count,
            high_resolution: false,
            values: metric_store::Values::Single(v),
        };
        store.put(&[datum(T + 20_000, 10.0), datum(T + 80_000, 5.0), datum(T + 200_000, 7.0)], T + 300_000).unwrap();
        let env = service_kit::Environment { clock: Arc::new(service_kit::ManualClock::new(T + 300_000)), ..Default::default() };
        CloudWatchService::in_memory(env, store)
    }

    fn props(json: serde_json::Value) -> Map<String, Value> {
        json.as_object().unwrap().clone()
    }

    const RANGE: TimeRange = TimeRange { start_ms: T, end_ms: T + 299_999, label: String::new() };

    #[test]
    fn time_series_single_values_and_math() {
        let s = service();
        let line = metric_content(
            &s,
            &props(
                serde_json::json!({"metrics": [["AWS/Bedrock", "InputTokenCount", "ModelId", "m"]], "period": 60, "stat": "Sum"}),
            ),
            &RANGE,
        );
        let Content::Chart(Chart { data: ChartData::Time { series }, .. }) = line else { panic!("{line:?}") };
        assert_eq!(series[0].label, "InputTokenCount");
        assert_eq!(series[0].points.iter().map(|p| p.1).collect::<Vec<_>>(), vec![10.0, 5.0, 7.0]);
        let total = metric_content(
            &s,
            &props(serde_json::json!({"view": "singleValue", "setPeriodToTimeRange": true, "stat": "Sum", "metrics": [
                ["AWS/Bedrock", "InputTokenCount", "ModelId", "m", {"visible": false}],
                [{"expression": "m1 * 2", "label": "doubled"}]]})),
            &RANGE,
        );
        assert_eq!(total, Content::SingleValue { values: vec![LabelledValue { label: "doubled".into(), value: Some(44.0) }] });
        let latest = metric_content(
            &s,
            &props(
                serde_json::json!({"view": "singleValue", "period": 60, "stat": "Sum", "metrics": [["AWS/Bedrock", "InputTokenCount", "ModelId", "m"]]}),
            ),
            &RANGE,
        );
        assert_eq!(
            latest,
            Content::SingleValue { values: vec![LabelledValue { label: "InputTokenCount".into(), value: Some(7.0) }] }
        );
    }

    #[test]
    fn what_cannot_be_drawn_says_so() {
        let s = service();
        for (p, expected) in [
            (serde_json::json!({"view": "gauge", "metrics": []}), "does not draw the metric view \"gauge\""),
            (serde_json::json!({"annotations": {}}), "no metrics"),
            (serde_json::json!({"metrics": [["AWS/Bedrock"]]}), "Metric row 0"),
            (serde_json::json!({"metrics": [["AWS/Bedrock", "X", {"stat": "Bogus"}]]}), "CloudWatch would not draw"),
        ] {
            let Content::Message { text } = metric_content(&s, &props(p), &RANGE) else { panic!() };
            assert!(text.contains(expected), "{text}");
        }
    }
}
