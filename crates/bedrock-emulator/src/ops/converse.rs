//! Converse: validate the request exactly as Bedrock does, answer from the responder, and write
//! the `ModelInvocationLog` record before the response leaves.

use bedrock_model::converse::parse_converse_request_for;
use bedrock_model::error::ServiceError;
use bedrock_model::record::Operation;

use crate::catalog;
use crate::invocation_log::{self, Invocation};
use crate::ops::RequestContext;
use crate::responder::Prompt;
use crate::state::AppState;
use crate::tokens::estimate_tokens_all;

/// Handles `POST /model/{modelId}/converse`; returns the response body.
pub(crate) fn converse(
    state: &AppState,
    ctx: &RequestContext,
    model_id: &str,
    body: &[u8],
) -> Result<Vec<u8>, ServiceError> {
    let request = parse_converse_request_for(model_id, body)?;
    let resolved = state.config.catalog.resolve(model_id)?;
    if !resolved.model.converse {
        return Err(catalog::converse_unsupported());
    }

    let texts: Vec<&str> = request.input_texts().collect();
    let seed_text = texts.join("\n");
    let prompt = Prompt {
        invoked_model_id: model_id,
        foundation_model_id: &resolved.model.model_id,
        input_tokens: estimate_tokens_all(texts.iter().copied()),
        last_user_text: request.last_user_text().unwrap_or(""),
        seed_text: &seed_text,
        max_tokens: request.max_tokens().map(|n| n.max(0) as u32),
        stop_sequences: request.stop_sequences(),
    };
    let response = state.config.responder.respond(&prompt).to_converse_response();
    let response_bytes = serde_json::to_vec(&response).expect("a Converse response serializes");
    invocation_log::deliver(state, &Invocation { ctx, operation: Operation::Converse, model_id, request: &request, response: &response })?;
    Ok(response_bytes)
}
