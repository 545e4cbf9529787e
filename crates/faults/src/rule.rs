//! A fault rule as the engine holds it: what it selects (service, operation, model id glob,
//! request metadata subset), when it fires (always, the first `count` matches, every `every`th,
//! or with a probability), what it does (an error, a latency, a mid-stream end), and its
//! counters. Rules are built by `parse.rs`, which refuses any rule that can never match.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_protocol::ServiceId;
use aws_protocol::tables::{self, ModelError};

use crate::glob::glob_match;

/// What a call looks like to the rules.
pub struct Facts<'a> {
    pub service: ServiceId,
    /// The operation, as the model spells it.
    pub operation: &'a str,
    /// The `{modelId}` label (Bedrock runtime), percent-decoded.
    pub model_id: Option<&'a str>,
    /// The request's `requestMetadata` (Converse body, InvokeModel header), computed only when a
    /// rule asks for it.
    pub request_metadata: &'a dyn Fn() -> Option<BTreeMap<String, String>>,
}

impl std::fmt::Debug for Facts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Facts")
            .field("service", &self.service)
            .field("operation", &self.operation)
            .field("model_id", &self.model_id)
            .finish_non_exhaustive()
    }
}

/// When a matching rule fires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Trigger {
    /// Every matching call.
    Always,
    /// The first `n` matching calls, then never (the rule is spent).
    Count(u64),
    /// Every `n`th matching call (the `n`th, the `2n`th...).
    Every(u64),
    /// Each matching call with this probability (the engine's seeded draws).
    Probability(f64),
}

/// A mid-stream end: after `after_chunks` event frames, an exception frame or a dropped
/// connection.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StreamSpec {
    pub(crate) after_chunks: usize,
    pub(crate) disconnect: bool,
}

/// What a firing rule does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Effect {
    /// The error's name as given (shape name, awsQuery code, or stream member name).
    pub(crate) error: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) latency_ms: u64,
    pub(crate) stream: Option<StreamSpec>,
}

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// The rule as given (listed back, and compared by DELETE).
    pub(crate) given: serde_json::Map<String, serde_json::Value>,
    pub(crate) service: Option<ServiceId>,
    pub(crate) operation: Option<String>,
    pub(crate) model_id: Option<String>,
    pub(crate) request_metadata: Option<BTreeMap<String, String>>,
    pub(crate) trigger: Trigger,
    pub(crate) effect: Effect,
    /// Matching calls seen (drives `count` and `every`).
    pub(crate) matched: AtomicU64,
    /// Times the rule fired.
    pub(crate) fired: AtomicU64,
}

/// The operations whose input carries `requestMetadata` (bedrock-runtime: the Converse body,
/// the InvokeModel `X-Amzn-Bedrock-Request-Metadata` header).
pub(crate) const METADATA_OPERATIONS: [&str; 4] = ["Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream"];

impl Rule {
    /// Whether the rule's selectors match the call (triggers aside), and the error it would
    /// answer there (`None` for a rule without one).
    pub(crate) fn selects(
        &self,
        facts: &Facts<'_>,
        metadata: &mut dyn FnMut() -> Option<BTreeMap<String, String>>,
    ) -> Option<Selected> {
        if self.service.is_some_and(|s| s != facts.service) || self.operation.as_deref().is_some_and(|o| o != facts.operation) {
            return None;
        }
        if let Some(pattern) = &self.model_id
            && !facts.model_id.is_some_and(|m| glob_match(pattern, m))
        {
            return None;
        }
        let error = match self.applicable_error(facts.service, facts.operation) {
            Applicable::Yes(error) => error,
            Applicable::No => return None,
        };
        if let Some(wanted) = &self.request_metadata {
            let have = metadata()?;
            if !wanted.iter().all(|(k, pattern)| have.get(k).is_some_and(|v| glob_match(pattern, v))) {
                return None;
            }
        }
        Some(Selected { error })
    }

    /// The error this rule answers on `operation` of `service`; `No` where the operation cannot
    /// return it (or is not a stream, for a mid-stream rule).
    pub(crate) fn applicable_error(&self, service: ServiceId, operation: &str) -> Applicable {
        if let Some(stream) = &self.effect.stream {
            let declared = tables::operation_errors(service, operation);
            if declared.stream_exceptions.is_empty() {
                return Applicable::No;
            }
            if stream.disconnect {
                return Applicable::Yes(None);
            }
            let Some(name) = &self.effect.error else { return Applicable::No };
            let Some(found) = declared.stream_exceptions.iter().find(|e| e.shape == *name || e.member == *name) else {
                return Applicable::No;
            };
            let shape = found.shape.clone();
            // The exception shape is a modelled error of the service (its status is not sent).
            let error = tables::find_error(service, operation, &shape).unwrap_or(ModelError {
                shape,
                status: 400,
                fault: aws_protocol::Fault::Sender,
                query_code: None,
            });
            return Applicable::Yes(Some(error));
        }
        match &self.effect.error {
            None => Applicable::Yes(None),
            Some(name) => match tables::find_error(service, operation, name) {
                Some(error) => Applicable::Yes(Some(error)),
                None => Applicable::No,
            },
        }
    }

    /// Counts a match and says whether the rule fires for it (`draw`: a uniform number in
    /// [0, 1), taken only for a probability).
    pub(crate) fn trigger(&self, draw: impl FnOnce() -> f64) -> bool {
        let n = self.matched.fetch_add(1, Ordering::Relaxed) + 1;
        let fire = match self.trigger {
            Trigger::Always => true,
            Trigger::Count(limit) => n <= limit,
            Trigger::Every(every) => n.is_multiple_of(every),
            Trigger::Probability(p) => draw() < p,
        };
        if fire {
            self.fired.fetch_add(1, Ordering::Relaxed);
        }
        fire
    }

    /// Whether a `count` rule has fired all its times.
    pub(crate) fn spent(&self) -> bool {
        matches!(self.trigger, Trigger::Count(limit) if self.matched.load(Ordering::Relaxed) >= limit)
    }

    /// The rule as listed: as given, with how many times it fired (and, for `count`, how many
    /// remain).
    pub(crate) fn listing(&self) -> serde_json::Value {
        let mut out = self.given.clone();
        let fired = self.fired.load(Ordering::Relaxed);
        out.insert("fired".to_owned(), fired.into());
        if let Trigger::Count(limit) = self.trigger {
            out.insert("remaining".to_owned(), limit.saturating_sub(self.matched.load(Ordering::Relaxed)).into());
        }
        serde_json::Value::Object(out)
    }
}

/// Whether a rule's error fits an operation.
#[derive(Debug)]
pub(crate) enum Applicable {
    /// Yes, with this error (`None`: the rule has no error).
    Yes(Option<ModelError>),
    No,
}

/// A rule that selects a call, with the error it would answer.
#[derive(Debug)]
pub(crate) struct Selected {
    pub(crate) error: Option<ModelError>,
}
