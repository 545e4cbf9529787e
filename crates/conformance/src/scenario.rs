//! The scenario files under `fixtures/scenarios/*.json`: what a scenario configures, which
//! runtime calls it makes with which metadata, and which catalog queries it runs with the
//! expectation the harness evaluates over its own calls (see `expected.rs`).
//!
//! Everything here is data; nothing in this file talks to a target.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Scenario {
    /// Free text for reviewers: where the scenario comes from.
    #[serde(rename = "_doc", default)]
    pub(crate) doc: Vec<String>,
    /// Short name, used in progress lines, snapshots and recordings.
    pub(crate) name: String,
    /// Operations the scenario needs beyond Converse; a target answering
    /// `UnknownOperationException` naming one of them skips the scenario (reported as such).
    #[serde(default)]
    pub(crate) requires: Vec<String>,
    /// The invocation logging configuration the scenario puts before calling.
    pub(crate) logging: Logging,
    /// The runtime calls, in order.
    pub(crate) calls: Vec<Call>,
    /// The queries, run over this scenario's calls once their records are delivered.
    #[serde(default)]
    pub(crate) queries: Vec<QueryCase>,
    /// CloudWatch checks over this scenario's calls (`AWS/Bedrock` metrics, a metric filter, an
    /// alarm on it).
    #[serde(default)]
    pub(crate) monitoring: Option<Monitoring>,
    /// Fault rules (the `/_emulator/faults` document) in force during the calls, on a target
    /// that takes them (the emulator); a live account ignores them.
    #[serde(default)]
    pub(crate) faults: Option<serde_json::Value>,
    /// S3 delivery beside CloudWatch Logs and Athena queries over the delivered records.
    #[serde(default)]
    pub(crate) athena: Option<AthenaCase>,
    /// Set after loading: the file it came from.
    #[serde(skip)]
    pub(crate) path: PathBuf,
}

/// `PutModelInvocationLoggingConfiguration` input (the role ARN comes from the target).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Logging {
    pub(crate) log_group_name: String,
    pub(crate) text_data_delivery_enabled: bool,
    #[serde(default)]
    pub(crate) image_data_delivery_enabled: bool,
    #[serde(default)]
    pub(crate) embedding_data_delivery_enabled: bool,
}

/// What a scenario checks in CloudWatch after its calls (see `monitoring.rs`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Monitoring {
    /// `AWS/Bedrock` metrics summed per `ModelId` and compared with the harness's own usage:
    /// `Invocations` (successful calls), `InputTokenCount`, `OutputTokenCount`.
    pub(crate) bedrock_metrics: Vec<String>,
    /// A metric filter put on the scenario's log group before the calls.
    pub(crate) metric_filter: MetricFilterCase,
    /// The name of an alarm on the filter's metric for `metricFilter.application`; its threshold
    /// is the smallest input token count of that application's calls, so it must reach ALARM.
    pub(crate) alarm_name: String,
}

/// What a scenario checks with Athena (see `athena.rs`): the names it uses; the run's own
/// suffix is added to the key prefix, the results prefix and the database.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AthenaCase {
    /// The logging configuration's S3 `keyPrefix`.
    pub(crate) key_prefix: String,
    /// Where Athena writes its result files in the same bucket.
    pub(crate) results_prefix: String,
    /// The database the harness creates and drops.
    pub(crate) database: String,
    /// The table (the seed's columns).
    pub(crate) table: String,
    /// The `requestMetadata` key tokens are grouped by.
    pub(crate) group_key: String,
    /// The `requestMetadata` key and value one query filters on.
    pub(crate) filter_key: String,
    pub(crate) filter_value: String,
}

/// A metric filter publishing one metadata value's input tokens.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct MetricFilterCase {
    pub(crate) filter_name: String,
    pub(crate) filter_pattern: String,
    pub(crate) metric_namespace: String,
    pub(crate) metric_name: String,
    /// `$.input.inputTokenCount`.
    pub(crate) metric_value: String,
    /// The dimension's name (`Application`).
    pub(crate) dimension: String,
    /// The metadata key whose value is the dimension (`application_name`).
    pub(crate) metadata_key: String,
    /// The value whose sum is checked (`CustomerServiceApp`).
    pub(crate) application: String,
}

