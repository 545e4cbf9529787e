//! The plan of a Bedrock event stream (ConverseStream, InvokeModelWithResponseStream): its
//! frames, their pacing, an optional early end (a declared stream error or a fault rule's:
//! an exception frame or a dropped connection), and the finish that delivers the record and
//! builds the final frame from the stream's timing (so a completed stream always has its
//! record, and a stream that ends early has none). The frames themselves are the protocol
//! layer's (`aws_protocol::eventstream`); this file decides what is sent and when.

use aws_protocol::eventstream::{self, CONTENT_TYPE, ChannelSender};
use aws_protocol::{AwsError, Reply};
use bytes::Bytes;
use http_body_util::BodyExt;

use bedrock_model::error::{ErrorCode, ServiceError};

use crate::error::to_aws_error;
use crate::pacing::{Pacing, Timing};

/// An event frame: `:event-type` = the union member, payload = the event structure's JSON.
pub(crate) fn event_frame(event_type: &str, payload: &impl serde::Serialize) -> Result<Bytes, ServiceError> {
    eventstream::event_frame(event_type, payload)
        .map_err(|err| ServiceError::internal(format!("cannot encode the {event_type} event: {err}")))
}

/// The exception frame of an error (the member named after its code).
fn exception(err: &AwsError) -> Bytes {
    // A frame of a code and a message always encodes; an empty frame would end the stream.
    eventstream::exception_frame(err).unwrap_or_default()
}

/// How a stream ends early.
#[derive(Debug, Clone)]
pub(crate) enum EarlyEnd {
    /// An exception frame.
    Exception(AwsError),
    /// The connection is dropped.
    Disconnect,
}

/// An early end: after `after_frames` frames (never the final one), the stream ends.
#[derive(Debug, Clone)]
pub(crate) struct PlannedFault {
    pub(crate) after_frames: usize,
    pub(crate) end: EarlyEnd,
}

impl PlannedFault {
    /// A declared stream error (`streamError` of a declared response).
    pub(crate) fn declared(after_frames: usize, error: &ServiceError) -> Self {
        Self { after_frames, end: EarlyEnd::Exception(to_aws_error(error)) }
    }

    /// A fault rule's mid-stream end.
    pub(crate) fn injected(fault: &faults::StreamFault) -> Self {
        let end = match &fault.end {
            faults::StreamEnd::Exception(err) => EarlyEnd::Exception(err.clone()),
            faults::StreamEnd::Disconnect => EarlyEnd::Disconnect,
        };
        Self { after_frames: fault.after_chunks, end }
    }

    /// How the failure counts in the metrics (a dropped connection: a server-side failure).
    pub(crate) fn failure(&self) -> crate::metrics::Failure {
        match &self.end {
            EarlyEnd::Exception(err) => crate::metrics::Failure::of_aws(err),
            EarlyEnd::Disconnect => crate::metrics::Failure::Server,
        }
    }
}

/// The record delivery and the final frame, given the stream's timing; an error ends the stream
/// with an `internalServerException` frame instead of the final frame.
pub(crate) type Finish = Box<dyn FnOnce(Timing) -> Result<Bytes, ServiceError> + Send>;

/// Everything a stream will send.
pub(crate) struct StreamPlan {
    /// Event frames in order, all but the final one.
    pub(crate) frames: Vec<Bytes>,
    /// The text each frame carries (paces the frames under realistic pacing).
    pub(crate) weights: Vec<usize>,
    /// The time the answer takes (realistic pacing).
    pub(crate) plan: crate::pacing::Plan,
    /// The timing reported when nothing waits (instant pacing).
    pub(crate) instant: Timing,
    /// Ends the stream early (never after the final frame).
    pub(crate) fault: Option<PlannedFault>,
    pub(crate) finish: Finish,
}

/// Starts sending `plan` (paced by `pacing` from `started_ms`) and returns the 200 reply whose
/// body carries it.
pub(crate) fn stream_reply(plan: StreamPlan, pacing: Pacing, started_ms: i64) -> Reply {
    let (tx, body) = eventstream::channel();
    tokio::spawn(run(plan, pacing, started_ms, tx));
    Reply::stream(CONTENT_TYPE, body.boxed())
}

async fn run(plan: StreamPlan, pacing: Pacing, started_ms: i64, tx: ChannelSender) {
    let StreamPlan { frames, weights, plan, instant, fault, finish } = plan;
    let waits = if pacing.is_realistic() { plan.schedule(&weights) } else { Vec::new() };
    let fault_at = fault.as_ref().map(|f| f.after_frames.min(frames.len()));
    let mut first_token_ms = None;
    let mut finish = Some(finish);
    let n = frames.len();
    for (i, frame) in frames.into_iter().chain(std::iter::once(Bytes::new())).enumerate() {
        if let Some(wait) = waits.get(i).copied().filter(|w| *w > 0) {
            pacing.sleeper.sleep(wait).await;
        }
        if fault_at == Some(i) {
            match fault.map(|f| f.end) {
                Some(EarlyEnd::Exception(err)) => {
                    let _ = tx.send(exception(&err)).await;
                }
                Some(EarlyEnd::Disconnect) => tx.abort().await,
                None => {}
            }
            return;
        }
        let frame = if i == n {
            let timing = if pacing.is_realistic() {
                let latency_ms = pacing.elapsed_since(started_ms);
                Timing { latency_ms, first_token_ms: first_token_ms.unwrap_or(latency_ms) }
            } else {
                instant
            };
            match finish.take().map(|finish| finish(timing)) {
                Some(Ok(frame)) => frame,
                None => return,
                Some(Err(err)) => {
                    tracing::warn!(%err, "record delivery failed; the stream ends with an exception");
                    let _ = tx.send(exception(&to_aws_error(&ServiceError::internal_unexpected()))).await;
                    return;
                }
            }
        } else {
            frame
        };
        if tx.send(frame).await.is_err() {
            // The client went away: nothing more to send, and no record for an unfinished call.
            return;
        }
        if i == 0 {
            first_token_ms = Some(pacing.elapsed_since(started_ms));
        }
        if i == n {
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
        let mut bytes = exception(&to_aws_error(&ServiceError::new(ErrorCode::ThrottlingException, "slow down")));
        let message = read_message_from(&mut bytes).unwrap();
        let header = |n: &str| {
            message.headers().iter().find(|h| h.name().as_str() == n).map(|h| h.value().as_string().unwrap().as_str().to_owned())
        };
        assert_eq!(header(":exception-type").as_deref(), Some("throttlingException"));
        assert_eq!(header(":message-type").as_deref(), Some("exception"));
        assert_eq!(message.payload().as_ref(), br#"{"message":"slow down"}"#);
    }
}
