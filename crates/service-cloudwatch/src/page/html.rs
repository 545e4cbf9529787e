//! The page's HTML, written on the server: every title, label and value escaped, each chart's
//! data as JSON in a `<script type="application/json">` block with `<`, `>` and `&` escaped (so
//! no value can close it), and the same data as a table in the page, so the numbers are in the
//! DOM before any script runs. Scripts and styles are the emulator's own files
//! (`/_emulator/dashboards/assets/`); the page loads nothing else.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::model::{AlarmView, Chart, ChartData, Content, DashboardView, LabelledValue, Table, WidgetView, format_number};
use super::range::{PRESETS, iso};

/// Where the page's assets are served.
pub(crate) const ASSETS: &str = "/_emulator/dashboards/assets";

/// `text` escaped for HTML text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON safe inside a `<script>` element.
pub(crate) fn script_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The document around `body`.
fn document(title: &str, body: &str, scripts: bool) -> String {
    let scripts = if scripts {
        format!("<script src=\"{ASSETS}/chart.umd.min.js\"></script>\n<script src=\"{ASSETS}/dashboard.js\"></script>\n")
    } else {
        String::new()
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"{ASSETS}/dashboard.css\">\n</head>\n<body>\n{body}{scripts}</body>\n</html>\n",
        escape(title)
    )
}

