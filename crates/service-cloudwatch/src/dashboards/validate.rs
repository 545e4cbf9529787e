//! A dashboard body checked as CloudWatch checks it (reference §5): JSON-schema-style messages
//! with JSON-pointer data paths (`/widgets/0/properties`, "Should have required property
//! 'metrics'"), every error found rather than the first. A body with errors is refused whole:
//! `InvalidParameterInput` "The dashboard body is invalid, there are N validation errors:" and
//! the messages as JSON.

use serde::Serialize;
use serde_json::{Map, Value};

use super::metric_rows::expand_rows;
use super::time::{absolute_ms, parse_time};

/// Widgets a body may hold.
pub(crate) const MAX_WIDGETS: usize = 500;
/// The widget types CloudWatch knows.
pub(crate) const WIDGET_TYPES: &[&str] = &["metric", "text", "log", "alarm", "explorer", "custom", "chart"];
/// A metric widget's views.
pub(crate) const METRIC_VIEWS: &[&str] = &["timeSeries", "singleValue", "gauge", "bar", "pie", "table"];
/// A log widget's views.
pub(crate) const LOG_VIEWS: &[&str] = &["table", "timeSeries", "bar", "pie"];

/// One `DashboardValidationMessage`: where in the body, and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidationMessage {
    pub data_path: String,
    pub message: String,
}

impl ValidationMessage {
    pub fn new(data_path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { data_path: data_path.into(), message: message.into() }
    }
}

/// The error text CloudWatch gives for `messages`: the count, then the messages as pretty JSON
/// with `dataPath` and `message` keys.
pub(crate) fn invalid_body_text(messages: &[ValidationMessage]) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Shown<'a> {
        data_path: &'a str,
        message: &'a str,
    }
    let shown: Vec<Shown<'_>> = messages.iter().map(|m| Shown { data_path: &m.data_path, message: &m.message }).collect();
    let list = serde_json::to_string_pretty(&shown).unwrap_or_default();
    format!("The dashboard body is invalid, there are {} validation errors:\n{list}", messages.len())
}

/// Checks `body`; the errors found (none: the body is valid).
pub(crate) fn validate_body(body: &str) -> Vec<ValidationMessage> {
    let mut check = Check::default();
    match serde_json::from_str::<Value>(body) {
        Err(err) => check.error("", format!("The dashboard body is not valid JSON: {err}")),
        Ok(Value::Object(root)) => check.root(&root),
        Ok(_) => check.error("", "Should be object"),
    }
    check.errors
}

/// The errors collected so far.
#[derive(Debug, Default)]
struct Check {
    errors: Vec<ValidationMessage>,
}

