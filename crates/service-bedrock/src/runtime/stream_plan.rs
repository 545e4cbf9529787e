//! The plan of a Bedrock event stream (ConverseStream, InvokeModelWithResponseStream): its
//! frames, an optional declared fault, and the record delivery that runs before the final frame
//! (so a completed stream always has its record, and a stream that ends in an exception has
//! none). The frames themselves are the protocol layer's (`aws_protocol::eventstream`); this file
//! decides what is sent and when.

use aws_protocol::eventstream::{self, CONTENT_TYPE};
use aws_protocol::Reply;
use bytes::Bytes;
use http_body_util::BodyExt;
use tokio::sync::mpsc;

use bedrock_model::error::{ErrorCode, ServiceError};

use crate::error::to_aws_error;

/// An event frame: `:event-type` = the union member, payload = the event structure's JSON.
pub(crate) fn event_frame(event_type: &str, payload: &impl serde::Serialize) -> Result<Bytes, ServiceError> {
    eventstream::event_frame(event_type, payload)
        .map_err(|err| ServiceError::internal(format!("cannot encode the {event_type} event: {err}")))
}

/// The exception frame of a Bedrock error (the member named after its code).
fn exception(err: &ServiceError) -> Bytes {
    // A frame of a code and a message always encodes; an empty frame would end the stream.
    eventstream::exception_frame(&to_aws_error(err)).unwrap_or_default()
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

/// Starts sending `plan` and returns the 200 reply whose body carries it.
pub(crate) fn stream_reply(plan: StreamPlan) -> Reply {
    let (tx, body) = eventstream::channel();
    tokio::spawn(run(plan, tx));
    Reply::stream(CONTENT_TYPE, body.boxed())
}

async fn run(plan: StreamPlan, tx: mpsc::Sender<Bytes>) {
    let StreamPlan { frames, fault, deliver } = plan;
    let last = frames.len().saturating_sub(1);
    let fault_at = fault.as_ref().map(|f| f.after_frames.min(last));
    let mut deliver = Some(deliver);
    for (i, frame) in frames.into_iter().enumerate() {
        if fault_at == Some(i) {
            if let Some(f) = &fault {
                let _ = tx.send(exception(&f.error)).await;
            }
            return;
        }
        if i == last
            && let Some(deliver) = deliver.take()
            && let Err(err) = deliver()
        {
            tracing::warn!(%err, "record delivery failed; the stream ends with an exception");
            let _ = tx.send(exception(&ServiceError::internal_unexpected())).await;
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
    fn bedrock_errors_become_exception_frames_of_their_member() {
        let mut bytes = exception(&ServiceError::new(ErrorCode::ThrottlingException, "slow down"));
        let message = read_message_from(&mut bytes).unwrap();
        let header = |n: &str| {
            message.headers().iter().find(|h| h.name().as_str() == n).map(|h| h.value().as_string().unwrap().as_str().to_owned())
        };
        assert_eq!(header(":exception-type").as_deref(), Some("throttlingException"));
        assert_eq!(header(":message-type").as_deref(), Some("exception"));
        assert_eq!(message.payload().as_ref(), br#"{"message":"slow down"}"#);
    }
}
