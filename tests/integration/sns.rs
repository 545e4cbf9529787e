//! The minimal SNS through aws-sdk-sns (awsQuery): topics, an http subscriber that confirms
//! through the SubscribeURL it is sent and then receives SNS's notification JSON, Publish, the
//! seed's alarm action, `GET /_emulator/sns/messages`, and SNS's error codes.

use std::time::Duration;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{ComparisonOperator, MetricDatum, Statistic};
use aws_sdk_sns::error::ProvideErrorMetadata;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::support::{TestEmulator, raw};

/// One POST an http subscriber received: its headers and body.
pub(crate) struct Received {
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: Value,
}

/// An http subscriber on 127.0.0.1:<port>: every POST is answered 200 and handed to the channel.
pub(crate) async fn subscriber() -> (String, mpsc::UnboundedReceiver<Received>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sns", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let tx = tx.clone();
                    async move {
                        let headers = req.headers().clone();
                        let bytes = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        let body =
                            serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
                        let _ = tx.send(Received { headers, body });
                        Ok::<_, hyper::Error>(http::Response::new(Full::new(Bytes::new())))
                    }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    (url, rx)
}

/// The next POST (an event, not a sleep: the wait ends when it arrives).
pub(crate) async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.expect("a POST within 20 s").expect("the subscriber runs")
}

/// Confirms a subscription the way a subscriber does: a GET of its SubscribeURL.
pub(crate) async fn confirm(t: &TestEmulator, confirmation: &Received) {
    assert_eq!(confirmation.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
    let url = confirmation.body["SubscribeURL"].as_str().unwrap();
    let path = &url[url.find("/?").unwrap()..];
    let res = raw(&t.url(), "GET", path, &[], "").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.text().contains("<ConfirmSubscriptionResult><SubscriptionArn>"), "{}", res.text());
}

