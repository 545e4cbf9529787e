//! InvokeModelWithResponseStream: the family's native stream chunks, each base64 in a `chunk`
//! event (`PayloadPart` `{"bytes": ...}`), the last one carrying
//! `amazon-bedrock-invocationMetrics` (the stream's timing: paced under realistic pacing). The
//! record's `outputBodyJson` is the array of decoded chunks (bedrock-api.md §4.2, §4.5 (d)); it
//! is written before the final chunk is sent.

use std::sync::Arc;

use bedrock_model::error::ServiceError;
use bedrock_model::invoke::{invocation_metrics, stream_chunks};
use bedrock_model::record::{ModelInvocationLog, Operation};
use http::HeaderMap;
use serde_json::Value;

use super::prepare::{check_head, latency_optimized, prepare};
use crate::BedrockService;
use crate::delivery::invocation_log;
use crate::pacing::Timing;
use crate::runtime::stream_plan::{PlannedFault, StreamPlan, event_frame, split_deltas, stream_exception_allowed, stream_reply};
use aws_protocol::{Blob, Reply};
use service_kit::RequestContext;

/// Handles `POST /model/{modelId}/invoke-with-response-stream`. Validation errors are ordinary
/// HTTP errors; once the 200 is sent, failures are exception frames (or, from a fault rule, a
/// dropped connection).
pub(crate) fn invoke_model_stream(
    state: &Arc<BedrockService>,
    ctx: &RequestContext,
    model_id: &str,
    headers: &HeaderMap,
    body: &[u8],
    injected: Option<&faults::StreamFault>,
) -> Result<Reply, ServiceError> {
    let started_ms = state.env.now_ms();
    let head = check_head(state, model_id, headers)?;
    if head.is_embedding() {
        // Bedrock's answer for a model without streaming.
        return Err(ServiceError::validation("The model is unsupported for streaming."));
    }
    let prepared = prepare(state, ctx, model_id, head, body)?;
    let fault = match (injected, &prepared.stream_fault) {
        (Some(f), _) => Some(PlannedFault::injected(f)),
        (None, Some(f)) if !stream_exception_allowed(f.error.code, true) => return Err(f.error.clone()),
        (None, Some(f)) => Some(PlannedFault::declared(f.after_chunks, &f.error)),
        (None, None) => None,
    };
    let admission = crate::quota::admit(
        state,
        model_id,
        &prepared.foundation_model_id,
        prepared.completion.input_tokens,
        prepared.request.max_tokens,
    )?;
    let completion = &prepared.completion;
    let pieces = split_deltas(&completion.text);
    let mut chunks = stream_chunks(prepared.request.family, &prepared.generation(), &pieces);
    let weights = chunk_weights(&chunks, &pieces);
    let Some(last) = chunks.pop() else {
        return Err(ServiceError::internal("the model family produced no stream chunks"));
    };
    let frames = chunks.iter().map(chunk_frame).collect::<Result<_, _>>()?;

    if let Some(f) = &fault {
        state.metrics(|m, now| m.failure(model_id, f.failure(), now));
    }
    let plan = state.pace_plan(&prepared.foundation_model_id, completion);
    let instant = Timing::instant(completion.latency_ms);
    let tokens = (completion.input_tokens, completion.output_tokens);
    let cache = (completion.cache_read_input_tokens.unwrap_or(0), completion.cache_write_input_tokens.unwrap_or(0));
    let finish = {
        let state = Arc::clone(state);
        let ctx = ctx.clone();
        let model_id = model_id.to_owned();
        let input_body = prepared.request.body.clone();
        let metadata = prepared.request_metadata.clone();
        // The record takes the metadata; the cost metrics (only when on) need it after delivery.
        let cost_metadata = if state.cost_metrics_on() { metadata.clone() } else { None };
        let latency_optimized = latency_optimized(&prepared.echo_headers);
        Box::new(move |timing: Timing| {
            let mut last = last;
            if let Value::Object(map) = &mut last {
                let metrics = invocation_metrics(tokens.0, tokens.1, timing.latency_ms, timing.first_token_ms);
                map.insert("amazon-bedrock-invocationMetrics".to_owned(), metrics);
            }
            let frame = chunk_frame(&last)?;
            chunks.push(last);
            let output = Value::Array(chunks);
            invocation_log::deliver_with(&state, &ctx, Operation::InvokeModelWithResponseStream, &model_id, |c, cfg| {
                ModelInvocationLog::for_invoke(c, &input_body, output, tokens, metadata, cfg)
            })?;
            let outcome = crate::metrics::Outcome {
                input_tokens: u64::from(tokens.0),
                output_tokens: u64::from(tokens.1),
                cache_read_tokens: u64::from(cache.0),
                cache_write_tokens: u64::from(cache.1),
                latency_ms: timing.latency_ms,
                time_to_first_token_ms: Some(timing.first_token_ms),
            };
            crate::quota::settle(&state, admission.as_ref(), &model_id, &outcome);
            state.succeeded(&crate::metrics::Succeeded {
                model_id: &model_id,
                region: &ctx.region,
                metadata: cost_metadata.as_ref(),
                latency_optimized,
                outcome: &outcome,
            });
            Ok(frame)
        })
    };
    let plan = StreamPlan { frames, weights, plan, instant, fault, finish };
    let reply =
        stream_reply(plan, state.pacing.clone(), started_ms).with_header("X-Amzn-Bedrock-Content-Type", "application/json");
    Ok(prepared.echo_headers.iter().fold(reply, |reply, (name, value)| reply.with_header(*name, value.clone())))
}

/// A `chunk` event carrying one native chunk.
fn chunk_frame(chunk: &Value) -> Result<bytes::Bytes, ServiceError> {
    let bytes = serde_json::to_vec(chunk).map_err(|err| ServiceError::internal(format!("cannot encode a chunk: {err}")))?;
    event_frame("chunk", &PayloadPart { bytes: Blob(bytes.into()) })
}

/// The text each chunk carries (the pieces, in order, as string values of the chunks), which
/// paces the chunks under realistic pacing.
fn chunk_weights(chunks: &[Value], pieces: &[&str]) -> Vec<usize> {
    fn find(v: &Value, piece: &str) -> bool {
        match v {
            Value::String(s) => s == piece,
            Value::Array(items) => items.iter().any(|i| find(i, piece)),
            Value::Object(map) => map.values().any(|i| find(i, piece)),
            _ => false,
        }
    }
    let mut next = 0;
    chunks
        .iter()
        .map(|chunk| match pieces.get(next) {
            Some(piece) if find(chunk, piece) => {
                next += 1;
                piece.len()
            }
            _ => 0,
        })
        .collect()
}

/// `PayloadPart`: one chunk of the model's native response, base64 in the event's JSON.
#[derive(Debug, serde::Serialize)]
struct PayloadPart {
    bytes: Blob,
}
