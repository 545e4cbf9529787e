//! HTTP delivery to `http` subscribers: one POST per message with SNS's headers
//! (`x-amz-sns-message-type`, `x-amz-sns-message-id`, `x-amz-sns-topic-arn`,
//! `x-amz-sns-subscription-arn`), `text/plain; charset=UTF-8`, SNS's user agent; a 2xx is
//! delivered, anything else (or 15 s without an answer) failed. `https` endpoints are recorded as
//! failed: the emulator has no TLS client.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::state::SnsStore;

/// How long a subscriber has to answer.
pub(crate) const TIMEOUT: Duration = Duration::from_secs(15);

/// One POST to make.
#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub(crate) endpoint: String,
    pub(crate) message_type: &'static str,
    pub(crate) message_id: String,
    pub(crate) topic_arn: String,
    pub(crate) subscription_arn: String,
    pub(crate) body: String,
}

/// The HTTP client (shared).
#[derive(Debug, Clone)]
pub(crate) struct Deliverer {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Default for Deliverer {
    fn default() -> Self {
        Self { client: Client::builder(TokioExecutor::new()).build_http() }
    }
}

impl Deliverer {
    /// Sends `post` in the background and records the outcome in `store`; without a runtime
    /// (never in the emulator) the delivery is recorded as failed.
    pub(crate) fn spawn(&self, store: Arc<SnsStore>, post: Post) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            store.update_delivery(&post.message_id, &post.subscription_arn, |d| {
                d.status = "failed".into();
                d.error = Some("no runtime to deliver on".into());
            });
            return;
        };
        let client = self.client.clone();
        handle.spawn(async move {
            let outcome = tokio::time::timeout(TIMEOUT, send(&client, &post)).await.unwrap_or_else(|_| Err("timed out".into()));
            store.update_delivery(&post.message_id, &post.subscription_arn, |d| match outcome {
                Ok(status) if (200..300).contains(&status) => {
                    d.status = "delivered".into();
                    d.http_status = Some(status);
                }
                Ok(status) => {
                    d.status = "failed".into();
                    d.http_status = Some(status);
                }
                Err(e) => {
                    d.status = "failed".into();
                    d.error = Some(e);
                }
            });
        });
    }
}

async fn send(client: &Client<HttpConnector, Full<Bytes>>, post: &Post) -> Result<u16, String> {
    if post.endpoint.starts_with("https://") {
        return Err("https delivery is not emulated (no TLS client); subscribe an http endpoint".into());
    }
    let mut req = http::Request::builder()
        .method("POST")
        .uri(&post.endpoint)
        .header("content-type", "text/plain; charset=UTF-8")
        .header("user-agent", "Amazon Simple Notification Service Agent")
        .header("x-amz-sns-message-type", post.message_type)
        .header("x-amz-sns-message-id", &post.message_id)
        .header("x-amz-sns-topic-arn", &post.topic_arn);
    if post.message_type == "Notification" {
        req = req.header("x-amz-sns-subscription-arn", &post.subscription_arn);
    }
    let req = req.body(Full::new(Bytes::from(post.body.clone()))).map_err(|e| e.to_string())?;
    let res = client.request(req).await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let _ = res.into_body().collect().await;
    Ok(status)
}