/// One runtime call.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Call {
    /// `Converse` or `InvokeModel`.
    pub(crate) operation: Operation,
    pub(crate) model_id: String,
    /// Converse: the single user message.
    #[serde(default)]
    pub(crate) prompt: Option<String>,
    /// Converse: `inferenceConfig.maxTokens`.
    #[serde(default)]
    pub(crate) max_tokens: Option<i32>,
    /// InvokeModel: the JSON body as sent.
    #[serde(default)]
    pub(crate) body: Option<serde_json::Value>,
    /// Converse `requestMetadata` (or InvokeModel's metadata header).
    #[serde(default)]
    pub(crate) request_metadata: Option<BTreeMap<String, String>>,
    /// When set, the call must fail with this error code and write no record.
    #[serde(default)]
    pub(crate) expect_error: Option<String>,
    /// The error the scenario's fault rules give this call: where they are installed it must
    /// fail with it (and write no record); on a live account it may also succeed.
    #[serde(default)]
    pub(crate) fault_error: Option<String>,
    /// Why this call is here (printed when it fails).
    #[serde(default)]
    pub(crate) note: Option<String>,
}

/// The runtime operations the harness knows how to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) enum Operation {
    Converse,
    InvokeModel,
}

impl Operation {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Operation::Converse => "Converse",
            Operation::InvokeModel => "InvokeModel",
        }
    }
}

impl Call {
    /// The text the cost estimate and the progress line use.
    pub(crate) fn prompt_text(&self) -> String {
        match (&self.prompt, &self.body) {
            (Some(p), _) => p.clone(),
            (None, Some(body)) => body.to_string(),
            (None, None) => String::new(),
        }
    }

    /// The output-token ceiling of the call (for the cost estimate).
    pub(crate) fn max_output_tokens(&self) -> u64 {
        if let Some(m) = self.max_tokens {
            return m.max(0) as u64;
        }
        self.body.as_ref().and_then(|b| b.get("max_tokens")).and_then(|v| v.as_u64()).unwrap_or(4096)
    }
}

/// One query of the catalog and what its result must be.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct QueryCase {
    /// Path under `fixtures/queries/` (the file's `#` header lines are comments to Insights too).
    pub(crate) file: String,
    /// Why the expectation is what it is (faulty seed queries).
    #[serde(default)]
    pub(crate) note: Option<String>,
    /// The expectation.
    pub(crate) expect: Expect,
}

/// What a query must return, described over the harness's own calls.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) enum Expect {
    /// StartQuery (or the query) fails with this error code.
    #[serde(rename_all = "camelCase")]
    Error { code: String },
    /// One row per call that passes the filters, with these columns.
    #[serde(rename_all = "camelCase")]
    Events {
        #[serde(default)]
        filter: Vec<Filter>,
        columns: Vec<EventColumn>,
        #[serde(default)]
        sort: Option<Sort>,
        #[serde(default)]
        limit: Option<usize>,
    },
    /// One row per group of the calls that pass the filters.
    #[serde(rename_all = "camelCase")]
    Stats {
        #[serde(default)]
        filter: Vec<Filter>,
        by: Vec<GroupKey>,
        aggregates: Vec<Aggregate>,
        #[serde(default)]
        sort: Option<Sort>,
        #[serde(default)]
        limit: Option<usize>,
    },
}

/// A per-call value the harness knows from what it sent or what the runtime returned.
///
/// Spelled in the files as `input`, `output`, `total`, `latency`, `modelId`, `timestamp`,
/// `bin:1h`, `bin:1d`, `principal`, `absent` (a field no record has) or `meta:<key>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    InputTokens,
    OutputTokens,
    TotalTokens,
    LatencyMs,
    ModelId,
    Timestamp,
    BinHour,
    BinDay,
    Principal,
    Absent,
    Meta(String),
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Source::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown value source {s:?}")))
    }
}

