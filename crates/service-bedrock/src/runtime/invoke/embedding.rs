//! InvokeModel on an embedding model (Amazon Titan Text Embeddings V2): the body checked
//! against the model's schema, a deterministic vector ([`embedding_vector`]) in the model's
//! response shape, the token headers (`x-amzn-bedrock-output-token-count` 0) and the record
//! (`ModelInvocationLog::for_embedding`: the embedding is logged when
//! `embeddingDataDeliveryEnabled` is on), written before the response leaves.

use bedrock_model::error::ServiceError;
use bedrock_model::invoke::{embedding_response, parse_embedding_body};
use bedrock_model::record::{ModelInvocationLog, Operation};

use super::InvokeModelOutput;
use super::prepare::{InvokeHead, latency_optimized};
use crate::BedrockService;
use crate::delivery::invocation_log;
use crate::responder::embedding_vector;
use crate::tokens::estimate_tokens;
use service_kit::RequestContext;

/// Latency reported for an embedding (a fixed 50 ms: no tokens are generated); under realistic
/// pacing the family's time to first token is spent and measured instead.
const EMBEDDING_LATENCY_MS: u64 = 50;

/// Handles `POST /model/{modelId}/invoke` for an embedding model.
pub(super) async fn invoke_embedding(
    state: &BedrockService,
    ctx: &RequestContext,
    model_id: &str,
    head: InvokeHead<'_>,
    body: &[u8],
    started_ms: i64,
) -> Result<InvokeModelOutput, ServiceError> {
    let InvokeHead { request_metadata, echo_headers, model } = head;
    let request = parse_embedding_body(body)?;
    let input_tokens = estimate_tokens(&request.input_text);
    let admission = crate::quota::admit(state, model_id, &model.model_id, input_tokens, Some(0))?;
    let latency_ms = if state.pacing.is_realistic() {
        let plan = crate::pacing::Plan::of(&state.catalog.family(&model.model_id), 0, None);
        state.pacing.spend(plan, started_ms).await.latency_ms
    } else {
        EMBEDDING_LATENCY_MS
    };
    let vector = embedding_vector(&model.model_id, &request.input_text, request.dimensions, request.normalize);
    let output = embedding_response(&request, &vector, input_tokens);
    let response_bytes = serde_json::to_vec(&output).expect("a JSON value serializes");
    // The record takes the metadata; the cost metrics (only when on) need it after delivery.
    let cost_metadata = if state.cost_metrics_on() { request_metadata.clone() } else { None };
    invocation_log::deliver_with(state, ctx, Operation::InvokeModel, model_id, |context, cfg| {
        ModelInvocationLog::for_embedding(context, &request.body, output, input_tokens, request_metadata, cfg)
    })?;
    let outcome =
        crate::metrics::Outcome { input_tokens: u64::from(input_tokens), latency_ms, ..crate::metrics::Outcome::default() };
    crate::quota::settle(state, admission.as_ref(), model_id, &outcome);
    state.succeeded(&crate::metrics::Succeeded {
        model_id,
        region: &ctx.region,
        metadata: cost_metadata.as_ref(),
        latency_optimized: latency_optimized(&echo_headers),
        outcome: &outcome,
    });
    let mut headers = vec![
        ("x-amzn-bedrock-input-token-count", input_tokens.to_string()),
        ("x-amzn-bedrock-output-token-count", "0".to_owned()),
        ("x-amzn-bedrock-invocation-latency", latency_ms.to_string()),
    ];
    headers.extend(echo_headers);
    Ok(InvokeModelOutput { body: response_bytes, headers })
}
