//! Everything an emulator instance is started with. The command line builds one of these; Rust
//! tests build one directly (`EmulatorConfig::new(dir)` then override what they need).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::clock::{SharedClock, StartedClock};
use crate::ids::{RandomIds, SharedIds};
use crate::responder::Responder;

/// The default port of `bedrock-emulator serve`.
pub const DEFAULT_PORT: u16 = 4599;

/// The largest request body accepted (InvokeModel's documented 25,000,000-byte limit).
pub const DEFAULT_MAX_BODY_BYTES: usize = 25_000_000;

/// The account id written in records when none is configured.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// How often pending S3 record batches are written by default.
pub const DEFAULT_S3_FLUSH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// How invocation logging starts when the data directory holds no saved configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitialLogging {
    /// Logging on to `/aws/bedrock/modelinvocations` with text, image and embedding delivery.
    CloudWatchDefault,
    /// Like a fresh AWS account: no logging configuration.
    Off,
}

/// Maps SigV4 access keys to the `identity.arn` written in records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principals {
    /// Access key id → principal ARN.
    pub by_access_key: BTreeMap<String, String>,
    /// The ARN for unsigned requests and unknown keys; `None` means
    /// `arn:aws:iam::<account>:user/bedrock-emulator`.
    pub default_arn: Option<String>,
}

impl Principals {
    /// Parses a principal map: `{"AKIA...": "arn:aws:sts::...:assumed-role/...", "*": "<default arn>"}`.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let mut by_access_key: BTreeMap<String, String> = serde_json::from_str(text)?;
        let default_arn = by_access_key.remove("*");
        Ok(Self { by_access_key, default_arn })
    }

    /// The principal ARN for a caller's access key.
    pub fn arn_for(&self, access_key: Option<&str>, account_id: &str) -> String {
        access_key
            .and_then(|key| self.by_access_key.get(key))
            .or(self.default_arn.as_ref())
            .cloned()
            .unwrap_or_else(|| format!("arn:aws:iam::{account_id}:user/bedrock-emulator"))
    }
}

/// Logs Insights queries run at once by default (AWS allows 100 per account; a laptop has fewer
/// cores, and queued queries simply stay `Scheduled` a little longer).
pub const DEFAULT_MAX_CONCURRENT_QUERIES: usize = 4;

/// The configuration of one emulator instance.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Where log groups, the logging configuration and (later) S3 objects live.
    pub data_dir: PathBuf,
    /// The clock every timestamp comes from.
    pub clock: SharedClock,
    /// The request-id generator.
    pub ids: SharedIds,
    /// `accountId` in records and ARNs.
    pub account_id: String,
    /// The region for unsigned requests (signed ones use their credential scope's region).
    pub default_region: String,
    /// Access key → `identity.arn`.
    pub principals: Principals,
    /// Logging state when the data directory has none saved.
    pub initial_logging: InitialLogging,
    /// The known models.
    pub catalog: Catalog,
    /// Declared responses and the deterministic generator.
    pub responder: Responder,
    /// The request body limit.
    pub max_body_bytes: usize,
    /// Whether appends are also fsync'ed (power-loss durability, slower).
    pub fsync: bool,
    /// Logs Insights queries that run at once; more wait as `Scheduled` (0: none ever runs,
    /// which tests use to hold a query in `Scheduled`).
    pub max_concurrent_queries: usize,
    /// How long `GetQueryResults` waits for an unfinished query before answering `Running`
    /// (saves clients a polling round; see ARCHITECTURE.md).
    pub query_results_wait: std::time::Duration,
    /// How often pending S3 record batches are written in the background (real time); `None`
    /// leaves it to size limits, explicit flushes and shutdown (tests).
    pub s3_flush_interval: Option<std::time::Duration>,
}

impl EmulatorConfig {
    /// Defaults: 127.0.0.1 on port 0, real time, random ids, logging on, embedded catalog.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            clock: Arc::new(StartedClock::system()),
            ids: Arc::new(RandomIds),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            default_region: "us-east-1".to_owned(),
            principals: Principals::default(),
            initial_logging: InitialLogging::CloudWatchDefault,
            catalog: Catalog::embedded(),
            responder: Responder::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            fsync: false,
            max_concurrent_queries: DEFAULT_MAX_CONCURRENT_QUERIES,
            query_results_wait: std::time::Duration::from_secs(1),
            s3_flush_interval: Some(DEFAULT_S3_FLUSH_INTERVAL),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_map_with_default() {
        let p = Principals::from_json(r#"{"AKID1": "arn:aws:iam::111122223333:user/alice", "*": "arn:aws:iam::111122223333:user/anyone"}"#)
            .unwrap();
        assert_eq!(p.arn_for(Some("AKID1"), "1"), "arn:aws:iam::111122223333:user/alice");
        assert_eq!(p.arn_for(Some("OTHER"), "1"), "arn:aws:iam::111122223333:user/anyone");
        assert_eq!(Principals::default().arn_for(None, "999"), "arn:aws:iam::999:user/bedrock-emulator");
    }
}
