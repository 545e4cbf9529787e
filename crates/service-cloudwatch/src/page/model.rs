//! What the page shows, computed by the emulator before any script runs: each widget's title,
//! place on the 24-column grid, and content (a chart with its data, a single value, a table, the
//! alarms' states, Markdown as HTML, or the message saying why it cannot be drawn). Serialized
//! as JSON for the page's charts and for `?format=json`.

use serde::Serialize;

/// A dashboard as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DashboardView {
    pub(crate) name: String,
    /// The time range, epoch ms, both ends included.
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    /// The range as chosen (`-PT3H`, or the instants).
    pub(crate) range: String,
    /// The emulator's clock when the page was computed.
    pub(crate) now_ms: i64,
    /// A time range in the URL that could not be read (the dashboard's own was used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) range_error: Option<String>,
    pub(crate) widgets: Vec<WidgetView>,
}

/// One widget.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WidgetView {
    /// `metric`, `log`, `alarm`, `text`, ...
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) title: String,
    pub(crate) x: Option<u32>,
    pub(crate) y: Option<u32>,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) content: Content,
}

/// What a widget holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub(crate) enum Content {
    /// A chart (drawn by the script) and the data behind it (a table in the page).
    Chart(Chart),
    /// Numbers with their labels (a metric widget's `singleValue` view).
    SingleValue { values: Vec<LabelledValue> },
    /// Rows of text (a log widget's `table` view).
    Table(Table),
    /// The alarms of an alarm widget.
    Alarms { alarms: Vec<AlarmView> },
    /// A text widget's Markdown, as sanitized HTML.
    Markdown { html: String },
    /// Why the widget cannot be drawn (shown in its box).
    Message { text: String },
}

impl Content {
    pub(crate) fn message(text: impl Into<String>) -> Content {
        Content::Message { text: text.into() }
    }
}

/// A chart: lines or stacked areas over time, or bars or a pie over categories.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Chart {
    pub(crate) view: ChartView,
    pub(crate) stacked: bool,
    pub(crate) data: ChartData,
    /// The query's rows the chart was drawn from (log widgets), shown as its data table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) rows: Option<Table>,
}

/// How a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum ChartView {
    Line,
    Bar,
    Pie,
}

/// A chart's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "axis", rename_all = "camelCase")]
pub(crate) enum ChartData {
    /// Series of (epoch ms, value) points.
    Time { series: Vec<TimeSeries> },
    /// One value per category per series.
    Category { categories: Vec<String>, series: Vec<CategorySeries> },
}

/// A series over time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct TimeSeries {
    pub(crate) label: String,
    pub(crate) points: Vec<(i64, f64)>,
}

/// A series over categories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct CategorySeries {
    pub(crate) label: String,
    pub(crate) values: Vec<Option<f64>>,
}

/// A number and what it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct LabelledValue {
    pub(crate) label: String,
    /// None: no data in the range.
    pub(crate) value: Option<f64>,
}

/// Rows of text under column names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Table {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}

/// An alarm of an alarm widget.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AlarmView {
    /// The name (the ARN's last part when the alarm does not exist).
    pub(crate) name: String,
    pub(crate) arn: String,
    /// `OK`, `ALARM`, `INSUFFICIENT_DATA`; none when no such alarm exists.
    pub(crate) state: Option<String>,
    pub(crate) reason: String,
    pub(crate) updated_ms: Option<i64>,
}

/// A number as the page prints it: whole numbers without a fraction, others to at most three
/// decimals (trailing zeros dropped).
pub(crate) fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let text = format!("{v:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_plainly() {
        assert_eq!(format_number(1234.0), "1234");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1.0 / 3.0), "0.333");
        assert_eq!(format_number(-0.1), "-0.1");
    }
}
