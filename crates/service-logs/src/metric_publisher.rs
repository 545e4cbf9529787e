//! Metric filters at work: the log store's [`AppendObserver`]. Every event appended to a log
//! group after a filter exists (Bedrock's own records and PutLogEvents alike) is matched against
//! the group's filters; a match publishes one datapoint at the event's timestamp to the shared
//! metric store (`metricValue` a literal or the number at a `$.path` of the JSON event,
//! `dimensions` from `$.path` values, `unit`), and a filter with a `defaultValue` publishes it for
//! an event that does not match. A JSON pattern never matches an event that is not JSON (such as
//! Bedrock's permission-check line). Events whose value or dimension is missing or not a number
//! or text publish nothing. The filters are saved as JSON beside the log store.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock};

use log_store::{AppendObserver, InputLogEvent};
use logs_filter::{FilterPattern, JsonPath, Step};
use metric_store::{Dimension, MetricKey, MetricStore, SeriesRef, Unit};
use serde::{Deserialize, Serialize};

/// A `MetricTransformation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricTransformation {
    pub metric_name: String,
    pub metric_namespace: String,
    pub metric_value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// A `MetricFilter` as saved and described.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricFilter {
    pub filter_name: String,
    pub filter_pattern: String,
    pub metric_transformations: Vec<MetricTransformation>,
    pub creation_time: i64,
    pub log_group_name: String,
}

/// What a filter publishes as its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ValueSource {
    Literal(f64),
    Path(JsonPath),
}

/// A filter ready to run.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) def: MetricFilter,
    pattern: FilterPattern,
    value: ValueSource,
    dimensions: Vec<(String, JsonPath)>,
    default_value: Option<f64>,
    unit: Unit,
    /// The metric when it has no dimensions (one handle, so the buffer keeps one entry a minute).
    fixed: Option<SeriesRef>,
}

impl Compiled {
    /// Compiles a checked definition (see `metric_filters.rs` for the checks and their messages).
    pub(crate) fn new(
        def: MetricFilter,
        pattern: FilterPattern,
        value: ValueSource,
        dimensions: Vec<(String, JsonPath)>,
    ) -> Self {
        let t = &def.metric_transformations[0];
        let unit = t.unit.as_deref().and_then(Unit::parse).unwrap_or(Unit::None);
        let default_value = t.default_value;
        let fixed = dimensions.is_empty().then(|| Arc::new(MetricKey::new(&t.metric_namespace, &t.metric_name, Vec::new())));
        Self { def, pattern, value, dimensions, default_value, unit, fixed }
    }

    fn transformation(&self) -> &MetricTransformation {
        &self.def.metric_transformations[0]
    }

    /// The datapoint of one event: (metric, value), or `None`.
    fn datapoint(&self, message: &str, doc: Option<&serde_json::Value>) -> Option<(SeriesRef, f64)> {
        let matched = match &self.pattern {
            FilterPattern::Json(expr) => doc.is_some_and(|d| expr.matches(d)),
            other => other.matches(message),
        };
        if !matched {
            return self.default_value.and_then(|v| self.fixed.clone().map(|k| (k, v)));
        }
        let value = match &self.value {
            ValueSource::Literal(v) => *v,
            ValueSource::Path(p) => number(p.select(doc?)?)?,
        };
        let key = match &self.fixed {
            Some(k) => Arc::clone(k),
            None => {
                let mut dims = Vec::with_capacity(self.dimensions.len());
                for (name, path) in &self.dimensions {
                    dims.push(Dimension::new(name, text(path.select(doc?)?)?));
                }
                let t = self.transformation();
                Arc::new(MetricKey::new(&t.metric_namespace, &t.metric_name, dims))
            }
        };
        Some((key, value))
    }
}

