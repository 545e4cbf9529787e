//! The emulator's dashboard pages (`GET /_emulator/dashboards/...`, answered by the server
//! through [`respond`]): the list of dashboards, and a dashboard drawn as a web page. The page
//! is computed here from the stores (GetMetricData for metric widgets, the Insights engine over
//! the log store for log widgets, the alarms' states, Markdown for text widgets), written as
//! HTML with each widget's data in it, and drawn in the browser by Chart.js, served from the
//! binary. `?format=json` gives the same computed data as JSON.
//!
//! | file | job |
//! |---|---|
//! | `compute.rs` | a saved dashboard → what the page shows (range, widgets) |
//! | `model.rs` | what the page shows: widgets and their content (charts, values, tables, messages) |
//! | `range.rs` | the time range: URL, dashboard, default three hours |
//! | `metric.rs`, `log.rs`, `alarm.rs`, `text.rs` | one widget type's content each |
//! | `html.rs` | the HTML, everything escaped; data as JSON for the charts and as tables |
//! | `assets.rs` | Chart.js, the drawing script and the style sheet, compiled in |

mod alarm;
mod assets;
mod compute;
mod html;
mod log;
mod metric;
mod model;
mod range;
mod text;

use bytes::Bytes;
use serde_json::Value;

use crate::CloudWatchService;

/// The Content-Security-Policy of every page: scripts and styles from the emulator only (inline
/// styles for the grid positions), no requests elsewhere, no inline script.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A response of the pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
}

impl Page {
    fn html(status: u16, html: String) -> Self {
        Self { status, content_type: "text/html; charset=utf-8", body: Bytes::from(html) }
    }
}

/// Answers `GET /_emulator/dashboards{path}?{query}`: `/` the list, `/<name>` a dashboard (with
/// `start`, `end` and `format=json` from the query), `/assets/<file>` the page's files.
pub fn respond(state: &CloudWatchService, path: &str, query: Option<&str>) -> Page {
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        return index(state);
    }
    if let Some(name) = path.strip_prefix("assets/") {
        return match assets::asset(name) {
            Some((content_type, bytes)) => Page { status: 200, content_type, body: Bytes::from_static(bytes) },
            None => Page { status: 404, content_type: "text/plain; charset=utf-8", body: Bytes::from_static(b"no such asset\n") },
        };
    }
    let params = query.and_then(|q| aws_protocol::parse_query(q).ok()).unwrap_or_default();
    let param = |key: &str| params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let name = path.trim_end_matches('/');
    let Some(dashboard) = state.dashboards.get(name) else {
        return Page::html(404, html::not_found_page(name));
    };
    let view = compute::dashboard_view(state, &dashboard, param("start"), param("end"));
    if param("format") == Some("json") {
        let body = serde_json::to_vec_pretty(&view).unwrap_or_default();
        return Page { status: 200, content_type: "application/json", body: Bytes::from(body) };
    }
    Page::html(200, html::dashboard_page(&view))
}

fn index(state: &CloudWatchService) -> Page {
    let rows: Vec<(String, usize, usize, i64)> = state
        .dashboards
        .list()
        .into_iter()
        .map(|d| {
            let widgets = serde_json::from_str::<Value>(&d.body)
                .ok()
                .and_then(|b| b.get("widgets").and_then(Value::as_array).map(Vec::len))
                .unwrap_or(0);
            (d.name, widgets, d.body.len(), d.last_modified_ms)
        })
        .collect();
    Page::html(200, html::index_page(&rows, state.env.now_ms()))
}