/// The list of dashboards: (name, widgets, size in bytes, last modified ms).
pub(crate) fn index_page(dashboards: &[(String, usize, usize, i64)], now_ms: i64) -> String {
    let mut body = String::from("<header class=\"top\"><h1>CloudWatch dashboards</h1>");
    let _ =
        write!(body, "<p class=\"asof\">bedrock-emulator · emulator clock {}</p></header>\n<main class=\"index\">", iso(now_ms));
    if dashboards.is_empty() {
        body.push_str(
            "<p class=\"empty\">No dashboards yet. Create one with <code>aws cloudwatch put-dashboard</code>, or run <code>bedrock-emulator dashboard init</code> for the lab's <code>GenAI-Monitoring</code> and the seed's token-usage dashboard.</p>",
        );
    } else {
        body.push_str("<table class=\"rows\"><thead><tr><th>Name</th><th>Widgets</th><th>Size</th><th>Last modified</th></tr></thead><tbody>");
        for (name, widgets, size, modified) in dashboards {
            let name = escape(name);
            let _ = write!(
                body,
                "<tr><td><a href=\"/_emulator/dashboards/{name}\">{name}</a></td><td>{widgets}</td><td>{size} bytes</td><td>{}</td></tr>",
                iso(*modified)
            );
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("</main>\n");
    document("CloudWatch dashboards · bedrock-emulator", &body, false)
}

/// A page saying `name` does not exist.
pub(crate) fn not_found_page(name: &str) -> String {
    let body = format!(
        "<header class=\"top\"><a class=\"home\" href=\"/_emulator/dashboards/\">Dashboards</a></header>\n<main class=\"index\"><p class=\"empty\">Dashboard {} does not exist.</p></main>\n",
        escape(name)
    );
    document("Dashboard not found · bedrock-emulator", &body, false)
}

/// A dashboard's page.
pub(crate) fn dashboard_page(view: &DashboardView) -> String {
    let name = escape(&view.name);
    let mut body = String::new();
    let _ = write!(
        body,
        "<header class=\"top\"><a class=\"home\" href=\"/_emulator/dashboards/\">Dashboards</a><span class=\"sep\">/</span><h1>{name}</h1>"
    );
    body.push_str("<nav class=\"presets\">");
    for (value, label) in PRESETS {
        let active = if view.range == *value { " class=\"active\"" } else { "" };
        let _ = write!(body, "<a{active} href=\"?start={value}\">{label}</a>");
    }
    body.push_str("</nav>");
    let (start, end) = (iso(view.start_ms), iso(view.end_ms));
    let _ = write!(
        body,
        "<form class=\"range\" method=\"get\"><input name=\"start\" value=\"{start}\" aria-label=\"start\"><span>to</span><input name=\"end\" value=\"{end}\" aria-label=\"end\"><button type=\"submit\">Apply</button></form>"
    );
    let relative = if view.range.starts_with('-') { format!("{} · ", escape(&view.range)) } else { String::new() };
    let _ = write!(
        body,
        "<p class=\"asof\">{relative}{start} to {end} · emulator clock {} · <a href=\"?format=json&amp;start={}&amp;end={}\">JSON</a></p>",
        iso(view.now_ms),
        escape(&start),
        escape(&end)
    );
    if let Some(err) = &view.range_error {
        let _ = write!(body, "<p class=\"range-error\">The time range in the URL was not used: {}</p>", escape(err));
    }
    body.push_str("</header>\n<main class=\"grid\">\n");
    for (i, widget) in view.widgets.iter().enumerate() {
        widget_html(&mut body, i, widget, view);
    }
    body.push_str("</main>\n");
    document(&format!("{} · CloudWatch dashboard · bedrock-emulator", view.name), &body, true)
}

fn widget_html(out: &mut String, i: usize, w: &WidgetView, view: &DashboardView) {
    let column = match w.x {
        Some(x) => format!("{} / span {}", x + 1, w.width.min(24 - x)),
        None => format!("span {}", w.width),
    };
    let row = match w.y {
        Some(y) => format!("{} / span {}", y + 1, w.height),
        None => format!("span {}", w.height),
    };
    let kind = escape(&w.kind);
    let _ = write!(
        out,
        "<section class=\"widget widget-{kind}\" id=\"w{i}\" data-type=\"{kind}\" style=\"grid-column: {column}; grid-row: {row}\">\n<h2>{}</h2>\n",
        escape(&w.title)
    );
    match &w.content {
        Content::Chart(chart) => chart_html(out, i, w, chart, view),
        Content::SingleValue { values } => single_html(out, values),
        Content::Table(table) => {
            out.push_str("<div class=\"table-wrap\">");
            table_html(out, table);
            out.push_str("</div>");
        }
        Content::Alarms { alarms } => alarms_html(out, alarms),
        Content::Markdown { html } => {
            let _ = write!(out, "<div class=\"markdown\">{html}</div>");
        }
        Content::Message { text } => {
            let _ = write!(out, "<p class=\"cannot-draw\">{}</p>", escape(text));
        }
    }
    out.push_str("\n</section>\n");
}

fn chart_html(out: &mut String, i: usize, w: &WidgetView, chart: &Chart, view: &DashboardView) {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Spec<'a> {
        chart: &'a Chart,
        start_ms: i64,
        end_ms: i64,
    }
    let spec = Spec { chart, start_ms: view.start_ms, end_ms: view.end_ms };
    let _ = write!(
        out,
        "<div class=\"chart\"><canvas id=\"c{i}\" role=\"img\" aria-label=\"{}\"></canvas></div>\n<script type=\"application/json\" class=\"chart-data\" data-canvas=\"c{i}\">{}</script>\n",
        escape(&w.title),
        script_json(&spec)
    );
    // A log widget's data is its query's rows, as the query gave them.
    let table = chart.rows.clone().unwrap_or_else(|| chart_table(&chart.data));
    if table.rows.is_empty() {
        out.push_str("<p class=\"no-data\">No data in this time range.</p>");
    }
    out.push_str("<details class=\"data\"><summary>Data</summary>");
    table_html(out, &table);
    out.push_str("</details>");
}

/// A chart's data as a table: a row per instant (time) or per category, a column per series.
fn chart_table(data: &ChartData) -> Table {
    match data {
        ChartData::Time { series } => {
            let mut rows: BTreeMap<i64, Vec<String>> = BTreeMap::new();
            for (c, s) in series.iter().enumerate() {
                for (t, v) in &s.points {
                    rows.entry(*t).or_insert_with(|| vec![String::new(); series.len()])[c] = format_number(*v);
                }
            }
            let columns = std::iter::once("Time".to_owned()).chain(series.iter().map(|s| s.label.clone())).collect();
            let rows = rows.into_iter().map(|(t, vals)| std::iter::once(iso(t)).chain(vals).collect()).collect();
            Table { columns, rows }
        }
        ChartData::Category { categories, series } => {
            let columns = std::iter::once(String::new()).chain(series.iter().map(|s| s.label.clone())).collect();
            let rows = categories
                .iter()
                .enumerate()
                .map(|(r, c)| {
                    std::iter::once(c.clone())
                        .chain(series.iter().map(|s| s.values.get(r).copied().flatten().map(format_number).unwrap_or_default()))
                        .collect()
                })
                .collect();
            Table { columns, rows }
        }
    }
}

fn table_html(out: &mut String, table: &Table) {
    out.push_str("<table class=\"rows\"><thead><tr>");
    for c in &table.columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for v in row {
            let _ = write!(out, "<td>{}</td>", escape(v));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    if table.rows.is_empty() {
        out.push_str("<p class=\"no-data\">No data in this time range.</p>");
    }
}

fn single_html(out: &mut String, values: &[LabelledValue]) {
    out.push_str("<div class=\"single\">");
    for v in values {
        let shown = v.value.map_or_else(|| "—".to_owned(), format_number);
        let _ = write!(
            out,
            "<div class=\"stat\"><div class=\"value\">{}</div><div class=\"label\">{}</div></div>",
            escape(&shown),
            escape(&v.label)
        );
    }
    if values.is_empty() {
        out.push_str("<p class=\"no-data\">No data in this time range.</p>");
    }
    out.push_str("</div>");
}

fn alarms_html(out: &mut String, alarms: &[AlarmView]) {
    out.push_str("<ul class=\"alarms\">");
    for a in alarms {
        let state = a.state.as_deref().unwrap_or("NOT_FOUND");
        let class = state.to_ascii_lowercase().replace('_', "-");
        let when = a.updated_ms.map(|ms| format!(" · since {}", iso(ms))).unwrap_or_default();
        let _ = write!(
            out,
            "<li class=\"state-{class}\" title=\"{}\"><span class=\"badge\">{}</span><span class=\"name\">{}</span><span class=\"reason\">{}{}</span></li>",
            escape(&a.arn),
            escape(state),
            escape(&a.name),
            escape(&a.reason),
            escape(&when)
        );
    }
    out.push_str("</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::model::{ChartView, TimeSeries};

    #[test]
    fn nothing_from_a_body_reaches_the_page_unescaped() {
        assert_eq!(escape("<b a='1'>&\"</b>"), "&lt;b a=&#39;1&#39;&gt;&amp;&quot;&lt;/b&gt;");
        let evil = "</script><script>alert(1)</script>";
        assert!(!script_json(&evil).contains("</script"));
        let view = DashboardView {
            name: "d".into(),
            start_ms: 0,
            end_ms: 3_600_000,
            range: "-PT1H".into(),
            now_ms: 3_600_000,
            range_error: Some("<i>".into()),
            widgets: vec![WidgetView {
                kind: "metric\"><script>".into(),
                title: evil.into(),
                x: Some(2),
                y: None,
                width: 30,
                height: 4,
                content: Content::Chart(Chart {
                    view: ChartView::Line,
                    stacked: false,
                    data: ChartData::Time { series: vec![TimeSeries { label: evil.into(), points: vec![(60_000, 1.5)] }] },
                    rows: None,
                }),
            }],
        };
        let html = dashboard_page(&view);
        assert_eq!(html.matches("<script").count(), 3, "{html}");
        assert!(html.contains("grid-column: 3 / span 22"));
        assert!(html.contains("<td>1970-01-01T00:01:00Z</td><td>1.5</td>"));
        assert!(html.contains("&lt;i&gt;"));
    }
}
