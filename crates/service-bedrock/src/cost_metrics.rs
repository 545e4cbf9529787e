//! The `EstimatedCost` metric (`serve --cost-metrics requestMetadata.<key>`): each successful
//! runtime call's cost, priced from the table the `cost` report uses (the model or inference
//! profile as invoked, the Region the request was sent to, the call's UTC day, each token kind
//! at its own price), recorded into the metric store in namespace `CustomMetrics`, unit `None`,
//! value in the table's currency: once without dimensions (the total), and once per chosen key
//! the call's request metadata carries (non-empty), with the key as the dimension's name.
//!
//! A call the table cannot price records nothing (never zero); the first such call of each
//! model id is logged as a warning with the reason. Series handles are kept per thread, as
//! Bedrock's own metrics keep theirs: a call looks its values up without a shared lock.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use metric_store::{Dimension, MetricKey, MetricStore, SeriesRef, Unit};

use crate::metrics::Succeeded;
use crate::prices::{LATENCY_OPTIMIZED, Money, ON_DEMAND, PriceTable, Tokens, Unpriced};

/// The namespace (the seed's own alarm's: `BedrockTokenUsage` lives there too).
pub const NAMESPACE: &str = "CustomMetrics";
/// The metric.
pub const METRIC: &str = "EstimatedCost";
/// What a key must start with: request metadata is the only per-call attribution a call carries.
const PREFIX: &str = "requestMetadata.";
/// A CloudWatch dimension name's longest length.
const MAX_DIMENSION_NAME: usize = 255;
/// Series handles a thread keeps per dimension before it starts over (request metadata values
/// are the caller's: a tenant id per call must not grow memory without bound).
const CACHED_VALUES_PER_DIMENSION: usize = 4096;

/// Why a `--cost-metrics` key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CostKeyError {
    #[error(
        "{0:?} is not requestMetadata.<key>: only a request metadata key can be a dimension (e.g. requestMetadata.cost_center)"
    )]
    NotRequestMetadata(String),
    #[error("{key:?}: {why}")]
    BadKey { key: String, why: &'static str },
    #[error("{0:?} is given twice")]
    Duplicate(String),
}

/// A chosen key: `requestMetadata.<name>`; `<name>` names the dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CostMetricKey {
    name: String,
}

impl CostMetricKey {
    /// The request metadata key, which is also the dimension's name (`cost_center`).
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for CostMetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}", self.name)
    }
}

impl FromStr for CostMetricKey {
    type Err = CostKeyError;

    /// `requestMetadata.<name>`, `<name>` one segment (no `.`) of the characters Bedrock allows
    /// in a metadata key that CloudWatch also takes as a dimension name: at most 255, not
    /// starting with `:`, not only whitespace.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let Some(name) = text.strip_prefix(PREFIX) else {
            return Err(CostKeyError::NotRequestMetadata(text.to_owned()));
        };
        let bad = |why| Err(CostKeyError::BadKey { key: text.to_owned(), why });
        if name.is_empty() {
            return bad("the metadata key after requestMetadata. is empty");
        }
        if name.contains('.') {
            return bad("the metadata key must be one segment (no '.'): it names the dimension");
        }
        if name.chars().count() > MAX_DIMENSION_NAME {
            return bad("a CloudWatch dimension name has at most 255 characters");
        }
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || ":_@$#=/+,-".contains(c)) {
            return bad("a request metadata key has only letters, digits, whitespace and :_@$#=/+,-");
        }
        if name.starts_with(':') {
            return bad("a CloudWatch dimension name cannot start with ':'");
        }
        if name.trim().is_empty() {
            return bad("a CloudWatch dimension name needs a character other than whitespace");
        }
        Ok(CostMetricKey { name: name.to_owned() })
    }
}

/// Parses every `--cost-metrics` value; a key given twice is refused.
pub fn parse_keys<S: AsRef<str>>(texts: &[S]) -> Result<Vec<CostMetricKey>, CostKeyError> {
    distinct(texts.iter().map(|t| t.as_ref().parse()).collect::<Result<_, _>>()?)
}

