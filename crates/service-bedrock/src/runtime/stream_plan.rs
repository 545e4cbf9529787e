//! `application/vnd.amazon.eventstream` responses: frames built with aws-smithy-eventstream
//! (event frames `:event-type`/`:content-type`/`:message-type: event`, exception frames
//! `:exception-type`/`:message-type: exception`, payload `{"message"}`), and a channel-backed
//! body that sends each frame as soon as it is produced.
//!
//! A stream is a [`StreamPlan`]: its frames, an optional declared fault, and the record delivery
//! that runs before the final frame (so a completed stream always has its record, and a stream
//! that ends in an exception has none).

use std::pin::Pin;
use std::task::{Context, Poll};

use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;
use http::{HeaderValue as HttpHeaderValue, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame};
use tokio::sync::mpsc;

use bedrock_model::error::{ErrorCode, ServiceError};

use service_kit::response::HttpResponse;

/// The content type of every event-stream response.
pub(crate) const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

fn encode(message: &Message) -> Bytes {
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(message, &mut out)
        .expect("header names and values of emulator frames are within the frame limits");
    Bytes::from(out)
}

fn string_header(name: &'static str, value: impl Into<String>) -> Header {
    Header::new(name, HeaderValue::String(value.into().into()))
}

/// An event frame: `:event-type` = the union member, payload = the event structure's JSON
/// (header order as in a captured Bedrock frame: event type, content type, message type).
pub(crate) fn event_frame(event_type: &str, payload: &serde_json::Value) -> Bytes {
    let message = Message::new(serde_json::to_vec(payload).expect("JSON values serialize"))
        .add_header(string_header(":event-type", event_type))
        .add_header(string_header(":content-type", "application/json"))
        .add_header(string_header(":message-type", "event"));
    encode(&message)
}

/// An exception frame: `:exception-type` = the error's lowerCamel member name, payload
/// `{"message": ...}`.
pub(crate) fn exception_frame(err: &ServiceError) -> Bytes {
    let message = Message::new(err.body_json().into_bytes())
        .add_header(string_header(":exception-type", err.code.event_stream_name()))
        .add_header(string_header(":content-type", "application/json"))
        .add_header(string_header(":message-type", "exception"));
    encode(&message)
}

/// A response body fed frame by frame from a channel.
#[derive(Debug)]
pub(crate) struct ChannelBody {
    rx: mpsc::Receiver<Bytes>,
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.rx.poll_recv(cx).map(|frame| frame.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// A declared fault: after `after_frames` frames, an exception frame ends the stream.
#[derive(Debug, Clone)]
pub(crate) struct PlannedFault {
    pub(crate) after_frames: usize,
    pub(crate) error: ServiceError,
}

/// Everything a stream will send.
pub(crate) struct StreamPlan {
    /// Event frames in order; the last one is the final frame.
    pub(crate) frames: Vec<Bytes>,
    /// Ends the stream early with an exception frame (never after the final frame).
    pub(crate) fault: Option<PlannedFault>,
    /// Delivers the record; runs before the final frame is sent. An error ends the stream with
    /// an `internalServerException` frame instead of the final frame.
    pub(crate) deliver: Box<dyn FnOnce() -> Result<(), ServiceError> + Send>,
}

/// Starts sending `plan` and returns the 200 response whose body carries it.
pub(crate) fn stream_response(request_id: &str, extra_headers: &[(&'static str, String)], plan: StreamPlan) -> HttpResponse {
    // Capacity 1: each frame is handed to hyper as it is produced, never batched ahead.
    let (tx, rx) = mpsc::channel::<Bytes>(1);
    tokio::spawn(run(plan, tx));
    let mut response = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, CONTENT_TYPE)
        .body(ChannelBody { rx }.boxed())
        .expect("static response parts are valid");
    let headers = response.headers_mut();
    if let Ok(value) = HttpHeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", value);
    }
    for (name, value) in extra_headers {
        if let Ok(value) = HttpHeaderValue::from_str(value) {
            headers.insert(*name, value);
        }
    }
    response
}

async fn run(plan: StreamPlan, tx: mpsc::Sender<Bytes>) {
    let StreamPlan { frames, fault, deliver } = plan;
    let last = frames.len().saturating_sub(1);
    let fault_at = fault.as_ref().map(|f| f.after_frames.min(last));
    let mut deliver = Some(deliver);
    for (i, frame) in frames.into_iter().enumerate() {
        if fault_at == Some(i) {
            if let Some(f) = &fault {
                let _ = tx.send(exception_frame(&f.error)).await;
            }
            return;
        }
        if i == last
            && let Some(deliver) = deliver.take()
            && let Err(err) = deliver()
        {
            tracing::warn!(%err, "record delivery failed; the stream ends with an exception");
            let _ = tx.send(exception_frame(&ServiceError::internal_unexpected())).await;
            return;
        }
        if tx.send(frame).await.is_err() {
            // The client went away: nothing more to send, and no record for an unfinished call.
            return;
        }
    }
}

/// Cuts a text into the deltas a stream sends: runs of up to three words, each keeping the
/// whitespace that follows it, so the deltas concatenate to the text.
pub(crate) fn split_deltas(text: &str) -> Vec<&str> {
    const WORDS_PER_DELTA: usize = 3;
    let mut out = Vec::new();
    let mut start = 0;
    let mut words = 0;
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space && !space {
            words += 1;
            if words == WORDS_PER_DELTA {
                out.push(&text[start..i]);
                start = i;
                words = 0;
            }
        }
        in_space = space;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The exceptions a stream's union declares, by `:exception-type`.
pub(crate) fn stream_exception_allowed(code: ErrorCode, with_model_timeout: bool) -> bool {
    matches!(
        code,
        ErrorCode::InternalServerException
            | ErrorCode::ModelStreamErrorException
            | ErrorCode::ValidationException
            | ErrorCode::ThrottlingException
            | ErrorCode::ServiceUnavailableException
    ) || (with_model_timeout && code == ErrorCode::ModelTimeoutException)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::read_message_from;

    #[test]
    fn deltas_concatenate_to_the_text() {
        let text = "This is an emulated response with several words.";
        let deltas = split_deltas(text);
        assert_eq!(deltas.concat(), text);
        assert_eq!(deltas, vec!["This is an ", "emulated response with ", "several words."]);
        assert!(split_deltas("").is_empty());
    }

    #[test]
    fn frames_decode_with_the_sdk_decoder() {
        let mut bytes = event_frame("messageStart", &serde_json::json!({"role": "assistant"}));
        let message = read_message_from(&mut bytes).unwrap();
        let header = |m: &Message, n: &str| {
            m.headers().iter().find(|h| h.name().as_str() == n).map(|h| h.value().as_string().unwrap().as_str().to_owned())
        };
        assert_eq!(header(&message, ":event-type").as_deref(), Some("messageStart"));
        assert_eq!(header(&message, ":message-type").as_deref(), Some("event"));
        assert_eq!(message.payload().as_ref(), br#"{"role":"assistant"}"#);

        let mut bytes = exception_frame(&ServiceError::new(ErrorCode::ThrottlingException, "slow down"));
        let message = read_message_from(&mut bytes).unwrap();
        assert_eq!(header(&message, ":exception-type").as_deref(), Some("throttlingException"));
        assert_eq!(header(&message, ":message-type").as_deref(), Some("exception"));
        assert_eq!(message.payload().as_ref(), br#"{"message":"slow down"}"#);
    }
}
