//! SNS's state: topics and subscriptions (saved as `<data-dir>/cloudwatch/sns.json` after each
//! change) and the messages published (in memory, newest 10,000, with each subscriber's delivery
//! status; `GET /_emulator/sns/messages` lists them).

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

/// Messages kept for `GET /_emulator/sns/messages`.
pub(crate) const MAX_MESSAGES: usize = 10_000;

/// A topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Topic {
    pub(crate) arn: String,
    pub(crate) name: String,
    pub(crate) attributes: BTreeMap<String, String>,
}

/// A subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Subscription {
    pub(crate) arn: String,
    pub(crate) topic_arn: String,
    pub(crate) protocol: String,
    pub(crate) endpoint: String,
    pub(crate) owner: String,
    pub(crate) confirmed: bool,
    pub(crate) token: String,
    /// `RawMessageDelivery`: the message alone as the body.
    pub(crate) raw: bool,
    /// The emulator's URL as the subscriber's request reached it (for SubscribeURL/UnsubscribeURL).
    pub(crate) callback_base: String,
}

/// What is saved.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct SnsData {
    pub(crate) topics: BTreeMap<String, Topic>,
    pub(crate) subscriptions: BTreeMap<String, Subscription>,
}

/// One subscriber's delivery of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub subscription_arn: String,
    pub protocol: String,
    pub endpoint: String,
    /// `pending`, `delivered`, `failed`, or `not-delivered` (a protocol the emulator does not deliver).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A published message (or a subscription confirmation) and its deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnsMessage {
    pub message_id: String,
    /// `Notification` or `SubscriptionConfirmation`.
    #[serde(rename = "type")]
    pub kind: String,
    pub topic_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub message: String,
    pub timestamp: String,
    pub deliveries: Vec<Delivery>,
}

/// Why SNS's state could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
pub enum SnsStoreError {
    #[error("cannot access {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a valid SNS state file: {source}")]
    Parse { path: PathBuf, source: serde_json::Error },
}

/// Topics, subscriptions, messages.
#[derive(Debug, Default)]
pub(crate) struct SnsStore {
    path: Option<PathBuf>,
    data: Mutex<SnsData>,
    messages: Mutex<VecDeque<SnsMessage>>,
}

impl SnsStore {
    /// Loads `dir/sns.json` (none yet: no topics).
    pub(crate) fn open(dir: &Path) -> Result<Self, SnsStoreError> {
        let path = dir.join("sns.json");
        let data = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| SnsStoreError::Parse { path: path.clone(), source })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SnsData::default(),
            Err(source) => return Err(SnsStoreError::Io { path, source }),
        };
        Ok(Self { path: Some(path), data: Mutex::new(data), messages: Mutex::default() })
    }

    pub(crate) fn data(&self) -> MutexGuard<'_, SnsData> {
        self.data.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Saves `data` (called with the lock held, after a change).
    pub(crate) fn save(&self, data: &SnsData) -> Result<(), SnsStoreError> {
        let Some(path) = &self.path else { return Ok(()) };
        let io = |source| SnsStoreError::Io { path: path.clone(), source };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(data).map_err(|source| SnsStoreError::Parse { path: path.clone(), source })?;
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }

    /// Records a message.
    pub(crate) fn push_message(&self, message: SnsMessage) {
        let mut messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        messages.push_back(message);
        while messages.len() > MAX_MESSAGES {
            messages.pop_front();
        }
    }

    /// Updates one delivery of a message.
    pub(crate) fn update_delivery(&self, message_id: &str, subscription_arn: &str, update: impl FnOnce(&mut Delivery)) {
        let mut messages = self.messages.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(d) = messages
            .iter_mut()
            .rev()
            .find(|m| m.message_id == message_id)
            .and_then(|m| m.deliveries.iter_mut().find(|d| d.subscription_arn == subscription_arn))
        {
            update(d);
        }
    }

    /// The messages, oldest first.
    pub(crate) fn messages(&self) -> Vec<SnsMessage> {
        self.messages.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }
}