/// `keys`, refused when one is given twice.
pub fn distinct(keys: Vec<CostMetricKey>) -> Result<Vec<CostMetricKey>, CostKeyError> {
    match keys.iter().enumerate().find(|(i, k)| keys[..*i].contains(k)) {
        Some((_, twice)) => Err(CostKeyError::Duplicate(twice.to_string())),
        None => Ok(keys),
    }
}

/// What `serve --cost-metrics` sets up: the keys and the price table (`--prices` laid over the
/// embedded one).
#[derive(Debug, Clone)]
pub struct CostMetricsConfig {
    pub keys: Vec<CostMetricKey>,
    pub prices: PriceTable,
}

/// What recording one call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// The total and `dimensions` dimensioned datapoints of `cost`.
    Cost { cost: Money, dimensions: usize },
    /// Nothing: the call has no price; `warned` when this was the model id's first.
    Unpriced { reason: Unpriced, warned: bool },
}

/// The publisher.
#[derive(Debug)]
pub(crate) struct CostMetrics {
    store: Arc<MetricStore>,
    prices: PriceTable,
    keys: Vec<CostMetricKey>,
    total: SeriesRef,
    /// Model ids whose unpriced calls were warned about.
    warned: Mutex<HashSet<String>>,
}

thread_local! {
    /// Each thread's series handles: dimension name → value → handle (the handles name
    /// metrics only, so any publisher may share them).
    static SERIES: RefCell<HashMap<String, HashMap<String, SeriesRef>>> = RefCell::new(HashMap::new());
}

/// The handle of `EstimatedCost` with one dimension.
fn series(dimension: &str, value: &str) -> SeriesRef {
    SERIES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(s) = cache.get(dimension).and_then(|values| values.get(value)) {
            return Arc::clone(s);
        }
        let values = cache.entry(dimension.to_owned()).or_default();
        if values.len() >= CACHED_VALUES_PER_DIMENSION {
            values.clear();
        }
        let s = Arc::new(MetricKey::new(NAMESPACE, METRIC, vec![Dimension::new(dimension, value)]));
        values.insert(value.to_owned(), Arc::clone(&s));
        s
    })
}

impl CostMetrics {
    pub(crate) fn new(store: Arc<MetricStore>, config: CostMetricsConfig) -> Self {
        Self {
            store,
            prices: config.prices,
            keys: config.keys,
            total: Arc::new(MetricKey::new(NAMESPACE, METRIC, Vec::new())),
            warned: Mutex::new(HashSet::new()),
        }
    }

    /// Records the cost of a successful call at `at_ms` (its own time, which picks its price).
    pub(crate) fn record(&self, call: &Succeeded<'_>, at_ms: i64) -> Recorded {
        let o = call.outcome;
        let tokens = Tokens {
            input: o.input_tokens,
            output: o.output_tokens,
            cache_read: o.cache_read_tokens,
            cache_write: o.cache_write_tokens,
        };
        let tier = if call.latency_optimized { LATENCY_OPTIMIZED } else { ON_DEMAND };
        let cost = match self.prices.call_cost(call.model_id, call.region, tier, at_ms, &tokens) {
            Ok(cost) => cost,
            Err(reason) => {
                let warned = self.warn_once(call, tier, &reason);
                return Recorded::Unpriced { reason, warned };
            }
        };
        let value = cost.as_f64();
        self.store.record(&[(&self.total, value, Unit::None)], at_ms);
        let mut dimensions = 0;
        if let Some(metadata) = call.metadata {
            for key in &self.keys {
                // CloudWatch's dimension values are never empty: an empty value is no value.
                if let Some(v) = metadata.get(&key.name).filter(|v| !v.is_empty()) {
                    self.store.record(&[(&series(&key.name, v), value, Unit::None)], at_ms);
                    dimensions += 1;
                }
            }
        }
        Recorded::Cost { cost, dimensions }
    }

