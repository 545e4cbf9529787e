//! The dashboard page in a real browser (headless Chromium, installed by `.ci/run`): Bedrock
//! calls of three applications over three hours, `bedrock-emulator dashboard init`, seed 000's
//! dashboard JSON and a dashboard of page checks (markup in titles and Markdown, widgets the page
//! cannot draw, an alarm); then each page's DOM after its scripts holds every widget's title and
//! data (application names, token sums, metric values), the console is silent, and screenshots
//! are saved under `target/dashboards/` for review. Last, the log widgets' rows equal what
//! `bedrock-emulator query` prints for the same query and time range.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::{Value, json};
use test_support::browser::{Rendered, chromium, dump_dom, review_dir, screenshot};
use test_support::emulator::TestOptions;
use test_support::{TestEmulator, raw};

/// 2025-12-03T08:10:00Z: the first call.
const START_MS: i64 = 1_764_749_400_000;
/// The page's range: three hours around the calls.
const RANGE: &str = "start=2025-12-03T08:00:00Z&end=2025-12-03T11:00:00Z";
const SEED_DASHBOARD: &str = include_str!("../../../fixtures/dashboards/seed_000_dashboard.json");

/// (application, cost centre, calls per hour).
const APPS: &[(&str, &str, usize)] =
    &[("CustomerServiceApp", "CC-1001", 3), ("SalesAssistantApp", "CC-2002", 2), ("DeveloperToolsApp", "CC-1001", 1)];

/// What the calls returned: per application and per cost centre the tokens (input + output), per
/// hour the calls and tokens, and the input and output totals.
#[derive(Debug, Default)]
struct Sent {
    by_app: BTreeMap<String, u64>,
    by_cost_centre: BTreeMap<String, u64>,
    calls_by_hour: BTreeMap<i64, u64>,
    input: u64,
    output: u64,
}

