//! Bedrock's runtime metrics, published to the shared metric store as Bedrock publishes them to
//! CloudWatch (namespace `AWS/Bedrock`, dimension `ModelId`, ../shared/reference/account-and-monitoring.md §2):
//! per successful call `Invocations`, `InvocationLatency`, `InputTokenCount`,
//! `OutputTokenCount`, `CacheReadInputTokens`, `CacheWriteInputTokens` (0 without caching),
//! `EstimatedTPMQuotaUsage` (input + cache writes + output × the model's burndown) and, for the
//! streams, `TimeToFirstToken`; per failed call `InvocationThrottles` (throttling, nothing else),
//! `InvocationServerErrors` and `Invocations` (a failure after the request was accepted: 5xx, a
//! model error, stream error or timeout, a dropped stream), or `InvocationClientErrors` (refused before
//! processing, not an invocation); per delivered record `ModelInvocationLogsCloudWatchDelivery*`
//! and `ModelInvocationLogsS3Delivery*` (no dimension).
//!
//! The `ModelId` is the id as invoked (an inference profile's id for a profile call); ids the
//! catalog does not know publish nothing. Samples go to the store's per-thread buffer (no lock
//! every request shares, no disk on the request path); the store flushes them every second.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use bedrock_model::error::{ErrorCode, ServiceError};
use metric_store::{Dimension, MetricKey, MetricStore, SeriesRef, Unit};

/// The namespace.
pub const NAMESPACE: &str = "AWS/Bedrock";

/// What a successful call reports.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
    pub(crate) cache_read_tokens: u64,
    pub(crate) cache_write_tokens: u64,
    pub(crate) latency_ms: u64,
    /// Streams only.
    pub(crate) time_to_first_token_ms: Option<u64>,
}

/// A successful call as its metrics need it: Bedrock's (the model as invoked and the outcome)
/// and, under `--cost-metrics`, its cost's (the Region, the tier, the request metadata).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Succeeded<'a> {
    /// The model id as invoked (an inference profile's id for a profile call).
    pub(crate) model_id: &'a str,
    /// The Region the request was sent to.
    pub(crate) region: &'a str,
    /// `requestMetadata` (Converse) or `X-Amzn-Bedrock-Request-Metadata` (InvokeModel).
    pub(crate) metadata: Option<&'a bedrock_model::metadata::RequestMetadata>,
    /// Whether the call asked for `performanceConfig.latency` `optimized`.
    pub(crate) latency_optimized: bool,
    pub(crate) outcome: &'a Outcome,
}

/// Where a record was delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destination {
    CloudWatch,
    S3,
}

/// The series of one model id.
#[derive(Debug)]
struct ModelSeries {
    invocations: SeriesRef,
    latency: SeriesRef,
    client_errors: SeriesRef,
    server_errors: SeriesRef,
    throttles: SeriesRef,
    input_tokens: SeriesRef,
    output_tokens: SeriesRef,
    cache_read: SeriesRef,
    cache_write: SeriesRef,
    ttft: SeriesRef,
    tpm: SeriesRef,
    /// The output-token burndown of the model (5 for Claude Opus 4 / Sonnet 4 / 3.7 Sonnet).
    burndown: f64,
}

/// Bedrock's metric publisher.
#[derive(Debug)]
pub(crate) struct RuntimeMetrics {
    store: Arc<MetricStore>,
    delivery: [SeriesRef; 4],
}

thread_local! {
    /// Each thread's series handles per model id: a request looks its model up without a lock
    /// (the handles name metrics only, so any publisher may share them).
    static SERIES: RefCell<HashMap<String, Arc<ModelSeries>>> = RefCell::new(HashMap::new());
}

fn series(name: &str, model_id: Option<&str>) -> SeriesRef {
    let dims = model_id.map(|m| vec![Dimension::new("ModelId", m)]).unwrap_or_default();
    Arc::new(MetricKey::new(NAMESPACE, name, dims))
}