    /// Logs the first unpriced call of a model id; whether this was it.
    fn warn_once(&self, call: &Succeeded<'_>, tier: &str, reason: &Unpriced) -> bool {
        let first = self.warned.lock().unwrap_or_else(PoisonError::into_inner).insert(call.model_id.to_owned());
        if first {
            tracing::warn!(
                model_id = call.model_id,
                region = call.region,
                tier,
                %reason,
                "{METRIC}: calls of this model have no price in the price table and publish no cost (add one with --prices FILE); warned once per model id"
            );
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use bedrock_model::metadata::RequestMetadata;
    use metric_store::{Statistic, StatsQuery};

    use super::*;
    use crate::metrics::Outcome;

    /// 2025-12-03T10:54:00Z.
    const T: i64 = 1_764_759_240_000;
    const SONNET_45_US: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const HAIKU_3: &str = "anthropic.claude-3-haiku-20240307-v1:0";

    fn publisher(keys: &[&str]) -> (Arc<MetricStore>, CostMetrics) {
        let store = Arc::new(MetricStore::in_memory());
        let config = CostMetricsConfig { keys: parse_keys(keys).unwrap(), prices: PriceTable::embedded() };
        (Arc::clone(&store), CostMetrics::new(store, config))
    }

    fn call<'a>(model_id: &'a str, metadata: Option<&'a RequestMetadata>, outcome: &'a Outcome) -> Succeeded<'a> {
        Succeeded { model_id, region: "us-east-1", metadata, latency_optimized: false, outcome }
    }

    fn sum(store: &MetricStore, dimensions: Vec<Dimension>) -> Option<f64> {
        let key = MetricKey::new(NAMESPACE, METRIC, dimensions);
        let q = StatsQuery { key: &key, start_ms: T, end_ms: T + 60_000, period_s: 60, unit: None, need_distribution: false };
        store.query(&q, T).unwrap().first().and_then(|p| Statistic::Sum.compute(&p.merged(false)))
    }

    #[test]
    fn one_call_is_priced_per_token_kind_at_the_profile_as_invoked() {
        let (store, m) = publisher(&["requestMetadata.cost_center"]);
        // 3 input, 52 output, 1,000 cache read, 24,479 cache write on the us. profile in us-east-1:
        // 3 × 0.0033 + 52 × 0.0165 + 1000 × 0.00033 + 24479 × 0.004125, per 1,000.
        let o = Outcome {
            input_tokens: 3,
            output_tokens: 52,
            cache_read_tokens: 1000,
            cache_write_tokens: 24_479,
            ..Outcome::default()
        };
        let meta = RequestMetadata::from_pairs([("cost_center", "CS-100"), ("tenant_id", "t-1")]);
        let recorded = m.record(&call(SONNET_45_US, Some(&meta), &o), T);
        let Recorded::Cost { cost, dimensions } = recorded else { panic!("{recorded:?}") };
        assert_eq!((cost.to_string(), dimensions), ("0.102173775".to_owned(), 1));
        // The global profile of the same model: 1/1.1 of the Region's price.
        let global = m.record(&call("global.anthropic.claude-sonnet-4-5-20250929-v1:0", None, &o), T);
        assert_eq!(global, Recorded::Cost { cost: money("0.09288525"), dimensions: 0 });
        close(sum(&store, vec![Dimension::new("cost_center", "CS-100")]), 0.102173775);
        close(sum(&store, Vec::new()), 0.102173775 + 0.09288525);
        assert_eq!(sum(&store, vec![Dimension::new("tenant_id", "t-1")]), None, "only the chosen keys are dimensions");
    }

    #[test]
    fn calls_without_the_key_count_in_the_total_only() {
        let (store, m) = publisher(&["requestMetadata.cost_center", "requestMetadata.tenant_id"]);
        let o = Outcome { input_tokens: 1000, output_tokens: 1000, ..Outcome::default() };
        let both = RequestMetadata::from_pairs([("tenant_id", "t-1"), ("cost_center", "ENG-200")]);
        let empty = RequestMetadata::from_pairs([("cost_center", "")]);
        assert_eq!(m.record(&call(HAIKU_3, Some(&both), &o), T), Recorded::Cost { cost: money("0.0015"), dimensions: 2 });
        assert_eq!(m.record(&call(HAIKU_3, Some(&empty), &o), T), Recorded::Cost { cost: money("0.0015"), dimensions: 0 });
        assert_eq!(m.record(&call(HAIKU_3, None, &o), T), Recorded::Cost { cost: money("0.0015"), dimensions: 0 });
        close(sum(&store, Vec::new()), 0.0045);
        close(sum(&store, vec![Dimension::new("cost_center", "ENG-200")]), 0.0015);
        close(sum(&store, vec![Dimension::new("tenant_id", "t-1")]), 0.0015);
        assert_eq!(sum(&store, vec![Dimension::new("cost_center", "")]), None);
    }

