//! Request ids. Real ones are random UUIDs; tests inject a sequential generator so responses
//! and records are exact.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A source of request ids (`x-amzn-RequestId`, the record's `requestId`).
pub trait IdGen: Send + Sync + std::fmt::Debug {
    /// A fresh request id in UUID form.
    fn request_id(&self) -> String;
}

/// Shared handle to an id generator.
pub type SharedIds = Arc<dyn IdGen>;

/// Random version-4 UUIDs, as AWS sends.
#[derive(Debug, Default)]
pub struct RandomIds;

impl IdGen for RandomIds {
    fn request_id(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

/// Deterministic UUID-shaped ids: `00000000-0000-4000-8000-000000000001`, `...0002`, ...
#[derive(Debug, Default)]
pub struct SequentialIds {
    next: AtomicU64,
}

impl IdGen for SequentialIds {
    fn request_id(&self) -> String {
        let n = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        format!("00000000-0000-4000-8000-{n:012x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_ids_count_up_in_uuid_form() {
        let ids = SequentialIds::default();
        assert_eq!(ids.request_id(), "00000000-0000-4000-8000-000000000001");
        assert_eq!(ids.request_id(), "00000000-0000-4000-8000-000000000002");
    }

    #[test]
    fn random_ids_are_uuids() {
        let id = RandomIds.request_id();
        assert!(uuid::Uuid::parse_str(&id).is_ok());
        assert_ne!(id, RandomIds.request_id());
    }
}