/// The output burndown rate of a model id (../shared/reference/account-and-monitoring.md §2, [DOC-BURN]).
pub(crate) fn burndown(model_id: &str) -> f64 {
    const FIVE_TIMES: [&str; 3] = ["claude-opus-4", "claude-sonnet-4", "claude-3-7-sonnet"];
    if FIVE_TIMES.iter().any(|m| model_id.contains(m)) { 5.0 } else { 1.0 }
}

impl RuntimeMetrics {
    pub(crate) fn new(store: Arc<MetricStore>) -> Self {
        Self {
            store,
            delivery: [
                series("ModelInvocationLogsCloudWatchDeliverySuccess", None),
                series("ModelInvocationLogsCloudWatchDeliveryFailure", None),
                series("ModelInvocationLogsS3DeliverySuccess", None),
                series("ModelInvocationLogsS3DeliveryFailure", None),
            ],
        }
    }

    fn model(&self, model_id: &str) -> Arc<ModelSeries> {
        SERIES.with(|cache| {
            if let Some(m) = cache.borrow().get(model_id) {
                return Arc::clone(m);
            }
            let m = Self::new_model(model_id);
            cache.borrow_mut().insert(model_id.to_owned(), Arc::clone(&m));
            m
        })
    }

    fn new_model(model_id: &str) -> Arc<ModelSeries> {
        Arc::new(ModelSeries {
            invocations: series("Invocations", Some(model_id)),
            latency: series("InvocationLatency", Some(model_id)),
            client_errors: series("InvocationClientErrors", Some(model_id)),
            server_errors: series("InvocationServerErrors", Some(model_id)),
            throttles: series("InvocationThrottles", Some(model_id)),
            input_tokens: series("InputTokenCount", Some(model_id)),
            output_tokens: series("OutputTokenCount", Some(model_id)),
            cache_read: series("CacheReadInputTokens", Some(model_id)),
            cache_write: series("CacheWriteInputTokens", Some(model_id)),
            ttft: series("TimeToFirstToken", Some(model_id)),
            tpm: series("EstimatedTPMQuotaUsage", Some(model_id)),
            burndown: burndown(model_id),
        })
    }

    /// A successful call of `model_id` at `now_ms`.
    pub(crate) fn success(&self, model_id: &str, o: &Outcome, now_ms: i64) {
        let m = self.model(model_id);
        let tpm = o.input_tokens as f64 + o.cache_write_tokens as f64 + o.output_tokens as f64 * m.burndown;
        // A fixed array, not a Vec: no allocation per call.
        let samples = [
            (&m.invocations, 1.0, Unit::Count),
            (&m.latency, o.latency_ms as f64, Unit::Milliseconds),
            (&m.input_tokens, o.input_tokens as f64, Unit::Count),
            (&m.output_tokens, o.output_tokens as f64, Unit::Count),
            (&m.cache_read, o.cache_read_tokens as f64, Unit::Count),
            (&m.cache_write, o.cache_write_tokens as f64, Unit::Count),
            (&m.tpm, tpm, Unit::Count),
            (&m.ttft, o.time_to_first_token_ms.unwrap_or(0) as f64, Unit::Milliseconds),
        ];
        let n = if o.time_to_first_token_ms.is_some() { 8 } else { 7 };
        self.store.record(&samples[..n], now_ms);
    }

    /// A failed call of `model_id` at `now_ms`.
    pub(crate) fn failure(&self, model_id: &str, failure: Failure, now_ms: i64) {
        let m = self.model(model_id);
        match failure {
            Failure::Throttled => self.store.record(&[(&m.throttles, 1.0, Unit::Count)], now_ms),
            Failure::Server => {
                self.store.record(&[(&m.server_errors, 1.0, Unit::Count), (&m.invocations, 1.0, Unit::Count)], now_ms)
            }
            Failure::Client => self.store.record(&[(&m.client_errors, 1.0, Unit::Count)], now_ms),
        }
    }

