//! The SNS operations (awsQuery): CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes,
//! Subscribe, ConfirmSubscription, Unsubscribe, ListSubscriptions, ListSubscriptionsByTopic,
//! Publish; outputs named after the model's shapes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Sns;
use super::state::{Subscription, Topic};
use crate::error::SnsError;

/// Topics or subscriptions per page.
pub(crate) const PAGE: usize = 100;
/// The largest message (256 KiB).
pub(crate) const MAX_MESSAGE_BYTES: usize = 262_144;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateTopicInput {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) attributes: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateTopicResponse {
    pub(crate) topic_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TopicArnInput {
    pub(crate) topic_arn: String,
    pub(crate) next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct NextTokenInput {
    pub(crate) next_token: Option<String>,
}

/// `Topic`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TopicShape {
    pub(crate) topic_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListTopicsResponse {
    pub(crate) topics: Vec<TopicShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetTopicAttributesResponse {
    pub(crate) attributes: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SubscribeInput {
    pub(crate) topic_arn: String,
    pub(crate) protocol: String,
    pub(crate) endpoint: Option<String>,
    #[serde(default)]
    pub(crate) attributes: BTreeMap<String, String>,
    pub(crate) return_subscription_arn: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SubscriptionArnResponse {
    pub(crate) subscription_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ConfirmSubscriptionInput {
    pub(crate) topic_arn: String,
    pub(crate) token: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UnsubscribeInput {
    pub(crate) subscription_arn: String,
}

/// `Subscription`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct SubscriptionShape {
    pub(crate) subscription_arn: String,
    pub(crate) owner: String,
    pub(crate) protocol: String,
    pub(crate) endpoint: String,
    pub(crate) topic_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListSubscriptionsResponse {
    pub(crate) subscriptions: Vec<SubscriptionShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PublishInput {
    pub(crate) topic_arn: Option<String>,
    pub(crate) target_arn: Option<String>,
    pub(crate) phone_number: Option<String>,
    pub(crate) message: String,
    pub(crate) subject: Option<String>,
    pub(crate) message_structure: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PublishResponse {
    pub(crate) message_id: String,
}

fn invalid(what: &str) -> SnsError {
    SnsError::InvalidParameter(format!("Invalid parameter: {what}"))
}

/// `arn:aws:sns:<region>:<account>:<name>`.
fn check_topic_arn(arn: &str) -> Result<(), SnsError> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "sns" || parts[5].is_empty() {
        return Err(invalid("TopicArn"));
    }
    Ok(())
}

fn page<T>(items: Vec<T>, token: Option<&str>) -> Result<(Vec<T>, Option<String>), SnsError> {
    let from = match token {
        None => 0,
        Some(t) => service_kit::opaque::decode(t).and_then(|p| p.parse::<usize>().ok()).ok_or_else(|| invalid("NextToken"))?,
    };
    let total = items.len();
    let out: Vec<T> = items.into_iter().skip(from).take(PAGE).collect();
    let next = from + out.len();
    Ok((out, (next < total).then(|| service_kit::opaque::encode(&next.to_string()))))
}

fn shape(s: &Subscription) -> SubscriptionShape {
    SubscriptionShape {
        subscription_arn: if s.confirmed { s.arn.clone() } else { "PendingConfirmation".into() },
        owner: s.owner.clone(),
        protocol: s.protocol.clone(),
        endpoint: s.endpoint.clone(),
        topic_arn: s.topic_arn.clone(),
    }
}

impl Sns {
    fn save(&self, data: &super::state::SnsData) -> Result<(), SnsError> {
        self.store.save(data).map_err(|e| SnsError::Internal(e.to_string()))
    }

    pub(crate) fn create_topic(&self, region: &str, input: CreateTopicInput) -> Result<CreateTopicResponse, SnsError> {
        let fifo = input.attributes.get("FifoTopic").is_some_and(|v| v == "true");
        let base =
            if fifo { input.name.strip_suffix(".fifo").ok_or_else(|| invalid("Topic Name"))? } else { input.name.as_str() };
        let ok = !base.is_empty()
            && input.name.len() <= 256
            && base.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && (fifo || !input.name.ends_with(".fifo"));
        if !ok {
            return Err(invalid("Topic Name"));
        }
        let arn = format!("arn:aws:sns:{region}:{}:{}", self.env.account_id, input.name);
        let mut data = self.store.data();
        if !data.topics.contains_key(&arn) {
            let mut attributes = input.attributes.clone();
            attributes.insert("TopicArn".into(), arn.clone());
            attributes.insert("Owner".into(), self.env.account_id.clone());
            attributes.entry("DisplayName".into()).or_default();
            data.topics.insert(arn.clone(), Topic { arn: arn.clone(), name: input.name.clone(), attributes });
            self.save(&data)?;
        }
        Ok(CreateTopicResponse { topic_arn: arn })
    }

    pub(crate) fn delete_topic(&self, input: TopicArnInput) -> Result<(), SnsError> {
        check_topic_arn(&input.topic_arn)?;
        let mut data = self.store.data();
        if data.topics.remove(&input.topic_arn).is_some() {
            data.subscriptions.retain(|_, s| s.topic_arn != input.topic_arn);
            self.save(&data)?;
        }
        Ok(())
    }

    pub(crate) fn list_topics(&self, input: NextTokenInput) -> Result<ListTopicsResponse, SnsError> {
        let arns: Vec<TopicShape> = self.store.data().topics.keys().map(|a| TopicShape { topic_arn: a.clone() }).collect();
        let (topics, next_token) = page(arns, input.next_token.as_deref())?;
        Ok(ListTopicsResponse { topics, next_token })
    }

    pub(crate) fn get_topic_attributes(&self, input: TopicArnInput) -> Result<GetTopicAttributesResponse, SnsError> {
        check_topic_arn(&input.topic_arn)?;
        let data = self.store.data();
        let topic = data.topics.get(&input.topic_arn).ok_or_else(|| SnsError::NotFound("Topic does not exist".into()))?;
        let subs: Vec<&Subscription> = data.subscriptions.values().filter(|s| s.topic_arn == input.topic_arn).collect();
        let mut attributes = topic.attributes.clone();
        attributes.insert("SubscriptionsConfirmed".into(), subs.iter().filter(|s| s.confirmed).count().to_string());
        attributes.insert("SubscriptionsPending".into(), subs.iter().filter(|s| !s.confirmed).count().to_string());
        attributes.insert("SubscriptionsDeleted".into(), "0".into());
        Ok(GetTopicAttributesResponse { attributes })
    }

    /// Subscribe; `callback_base` is the emulator's URL as the caller reached it.
    pub(crate) fn subscribe(&self, input: SubscribeInput, callback_base: &str) -> Result<SubscriptionArnResponse, SnsError> {
        check_topic_arn(&input.topic_arn)?;
        let endpoint = input.endpoint.clone().unwrap_or_default();
        let protocol = input.protocol.to_ascii_lowercase();
        match protocol.as_str() {
            "http" | "https" => {
                if !endpoint.starts_with(&format!("{protocol}://")) {
                    return Err(invalid("Endpoint must match the specified protocol"));
                }
            }
            "email" | "email-json" | "sqs" | "lambda" | "sms" | "application" | "firehose" => {
                if endpoint.is_empty() {
                    return Err(invalid("Endpoint"));
                }
            }
            _ => return Err(invalid("Protocol")),
        }
        let now = self.env.now_ms();
        let mut data = self.store.data();
        if !data.topics.contains_key(&input.topic_arn) {
            return Err(SnsError::NotFound("Topic does not exist".into()));
        }
        if let Some(existing) = data
            .subscriptions
            .values()
            .find(|s| s.topic_arn == input.topic_arn && s.protocol == protocol && s.endpoint == endpoint)
        {
            let arn = if existing.confirmed || input.return_subscription_arn == Some(true) {
                existing.arn.clone()
            } else {
                "pending confirmation".into()
            };
            return Ok(SubscriptionArnResponse { subscription_arn: arn });
        }
        let id = self.env.ids.request_id();
        // http/https and email confirm; the others need no confirmation.
        let needs_confirmation = matches!(protocol.as_str(), "http" | "https" | "email" | "email-json");
        let subscription = Subscription {
            arn: format!("{}:{id}", input.topic_arn),
            topic_arn: input.topic_arn.clone(),
            protocol: protocol.clone(),
            endpoint,
            owner: self.env.account_id.clone(),
            confirmed: !needs_confirmation,
            token: service_kit::opaque::encode(&format!("{id}{}", input.topic_arn)),
            raw: input.attributes.get("RawMessageDelivery").is_some_and(|v| v == "true"),
            callback_base: callback_base.trim_end_matches('/').to_owned(),
        };
        data.subscriptions.insert(subscription.arn.clone(), subscription.clone());
        self.save(&data)?;
        drop(data);
        if protocol == "http" || protocol == "https" {
            self.send_confirmation(&subscription, now);
        }
        let arn = if subscription.confirmed || input.return_subscription_arn == Some(true) {
            subscription.arn
        } else {
            "pending confirmation".into()
        };
        Ok(SubscriptionArnResponse { subscription_arn: arn })
    }

    pub(crate) fn confirm_subscription(&self, input: ConfirmSubscriptionInput) -> Result<SubscriptionArnResponse, SnsError> {
        check_topic_arn(&input.topic_arn)?;
        let mut data = self.store.data();
        let Some(sub) = data.subscriptions.values_mut().find(|s| s.topic_arn == input.topic_arn && s.token == input.token) else {
            return Err(invalid("Token"));
        };
        sub.confirmed = true;
        let arn = sub.arn.clone();
        self.save(&data)?;
        Ok(SubscriptionArnResponse { subscription_arn: arn })
    }

    pub(crate) fn unsubscribe(&self, input: UnsubscribeInput) -> Result<(), SnsError> {
        let mut data = self.store.data();
        if data.subscriptions.remove(&input.subscription_arn).is_none() {
            return Err(SnsError::NotFound("Subscription does not exist".into()));
        }
        self.save(&data)
    }

    pub(crate) fn list_subscriptions(
        &self,
        topic: Option<&str>,
        token: Option<&str>,
    ) -> Result<ListSubscriptionsResponse, SnsError> {
        let data = self.store.data();
        if let Some(t) = topic {
            check_topic_arn(t)?;
            if !data.topics.contains_key(t) {
                return Err(SnsError::NotFound("Topic does not exist".into()));
            }
        }
        let all: Vec<SubscriptionShape> =
            data.subscriptions.values().filter(|s| topic.is_none_or(|t| s.topic_arn == t)).map(shape).collect();
        let (subscriptions, next_token) = page(all, token)?;
        Ok(ListSubscriptionsResponse { subscriptions, next_token })
    }

    pub(crate) fn publish_api(&self, input: PublishInput) -> Result<PublishResponse, SnsError> {
        if input.phone_number.is_some() {
            return Err(invalid("PhoneNumber (SMS is not emulated)"));
        }
        let arn = input.topic_arn.or(input.target_arn).ok_or_else(|| invalid("TopicArn or TargetArn"))?;
        check_topic_arn(&arn)?;
        if input.message.is_empty() {
            return Err(SnsError::InvalidParameter("Invalid parameter: Empty message".into()));
        }
        if input.message.len() > MAX_MESSAGE_BYTES {
            return Err(SnsError::InvalidParameter("Invalid parameter: Message too long".into()));
        }
        if let Some(s) = &input.subject
            && (s.is_empty() || s.chars().count() > 100 || s.chars().any(|c| c.is_control() || !c.is_ascii()))
        {
            return Err(invalid("Subject"));
        }
        let per_protocol: Option<BTreeMap<String, String>> = match input.message_structure.as_deref() {
            None => None,
            Some("json") => {
                let map: BTreeMap<String, String> = serde_json::from_str(&input.message).map_err(|_| {
                    SnsError::InvalidParameter("Invalid parameter: Message Structure - JSON message body failed to parse".into())
                })?;
                if !map.contains_key("default") {
                    return Err(SnsError::InvalidParameter(
                        "Invalid parameter: Message Structure - No default entry in JSON message body".into(),
                    ));
                }
                Some(map)
            }
            Some(_) => return Err(invalid("MessageStructure")),
        };
        let default = per_protocol.as_ref().and_then(|m| m.get("default").cloned()).unwrap_or_else(|| input.message.clone());
        let now = self.env.now_ms();
        let message_id =
            self.publish_with(&arn, input.subject, &default, now, |p| per_protocol.as_ref().and_then(|m| m.get(p).cloned()))?;
        Ok(PublishResponse { message_id })
    }
}
