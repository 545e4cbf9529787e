//! Bedrock-style quotas (`serve --quotas FILE`, off by default): per model id (or glob)
//! `requestsPerMinute` and `tokensPerMinute`, in a sliding minute of the emulator's clock.
//! A request reserves its tokens when admitted (the caller computes them: input tokens plus
//! `maxTokens` times the model's output burndown) and settles at what it used; one that would
//! exceed a quota is refused with the quota's AWS message. The first quota whose glob matches
//! the model id as invoked applies; each model id has its own window (as each model has its own
//! quota on AWS).

mod window;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde_json::{Value, json};

use crate::glob::glob_match;
use crate::parse::RuleError;
use window::Window;

pub use window::MINUTE_MS;

/// One quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    /// The glob of model ids it applies to.
    pub model_id: String,
    pub requests_per_minute: Option<u64>,
    pub tokens_per_minute: Option<u64>,
}

/// Why a request was throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuotaExceeded {
    /// `requestsPerMinute` reached.
    #[error("Too many requests, please wait before trying again.")]
    Requests { limit: u64 },
    /// The reservation would pass `tokensPerMinute`.
    #[error("Too many tokens, please wait before trying again.")]
    Tokens { limit: u64, used: u64, asked: u64 },
}

/// An admitted request, to settle once it finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admission {
    model_id: String,
    id: u64,
}

/// The quotas and their windows.
#[derive(Debug, Default)]
pub struct Quotas {
    active: AtomicBool,
    quotas: RwLock<Arc<Vec<Quota>>>,
    windows: Mutex<HashMap<String, Window>>,
    next_id: AtomicU64,
}

impl Quotas {
    /// No quotas.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether any quota is set: the one check a call pays when none is.
    #[inline]
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// Replaces the quotas (usage so far is kept).
    pub fn replace(&self, quotas: Vec<Quota>) {
        let active = !quotas.is_empty();
        *self.quotas.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(quotas);
        self.active.store(active, Ordering::Relaxed);
    }

    fn quota_for(&self, model_id: &str) -> Option<Quota> {
        self.quotas.read().unwrap_or_else(|p| p.into_inner()).iter().find(|q| glob_match(&q.model_id, model_id)).cloned()
    }

