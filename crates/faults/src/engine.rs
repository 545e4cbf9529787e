//! The fault engine: the rule set (replaced, appended to and removed from at run time), the
//! decision for one call (the first rule that selects the call and fires), and the record of
//! what was injected. With no rules, [`FaultEngine::is_active`] is one relaxed atomic load and
//! nothing else runs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::{Value, json};

use crate::decision::{Injection, Outcome, StreamEnd, StreamFault};
use crate::injected::{Injected, InjectionLog};
use crate::messages::default_message;
use crate::parse::RulesDocument;
use crate::random::Draws;
use crate::rule::{Facts, Rule};

/// The rules in force.
#[derive(Debug, Default)]
struct RuleSet {
    seed: u64,
    rules: Vec<Arc<Rule>>,
}

/// Rules, decisions and the record of injections.
#[derive(Debug, Default)]
pub struct FaultEngine {
    active: AtomicBool,
    rules: RwLock<Arc<RuleSet>>,
    draws: Draws,
    log: InjectionLog,
}

/// The call an injection is recorded under.
#[derive(Debug, Clone, Copy)]
pub struct CallId<'a> {
    pub request_id: &'a str,
    /// Epoch ms on the emulator's clock.
    pub now_ms: i64,
}

impl FaultEngine {
    /// An engine without rules.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether any rule is in force: the one check a call pays when there is none.
    #[inline]
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    fn current(&self) -> Arc<RuleSet> {
        Arc::clone(&self.rules.read().unwrap_or_else(|p| p.into_inner()))
    }

    fn install(&self, set: RuleSet) {
        let active = !set.rules.is_empty();
        *self.rules.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(set);
        self.active.store(active, Ordering::Relaxed);
    }

    /// Replaces every rule (and restarts the probability draws from the document's seed);
    /// clears the record of injections.
    pub fn replace(&self, doc: RulesDocument) {
        let seed = doc.seed.unwrap_or(0);
        self.draws.reseed(seed);
        self.log.clear();
        self.install(RuleSet { seed, rules: doc.rules.into_iter().map(Arc::new).collect() });
    }

    /// Appends rules after those in force (their counters kept).
    pub fn append(&self, doc: RulesDocument) {
        let current = self.current();
        let mut rules = current.rules.clone();
        rules.extend(doc.rules.into_iter().map(Arc::new));
        let seed = doc.seed.unwrap_or(current.seed);
        if doc.seed.is_some() {
            self.draws.reseed(seed);
        }
        self.install(RuleSet { seed, rules });
    }

    /// Removes the rules equal (as given) to those of `doc`, or every rule when `doc` has none;
    /// returns how many were removed.
    pub fn remove(&self, doc: Option<RulesDocument>) -> usize {
        let current = self.current();
        let kept: Vec<Arc<Rule>> = match &doc {
            None => Vec::new(),
            Some(doc) if doc.rules.is_empty() => Vec::new(),
            Some(doc) => current.rules.iter().filter(|r| !doc.rules.iter().any(|d| d.given == r.given)).cloned().collect(),
        };
        let removed = current.rules.len() - kept.len();
        self.install(RuleSet { seed: current.seed, rules: kept });
        removed
    }

    /// The rules with their counters, and the recent injections:
    /// `{"seed": n, "rules": [{..., "fired": n}], "injected": [...]}`.
    pub fn listing(&self) -> Value {
        let set = self.current();
        json!({
            "seed": set.seed,
            "rules": set.rules.iter().map(|r| r.listing()).collect::<Vec<_>>(),
            "injected": self.log.list(),
        })
    }

    /// The recent injections, oldest first.
    pub fn injected(&self) -> Vec<Injected> {
        self.log.list()
    }

    /// The injection for one call: the first rule that selects it and fires (a spent `count`
    /// rule, or a probability that did not come up, lets the next rule decide). Records it.
    pub fn decide(&self, facts: &Facts<'_>, call: CallId<'_>) -> Option<Injection> {
        if !self.is_active() {
            return None;
        }
        let set = self.current();
        let mut metadata: Option<Option<BTreeMap<String, String>>> = None;
        let mut get_metadata = || metadata.get_or_insert_with(|| (facts.request_metadata)()).clone();
        for (index, rule) in set.rules.iter().enumerate() {
            if rule.spent() {
                continue;
            }
            let Some(selected) = rule.selects(facts, &mut get_metadata) else { continue };
            if !rule.trigger(|| self.draws.draw()) {
                continue;
            }
            let message = |shape: &str, stream: bool| {
                rule.effect.message.clone().unwrap_or_else(|| default_message(facts.service, shape, stream, index))
            };
            let outcome = match (&rule.effect.stream, selected.error) {
                (Some(stream), None) if stream.disconnect => {
                    Outcome::Stream(StreamFault { after_chunks: stream.after_chunks, end: StreamEnd::Disconnect })
                }
                (Some(stream), Some(error)) => Outcome::Stream(StreamFault {
                    after_chunks: stream.after_chunks,
                    end: StreamEnd::Exception(error.to_aws_error(message(&error.shape, true))),
                }),
                (None, Some(error)) => Outcome::Fail(error.to_aws_error(message(&error.shape, false))),
                _ => Outcome::Proceed,
            };
            let injection = Injection { rule: index, latency_ms: rule.effect.latency_ms, outcome };
            self.log.push(record(facts, call, &injection));
            return Some(injection);
        }
        None
    }
}

