//! A saved dashboard → what the page shows: the time range, then each widget's title, place and
//! content from its type (`metric`, `log`, `alarm`, `text`; any other type, or a widget whose
//! properties are missing, is a box saying it cannot be drawn).

use serde_json::{Map, Value};

use super::alarm::alarm_content;
use super::log::log_content;
use super::metric::metric_content;
use super::model::{Content, DashboardView, WidgetView};
use super::range::{TimeRange, resolve};
use super::text::markdown_html;
use crate::CloudWatchService;
use crate::dashboards::store::Dashboard;

/// A widget's width and height when it gives none (CloudWatch's default).
const DEFAULT_SIZE: u32 = 6;

/// The view of `dashboard` for a URL's `start`/`end`.
pub(crate) fn dashboard_view(
    state: &CloudWatchService,
    dashboard: &Dashboard,
    url_start: Option<&str>,
    url_end: Option<&str>,
) -> DashboardView {
    let body: Value = serde_json::from_str(&dashboard.body).unwrap_or(Value::Null);
    let text = |key: &str| body.get(key).and_then(Value::as_str);
    let now_ms = state.env.now_ms();
    let (range, range_error) = resolve(url_start, url_end, text("start"), text("end"), now_ms);
    let widgets = body
        .get("widgets")
        .and_then(Value::as_array)
        .map(|ws| ws.iter().map(|w| widget_view(state, w, &range)).collect())
        .unwrap_or_default();
    DashboardView {
        name: dashboard.name.clone(),
        start_ms: range.start_ms,
        end_ms: range.end_ms,
        range: range.label.clone(),
        now_ms,
        range_error,
        widgets,
    }
}

fn widget_view(state: &CloudWatchService, widget: &Value, range: &TimeRange) -> WidgetView {
    let empty = Map::new();
    let kind = widget.get("type").and_then(Value::as_str).unwrap_or("unknown").to_owned();
    let props = widget.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let size = |key: &str, max: u32| {
        widget.get(key).and_then(Value::as_u64).map_or(DEFAULT_SIZE, |v| u32::try_from(v).unwrap_or(max).clamp(1, max))
    };
    let place = |key: &str| widget.get(key).and_then(Value::as_u64).and_then(|v| u32::try_from(v).ok());
    let content = match kind.as_str() {
        "metric" => metric_content(state, props, range),
        "log" => log_content(state, props, range),
        "alarm" => alarm_content(state, props),
        "text" => match props.get("markdown").and_then(Value::as_str) {
            Some(md) => Content::Markdown { html: markdown_html(md) },
            None => Content::message("This text widget has no markdown."),
        },
        other => Content::message(format!("The emulator's page does not draw \"{other}\" widgets.")),
    };
    WidgetView {
        title: props.get("title").and_then(Value::as_str).map_or_else(|| default_title(&kind), str::to_owned),
        kind,
        x: place("x").map(|x| x.min(23)),
        y: place("y"),
        width: size("width", 24),
        height: size("height", 1000),
        content,
    }
}

/// The title of a widget that gives none.
fn default_title(kind: &str) -> String {
    match kind {
        "metric" => "Metrics",
        "log" => "Logs",
        "alarm" => "Alarms",
        "text" => "",
        _ => "Widget",
    }
    .to_owned()
}
