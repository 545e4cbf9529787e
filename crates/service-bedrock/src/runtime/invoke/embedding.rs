//! InvokeModel on an embedding model (Amazon Titan Text Embeddings V2): the body checked
//! against the model's schema, a deterministic vector ([`embedding_vector`]) in the model's
//! response shape, the token headers (`x-amzn-bedrock-output-token-count` 0) and the record
//! (`ModelInvocationLog::for_embedding`: the embedding is logged when
//! `embeddingDataDeliveryEnabled` is on), written before the response leaves.

use bedrock_model::error::ServiceError;
use bedrock_model::invoke::{embedding_response, parse_embedding_body};
use bedrock_model::record::{ModelInvocationLog, Operation};

use crate::delivery::invocation_log;
use service_kit::RequestContext;
use super::InvokeModelOutput;
use super::prepare::InvokeHead;
use crate::responder::embedding_vector;
use crate::BedrockService;
use crate::tokens::estimate_tokens;

/// Latency reported for an embedding (a fixed 50 ms: no tokens are generated).
const EMBEDDING_LATENCY_MS: u64 = 50;

/// Handles `POST /model/{modelId}/invoke` for an embedding model.
pub(super) fn invoke_embedding(
    state: &BedrockService,
    ctx: &RequestContext,
    model_id: &str,
    head: InvokeHead<'_>,
    body: &[u8],
) -> Result<InvokeModelOutput, ServiceError> {
    let InvokeHead { request_metadata, echo_headers, model } = head;
    let request = parse_embedding_body(body)?;
    let input_tokens = estimate_tokens(&request.input_text);
    let vector = embedding_vector(&model.model_id, &request.input_text, request.dimensions, request.normalize);
    let output = embedding_response(&request, &vector, input_tokens);
    let response_bytes = serde_json::to_vec(&output).expect("a JSON value serializes");
    invocation_log::deliver_with(state, ctx, Operation::InvokeModel, model_id, |context, cfg| {
        ModelInvocationLog::for_embedding(context, &request.body, output, input_tokens, request_metadata, cfg)
    })?;
    let outcome = crate::metrics::Outcome {
        input_tokens: u64::from(input_tokens),
        latency_ms: EMBEDDING_LATENCY_MS,
        ..crate::metrics::Outcome::default()
    };
    state.metrics(|m, now| m.success(model_id, &outcome, now));
    let mut headers = vec![
        ("x-amzn-bedrock-input-token-count", input_tokens.to_string()),
        ("x-amzn-bedrock-output-token-count", "0".to_owned()),
        ("x-amzn-bedrock-invocation-latency", EMBEDDING_LATENCY_MS.to_string()),
    ];
    headers.extend(echo_headers);
    Ok(InvokeModelOutput { body: response_bytes, headers })
}
