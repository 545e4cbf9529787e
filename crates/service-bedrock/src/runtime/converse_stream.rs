//! ConverseStream: the Converse request and validation, answered as `messageStart`,
//! `contentBlockDelta` (the text in several deltas), `contentBlockStop`, `messageStop` and
//! `metadata` (usage and metrics, last) event frames. Plain text has no `contentBlockStart`, as
//! Bedrock streams it for Anthropic and Nova models (bedrock-api.md §2.3). The record holds the
//! assembled Converse-shaped response (what AWS logs for a stream) and is written before the
//! final frame, which carries the stream's timing (paced under realistic pacing).

use std::sync::Arc;

use bedrock_model::converse::{ContentBlockDelta, ConverseRequest, ConverseResponse, ConverseStreamEvent};
use bedrock_model::error::ServiceError;
use bedrock_model::record::{ModelInvocationLog, Operation};

use crate::BedrockService;
use crate::delivery::invocation_log;
use crate::pacing::Timing;
use crate::runtime::converse::ConverseCall;
use crate::runtime::stream_plan::{PlannedFault, StreamPlan, event_frame, split_deltas, stream_exception_allowed, stream_reply};
use aws_protocol::Reply;
use service_kit::RequestContext;

/// Handles `POST /model/{modelId}/converse-stream`. Validation errors are ordinary HTTP errors;
/// once the 200 is sent, failures are exception frames (or, from a fault rule, a dropped
/// connection).
pub(crate) fn converse_stream(
    state: &Arc<BedrockService>,
    ctx: &RequestContext,
    model_id: &str,
    body: &[u8],
    injected: Option<&faults::StreamFault>,
) -> Result<Reply, ServiceError> {
    let started_ms = state.env.now_ms();
    let call = ConverseCall::prepare(state, model_id, body)?;
    let prompt = call.prompt(model_id);
    let fault = match (injected, state.responder.stream_fault(&prompt)) {
        (Some(f), _) => Some(PlannedFault::injected(f)),
        // A member ConverseStream's union lacks (modelTimeoutException) fails before the stream.
        (None, Some(f)) if !stream_exception_allowed(f.error.code, false) => return Err(f.error),
        (None, Some(f)) => Some(PlannedFault::declared(f.after_chunks, &f.error)),
        (None, None) => None,
    };
    let admission = call.admit(state, model_id)?;
    let completion = state.responder.respond(&prompt);
    let response = completion.to_converse_response();
    let pieces = split_deltas(&completion.text);
    let mut events = vec![ConverseStreamEvent::MessageStart { role: "assistant" }];
    events.extend(
        pieces
            .iter()
            .map(|text| ConverseStreamEvent::ContentBlockDelta { content_block_index: 0, delta: ContentBlockDelta { text } }),
    );
    events.push(ConverseStreamEvent::ContentBlockStop { content_block_index: 0 });
    events.push(ConverseStreamEvent::MessageStop { stop_reason: response.stop_reason });
    let frames = events.iter().map(|event| event_frame(event.event_type(), event)).collect::<Result<Vec<_>, _>>()?;
    let mut weights = vec![0];
    weights.extend(pieces.iter().map(|p| p.len()));
    weights.extend([0, 0, 0]);
    if let Some(f) = &fault {
        // The stream will end early: an accepted invocation that failed.
        state.metrics(|m, now| m.failure(model_id, f.failure(), now));
    }
    let plan = state.pace_plan(&call.foundation_model_id, &completion);
    let instant = Timing::instant(completion.latency_ms);
    let finish = {
        let state = Arc::clone(state);
        let ctx = ctx.clone();
        let model_id = model_id.to_owned();
        let request = call.request;
        Box::new(move |timing: Timing| finish(&state, &ctx, &model_id, &request, response, admission.as_ref(), timing))
    };
    let plan = StreamPlan { frames, weights, plan, instant, fault, finish };
    Ok(stream_reply(plan, state.pacing.clone(), started_ms))
}

/// Delivers the record (the assembled response with the stream's timing), publishes the
/// metrics, and builds the final `metadata` frame.
fn finish(
    state: &BedrockService,
    ctx: &RequestContext,
    model_id: &str,
    request: &ConverseRequest,
    mut response: ConverseResponse,
    admission: Option<&faults::Admission>,
    timing: Timing,
) -> Result<bytes::Bytes, ServiceError> {
    response.metrics.latency_ms = i64::try_from(timing.latency_ms).unwrap_or(i64::MAX);
    invocation_log::deliver_with(state, ctx, Operation::ConverseStream, model_id, |c, cfg| {
        ModelInvocationLog::for_converse(c, request, &response, cfg)
    })?;
    let outcome = super::converse::outcome(&response, Some(timing.first_token_ms));
    crate::quota::settle(state, admission, model_id, &outcome);
    state.succeeded(&super::converse::succeeded(ctx, model_id, request, &outcome));
    let metadata = ConverseStreamEvent::Metadata { usage: response.usage, metrics: response.metrics };
    event_frame(metadata.event_type(), &metadata)
}
