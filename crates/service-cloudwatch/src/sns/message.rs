//! The JSON bodies SNS POSTs to http/https subscribers, as SNS writes them: `Notification`
//! (`Type`, `MessageId`, `TopicArn`, `Subject`, `Message`, `Timestamp`, `SignatureVersion`,
//! `Signature`, `SigningCertURL`, `UnsubscribeURL`) and `SubscriptionConfirmation` (with `Token`
//! and `SubscribeURL`). The emulator cannot sign as SNS: `Signature` is a fixed placeholder and
//! the URLs point at the emulator.

use serde::Serialize;

/// The placeholder signature (base64 of "not signed by the emulator").
pub(crate) const SIGNATURE: &str = "bm90IHNpZ25lZCBieSB0aGUgZW11bGF0b3I=";

/// A `Notification` body.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Notification<'a> {
    #[serde(rename = "Type")]
    pub(crate) kind: &'static str,
    pub(crate) message_id: &'a str,
    pub(crate) topic_arn: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<&'a str>,
    pub(crate) message: &'a str,
    pub(crate) timestamp: &'a str,
    pub(crate) signature_version: &'static str,
    pub(crate) signature: &'static str,
    #[serde(rename = "SigningCertURL")]
    pub(crate) signing_cert_url: String,
    #[serde(rename = "UnsubscribeURL")]
    pub(crate) unsubscribe_url: String,
}

/// A `SubscriptionConfirmation` body.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Confirmation<'a> {
    #[serde(rename = "Type")]
    pub(crate) kind: &'static str,
    pub(crate) message_id: &'a str,
    pub(crate) token: &'a str,
    pub(crate) topic_arn: &'a str,
    pub(crate) message: String,
    #[serde(rename = "SubscribeURL")]
    pub(crate) subscribe_url: String,
    pub(crate) timestamp: &'a str,
    pub(crate) signature_version: &'static str,
    pub(crate) signature: &'static str,
    #[serde(rename = "SigningCertURL")]
    pub(crate) signing_cert_url: String,
}

/// `2025-12-03T10:54:44.250Z`.
pub(crate) fn iso(ms: i64) -> String {
    aws_protocol::Timestamp::from_epoch_millis(ms).to_iso8601().unwrap_or_default()
}

/// A query-string component, percent-encoded.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