fn number(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The text of a selector (`$.input.inputTokenCount`, `$.a[0]`).
pub(crate) fn selector_text(path: &JsonPath) -> String {
    let mut out = String::from("$");
    for step in path.steps() {
        match step {
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The metric filters of every group, and the store they publish to.
#[derive(Debug)]
pub struct MetricPublisher {
    metrics: Arc<MetricStore>,
    path: Option<PathBuf>,
    by_group: RwLock<HashMap<String, Vec<Arc<Compiled>>>>,
}

/// Why the saved filters could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum MetricFilterStoreError {
    #[error("cannot access {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a valid metric filters file: {message}")]
    Parse { path: PathBuf, message: String },
}

impl MetricPublisher {
    /// Loads the filters saved at `path` (none yet: no filters); `None` saves nothing.
    pub fn open(metrics: Arc<MetricStore>, path: Option<PathBuf>) -> Result<Self, MetricFilterStoreError> {
        let publisher = Self { metrics, path: path.clone(), by_group: RwLock::new(HashMap::new()) };
        let Some(path) = path else { return Ok(publisher) };
        let saved: Vec<MetricFilter> = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| MetricFilterStoreError::Parse { path: path.clone(), message: e.to_string() })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(source) => return Err(MetricFilterStoreError::Io { path, source }),
        };
        {
            let mut groups = publisher.by_group.write().unwrap_or_else(PoisonError::into_inner);
            for def in saved {
                match crate::metric_filters::compile(def) {
                    Ok(c) => groups.entry(c.def.log_group_name.clone()).or_default().push(Arc::new(c)),
                    Err(err) => tracing::warn!(%err, "a saved metric filter no longer compiles; skipped"),
                }
            }
        }
        Ok(publisher)
    }

    fn save(&self, groups: &HashMap<String, Vec<Arc<Compiled>>>) -> Result<(), MetricFilterStoreError> {
        let Some(path) = &self.path else { return Ok(()) };
        let mut all: Vec<&MetricFilter> = groups.values().flatten().map(|c| &c.def).collect();
        all.sort_by(|a, b| (&a.log_group_name, &a.filter_name).cmp(&(&b.log_group_name, &b.filter_name)));
        let io = |source| MetricFilterStoreError::Io { path: path.clone(), source };
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(&all)
            .map_err(|e| MetricFilterStoreError::Parse { path: path.clone(), message: e.to_string() })?;
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Adds or replaces a filter; `Err(count)` when the group already has `limit` others.
    pub(crate) fn put(&self, compiled: Compiled, limit: usize) -> Result<Result<(), usize>, MetricFilterStoreError> {
        let mut groups = self.by_group.write().unwrap_or_else(PoisonError::into_inner);
        let list = groups.entry(compiled.def.log_group_name.clone()).or_default();
        match list.iter().position(|c| c.def.filter_name == compiled.def.filter_name) {
            Some(i) => list[i] = Arc::new(compiled),
            None if list.len() >= limit => return Ok(Err(list.len())),
            None => list.push(Arc::new(compiled)),
        }
        list.sort_by(|a, b| a.def.filter_name.cmp(&b.def.filter_name));
        self.save(&groups)?;
        Ok(Ok(()))
    }

    /// Removes a filter; `false` when there was none.
    pub(crate) fn delete(&self, group: &str, name: &str) -> Result<bool, MetricFilterStoreError> {
        let mut groups = self.by_group.write().unwrap_or_else(PoisonError::into_inner);
        let Some(list) = groups.get_mut(group) else { return Ok(false) };
        let before = list.len();
        list.retain(|c| c.def.filter_name != name);
        let removed = list.len() != before;
        if list.is_empty() {
            groups.remove(group);
        }
        if removed {
            self.save(&groups)?;
        }
        Ok(removed)
    }

    /// Removes every filter of a deleted group.
    pub(crate) fn delete_group(&self, group: &str) -> Result<(), MetricFilterStoreError> {
        let mut groups = self.by_group.write().unwrap_or_else(PoisonError::into_inner);
        if groups.remove(group).is_some() {
            self.save(&groups)?;
        }
        Ok(())
    }

    /// Every filter, by group then name.
    pub(crate) fn all(&self) -> Vec<MetricFilter> {
        let groups = self.by_group.read().unwrap_or_else(PoisonError::into_inner);
        let mut out: Vec<MetricFilter> = groups.values().flatten().map(|c| c.def.clone()).collect();
        out.sort_by(|a, b| (&a.log_group_name, &a.filter_name).cmp(&(&b.log_group_name, &b.filter_name)));
        out
    }
}

impl AppendObserver for MetricPublisher {
    fn appended(&self, group: &str, _stream: &str, events: &[InputLogEvent<'_>]) {
        let filters: Vec<Arc<Compiled>> = {
            let groups = self.by_group.read().unwrap_or_else(PoisonError::into_inner);
            match groups.get(group) {
                Some(list) if !list.is_empty() => list.clone(),
                _ => return,
            }
        };
        let needs_json =
            filters.iter().any(|f| matches!(f.pattern, FilterPattern::Json(_)) || matches!(f.value, ValueSource::Path(_)));
        for event in events {
            let message = String::from_utf8_lossy(event.message);
            let doc = if needs_json { serde_json::from_str::<serde_json::Value>(&message).ok() } else { None };
            for f in &filters {
                if let Some((key, value)) = f.datapoint(&message, doc.as_ref()) {
                    self.metrics.record(&[(&key, value, f.unit)], event.timestamp);
                }
            }
        }
    }
}
