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
use serde_json::json;

use crate::runtime::stream_plan::{PlannedFault, StreamPlan, event_frame, split_deltas, stream_exception_allowed, stream_response};
use crate::delivery::invocation_log;
use service_kit::RequestContext;
use crate::runtime::converse::ConverseCall;
use service_kit::response::HttpResponse;
use crate::BedrockService;

/// Handles `POST /model/{modelId}/converse-stream`. Validation errors are ordinary HTTP errors;
/// once the 200 is sent, failures are exception frames.
pub(crate) fn converse_stream(
    state: &Arc<BedrockService>,
    ctx: &RequestContext,
    model_id: &str,
    body: &[u8],
) -> Result<HttpResponse, ServiceError> {
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
    let frames = frames_of(&response, &completion.text);

    let deliver = {
        let state = Arc::clone(state);
        let ctx = ctx.clone();
        let model_id = model_id.to_owned();
        let request = call.request;
        Box::new(move || deliver(&state, &ctx, &model_id, &request, &response))
    };
    Ok(stream_response(&ctx.request_id, &[], StreamPlan { frames, fault, deliver }))
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
    })
}

/// The event frames of a text answer, in Bedrock's order (metadata last).
fn frames_of(response: &ConverseResponse, text: &str) -> Vec<bytes::Bytes> {
    let mut frames = vec![event_frame("messageStart", &json!({"role": "assistant"}))];
    frames.extend(
        split_deltas(text)
            .into_iter()
            .map(|d| event_frame("contentBlockDelta", &json!({"contentBlockIndex": 0, "delta": {"text": d}}))),
    );
    frames.push(event_frame("contentBlockStop", &json!({"contentBlockIndex": 0})));
    frames.push(event_frame("messageStop", &json!({"stopReason": response.stop_reason.as_str()})));
    frames.push(event_frame("metadata", &json!({"usage": response.usage, "metrics": response.metrics})));
    frames
}