    /// One record delivered (or not) to `destination`.
    pub(crate) fn delivery(&self, destination: Destination, ok: bool, now_ms: i64) {
        let index = match (destination, ok) {
            (Destination::CloudWatch, true) => 0,
            (Destination::CloudWatch, false) => 1,
            (Destination::S3, true) => 2,
            (Destination::S3, false) => 3,
        };
        self.store.record(&[(&self.delivery[index], 1.0, Unit::Count)], now_ms);
    }
}

/// Which error metric a failure counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    Throttled,
    /// Accepted, then failed on Bedrock's side: also an invocation.
    Server,
    /// Refused before processing.
    Client,
}

impl Failure {
    /// How a Bedrock error counts.
    pub(crate) fn of(err: &ServiceError) -> Self {
        classify(err.code)
    }

    /// How an error a fault rule injected counts: a Bedrock code as Bedrock's, any other
    /// (a common error) throttling by name, else by its status.
    pub(crate) fn of_aws(err: &aws_protocol::AwsError) -> Self {
        match ErrorCode::from_name(&err.code) {
            Some(code) => classify(code),
            None if err.code.contains("Throttl") => Failure::Throttled,
            None if err.status >= 500 => Failure::Server,
            None => Failure::Client,
        }
    }
}

pub(crate) fn classify(code: ErrorCode) -> Failure {
    match code {
        ErrorCode::ThrottlingException => Failure::Throttled,
        ErrorCode::ModelErrorException
        | ErrorCode::ModelStreamErrorException
        | ErrorCode::ModelTimeoutException
        | ErrorCode::ModelNotReadyException => Failure::Server,
        c if c.http_status() >= 500 => Failure::Server,
        _ => Failure::Client,
    }
}

#[cfg(test)]
mod tests {
    use metric_store::{Statistic, StatsQuery};

    use super::*;

    #[test]
    fn successes_and_failures_land_in_their_metrics() {
        let store = Arc::new(MetricStore::in_memory());
        let m = RuntimeMetrics::new(Arc::clone(&store));
        let t = 1_764_759_240_000;
        let o = Outcome { input_tokens: 10, output_tokens: 4, latency_ms: 132, ..Outcome::default() };
        m.success("us.anthropic.claude-sonnet-4-20250514-v1:0", &o, t);
        let fail = |err: ServiceError| m.failure("us.anthropic.claude-sonnet-4-20250514-v1:0", Failure::of(&err), t);
        fail(ServiceError::new(ErrorCode::ThrottlingException, "slow"));
        fail(ServiceError::validation("bad"));
        fail(ServiceError::new(ErrorCode::ModelErrorException, "x"));
        assert_eq!(Failure::of_aws(&aws_protocol::AwsError::new("Throttling", 400, "")), Failure::Throttled);
        assert_eq!(Failure::of_aws(&aws_protocol::AwsError::new("InternalFailure", 500, "")), Failure::Server);
        let sum = |name: &str| {
            let key =
                MetricKey::new(NAMESPACE, name, vec![Dimension::new("ModelId", "us.anthropic.claude-sonnet-4-20250514-v1:0")]);
            let q = StatsQuery { key: &key, start_ms: t, end_ms: t + 60_000, period_s: 60, unit: None, need_distribution: false };
            store.query(&q, t).unwrap().first().and_then(|p| Statistic::Sum.compute(&p.merged(false)))
        };
        assert_eq!(sum("Invocations"), Some(2.0), "the success and the server error");
        assert_eq!(sum("InvocationThrottles"), Some(1.0));
        assert_eq!(sum("InvocationClientErrors"), Some(1.0));
        assert_eq!(sum("InvocationServerErrors"), Some(1.0));
        assert_eq!(sum("EstimatedTPMQuotaUsage"), Some(30.0), "10 + 4 × 5");
        assert_eq!(sum("CacheReadInputTokens"), Some(0.0));
        assert_eq!(sum("TimeToFirstToken"), None);
    }
}