/// The log entry of an injection.
fn record(facts: &Facts<'_>, call: CallId<'_>, injection: &Injection) -> Injected {
    let (effect, error, after_chunks) = match &injection.outcome {
        Outcome::Proceed => ("latency", None, None),
        Outcome::Fail(e) => ("error", Some(e.code.to_string()), None),
        Outcome::Stream(StreamFault { after_chunks, end: StreamEnd::Exception(e) }) => {
            ("exception", Some(e.code.to_string()), Some(*after_chunks))
        }
        Outcome::Stream(StreamFault { after_chunks, end: StreamEnd::Disconnect }) => ("disconnect", None, Some(*after_chunks)),
    };
    Injected {
        at_ms: call.now_ms,
        rule: injection.rule,
        request_id: call.request_id.to_owned(),
        service: facts.service.model_stem().to_owned(),
        operation: facts.operation.to_owned(),
        model_id: facts.model_id.map(str::to_owned),
        effect,
        error,
        latency_ms: injection.latency_ms,
        after_chunks,
    }
}

#[cfg(test)]
mod tests {
    use aws_protocol::ServiceId;

    use super::*;
    use crate::parse::parse_rules;

    fn engine(doc: &str) -> FaultEngine {
        let e = FaultEngine::new();
        e.replace(parse_rules(doc.as_bytes()).expect("valid"));
        e
    }

    fn converse<'a>(model: &'a str, meta: &'a dyn Fn() -> Option<BTreeMap<String, String>>) -> Facts<'a> {
        Facts { service: ServiceId::BedrockRuntime, operation: "Converse", model_id: Some(model), request_metadata: meta }
    }

    const CALL: CallId<'static> = CallId { request_id: "r", now_ms: 0 };

    #[test]
    fn count_then_success_and_the_record() {
        let e = engine(r#"{"rules": [{"operation": "Converse", "count": 2, "error": "ThrottlingException"}]}"#);
        let none = || None;
        let facts = converse("anthropic.claude-3-haiku-20240307-v1:0", &none);
        for _ in 0..2 {
            let Some(Injection { outcome: Outcome::Fail(err), .. }) = e.decide(&facts, CALL) else { panic!("throttled") };
            assert_eq!((err.code.as_ref(), err.status), ("ThrottlingException", 429));
            assert_eq!(err.message, "Too many requests, please wait before trying again.");
        }
        assert_eq!(e.decide(&facts, CALL), None, "spent");
        let listing = e.listing();
        assert_eq!(listing["rules"][0]["fired"], 2);
        assert_eq!(listing["rules"][0]["remaining"], 0);
        assert_eq!(listing["injected"].as_array().map(Vec::len), Some(2));
        assert!(FaultEngine::new().decide(&facts, CALL).is_none());
        assert!(!FaultEngine::new().is_active());
    }

    #[test]
    fn metadata_model_and_every_select() {
        let e = engine(
            r#"{"rules": [
                {"requestMetadata": {"tenant_id": "tenant-b"}, "error": "ThrottlingException"},
                {"modelId": "*nova*", "every": 2, "error": "ServiceUnavailableException"}
            ]}"#,
        );
        let tenant_b = || Some(BTreeMap::from([("tenant_id".to_owned(), "tenant-b".to_owned())]));
        let tenant_a = || Some(BTreeMap::from([("tenant_id".to_owned(), "tenant-a".to_owned())]));
        assert!(e.decide(&converse("m", &tenant_b), CALL).is_some());
        assert!(e.decide(&converse("m", &tenant_a), CALL).is_none());
        let nova = converse("us.amazon.nova-lite-v1:0", &tenant_a);
        let fired: Vec<bool> = (0..4).map(|_| e.decide(&nova, CALL).is_some()).collect();
        assert_eq!(fired, [false, true, false, true]);
    }

    #[test]
    fn errors_apply_only_where_the_operation_can_return_them() {
        let e = engine(r#"{"rules": [{"error": "ModelTimeoutException"}]}"#);
        let none = || None;
        let count_tokens = Facts { operation: "CountTokens", ..converse("m", &none) };
        assert!(e.decide(&count_tokens, CALL).is_none());
        assert!(e.decide(&converse("m", &none), CALL).is_some());
    }

    #[test]
    fn stream_rules_and_probability() {
        let e = engine(r#"{"rules": [{"operation": "ConverseStream", "afterChunks": 2, "error": "throttlingException"}]}"#);
        let none = || None;
        let stream = Facts { operation: "ConverseStream", ..converse("m", &none) };
        let Some(Injection { outcome: Outcome::Stream(fault), .. }) = e.decide(&stream, CALL) else { panic!("stream fault") };
        assert_eq!(fault.after_chunks, 2);
        let StreamEnd::Exception(err) = fault.end else { panic!("exception") };
        assert_eq!(err.event_stream_name(), "throttlingException");
        assert_eq!(err.message, "Too many tokens, please wait before trying again.");

        let e = engine(r#"{"seed": 1, "rules": [{"probability": 0.3, "latencyMs": 5}]}"#);
        let n = (0..1000).filter(|_| e.decide(&converse("m", &none), CALL).is_some()).count();
        assert!((200..400).contains(&n), "{n}");
    }

    #[test]
    fn append_and_remove() {
        let e = engine(r#"{"rules": [{"latencyMs": 5}]}"#);
        e.append(parse_rules(br#"{"rules": [{"error": "ThrottlingException"}]}"#).unwrap());
        assert_eq!(e.listing()["rules"].as_array().map(Vec::len), Some(2));
        assert_eq!(e.remove(Some(parse_rules(br#"{"rules": [{"latencyMs": 5}]}"#).unwrap())), 1);
        assert_eq!(e.listing()["rules"][0]["error"], "ThrottlingException");
        assert_eq!(e.remove(None), 1);
        assert!(!e.is_active());
    }
}
