//! Converse: validate the request exactly as Bedrock does, answer from the responder, and write
//! the `ModelInvocationLog` record before the response leaves.

use bedrock_model::converse::parse_converse_request;
use bedrock_model::error::ServiceError;
use bedrock_model::model_id::validate_model_id;

use crate::catalog;
use crate::invocation_log::{self, Invocation};
use crate::ops::RequestContext;
use crate::responder::{Completion, Prompt, input_tokens};
use crate::state::AppState;

/// Handles `POST /model/{modelId}/converse`; returns the response body.
pub(crate) fn converse(
    state: &AppState,
    ctx: &RequestContext,
    model_id: &str,
    body: &[u8],
) -> Result<Vec<u8>, ServiceError> {
    validate_model_id(model_id)?;
    let request = parse_converse_request(body)?;
    let resolved = state.config.catalog.resolve(model_id)?;
    if !resolved.model.converse {
        return Err(catalog::converse_unsupported());
    }

    let texts: Vec<&str> = request.input_texts().collect();
    let seed_text = texts.join("\n");
    let prompt = Prompt {
        invoked_model_id: model_id,
        foundation_model_id: &resolved.model.model_id,
        input_tokens: input_tokens(texts.iter().copied()),
        last_user_text: request.last_user_text().unwrap_or(""),
        seed_text: &seed_text,
        max_tokens: request.max_tokens().map(|n| n.max(0) as u32),
        stop_sequences: request.stop_sequences(),
    };
    let completion = state.config.responder.respond(&prompt);
    let response = converse_response_json(&completion);
    let response_bytes = serde_json::to_vec(&response).expect("a JSON value serializes");

    invocation_log::deliver(
        state,
        &Invocation {
            ctx,
            operation: "Converse",
            model_id,
            input_body: &request.body,
            output_body: &response,
            input_token_count: completion.input_tokens,
            output_token_count: completion.output_tokens,
            cache_read_input_token_count: completion.cache_read_input_tokens,
            cache_write_input_token_count: completion.cache_write_input_tokens,
            request_metadata: request.request_metadata(),
        },
    )?;
    Ok(response_bytes)
}

/// The Converse response object, in the member order Bedrock logs it.
pub(crate) fn converse_response_json(c: &Completion) -> serde_json::Value {
    let mut usage = serde_json::json!({
        "inputTokens": c.input_tokens,
        "outputTokens": c.output_tokens,
        "totalTokens": c.total_tokens(),
    });
    if let Some(n) = c.cache_read_input_tokens {
        usage["cacheReadInputTokens"] = n.into();
    }
    if let Some(n) = c.cache_write_input_tokens {
        usage["cacheWriteInputTokens"] = n.into();
    }
    serde_json::json!({
        "output": { "message": { "role": "assistant", "content": [ { "text": c.text } ] } },
        "stopReason": c.stop_reason,
        "metrics": { "latencyMs": c.latency_ms },
        "usage": usage,
    })
}
