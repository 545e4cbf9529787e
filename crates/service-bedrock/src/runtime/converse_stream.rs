//! ConverseStream: the Converse request and validation, answered as `messageStart`,
//! `contentBlockDelta` (the text in several deltas), `contentBlockStop`, `messageStop` and
//! `metadata` (usage and metrics, last) event frames. Plain text has no `contentBlockStart`, as
//! Bedrock streams it for Anthropic and Nova models (bedrock-api.md §2.3). The record holds the
//! assembled Converse-shaped response (what AWS logs for a stream) and is written before the
//! final frame.

use std::sync::Arc;

use bedrock_model::converse::{ConverseRequest, ConverseResponse};
use bedrock_model::error::ServiceError;
use bedrock_model::record::{ModelInvocationLog, Operation};
use bedrock_model::converse::{ContentBlockDelta, ConverseStreamEvent};

use crate::runtime::stream_plan::{PlannedFault, StreamPlan, event_frame, split_deltas, stream_exception_allowed, stream_reply};
use crate::delivery::invocation_log;
use service_kit::RequestContext;
use crate::runtime::converse::ConverseCall;
use aws_protocol::Reply;
use crate::BedrockService;

/// Handles `POST /model/{modelId}/converse-stream`. Validation errors are ordinary HTTP errors;
/// once the 200 is sent, failures are exception frames.
pub(crate) fn converse_stream(
    state: &Arc<BedrockService>,
    ctx: &RequestContext,
    model_id: &str,
    body: &[u8],
) -> Result<Reply, ServiceError> {
    let call = ConverseCall::prepare(state, model_id, body)?;
    let prompt = call.prompt(model_id);
    let completion = state.responder.respond(&prompt);
    let fault = match state.responder.stream_fault(&prompt) {
        // A member ConverseStream's union lacks (modelTimeoutException) fails before the stream.
        Some(f) if !stream_exception_allowed(f.error.code, false) => return Err(f.error),
        Some(f) => Some(PlannedFault { after_frames: f.after_chunks, error: f.error }),
        None => None,
    };
    let response = completion.to_converse_response();
    let frames = frames_of(&response, &completion.text)?;
    if let Some(f) = &fault {
        // The stream will end with this fault: an accepted invocation that failed.
        state.metrics(|m, now| m.failure(model_id, &f.error, now));
    }

    let deliver = {
        let state = Arc::clone(state);
        let ctx = ctx.clone();
        let model_id = model_id.to_owned();
        let request = call.request;
        Box::new(move || deliver(&state, &ctx, &model_id, &request, &response))
    };
    Ok(stream_reply(StreamPlan { frames, fault, deliver }))
}

fn deliver(
    state: &BedrockService,
    ctx: &RequestContext,
    model_id: &str,
    request: &ConverseRequest,
    response: &ConverseResponse,
) -> Result<(), ServiceError> {
    invocation_log::deliver_with(state, ctx, Operation::ConverseStream, model_id, |c, cfg| {
        ModelInvocationLog::for_converse(c, request, response, cfg)
    })?;
    let ttft = crate::runtime::invoke::stream::FIRST_BYTE_MS.min(u64::try_from(response.metrics.latency_ms).unwrap_or(0));
    state.metrics(|m, now| m.success(model_id, &super::converse::outcome(response, Some(ttft)), now));
    Ok(())
}

/// The event frames of a text answer, in Bedrock's order (metadata last).
fn frames_of(response: &ConverseResponse, text: &str) -> Result<Vec<bytes::Bytes>, ServiceError> {
    let mut events = vec![ConverseStreamEvent::MessageStart { role: "assistant" }];
    events.extend(split_deltas(text).into_iter().map(|text| ConverseStreamEvent::ContentBlockDelta {
        content_block_index: 0,
        delta: ContentBlockDelta { text },
    }));
    events.push(ConverseStreamEvent::ContentBlockStop { content_block_index: 0 });
    events.push(ConverseStreamEvent::MessageStop { stop_reason: response.stop_reason });
    events.push(ConverseStreamEvent::Metadata { usage: response.usage, metrics: response.metrics });
    events.iter().map(|event| event_frame(event.event_type(), event)).collect()
}
