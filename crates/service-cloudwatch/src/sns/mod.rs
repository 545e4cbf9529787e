//! A minimal Amazon SNS: topics, subscriptions (`http` endpoints get SNS's
//! `SubscriptionConfirmation` and, once confirmed through its `SubscribeURL` or
//! ConfirmSubscription, every `Notification`), and Publish, which alarm actions also use.
//!
//! | file | job |
//! |---|---|
//! | `api.rs` | the SNS operations (awsQuery) |
//! | `state.rs` | topics, subscriptions (saved), published messages and their deliveries |
//! | `message.rs` | the Notification and SubscriptionConfirmation bodies |
//! | `delivery.rs` | the POSTs to subscribers |

pub(crate) mod api;
pub(crate) mod delivery;
pub(crate) mod message;
pub(crate) mod state;

use std::sync::Arc;

use service_kit::Environment;

use crate::error::SnsError;
use delivery::{Deliverer, Post};
use message::{Confirmation, Notification, SIGNATURE, encode, iso};
use state::{Delivery, SnsMessage, SnsStore, Subscription};

/// SNS: its state and the delivery client.
#[derive(Debug)]
pub(crate) struct Sns {
    pub(crate) env: Environment,
    pub(crate) store: Arc<SnsStore>,
    deliverer: Deliverer,
}

/// The SigningCertURL the emulator writes (SNS's certificate path shape, on the emulator).
fn cert_url(base: &str) -> String {
    format!("{base}/_emulator/sns/SimpleNotificationService-emulator.pem")
}

impl Sns {
    pub(crate) fn new(env: Environment, store: SnsStore) -> Self {
        Self { env, store: Arc::new(store), deliverer: Deliverer::default() }
    }

    /// Publishes `message` to topic `topic_arn` at `now_ms`: records it and delivers it to every
    /// confirmed http subscriber. Returns the message id.
    pub(crate) fn publish(
        &self,
        topic_arn: &str,
        subject: Option<String>,
        message: &str,
        now_ms: i64,
    ) -> Result<String, SnsError> {
        self.publish_with(topic_arn, subject, message, now_ms, |_| None)
    }

    /// [`Sns::publish`] with a per-protocol message (`MessageStructure` `json`).
    pub(crate) fn publish_with(
        &self,
        topic_arn: &str,
        subject: Option<String>,
        message: &str,
        now_ms: i64,
        per_protocol: impl Fn(&str) -> Option<String>,
    ) -> Result<String, SnsError> {
        let subscriptions: Vec<Subscription> = {
            let data = self.store.data();
            if !data.topics.contains_key(topic_arn) {
                return Err(SnsError::NotFound("Topic does not exist".into()));
            }
            data.subscriptions.values().filter(|s| s.topic_arn == topic_arn).cloned().collect()
        };
        let message_id = self.env.ids.request_id();
        let timestamp = iso(now_ms);
        let mut posts = Vec::new();
        let deliveries = subscriptions
            .iter()
            .map(|s| {
                let deliverable = s.confirmed && (s.protocol == "http" || s.protocol == "https");
                let status = if !s.confirmed {
                    "pending-confirmation"
                } else if deliverable {
                    "pending"
                } else {
                    "not-delivered"
                };
                if deliverable {
                    let text = per_protocol(&s.protocol).unwrap_or_else(|| message.to_owned());
                    let body = if s.raw {
                        text
                    } else {
                        let n = Notification {
                            kind: "Notification",
                            message_id: &message_id,
                            topic_arn,
                            subject: subject.as_deref(),
                            message: &text,
                            timestamp: &timestamp,
                            signature_version: "1",
                            signature: SIGNATURE,
                            signing_cert_url: cert_url(&s.callback_base),
                            unsubscribe_url: format!(
                                "{}/?Action=Unsubscribe&SubscriptionArn={}&Version=2010-03-31",
                                s.callback_base,
                                encode(&s.arn)
                            ),
                        };
                        serde_json::to_string_pretty(&n).unwrap_or_default()
                    };
                    posts.push(Post {
                        endpoint: s.endpoint.clone(),
                        message_type: "Notification",
                        message_id: message_id.clone(),
                        topic_arn: topic_arn.to_owned(),
                        subscription_arn: s.arn.clone(),
                        body,
                    });
                }
                Delivery {
                    subscription_arn: s.arn.clone(),
                    protocol: s.protocol.clone(),
                    endpoint: s.endpoint.clone(),
                    status: status.into(),
                    http_status: None,
                    error: None,
                }
            })
            .collect();
        self.store.push_message(SnsMessage {
            message_id: message_id.clone(),
            kind: "Notification".into(),
            topic_arn: topic_arn.to_owned(),
            subject,
            message: message.to_owned(),
            timestamp,
            deliveries,
        });
        for post in posts {
            self.deliverer.spawn(Arc::clone(&self.store), post);
        }
        Ok(message_id)
    }

    /// Sends `subscription` its SubscriptionConfirmation.
    pub(crate) fn send_confirmation(&self, subscription: &Subscription, now_ms: i64) {
        let message_id = self.env.ids.request_id();
        let timestamp = iso(now_ms);
        let body = Confirmation {
            kind: "SubscriptionConfirmation",
            message_id: &message_id,
            token: &subscription.token,
            topic_arn: &subscription.topic_arn,
            message: format!(
                "You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
                subscription.topic_arn
            ),
            subscribe_url: format!(
                "{}/?Action=ConfirmSubscription&TopicArn={}&Token={}&Version=2010-03-31",
                subscription.callback_base,
                encode(&subscription.topic_arn),
                encode(&subscription.token)
            ),
            timestamp: &timestamp,
            signature_version: "1",
            signature: SIGNATURE,
            signing_cert_url: cert_url(&subscription.callback_base),
        };
        let body = serde_json::to_string_pretty(&body).unwrap_or_default();
        self.store.push_message(SnsMessage {
            message_id: message_id.clone(),
            kind: "SubscriptionConfirmation".into(),
            topic_arn: subscription.topic_arn.clone(),
            subject: None,
            message: body.clone(),
            timestamp,
            deliveries: vec![Delivery {
                subscription_arn: subscription.arn.clone(),
                protocol: subscription.protocol.clone(),
                endpoint: subscription.endpoint.clone(),
                status: "pending".into(),
                http_status: None,
                error: None,
            }],
        });
        self.deliverer.spawn(
            Arc::clone(&self.store),
            Post {
                endpoint: subscription.endpoint.clone(),
                message_type: "SubscriptionConfirmation",
                message_id,
                topic_arn: subscription.topic_arn.clone(),
                subscription_arn: subscription.arn.clone(),
                body,
            },
        );
    }
}