    /// Admits a request of `model_id` reserving `tokens` at `now_ms`, or says which quota it
    /// would exceed. `Ok(None)`: no quota applies.
    pub fn admit(&self, model_id: &str, tokens: u64, now_ms: i64) -> Result<Option<Admission>, QuotaExceeded> {
        if !self.is_active() {
            return Ok(None);
        }
        let Some(quota) = self.quota_for(model_id) else { return Ok(None) };
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let window = windows.entry(model_id.to_owned()).or_default();
        window.slide(now_ms);
        if let Some(limit) = quota.requests_per_minute
            && window.requests() >= limit
        {
            return Err(QuotaExceeded::Requests { limit });
        }
        if let Some(limit) = quota.tokens_per_minute {
            let used = window.tokens();
            if used.saturating_add(tokens) > limit {
                return Err(QuotaExceeded::Tokens { limit, used, asked: tokens });
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        window.admit(id, now_ms, tokens);
        Ok(Some(Admission { model_id: model_id.to_owned(), id }))
    }

    /// Settles an admission at the tokens the request used.
    pub fn settle(&self, admission: &Admission, tokens: u64) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(window) = windows.get_mut(&admission.model_id) {
            window.settle(admission.id, tokens);
        }
    }

    /// The quotas and each model's usage in the minute before `now_ms`:
    /// `{"quotas": [...], "usage": [{"modelId", "quota", "requests", "tokens", ...limits}]}`.
    pub fn usage(&self, now_ms: i64) -> Value {
        let quotas = Arc::clone(&self.quotas.read().unwrap_or_else(|p| p.into_inner()));
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        windows.retain(|_, w| {
            w.slide(now_ms);
            !w.is_empty()
        });
        let mut usage: BTreeMap<&str, Value> = BTreeMap::new();
        for (model, w) in windows.iter() {
            let quota = quotas.iter().find(|q| glob_match(&q.model_id, model));
            usage.insert(
                model,
                json!({
                    "modelId": model,
                    "quota": quota.map(|q| q.model_id.clone()),
                    "requests": w.requests(),
                    "requestsPerMinute": quota.and_then(|q| q.requests_per_minute),
                    "tokens": w.tokens(),
                    "tokensPerMinute": quota.and_then(|q| q.tokens_per_minute),
                }),
            );
        }
        json!({
            "quotas": quotas.iter().map(quota_json).collect::<Vec<_>>(),
            "usage": usage.into_values().collect::<Vec<_>>(),
        })
    }
}

fn quota_json(q: &Quota) -> Value {
    let mut out = json!({"modelId": q.model_id});
    if let Some(n) = q.requests_per_minute {
        out["requestsPerMinute"] = n.into();
    }
    if let Some(n) = q.tokens_per_minute {
        out["tokensPerMinute"] = n.into();
    }
    out
}

/// Parses a quotas document: `{"quotas": [{"modelId", "requestsPerMinute"?, "tokensPerMinute"?}]}`.
pub fn parse_quotas(text: &[u8]) -> Result<Vec<Quota>, RuleError> {
    let doc: Value = serde_json::from_slice(text).map_err(|e| RuleError(format!("the quotas are not JSON: {e}")))?;
    let Value::Object(doc) = doc else { return Err(RuleError(r#"expected {"quotas": [...]}"#.to_owned())) };
    if let Some(key) = doc.keys().find(|k| *k != "quotas") {
        return Err(RuleError(format!("unknown field `{key}`; a quotas document has `quotas`")));
    }
    let Some(Value::Array(items)) = doc.get("quotas") else {
        return Err(RuleError(r#"quotas: expected an array ({"quotas": [...]})"#.to_owned()));
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let err = |m: String| RuleError(format!("quotas[{i}]{m}"));
            let Value::Object(map) = item else { return Err(err(": expected an object".to_owned())) };
            if let Some(key) = map.keys().find(|k| !["modelId", "requestsPerMinute", "tokensPerMinute"].contains(&k.as_str())) {
                return Err(err(format!(": unknown field `{key}`; a quota has modelId, requestsPerMinute, tokensPerMinute")));
            }
            let model_id = match map.get("modelId") {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                _ => return Err(err(".modelId: expected a model id or glob".to_owned())),
            };
            let limit = |key: &str| match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => match v.as_u64() {
                    Some(n) if n > 0 => Ok(Some(n)),
                    _ => Err(err(format!(".{key}: expected a positive integer, got {v}"))),
                },
            };
            let (requests_per_minute, tokens_per_minute) = (limit("requestsPerMinute")?, limit("tokensPerMinute")?);
            if requests_per_minute.is_none() && tokens_per_minute.is_none() {
                return Err(err(": give requestsPerMinute, tokensPerMinute or both".to_owned()));
            }
            Ok(Quota { model_id, requests_per_minute, tokens_per_minute })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_per_minute_throttle_then_recover_when_the_minute_slides() {
        let q = Quotas::new();
        q.replace(parse_quotas(br#"{"quotas": [{"modelId": "*haiku*", "requestsPerMinute": 2}]}"#).unwrap());
        let m = "anthropic.claude-3-haiku-20240307-v1:0";
        assert!(q.admit(m, 10, 0).unwrap().is_some());
        assert!(q.admit(m, 10, 10_000).unwrap().is_some());
        let err = q.admit(m, 10, 20_000).unwrap_err();
        assert_eq!(err.to_string(), "Too many requests, please wait before trying again.");
        assert!(q.admit(m, 10, 60_000).unwrap().is_some(), "the first left the minute");
        assert_eq!(q.admit("amazon.nova-lite-v1:0", 10, 0), Ok(None), "no quota");
        assert_eq!(q.usage(60_000)["usage"][0]["requests"], 2);
    }

    #[test]
    fn tokens_reserve_then_settle() {
        let q = Quotas::new();
        q.replace(parse_quotas(br#"{"quotas": [{"modelId": "m", "tokensPerMinute": 1000}]}"#).unwrap());
        let a = q.admit("m", 900, 0).unwrap().unwrap();
        assert!(matches!(q.admit("m", 200, 1), Err(QuotaExceeded::Tokens { limit: 1000, used: 900, asked: 200 })));
        q.settle(&a, 300);
        assert!(q.admit("m", 200, 2).unwrap().is_some());
        assert_eq!(
            QuotaExceeded::Tokens { limit: 1, used: 1, asked: 1 }.to_string(),
            "Too many tokens, please wait before trying again."
        );
    }

    #[test]
    fn bad_quota_documents_are_refused() {
        for (text, want) in [
            (r#"{"quotas": [{"modelId": "m"}]}"#, "give requestsPerMinute"),
            (r#"{"quotas": [{"modelId": "m", "requestsPerMinute": 0}]}"#, "quotas[0].requestsPerMinute"),
            (r#"{"quotas": [{"requestsPerMinute": 1}]}"#, "quotas[0].modelId"),
            (r#"{"quotas": [{"modelId": "m", "rpm": 1}]}"#, "unknown field `rpm`"),
            (r#"{"limits": []}"#, "unknown field `limits`"),
        ] {
            let err = parse_quotas(text.as_bytes()).unwrap_err().0;
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