    #[test]
    fn a_call_without_a_price_records_nothing_and_warns_once_per_model() {
        let (store, m) = publisher(&["requestMetadata.cost_center"]);
        let meta = RequestMetadata::from_pairs([("cost_center", "CS-100")]);
        // Claude 3 Haiku has no cache-read price in the table: never priced at zero.
        let cached = Outcome { input_tokens: 10, cache_read_tokens: 5, ..Outcome::default() };
        let first = m.record(&call(HAIKU_3, Some(&meta), &cached), T);
        assert_eq!(
            first,
            Recorded::Unpriced {
                reason: Unpriced::UnknownKind { kind: "cache read", effective_from: "2024-03-13".into() },
                warned: true
            }
        );
        assert!(matches!(m.record(&call(HAIKU_3, Some(&meta), &cached), T), Recorded::Unpriced { warned: false, .. }));
        let o = Outcome { input_tokens: 10, ..Outcome::default() };
        let unknown = m.record(&call("acme.private-model-v1:0", Some(&meta), &o), T);
        assert_eq!(unknown, Recorded::Unpriced { reason: Unpriced::UnknownModel, warned: true });
        let elsewhere = Succeeded { region: "eu-west-3", ..call(HAIKU_3, Some(&meta), &o) };
        assert!(matches!(m.record(&elsewhere, T), Recorded::Unpriced { reason: Unpriced::NoRegion, warned: false }));
        // Latency-optimized calls pay that tier, which Claude 3 Haiku does not have in us-east-1.
        let optimized = Succeeded { latency_optimized: true, ..call(HAIKU_3, Some(&meta), &o) };
        assert!(matches!(m.record(&optimized, T), Recorded::Unpriced { reason: Unpriced::NoTier, .. }));
        assert_eq!(sum(&store, Vec::new()), None);
        assert_eq!(sum(&store, vec![Dimension::new("cost_center", "CS-100")]), None);
    }

    #[test]
    fn only_request_metadata_keys_are_accepted() {
        let key: CostMetricKey = "requestMetadata.cost_center".parse().unwrap();
        assert_eq!((key.name(), key.to_string().as_str()), ("cost_center", "requestMetadata.cost_center"));
        let refused = |text: &str| text.parse::<CostMetricKey>().unwrap_err().to_string();
        assert!(refused("cost_center").contains("only a request metadata key can be a dimension"), "{}", refused("cost_center"));
        assert!(refused("identity.arn").contains("is not requestMetadata.<key>"));
        assert!(refused("requestMetadata.").contains("is empty"));
        assert!(refused("requestMetadata.a.b").contains("one segment"));
        assert!(refused("requestMetadata.cost*center").contains("only letters, digits"));
        assert!(refused("requestMetadata.:x").contains("cannot start with ':'"));
        assert!(refused("requestMetadata.  ").contains("other than whitespace"));
        assert!(refused(&format!("requestMetadata.{}", "k".repeat(256))).contains("at most 255"));
        assert!("requestMetadata.team-name@v2".parse::<CostMetricKey>().is_ok());
        let twice = parse_keys(&["requestMetadata.a", "requestMetadata.b", "requestMetadata.a"]).unwrap_err();
        assert_eq!(twice, CostKeyError::Duplicate("requestMetadata.a".into()));
    }

    fn close(got: Option<f64>, want: f64) {
        let got = got.expect("a datapoint");
        assert!((got - want).abs() < 1e-15, "{got} != {want}");
    }

    fn money(text: &str) -> Money {
        Money::from_decimal(text.parse().unwrap()).unwrap()
    }
}