async fn call(t: &TestEmulator, app: &str, cost_centre: &str, n: usize, sent: &mut Sent) {
    let body = json!({
        "messages": [{"role": "user", "content": [{"text": format!("Question {n} from {app}: how are the tokens counted?")}]}],
        "requestMetadata": {"application_name": app, "cost_center": cost_centre, "user_id": format!("user-{n}")}
    });
    let res = raw(
        &t.url(),
        "POST",
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
        &[("content-type", "application/json")],
        body.to_string(),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let usage = &res.json()["usage"];
    let (input, output) = (usage["inputTokens"].as_u64().unwrap(), usage["outputTokens"].as_u64().unwrap());
    *sent.by_app.entry(app.to_owned()).or_default() += input + output;
    *sent.by_cost_centre.entry(cost_centre.to_owned()).or_default() += input + output;
    *sent.calls_by_hour.entry(bedrock_emulator::clock::Clock::now_ms(&*t.clock) / 3_600_000 * 3_600_000).or_default() += 1;
    sent.input += input;
    sent.output += output;
}

/// A CloudWatch operation over awsJson (as boto3 sends it).
async fn cloudwatch(t: &TestEmulator, op: &str, input: Value) -> Value {
    let target = format!("GraniteServiceVersion20100801.{op}");
    let headers = [("x-amz-target", target.as_str()), ("content-type", "application/x-amz-json-1.0")];
    let res = raw(&t.url(), "POST", "/", &headers, input.to_string()).await;
    assert_eq!(res.status, 200, "{op}: {}", res.text());
    if res.body.is_empty() { Value::Null } else { res.json() }
}

/// The dashboard of checks: markup where text goes, widgets the page cannot draw, an alarm.
fn checks_dashboard() -> String {
    json!({"widgets": [
        {"type": "text", "x": 0, "y": 0, "width": 8, "height": 4, "properties": {
            "markdown": "# Page checks\n\n<script>alert('md')</script>\n\n**bold** [docs](javascript:alert(1))"}},
        {"type": "metric", "x": 8, "y": 0, "width": 8, "height": 4, "properties": {
            "title": "</script><img src=x onerror=alert(1)>Invocations", "region": "us-east-1", "view": "timeSeries",
            "stat": "Sum", "period": 3600,
            "metrics": [["AWS/Bedrock", "Invocations", "ModelId", "anthropic.claude-3-haiku-20240307-v1:0", {"label": "<b>haiku</b>"}]]}},
        {"type": "explorer", "x": 16, "y": 0, "width": 8, "height": 4, "properties": {"title": "Explorer widget", "metrics": []}},
        {"type": "metric", "x": 0, "y": 4, "width": 8, "height": 4, "properties": {
            "title": "Gauge widget", "region": "us-east-1", "view": "gauge", "metrics": [["AWS/Bedrock", "Invocations"]]}},
        {"type": "alarm", "x": 8, "y": 4, "width": 16, "height": 4, "properties": {
            "title": "Token alarm", "alarms": [
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:bedrock-high-token-usage",
                "arn:aws:cloudwatch:us-east-1:123456789012:alarm:no-such-alarm"]}},
        {"type": "log", "x": 0, "y": 8, "width": 24, "height": 3, "properties": {
            "title": "Missing log group", "region": "us-east-1", "query": "SOURCE '/aws/bedrock/nowhere' | stats count(*)"}}
    ]})
    .to_string()
}

/// Loads a page in Chromium, checks the console stayed silent and saves its screenshot.
fn render(browser: &std::path::Path, url: &str, shot: &str, size: (u32, u32)) -> Rendered {
    let rendered = dump_dom(browser, url);
    assert!(rendered.console.is_empty(), "console messages on {url}: {:?}", rendered.console);
    let console = screenshot(browser, url, &review_dir("dashboards").join(shot), size);
    assert!(console.is_empty(), "console messages on {url}: {console:?}");
    rendered
}

/// The `<section>` of the widget titled `title` (its HTML up to the next widget).
fn section<'a>(dom: &'a str, title: &str) -> &'a str {
    let at = dom.find(&format!("<h2>{title}</h2>")).unwrap_or_else(|| panic!("no widget titled {title:?} in\n{dom}"));
    let end = dom[at..].find("</section>").map_or(dom.len(), |e| at + e);
    &dom[at..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_and_lab_dashboards_render_in_a_browser_with_their_data() {
    let Some(browser) = chromium() else { return };
    let options = TestOptions { t0_ms: START_MS, ..TestOptions::default() };
    // No background alarm tick: the alarm keeps the state the test sets.
    let t = TestEmulator::start_with_options(options, |c| c.alarm_evaluation_interval = None).await.unwrap();

    let mut sent = Sent::default();
    for hour in 0..3 {
        for (app, cost_centre, per_hour) in APPS {
            for n in 0..*per_hour {
                call(&t, app, cost_centre, hour * 10 + n, &mut sent).await;
                t.clock.advance(60_000);
            }
        }
        t.clock.advance(3_600_000 - 6 * 60_000);
    }
    // 2025-12-03T10:56:00Z: the range's end is in the past, every sample is flushed on read.
    cloudwatch(&t, "PutMetricAlarm", json!({
        "AlarmName": "bedrock-high-token-usage", "Namespace": "CustomMetrics", "MetricName": "BedrockTokenUsage",
        "Statistic": "Sum", "Period": 3600, "Threshold": 10000, "ComparisonOperator": "GreaterThanThreshold", "EvaluationPeriods": 1
    }))
    .await;
    cloudwatch(
        &t,
        "SetAlarmState",
        json!({"AlarmName": "bedrock-high-token-usage", "StateValue": "ALARM", "StateReason": "testing the widget"}),
    )
    .await;

    // `dashboard init` against the running emulator, as a user runs it.
    let url = t.url();
    let init = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_bedrock-emulator")).args(["dashboard", "init", "--endpoint", &url]).output().unwrap()
    })
    .await
    .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let printed = String::from_utf8_lossy(&init.stdout);
    assert!(
        printed.contains(&format!("put dashboard GenAI-Monitoring: {}/_emulator/dashboards/GenAI-Monitoring", t.url())),
        "{printed}"
    );
    let cw = t.clients("us-east-1").cloudwatch;
    cw.put_dashboard().dashboard_name("Seed-000").dashboard_body(SEED_DASHBOARD).send().await.unwrap();
    cw.put_dashboard().dashboard_name("Page-Checks").dashboard_body(checks_dashboard()).send().await.unwrap();

    let base = t.url();
    let page_of = move |name: &str| format!("{base}/_emulator/dashboards/{name}?{RANGE}");
    let b = browser.clone();
    let pages = tokio::task::spawn_blocking(move || {
        let index = render(&b, &page_of("").replace(&format!("?{RANGE}"), ""), "index.png", (1000, 400));
        let seed = render(&b, &page_of("Seed-000"), "seed-000.png", (1400, 500));
        let lab = render(&b, &page_of("GenAI-Monitoring"), "genai-monitoring.png", (1400, 450));
        let usage = render(&b, &page_of("Bedrock-Token-Usage"), "bedrock-token-usage.png", (1400, 900));
        let checks = render(&b, &page_of("Page-Checks"), "page-checks.png", (1400, 700));
        (index, seed, lab, usage, checks)
    })
    .await
    .unwrap();
    let (index, seed, lab, usage, checks) = pages;

    for name in ["Bedrock-Token-Usage", "GenAI-Monitoring", "Page-Checks", "Seed-000"] {
        assert!(index.dom.contains(&format!("href=\"/_emulator/dashboards/{name}\"")), "{}", index.dom);
    }

    // Seed 000's widget: every application and its token sum, from the log query.
    let widget = section(&seed.dom, "Token Usage by Application");
    for (app, tokens) in &sent.by_app {
        assert!(widget.contains(&format!("<td>{app}</td><td>{tokens}</td>")), "{app} {tokens} not in\n{widget}");
    }

    // The lab's three hourly widgets: calls and tokens per hour; a drawn chart each.
    assert_eq!(lab.dom.matches("data-drawn=\"true\"").count(), 3, "{}", lab.dom);
    assert!(lab.dom.contains("data-charts-drawn=\"3\""));
    let invocations = section(&lab.dom, "Invocation Count");
    for (hour, calls) in &sent.calls_by_hour {
        let bin = logs_insights::time::format_timestamp(*hour);
        assert!(invocations.contains(&format!("<td>{bin}</td><td>{calls}</td>")), "{bin} {calls} not in\n{invocations}");
    }
    let tokens = section(&lab.dom, "Token Usage");
    assert!(tokens.contains("<th>totalInput</th><th>totalOutput</th>"), "{tokens}");
    assert!(section(&lab.dom, "Latency").contains("<th>avgLatency</th><th>maxLatency</th>"));
    assert!(!lab.dom.contains("cannot-draw"), "{}", lab.dom);

    // The seed's five recommended widgets.
    let total = section(&usage.dom, "Total Tokens");
    assert!(
        total
            .contains(&format!("<div class=\"value\">{}</div><div class=\"label\">Total tokens</div>", sent.input + sent.output)),
        "{total}"
    );
    let pie = section(&usage.dom, "Token Usage by Application");
    for (app, tokens) in &sent.by_app {
        assert!(pie.contains(&format!("<td>{app}</td><td>{tokens}</td>")), "{pie}");
    }
    let bars = section(&usage.dom, "Tokens by Cost Center");
    for (cc, tokens) in &sent.by_cost_centre {
        assert!(bars.contains(&format!("<td>{cc}</td><td>{tokens}</td>")), "{bars}");
    }
    let over_time = section(&usage.dom, "Tokens over Time");
    assert!(over_time.contains("<th>Input tokens</th><th>Output tokens</th>"), "{over_time}");
    let recent = section(&usage.dom, "Recent Invocations");
    assert_eq!(recent.matches("<tr><td>2025-12-03 ").count(), 18, "{recent}");
    assert!(
        recent.contains("<td>DeveloperToolsApp</td><td>user-20</td><td>anthropic.claude-3-haiku-20240307-v1:0</td>"),
        "{recent}"
    );
    assert!(usage.dom.contains("data-charts-drawn=\"3\""), "{}", usage.dom);

    // The checks: nothing from the body became markup; what cannot be drawn says so.
    assert!(!checks.dom.contains("<script>alert"), "{}", checks.dom);
    assert!(!checks.dom.contains("<img src=\"x\""), "{}", checks.dom);
    assert!(!checks.dom.contains("javascript:"), "{}", checks.dom);
    assert!(checks.dom.contains("<strong>bold</strong> <a href=\"#\">docs</a>"), "{}", checks.dom);
    assert!(checks.dom.contains("&lt;script&gt;alert('md')&lt;/script&gt;"), "{}", checks.dom);
    assert!(checks.dom.contains("<h2>&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;Invocations</h2>"), "{}", checks.dom);
    assert!(
        section(&checks.dom, "Explorer widget")
            .contains("<p class=\"cannot-draw\">The emulator's page does not draw \"explorer\" widgets.</p>")
    );
    assert!(
        section(&checks.dom, "Gauge widget")
            .contains("cannot-draw\">The emulator's page does not draw the metric view \"gauge\".")
    );
    assert!(section(&checks.dom, "Missing log group").contains("cannot-draw\">Log group '/aws/bedrock/nowhere' does not exist."));
    let alarms = section(&checks.dom, "Token alarm");
    assert!(
        alarms.contains("<span class=\"badge\">ALARM</span><span class=\"name\">bedrock-high-token-usage</span>"),
        "{alarms}"
    );
    assert!(alarms.contains("<span class=\"badge\">NOT_FOUND</span><span class=\"name\">no-such-alarm</span>"), "{alarms}");
    let invocations = section(&checks.dom, "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;Invocations");
    let hourly: Vec<u64> = sent.calls_by_hour.values().copied().collect();
    for calls in hourly {
        assert!(invocations.contains(&format!("<td>{calls}</td>")), "{invocations}");
    }
    assert!(invocations.contains("<th>&lt;b&gt;haiku&lt;/b&gt;</th>"), "{invocations}");

    // The same numbers as `bedrock-emulator query` over the stopped emulator's data.
    let mut widgets = Vec::new();
    for name in ["Seed-000", "GenAI-Monitoring", "Bedrock-Token-Usage"] {
        let res = raw(&t.url(), "GET", &format!("/_emulator/dashboards/{name}?{RANGE}&format=json"), &[], "").await;
        assert_eq!(res.status, 200);
        let view = res.json();
        for w in view["widgets"].as_array().unwrap().iter().filter(|w| w["type"] == "log") {
            widgets.push((
                name,
                w["title"].as_str().unwrap().to_owned(),
                w["content"].clone(),
                view["startMs"].as_i64().unwrap(),
                view["endMs"].as_i64().unwrap(),
            ));
        }
    }
    let queries: Vec<(String, String)> = {
        let mut out = Vec::new();
        for name in ["Seed-000", "GenAI-Monitoring", "Bedrock-Token-Usage"] {
            let got = cw.get_dashboard().dashboard_name(name).send().await.unwrap();
            let body: Value = serde_json::from_str(got.dashboard_body().unwrap()).unwrap();
            for w in body["widgets"].as_array().unwrap().iter().filter(|w| w["type"] == "log") {
                out.push((
                    w["properties"]["title"].as_str().unwrap().to_owned(),
                    w["properties"]["query"].as_str().unwrap().to_owned(),
                ));
            }
        }
        out
    };
    assert_eq!(widgets.len(), 7);
    let stopped = t.stop().await;
    for ((dashboard, title, content, start_ms, end_ms), (query_title, query)) in widgets.iter().zip(&queries) {
        assert_eq!(title, query_title);
        let out = Command::new(env!("CARGO_BIN_EXE_bedrock-emulator"))
            .args(["query", query, "--json", "--data-dir"])
            .arg(stopped.dir.path())
            .args(["--start", &(start_ms / 1000).to_string(), "--end", &(end_ms / 1000).to_string()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
        let query_rows: Vec<BTreeMap<String, String>> = printed["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                row.as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| f["field"] != "@ptr")
                    .map(|f| (f["field"].as_str().unwrap().to_owned(), f["value"].as_str().unwrap().to_owned()))
                    .collect()
            })
            .collect();
        let table = if content["kind"] == "table" { content.clone() } else { content["rows"].clone() };
        let columns: Vec<&str> = table["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
        let page_rows: Vec<BTreeMap<String, String>> = table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .zip(row.as_array().unwrap())
                    .filter(|(_, v)| !v.as_str().unwrap().is_empty())
                    .map(|(c, v)| ((*c).to_owned(), v.as_str().unwrap().to_owned()))
                    .collect()
            })
            .collect();
        assert!(!page_rows.is_empty(), "{dashboard} / {title}: no rows");
        assert_eq!(page_rows, query_rows, "{dashboard} / {title}: the page and `bedrock-emulator query` differ");
    }
}
