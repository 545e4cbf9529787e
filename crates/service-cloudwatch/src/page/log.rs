//! A `log` widget's data: its Insights query (`SOURCE '<group>' | ... | <query>`, the form
//! the console writes) compiled as StartQuery compiles it and run by insights-scan over the shared
//! log store in the page's range. `table` shows the rows; `timeSeries` draws each numeric
//! column over the query's time column (`bin(...)`), one line per value of the other columns;
//! `bar` and `pie` draw the numeric columns per value of the other columns (a pie: the first
//! numeric column).

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use insights_scan::{ScanOutcome, ScanRequest, scan_store, source_log_groups};
use logs_insights::{CheckOptions, QueryResult, Severity, compile};
use serde_json::{Map, Value};

use super::model::{CategorySeries, Chart, ChartData, ChartView, Content, Table, TimeSeries};
use super::range::TimeRange;
use crate::CloudWatchService;

/// Rows a widget's query returns at most (StartQuery's default).
const MAX_ROWS: usize = 10_000;

/// The content of a log widget with properties `props` over `range`.
pub(crate) fn log_content(state: &CloudWatchService, props: &Map<String, Value>, range: &TimeRange) -> Content {
    let view = props.get("view").and_then(Value::as_str).unwrap_or("table");
    let Some(query) = props.get("query").and_then(Value::as_str) else {
        return Content::message("This log widget has no query.");
    };
    let result = match run(state, query, range) {
        Ok(r) => r,
        Err(message) => return Content::message(message),
    };
    let table = table_of(&result);
    let stacked = props.get("stacked").and_then(Value::as_bool).unwrap_or(false);
    match view {
        "table" => Content::Table(table),
        "timeSeries" => match time_chart(&table, stacked) {
            Some(chart) => Content::Chart(Chart { rows: Some(table), ..chart }),
            None => {
                Content::message("A timeSeries view needs a query whose rows have a time column, such as stats ... by bin(1h).")
            }
        },
        "bar" | "pie" => {
            let view = if view == "pie" { ChartView::Pie } else { ChartView::Bar };
            match category_chart(&table, view) {
                Some(chart) => Content::Chart(Chart { rows: Some(table), ..chart }),
                None => Content::message("A bar or pie view needs a stats query with a numeric column."),
            }
        }
        other => Content::message(format!("The emulator's page does not draw the log view \"{other}\".")),
    }
}

