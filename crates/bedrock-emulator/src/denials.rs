//! The recent IAM denials (`GET /_emulator/iam/denials`): for each, the request, the caller, the
//! action and resource refused, AWS's message, whether it was answered (strict) or let through
//! (soft), and the statement-by-statement explanation. The last [`KEPT`] are kept, newest last;
//! each is also logged.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;

/// How many denials are kept.
pub(crate) const KEPT: usize = 200;

/// One denial.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DenialRecord {
    pub(crate) time: String,
    pub(crate) request_id: String,
    pub(crate) service: String,
    pub(crate) operation: String,
    pub(crate) principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resource: Option<String>,
    /// `NoIdentityAllow`, `ExplicitIdentityDeny`, `SignatureDoesNotMatch`...
    pub(crate) reason: String,
    pub(crate) message: String,
    /// `true` under soft enforcement: the request went through.
    pub(crate) let_through: bool,
    /// The policies looked at, statement by statement.
    pub(crate) statements: Vec<iam_eval::StatementTrace>,
}

/// The kept denials.
#[derive(Debug, Default)]
pub(crate) struct Denials {
    recent: Mutex<VecDeque<DenialRecord>>,
}

impl Denials {
    /// Keeps `record` (dropping the oldest past [`KEPT`]) and logs it.
    pub(crate) fn push(&self, record: DenialRecord) {
        let why: Vec<String> = record
            .statements
            .iter()
            .map(|s| {
                format!(
                    "{}#{}{}: {}",
                    s.policy,
                    s.index,
                    s.sid.as_deref().map(|x| format!(" ({x})")).unwrap_or_default(),
                    s.reason
                )
            })
            .collect();
        tracing::warn!(
            request_id = %record.request_id,
            let_through = record.let_through,
            statements = %why.join("; "),
            "IAM denial: {}",
            record.message
        );
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() == KEPT {
            recent.pop_front();
        }
        recent.push_back(record);
    }

    /// The kept denials, oldest first.
    pub(crate) fn list(&self) -> Vec<DenialRecord> {
        self.recent.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }
}
