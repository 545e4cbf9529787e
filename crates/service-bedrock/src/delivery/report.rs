//! What became of Bedrock's log deliveries (`GET /_emulator/deliveries`): per destination, the
//! records delivered and dropped, and the last dropped ones with why (a deleted log group; under
//! `--enforce-iam`, a role or bucket policy that no longer lets Bedrock write, as AWS's delivery
//! fails when permissions change after the PUT).

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;

/// How many dropped records are described.
const KEPT: usize = 100;

/// A destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Destination {
    CloudWatch,
    S3,
}

/// One dropped record.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DroppedRecord {
    pub request_id: String,
    pub destination: Destination,
    /// The log group or bucket.
    pub target: String,
    pub reason: String,
}

/// Counts per destination.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Counts {
    pub delivered: u64,
    pub dropped: u64,
}

/// The report `GET /_emulator/deliveries` shows.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryReport {
    pub cloud_watch: Counts,
    pub s3: Counts,
    /// The last dropped records, oldest first.
    pub dropped: Vec<DroppedRecord>,
}

/// The running tally.
#[derive(Debug, Default)]
pub(crate) struct Deliveries {
    inner: Mutex<(Counts, Counts, VecDeque<DroppedRecord>)>,
}

impl Deliveries {
    /// A record delivered to (or queued for) `destination`.
    pub(crate) fn delivered(&self, destination: Destination) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match destination {
            Destination::CloudWatch => inner.0.delivered += 1,
            Destination::S3 => inner.1.delivered += 1,
        }
    }

    /// A record dropped, and why.
    pub(crate) fn dropped(&self, record: DroppedRecord) {
        tracing::warn!(request_id = %record.request_id, target = %record.target, "invocation record dropped: {}", record.reason);
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match record.destination {
            Destination::CloudWatch => inner.0.dropped += 1,
            Destination::S3 => inner.1.dropped += 1,
        }
        if inner.2.len() == KEPT {
            inner.2.pop_front();
        }
        inner.2.push_back(record);
    }

    /// The report.
    pub(crate) fn report(&self) -> DeliveryReport {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        DeliveryReport { cloud_watch: inner.0, s3: inner.1, dropped: inner.2.iter().cloned().collect() }
    }
}