/// Runs `query` over its `SOURCE` log groups in `range`, as StartQuery would.
pub(crate) fn run(state: &CloudWatchService, query: &str, range: &TimeRange) -> Result<QueryResult, String> {
    let Some(store) = &state.logs else { return Err("This emulator has no log store for log widgets.".into()) };
    let opts = CheckOptions { schema: None, now_ms: Some(state.env.now_ms()), time_range: Some((range.start_ms, range.end_ms)) };
    let plan = compile(query, &opts).map_err(|diags| {
        let first = diags.iter().find(|d| d.severity == Severity::Error).or(diags.first());
        format!("The query does not compile: {}", first.map_or("unknown error", |d| d.message.as_str()))
    })?;
    let groups = source_log_groups(store, &plan);
    if groups.is_empty() {
        return Err("The query names no log group: a dashboard's query starts with SOURCE '<log group>' |".into());
    }
    if let Some(missing) = groups.iter().find(|g| store.log_group(g).is_none()) {
        return Err(format!("Log group '{missing}' does not exist."));
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(4);
    let req = ScanRequest {
        groups: &groups,
        start_ms: range.start_ms,
        end_ms: range.end_ms,
        account_id: &state.env.account_id,
        threads,
    };
    match scan_store(store, &plan, &req, &AtomicBool::new(false)) {
        Ok(ScanOutcome::Complete(result)) => Ok(result),
        Ok(ScanOutcome::Cancelled) => Err("The query was cancelled.".into()),
        Err(e) => Err(format!("The log store failed: {e}")),
    }
}

/// The rows as text, without `@ptr` (as the console shows them).
fn table_of(result: &QueryResult) -> Table {
    let columns: Vec<String> = result.columns.iter().filter(|c| *c != "@ptr").cloned().collect();
    let rows = result
        .rows
        .iter()
        .take(MAX_ROWS)
        .map(|row| {
            columns.iter().map(|c| row.iter().find(|f| &f.field == c).map_or_else(String::new, |f| f.value.clone())).collect()
        })
        .collect();
    Table { columns, rows }
}

/// The columns whose every present value is a number (at least one present).
fn numeric_columns(table: &Table) -> Vec<usize> {
    (0..table.columns.len())
        .filter(|&c| {
            let present: Vec<&String> = table.rows.iter().map(|r| &r[c]).filter(|v| !v.is_empty()).collect();
            !present.is_empty() && present.iter().all(|v| v.parse::<f64>().is_ok_and(f64::is_finite))
        })
        .collect()
}

/// The first column whose every present value is an instant.
fn time_column(table: &Table, numeric: &[usize]) -> Option<usize> {
    (0..table.columns.len()).filter(|c| !numeric.contains(c)).find(|&c| {
        let present: Vec<&String> = table.rows.iter().map(|r| &r[c]).filter(|v| !v.is_empty()).collect();
        !present.is_empty() && present.iter().all(|v| logs_insights::time::parse_iso8601(v).is_some())
    })
}

/// The label of a row's group: its values of the columns that are neither numbers nor time.
fn group_of(row: &[String], keys: &[usize]) -> String {
    keys.iter().map(|&k| if row[k].is_empty() { "(none)" } else { row[k].as_str() }).collect::<Vec<_>>().join(" / ")
}

fn time_chart(table: &Table, stacked: bool) -> Option<Chart> {
    let empty = Chart { view: ChartView::Line, stacked, data: ChartData::Time { series: Vec::new() }, rows: None };
    if table.rows.is_empty() {
        return Some(empty);
    }
    let numeric = numeric_columns(table);
    let time = time_column(table, &numeric)?;
    if numeric.is_empty() {
        // Rows per period, but no value in any (a field the records lack).
        return Some(empty);
    }
    let keys: Vec<usize> = (0..table.columns.len()).filter(|c| *c != time && !numeric.contains(c)).collect();
    let mut series: BTreeMap<(usize, String), Vec<(i64, f64)>> = BTreeMap::new();
    for row in &table.rows {
        let Some(t) = logs_insights::time::parse_iso8601(&row[time]) else { continue };
        for &c in &numeric {
            if let Ok(v) = row[c].parse::<f64>() {
                series.entry((c, group_of(row, &keys))).or_default().push((t, v));
            }
        }
    }
    let series = series
        .into_iter()
        .map(|((c, group), mut points)| {
            points.sort_by_key(|p| p.0);
            let label = match (keys.is_empty(), numeric.len()) {
                (true, _) => table.columns[c].clone(),
                (false, 1) => group,
                (false, _) => format!("{group} {}", table.columns[c]),
            };
            TimeSeries { label, points }
        })
        .collect();
    Some(Chart { view: ChartView::Line, stacked, data: ChartData::Time { series }, rows: None })
}

fn category_chart(table: &Table, view: ChartView) -> Option<Chart> {
    if table.rows.is_empty() {
        return Some(Chart {
            view,
            stacked: false,
            data: ChartData::Category { categories: Vec::new(), series: Vec::new() },
            rows: None,
        });
    }
    let numeric = numeric_columns(table);
    let first = *numeric.first()?;
    let keys: Vec<usize> = (0..table.columns.len()).filter(|c| !numeric.contains(c)).collect();
    let shown: Vec<usize> = if view == ChartView::Pie { vec![first] } else { numeric };
    let (categories, series) = if keys.is_empty() && table.rows.len() == 1 {
        // `stats sum(a) as x, sum(b) as y`: one bar (slice) per column.
        let row = &table.rows[0];
        let categories = shown.iter().map(|&c| table.columns[c].clone()).collect();
        let values = shown.iter().map(|&c| row[c].parse().ok()).collect();
        (categories, vec![CategorySeries { label: "value".into(), values }])
    } else {
        let categories = table.rows.iter().map(|r| group_of(r, &keys)).collect();
        let series = shown
            .iter()
            .map(|&c| CategorySeries {
                label: table.columns[c].clone(),
                values: table.rows.iter().map(|r| r[c].parse().ok()).collect(),
            })
            .collect();
        (categories, series)
    };
    Some(Chart { view, stacked: false, data: ChartData::Category { categories, series }, rows: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: rows.iter().map(|r| r.iter().map(|v| (*v).to_owned()).collect()).collect(),
        }
    }

    #[test]
    fn a_binned_stats_query_draws_a_line_per_group() {
        let t = table(
            &["bin(1h)", "app", "tokens"],
            &[
                &["2025-12-03 10:00:00.000", "a", "5"],
                &["2025-12-03 09:00:00.000", "a", "3"],
                &["2025-12-03 10:00:00.000", "b", "7"],
            ],
        );
        let chart = time_chart(&t, false).unwrap();
        let ChartData::Time { series } = chart.data else { panic!() };
        assert_eq!(series.len(), 2);
        assert_eq!(
            (series[0].label.as_str(), series[0].points.clone()),
            ("a", vec![(1_764_752_400_000, 3.0), (1_764_756_000_000, 5.0)])
        );
        assert_eq!(series[1].label, "b");
        let two = table(&["bin(1h)", "in", "out"], &[&["2025-12-03 10:00:00.000", "1", "2"]]);
        let ChartData::Time { series } = time_chart(&two, true).unwrap().data else { panic!() };
        assert_eq!(series.iter().map(|s| s.label.as_str()).collect::<Vec<_>>(), vec!["in", "out"]);
        assert!(time_chart(&table(&["app", "n"], &[&["a", "1"]]), false).is_none());
        let ChartData::Time { series } =
            time_chart(&table(&["bin(1h)", "avg"], &[&["2025-12-03 10:00:00.000", ""]]), false).unwrap().data
        else {
            panic!()
        };
        assert!(series.is_empty());
        assert!(time_chart(&table(&["bin(1h)"], &[]), false).is_some());
    }

    #[test]
    fn bars_and_pies_per_group() {
        let t = table(&["requestMetadata.cost_center", "TotalTokens"], &[&["cc-1", "40"], &["", "2"]]);
        let chart = category_chart(&t, ChartView::Bar).unwrap();
        assert_eq!(
            chart.data,
            ChartData::Category {
                categories: vec!["cc-1".into(), "(none)".into()],
                series: vec![CategorySeries { label: "TotalTokens".into(), values: vec![Some(40.0), Some(2.0)] }]
            }
        );
        let one = table(&["totalInput", "totalOutput"], &[&["3", "4"]]);
        let ChartData::Category { categories, .. } = category_chart(&one, ChartView::Pie).unwrap().data else { panic!() };
        assert_eq!(categories, vec!["totalInput".to_owned()]);
        assert!(category_chart(&table(&["app"], &[&["a"]]), ChartView::Bar).is_none());
    }
}
