//! The record of what was injected: the most recent injections (which rule, which call, what it
//! did, when on the emulator's clock), listed by `GET /_emulator/faults`.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;

/// How many injections are kept.
pub(crate) const KEPT: usize = 1000;

/// One injection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Injected {
    /// Epoch ms on the emulator's clock.
    pub at_ms: i64,
    pub rule: usize,
    pub request_id: String,
    pub service: String,
    pub operation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
    /// `error`, `latency`, `exception` (mid-stream) or `disconnect`.
    pub effect: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "is_zero")]
    pub latency_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_chunks: Option<usize>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The most recent [`KEPT`] injections, oldest first.
#[derive(Debug, Default)]
pub(crate) struct InjectionLog {
    entries: Mutex<VecDeque<Injected>>,
}

impl InjectionLog {
    pub(crate) fn push(&self, entry: Injected) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() == KEPT {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn list(&self) -> Vec<Injected> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}
