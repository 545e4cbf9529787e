//! `application/vnd.amazon.eventstream` frames, built with aws-smithy-eventstream: event frames
//! (`:event-type`, `:content-type: application/json`, `:message-type: event`) and exception
//! frames (`:exception-type` = the error's lowerCamel member name, payload `{"message"}`); and a
//! response body fed frame by frame from a channel, which its sender can also abort (the
//! connection is dropped mid-stream). What a stream sends, and when, is the service's plan
//! (Bedrock keeps it); this file only knows the wire.

use std::pin::Pin;
use std::task::{Context, Poll};

use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use http_body::{Body, Frame};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::error::AwsError;
use crate::response::BodyAborted;

/// The content type of every event-stream response.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// Why a frame could not be built.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("the event payload does not serialize: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("the frame exceeds the event-stream limits: {0}")]
    Frame(String),
}

fn encode(message: &Message) -> Result<Bytes, FrameError> {
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(message, &mut out).map_err(|e| FrameError::Frame(e.to_string()))?;
    Ok(Bytes::from(out))
}

fn string_header(name: &'static str, value: impl Into<String>) -> Header {
    Header::new(name, HeaderValue::String(value.into().into()))
}

/// An event frame: `:event-type` = the union member, payload = the event structure's JSON
/// (header order as in a captured Bedrock frame: event type, content type, message type).
pub fn event_frame(event_type: &str, payload: &impl Serialize) -> Result<Bytes, FrameError> {
    let message = Message::new(serde_json::to_vec(payload)?)
        .add_header(string_header(":event-type", event_type))
        .add_header(string_header(":content-type", "application/json"))
        .add_header(string_header(":message-type", "event"));
    encode(&message)
}

/// An exception frame: `:exception-type` = the error's lowerCamel member name, payload
/// `{"message": ...}`.
pub fn exception_frame(err: &AwsError) -> Result<Bytes, FrameError> {
    let payload = serde_json::to_vec(&serde_json::json!({ "message": err.message }))?;
    let message = Message::new(payload)
        .add_header(string_header(":exception-type", err.event_stream_name()))
        .add_header(string_header(":content-type", "application/json"))
        .add_header(string_header(":message-type", "exception"));
    encode(&message)
}

/// A response body fed frame by frame from a channel; it ends when every sender is dropped, or
/// fails (the server drops the connection) when its sender aborts it.
#[derive(Debug)]
pub struct ChannelBody {
    rx: mpsc::Receiver<Result<Bytes, BodyAborted>>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = BodyAborted;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.rx.poll_recv(cx).map(|frame| frame.map(|item| item.map(Frame::data)))
    }
}

/// The sending side of a [`ChannelBody`].
#[derive(Debug)]
pub struct ChannelSender {
    tx: mpsc::Sender<Result<Bytes, BodyAborted>>,
}

/// The client went away: the body was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the response body was dropped")]
pub struct ChannelClosed;

impl ChannelSender {
    /// Hands one frame to the connection; waits until the previous one was taken.
    pub async fn send(&self, bytes: Bytes) -> Result<(), ChannelClosed> {
        self.tx.send(Ok(bytes)).await.map_err(|_| ChannelClosed)
    }

    /// Ends the body with an error: the server drops the connection without finishing the
    /// response.
    pub async fn abort(self) {
        let _ = self.tx.send(Err(BodyAborted)).await;
    }
}

/// A channel and the body it feeds. Capacity 1 hands each frame to the connection as it is
/// produced, never batched ahead; a failed `send` means the client went away.
pub fn channel() -> (ChannelSender, ChannelBody) {
    let (tx, rx) = mpsc::channel(1);
    (ChannelSender { tx }, ChannelBody { rx })
}

#[cfg(test)]
mod tests {
    use aws_smithy_eventstream::frame::read_message_from;
    use http_body_util::BodyExt;

    use super::*;

    fn header(m: &Message, n: &str) -> Option<String> {
        m.headers()
            .iter()
            .find(|h| h.name().as_str() == n)
            .and_then(|h| h.value().as_string().ok().map(|s| s.as_str().to_owned()))
    }

    #[test]
    fn frames_decode_with_the_sdk_decoder() {
        let mut bytes = event_frame("messageStart", &serde_json::json!({"role": "assistant"})).unwrap();
        let message = read_message_from(&mut bytes).unwrap();
        assert_eq!(header(&message, ":event-type").as_deref(), Some("messageStart"));
        assert_eq!(header(&message, ":message-type").as_deref(), Some("event"));
        assert_eq!(message.payload().as_ref(), br#"{"role":"assistant"}"#);

        let mut bytes = exception_frame(&AwsError::new("ThrottlingException", 429, "slow down")).unwrap();
        let message = read_message_from(&mut bytes).unwrap();
        assert_eq!(header(&message, ":exception-type").as_deref(), Some("throttlingException"));
        assert_eq!(header(&message, ":message-type").as_deref(), Some("exception"));
        assert_eq!(message.payload().as_ref(), br#"{"message":"slow down"}"#);
    }

    #[test]
    fn unserializable_payloads_are_errors() {
        let bad = std::collections::BTreeMap::from([(vec![1u8], 1u8)]);
        assert!(matches!(event_frame("x", &bad), Err(FrameError::Payload(_))));
    }

    #[test]
    fn channel_body_yields_frames_then_ends() {
        let (tx, body) = channel();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let collected = rt.block_on(async move {
            let producer = async move {
                for part in ["a", "b"] {
                    tx.send(Bytes::from_static(part.as_bytes())).await.unwrap();
                }
            };
            let (_, collected) = tokio::join!(producer, body.collect());
            collected.unwrap().to_bytes()
        });
        assert_eq!(collected.as_ref(), b"ab");
    }

    #[test]
    fn an_aborted_channel_body_fails_after_its_frames() {
        let (tx, body) = channel();
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let collected = rt.block_on(async move {
            let producer = async move {
                tx.send(Bytes::from_static(b"a")).await.unwrap();
                tx.abort().await;
            };
            let (_, collected) = tokio::join!(producer, body.collect());
            collected
        });
        assert_eq!(collected.err(), Some(BodyAborted));
    }
}