impl Source {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "input" => Source::InputTokens,
            "output" => Source::OutputTokens,
            "total" => Source::TotalTokens,
            "latency" => Source::LatencyMs,
            "modelId" => Source::ModelId,
            "timestamp" => Source::Timestamp,
            "bin:1h" => Source::BinHour,
            "bin:1d" => Source::BinDay,
            "principal" => Source::Principal,
            "absent" => Source::Absent,
            _ => Source::Meta(s.strip_prefix("meta:")?.to_owned()),
        })
    }

    /// Whether values of this source differ between targets for the same scenario (token
    /// counts, latency, times, the caller's ARN): snapshots redact them.
    pub(crate) fn redaction(&self) -> Option<&'static str> {
        match self {
            Source::InputTokens | Source::OutputTokens | Source::TotalTokens => Some("[tokens]"),
            Source::LatencyMs => Some("[latency]"),
            Source::Timestamp => Some("[timestamp]"),
            Source::BinHour => Some("[hour]"),
            Source::BinDay => Some("[day]"),
            Source::Principal => Some("[principal-arn]"),
            Source::ModelId | Source::Absent | Source::Meta(_) => None,
        }
    }
}

/// A filter over calls (all filters of a query must hold).
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
pub(crate) enum Filter {
    /// `field = "value"` (exact, case-sensitive).
    Eq { field: Source, value: String },
    /// `field like /text/` with a plain-text pattern: substring match.
    Contains { field: Source, value: String },
    /// `field > value`, numeric; null never passes.
    Gt { field: Source, value: f64 },
    /// `@timestamp >= fromMs and @timestamp < toMs`.
    #[serde(rename_all = "camelCase")]
    TimeRange { from_ms: i64, to_ms: i64 },
    /// Any of the inner filters.
    Or { any: Vec<Filter> },
}

/// An event-query column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventColumn {
    pub(crate) name: String,
    pub(crate) value: Source,
}

/// A stats group key column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GroupKey {
    pub(crate) name: String,
    pub(crate) key: Source,
}

/// A stats aggregate column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Aggregate {
    pub(crate) name: String,
    pub(crate) agg: AggFn,
    /// The aggregated value (absent for `count`).
    #[serde(default)]
    pub(crate) of: Option<Source>,
    /// The percentile for `pct`.
    #[serde(default)]
    pub(crate) p: Option<f64>,
}

/// The aggregate functions the seed queries use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum AggFn {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Pct,
}

/// The query's `sort` (one key).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Sort {
    /// The output column sorted on.
    pub(crate) column: String,
    pub(crate) desc: bool,
}

/// Loads every `*.json` under `dir`, sorted by file name (the run order).
pub(crate) fn load_all(dir: &Path) -> anyhow::Result<Vec<Scenario>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load(p)).collect()
}

/// Loads and checks one scenario file.
pub(crate) fn load(path: &Path) -> anyhow::Result<Scenario> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut scenario: Scenario = serde_json::from_str(&text).with_context(|| format!("invalid scenario {}", path.display()))?;
    scenario.path = path.to_owned();
    for (i, call) in scenario.calls.iter().enumerate() {
        let ok = match call.operation {
            Operation::Converse => call.prompt.is_some() && call.body.is_none(),
            Operation::InvokeModel => call.body.is_some() && call.prompt.is_none(),
        };
        anyhow::ensure!(
            ok,
            "{}: call {} ({}) needs `prompt` for Converse or `body` for InvokeModel",
            path.display(),
            i + 1,
            call.operation.as_str()
        );
    }
    Ok(scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_file_loads_and_names_existing_queries() {
        let root = crate::workspace_root();
        let scenarios = load_all(&root.join("fixtures/scenarios")).unwrap();
        assert!(scenarios.len() >= 5);
        for s in &scenarios {
            for q in &s.queries {
                assert!(root.join("fixtures/queries").join(&q.file).is_file(), "{}: {}", s.name, q.file);
            }
        }
    }

    #[test]
    fn sources_parse() {
        assert_eq!(Source::parse("meta:tenant_id"), Some(Source::Meta("tenant_id".into())));
        assert_eq!(Source::parse("bin:1h"), Some(Source::BinHour));
        assert_eq!(Source::parse("tenant_id"), None);
    }
}