impl Check {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ValidationMessage::new(path, message));
    }

    fn required<'v>(&mut self, obj: &'v Map<String, Value>, key: &str, path: &str) -> Option<&'v Value> {
        let value = obj.get(key);
        if value.is_none() {
            self.error(path, format!("Should have required property '{key}'"));
        }
        value
    }

    fn string<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v str> {
        let text = value.as_str();
        if text.is_none() {
            self.error(path, "Should be string");
        }
        text
    }

    fn boolean(&mut self, value: &Value, path: &str) {
        if !value.is_boolean() {
            self.error(path, "Should be boolean");
        }
    }

    fn integer(&mut self, value: &Value, path: &str, min: i64, max: Option<i64>) {
        match value.as_i64() {
            None => self.error(path, "Should be integer"),
            Some(n) if n < min => self.error(path, format!("Should be >= {min}")),
            Some(n) if max.is_some_and(|m| n > m) => self.error(path, format!("Should be <= {}", max.unwrap_or(n))),
            Some(_) => {}
        }
    }

    fn one_of(&mut self, value: &Value, path: &str, allowed: &[&str]) {
        if let Some(text) = self.string(value, path)
            && !allowed.contains(&text)
        {
            self.error(path, "Should be equal to one of the allowed values");
        }
    }

    fn array<'v>(&mut self, value: &'v Value, path: &str, min: usize, max: usize) -> Option<&'v [Value]> {
        let Some(items) = value.as_array() else {
            self.error(path, "Should be array");
            return None;
        };
        if items.len() < min {
            self.error(path, format!("Should NOT have fewer than {min} items"));
        }
        if items.len() > max {
            self.error(path, format!("Should NOT have more than {max} items"));
        }
        Some(items)
    }

    fn object<'v>(&mut self, value: &'v Value, path: &str) -> Option<&'v Map<String, Value>> {
        let obj = value.as_object();
        if obj.is_none() {
            self.error(path, "Should be object");
        }
        obj
    }

    fn root(&mut self, root: &Map<String, Value>) {
        if let Some(widgets) = self.required(root, "widgets", "")
            && let Some(widgets) = self.array(widgets, "/widgets", 0, MAX_WIDGETS)
        {
            for (i, widget) in widgets.iter().enumerate() {
                self.widget(widget, &format!("/widgets/{i}"));
            }
        }
        if let Some(start) = root.get("start")
            && let Some(text) = self.string(start, "/start")
            && parse_time(text).is_none()
        {
            self.error("/start", "Should be a relative ISO 8601 duration such as -PT3H or an ISO 8601 timestamp");
        }
        if let Some(end) = root.get("end") {
            if let Some(text) = self.string(end, "/end")
                && absolute_ms(text).is_none()
            {
                self.error("/end", "Should be an ISO 8601 timestamp");
            }
            if !root.contains_key("start") {
                self.error("", "Should have property start when property end is present");
            }
        }
        if let Some(p) = root.get("periodOverride") {
            self.one_of(p, "/periodOverride", &["auto", "inherit"]);
        }
    }

    fn widget(&mut self, widget: &Value, path: &str) {
        let Some(widget) = self.object(widget, path) else { return };
        let kind = self.required(widget, "type", path).and_then(|t| {
            self.one_of(t, &format!("{path}/type"), WIDGET_TYPES);
            t.as_str().filter(|t| WIDGET_TYPES.contains(t))
        });
        for (key, min, max) in [("x", 0, Some(23)), ("y", 0, None), ("width", 1, Some(24)), ("height", 1, Some(1000))] {
            if let Some(v) = widget.get(key) {
                self.integer(v, &format!("{path}/{key}"), min, max);
            }
        }
        let Some(kind) = kind else { return };
        let props_path = format!("{path}/properties");
        let Some(props) = self.required(widget, "properties", path) else { return };
        let Some(props) = self.object(props, &props_path) else { return };
        if let Some(title) = props.get("title") {
            self.string(title, &format!("{props_path}/title"));
        }
        match kind {
            "metric" => self.metric(props, &props_path),
            "log" => self.log(props, &props_path),
            "alarm" => self.alarm(props, &props_path),
            "text" => {
                if let Some(md) = self.required(props, "markdown", &props_path) {
                    self.string(md, &format!("{props_path}/markdown"));
                }
                if let Some(b) = props.get("background") {
                    self.one_of(b, &format!("{props_path}/background"), &["solid", "transparent"]);
                }
            }
            _ => {}
        }
    }

    fn metric(&mut self, props: &Map<String, Value>, path: &str) {
        let has_annotations = props.get("annotations").is_some();
        match props.get("metrics") {
            None if !has_annotations => {
                self.error(path, "Should have required property 'metrics'");
                self.error(path, "The metric widget should have specified a region and a data source or an alarm annotation");
                self.error(path, "Should have required property 'annotations'");
                return;
            }
            None => {}
            Some(metrics) => {
                let at = format!("{path}/metrics");
                if let Some(rows) = self.array(metrics, &at, 0, 500) {
                    for (i, row) in expand_rows(rows).into_iter().enumerate() {
                        if let Err(e) = row {
                            let row_path = match e.item {
                                Some(k) => format!("{at}/{i}/{k}"),
                                None => format!("{at}/{i}"),
                            };
                            self.error(&row_path, e.message);
                        }
                    }
                }
            }
        }
        if props.get("region").is_none_or(|r| !r.is_string()) {
            self.error(path, "The metric widget should have specified a region and a data source or an alarm annotation");
        }
        if let Some(v) = props.get("view") {
            self.one_of(v, &format!("{path}/view"), METRIC_VIEWS);
        }
        self.common_chart_properties(props, path);
    }

    fn log(&mut self, props: &Map<String, Value>, path: &str) {
        if let Some(q) = self.required(props, "query", path) {
            self.string(q, &format!("{path}/query"));
        }
        if let Some(r) = self.required(props, "region", path) {
            self.string(r, &format!("{path}/region"));
        }
        if let Some(v) = props.get("view") {
            self.one_of(v, &format!("{path}/view"), LOG_VIEWS);
        }
        self.common_chart_properties(props, path);
    }

    fn common_chart_properties(&mut self, props: &Map<String, Value>, path: &str) {
        if let Some(s) = props.get("stacked") {
            self.boolean(s, &format!("{path}/stacked"));
        }
        if let Some(p) = props.get("period") {
            self.integer(p, &format!("{path}/period"), 1, None);
        }
        if let Some(s) = props.get("stat") {
            self.string(s, &format!("{path}/stat"));
        }
        if let Some(s) = props.get("setPeriodToTimeRange") {
            self.boolean(s, &format!("{path}/setPeriodToTimeRange"));
        }
    }

    fn alarm(&mut self, props: &Map<String, Value>, path: &str) {
        let Some(alarms) = self.required(props, "alarms", path) else { return };
        let at = format!("{path}/alarms");
        if let Some(items) = self.array(alarms, &at, 1, 100) {
            for (i, item) in items.iter().enumerate() {
                self.string(item, &format!("{at}/{i}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(body: &str) -> Vec<(String, String)> {
        validate_body(body).into_iter().map(|m| (m.data_path, m.message)).collect()
    }

    fn pair(p: &str, m: &str) -> (String, String) {
        (p.to_owned(), m.to_owned())
    }

    #[test]
    fn seed_000s_dashboard_and_the_documented_examples_are_valid() {
        let seed = r#"{"widgets": [{"type": "log", "properties": {"query": "SOURCE '/aws/bedrock/modelinvocations' | stats count(*)", "region": "us-east-1", "title": "Token Usage by Application"}}]}"#;
        assert_eq!(messages(seed), vec![]);
        let doc = r#"{"start": "-PT6H", "periodOverride": "inherit", "widgets": [
            {"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"metrics":[["AWS/EC2","CPUUtilization","InstanceId","i-012345"]],"period":300,"stat":"Average","region":"us-east-1","title":"EC2 Instance CPU","liveData":false,"legend":{"position":"right"}}},
            {"type":"text","x":0,"y":7,"width":3,"height":3,"properties":{"markdown":"Hello world"}},
            {"type":"alarm","properties":{"alarms":["arn:aws:cloudwatch:us-east-1:123456789012:alarm:a"]}}]}"#;
        assert_eq!(messages(doc), vec![]);
        assert_eq!(messages(r#"{"widgets": []}"#), vec![]);
    }

    #[test]
    fn every_error_is_reported_with_its_path() {
        assert_eq!(messages("nope")[0].0, "");
        assert!(messages("nope")[0].1.starts_with("The dashboard body is not valid JSON"));
        assert_eq!(messages("[]"), vec![pair("", "Should be object")]);
        assert_eq!(messages("{}"), vec![pair("", "Should have required property 'widgets'")]);
        assert_eq!(messages(r#"{"widgets": {}}"#), vec![pair("/widgets", "Should be array")]);
        let body = r#"{"widgets": [
            {"type": "metric", "properties": {"region": "us-east-1", "metrics": [["AWS/DMS", "CDC", {"ClusterName": "c"}, {"stat": "Sum"}]]}},
            {"type": "graph", "width": 30, "properties": {}},
            {"properties": {}},
            {"type": "metric", "properties": {"region": "us-east-1"}},
            {"type": "text", "properties": {}},
            {"type": "log", "properties": {"query": 5, "view": "donut"}},
            {"type": "alarm", "properties": {"alarms": []}}
        ], "start": "yesterday", "periodOverride": "sometimes"}"#;
        assert_eq!(
            messages(body),
            vec![
                pair("/widgets/0/properties/metrics/0/2", "Invalid metric field type, only 'String' type is allowed"),
                pair("/widgets/1/type", "Should be equal to one of the allowed values"),
                pair("/widgets/1/width", "Should be <= 24"),
                pair("/widgets/2", "Should have required property 'type'"),
                pair("/widgets/3/properties", "Should have required property 'metrics'"),
                pair(
                    "/widgets/3/properties",
                    "The metric widget should have specified a region and a data source or an alarm annotation"
                ),
                pair("/widgets/3/properties", "Should have required property 'annotations'"),
                pair("/widgets/4/properties", "Should have required property 'markdown'"),
                pair("/widgets/5/properties/query", "Should be string"),
                pair("/widgets/5/properties", "Should have required property 'region'"),
                pair("/widgets/5/properties/view", "Should be equal to one of the allowed values"),
                pair("/widgets/6/properties/alarms", "Should NOT have fewer than 1 items"),
                pair("/start", "Should be a relative ISO 8601 duration such as -PT3H or an ISO 8601 timestamp"),
                pair("/periodOverride", "Should be equal to one of the allowed values"),
            ]
        );
    }

    #[test]
    fn the_error_text_is_cloudwatchs() {
        let text = invalid_body_text(&[ValidationMessage::new("/widgets/0", "Should have required property 'type'")]);
        assert_eq!(
            text,
            "The dashboard body is invalid, there are 1 validation errors:\n[\n  {\n    \"dataPath\": \"/widgets/0\",\n    \"message\": \"Should have required property 'type'\"\n  }\n]"
        );
    }
}