#[tokio::test]
async fn an_http_subscriber_confirms_and_receives_notifications_and_alarms() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    let topic = c.sns.create_topic().name("my-alerts").send().await.unwrap().topic_arn().unwrap().to_owned();
    assert_eq!(topic, "arn:aws:sns:us-east-1:123456789012:my-alerts");
    assert_eq!(c.sns.create_topic().name("my-alerts").send().await.unwrap().topic_arn(), Some(topic.as_str()), "idempotent");
    let (endpoint, mut rx) = subscriber().await;
    let sub = c.sns.subscribe().topic_arn(&topic).protocol("http").endpoint(&endpoint).send().await.unwrap();
    assert_eq!(sub.subscription_arn(), Some("pending confirmation"));
    let confirmation = next(&mut rx).await;
    assert_eq!(confirmation.body["Type"], "SubscriptionConfirmation");
    assert_eq!(confirmation.body["TopicArn"], topic.as_str());
    confirm(&t, &confirmation).await;
    let subs = c.sns.list_subscriptions().send().await.unwrap();
    assert!(subs.subscriptions()[0].subscription_arn().unwrap().starts_with(&format!("{topic}:")));
    assert_eq!(subs.subscriptions()[0].endpoint(), Some(endpoint.as_str()));

    let published = c.sns.publish().topic_arn(&topic).subject("Hello").message("first message").send().await.unwrap();
    let got = next(&mut rx).await;
    assert_eq!(got.headers["x-amz-sns-message-type"], "Notification");
    assert_eq!(got.headers["x-amz-sns-topic-arn"], topic.as_str());
    assert_eq!(got.body["Type"], "Notification");
    assert_eq!(got.body["MessageId"], published.message_id().unwrap());
    assert_eq!(got.body["Subject"], "Hello");
    assert_eq!(got.body["Message"], "first message");
    assert_eq!(got.body["SignatureVersion"], "1");
    assert!(got.body["UnsubscribeURL"].as_str().unwrap().contains("Action=Unsubscribe"));

    // The seed's alarm, with its SNS action.
    let cw = &c.cloudwatch;
    cw.put_metric_alarm()
        .alarm_name("bedrock-high-token-usage")
        .metric_name("BedrockTokenUsage")
        .namespace("CustomMetrics")
        .statistic(Statistic::Sum)
        .period(3600)
        .threshold(10000.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .evaluation_periods(1)
        .alarm_actions(&topic)
        .send()
        .await
        .unwrap();
    cw.put_metric_data()
        .namespace("CustomMetrics")
        .metric_data(
            MetricDatum::builder()
                .metric_name("BedrockTokenUsage")
                .timestamp(DateTime::from_millis(t.options.t0_ms))
                .value(12_345.0)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let res = raw(&t.url(), "POST", "/_emulator/clock", &[], r#"{"advance": "PT1H"}"#).await;
    assert_eq!(res.status, 200);
    let alarm = next(&mut rx).await;
    assert_eq!(alarm.body["Subject"], "ALARM: \"bedrock-high-token-usage\" in US East (N. Virginia)");
    let message: Value = serde_json::from_str(alarm.body["Message"].as_str().unwrap()).unwrap();
    assert_eq!(message["AlarmName"], "bedrock-high-token-usage");
    assert_eq!(message["NewStateValue"], "ALARM");
    assert_eq!(message["OldStateValue"], "INSUFFICIENT_DATA");
    assert_eq!(message["Trigger"]["MetricName"], "BedrockTokenUsage");
    assert_eq!(message["Trigger"]["Statistic"], "SUM");
    assert_eq!(message["Trigger"]["Threshold"], 10000.0);
    let history = cw.describe_alarm_history().alarm_name("bedrock-high-token-usage").send().await.unwrap();
    assert_eq!(
        history.alarm_history_items()[0].history_summary(),
        Some(format!("Successfully executed action {topic}").as_str())
    );

    let listed = raw(&t.url(), "GET", "/_emulator/sns/messages", &[], "").await.json();
    let kinds: Vec<&str> = listed["messages"].as_array().unwrap().iter().map(|m| m["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["SubscriptionConfirmation", "Notification", "Notification"]);
    assert_eq!(listed["messages"][2]["subject"], "ALARM: \"bedrock-high-token-usage\" in US East (N. Virginia)");

    let attrs = c.sns.get_topic_attributes().topic_arn(&topic).send().await.unwrap();
    assert_eq!(attrs.attributes().unwrap().get("SubscriptionsConfirmed").map(String::as_str), Some("1"));
}

#[tokio::test]
async fn sns_errors_and_listings() {
    let t = TestEmulator::start().await;
    let sns = t.clients("us-east-1").sns;
    let err = sns.publish().topic_arn("arn:aws:sns:us-east-1:123456789012:missing").message("x").send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotFound"), "{err:?}");
    assert!(err.as_service_error().is_some_and(|e| e.is_not_found_exception()));
    let err = sns.create_topic().name("bad name!").send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter"));
    let topic = sns.create_topic().name("t").send().await.unwrap().topic_arn().unwrap().to_owned();
    let err = sns.subscribe().topic_arn(&topic).protocol("http").endpoint("ftp://x").send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter"));
    let err = sns.publish().topic_arn(&topic).message(r#"{"email": "x"}"#).message_structure("json").send().await.unwrap_err();
    assert_eq!(err.message(), Some("Invalid parameter: Message Structure - No default entry in JSON message body"));
    for i in 0..120 {
        sns.create_topic().name(format!("topic-{i:03}")).send().await.unwrap();
    }
    let first = sns.list_topics().send().await.unwrap();
    assert_eq!(first.topics().len(), 100);
    let second = sns.list_topics().next_token(first.next_token().unwrap()).send().await.unwrap();
    assert_eq!(second.topics().len(), 21);
    assert!(second.next_token().is_none());
    sns.delete_topic().topic_arn(&topic).send().await.unwrap();
    let err = sns.list_subscriptions_by_topic().topic_arn(&topic).send().await.unwrap_err();
    assert_eq!(err.code(), Some("NotFound"));
}
