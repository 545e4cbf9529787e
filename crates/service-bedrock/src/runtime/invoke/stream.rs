//! InvokeModelWithResponseStream: the family's native stream chunks, each base64 in a `chunk`
//! event (`PayloadPart` `{"bytes": ...}`), the last one carrying
//! `amazon-bedrock-invocationMetrics`. The record's `outputBodyJson` is the array of decoded
//! chunks (bedrock-api.md §4.2, §4.5 (d)); it is written before the final chunk is sent.

use std::sync::Arc;

use bedrock_model::error::ServiceError;
use bedrock_model::invoke::{invocation_metrics, stream_chunks};
use bedrock_model::record::{ModelInvocationLog, Operation};
use http::HeaderMap;
use serde_json::Value;

use crate::runtime::stream_plan::{PlannedFault, StreamPlan, event_frame, split_deltas, stream_exception_allowed, stream_reply};
use crate::delivery::invocation_log;
use service_kit::RequestContext;
use super::prepare::{check_head, prepare};
use aws_protocol::{Blob, Reply};
use crate::BedrockService;

/// Latency until the first byte, reported in the invocation metrics: the fixed part of the
/// responder's latency (`100 + 8 × outputTokens`), capped by the whole.
pub(crate) const FIRST_BYTE_MS: u64 = 100;

/// Handles `POST /model/{modelId}/invoke-with-response-stream`. Validation errors are ordinary
/// HTTP errors; once the 200 is sent, failures are exception frames.
pub(crate) fn invoke_model_stream(
    state: &Arc<BedrockService>,
    ctx: &RequestContext,
    model_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply, ServiceError> {
    let head = check_head(state, model_id, headers)?;
    if head.is_embedding() {
        // Bedrock's answer for a model without streaming.
        return Err(ServiceError::validation("The model is unsupported for streaming."));
    }
    let prepared = prepare(state, ctx, model_id, head, body)?;
    let fault = match &prepared.stream_fault {
        Some(f) if !stream_exception_allowed(f.error.code, true) => return Err(f.error.clone()),
        Some(f) => Some(PlannedFault { after_frames: f.after_chunks, error: f.error.clone() }),
        None => None,
    };
    let completion = &prepared.completion;
    let pieces = split_deltas(&completion.text);
    let mut chunks = stream_chunks(prepared.request.family, &prepared.generation(), &pieces);
    let metrics = invocation_metrics(
        completion.input_tokens,
        completion.output_tokens,
        completion.latency_ms,
        FIRST_BYTE_MS.min(completion.latency_ms),
    );
    if let Some(Value::Object(last)) = chunks.last_mut() {
        last.insert("amazon-bedrock-invocationMetrics".to_owned(), metrics);
    }
    let frames = chunks
        .iter()
        .map(|chunk| {
            let bytes = serde_json::to_vec(chunk).expect("a JSON value serializes");
            event_frame("chunk", &PayloadPart { bytes: Blob(bytes.into()) })
        })
        .collect::<Result<_, _>>()?;

    let tokens = (completion.input_tokens, completion.output_tokens);
    if let Some(f) = &fault {
        state.metrics(|m, now| m.failure(model_id, &f.error, now));
    }
    let outcome = crate::metrics::Outcome {
        input_tokens: u64::from(completion.input_tokens),
        output_tokens: u64::from(completion.output_tokens),
        cache_read_tokens: u64::from(completion.cache_read_input_tokens.unwrap_or(0)),
        cache_write_tokens: u64::from(completion.cache_write_input_tokens.unwrap_or(0)),
        latency_ms: completion.latency_ms,
        time_to_first_token_ms: Some(FIRST_BYTE_MS.min(completion.latency_ms)),
    };
    let deliver = {
        let state = Arc::clone(state);
        let ctx = ctx.clone();
        let model_id = model_id.to_owned();
        let input_body = prepared.request.body.clone();
        let metadata = prepared.request_metadata.clone();
        let output = Value::Array(chunks);
        Box::new(move || {
            invocation_log::deliver_with(&state, &ctx, Operation::InvokeModelWithResponseStream, &model_id, |c, cfg| {
                ModelInvocationLog::for_invoke(c, &input_body, output, tokens, metadata, cfg)
            })?;
            state.metrics(|m, now| m.success(&model_id, &outcome, now));
            Ok(())
        })
    };
    let reply = stream_reply(StreamPlan { frames, fault, deliver }).with_header("X-Amzn-Bedrock-Content-Type", "application/json");
    Ok(prepared.echo_headers.iter().fold(reply, |reply, (name, value)| reply.with_header(*name, value.clone())))
}

/// `PayloadPart`: one chunk of the model's native response, base64 in the event's JSON.
#[derive(Debug, serde::Serialize)]
struct PayloadPart {
    bytes: Blob,
}
