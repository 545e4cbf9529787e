//! InvokeModel: the model family's body in, its native response body out, with the
//! `x-amzn-bedrock-input-token-count` / `-output-token-count` / `-invocation-latency` headers;
//! the record (`inputBodyJson` = the body as sent, `outputBodyJson` = the response body) is
//! written before the response leaves. Embedding models answer through `invoke_embedding.rs`.

use bedrock_model::error::ServiceError;
use bedrock_model::invoke::response_body;
use bedrock_model::record::{ModelInvocationLog, Operation};
use http::HeaderMap;

use crate::invocation_log;
use crate::ops::RequestContext;
use crate::ops::invoke_embedding::invoke_embedding;
use crate::ops::invoke_prepare::{check_head, prepare};
use crate::state::AppState;

/// A successful InvokeModel answer.
#[derive(Debug)]
pub(crate) struct InvokeModelOutput {
    pub(crate) body: Vec<u8>,
    /// Headers beside `Content-Type` and the request id.
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// Handles `POST /model/{modelId}/invoke`.
pub(crate) fn invoke_model(
    state: &AppState,
    ctx: &RequestContext,
    model_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<InvokeModelOutput, ServiceError> {
    let head = check_head(state, model_id, headers)?;
    if head.is_embedding() {
        return invoke_embedding(state, ctx, model_id, head, body);
    }
    let prepared = prepare(state, ctx, model_id, head, body)?;
    let output = response_body(prepared.request.family, &prepared.generation());
    let completion = &prepared.completion;
    let tokens = (completion.input_tokens, completion.output_tokens);
    let response_bytes = serde_json::to_vec(&output).expect("a JSON value serializes");
    invocation_log::deliver_with(state, ctx, Operation::InvokeModel, model_id, |context, cfg| {
        ModelInvocationLog::for_invoke(context, &prepared.request.body, output, tokens, prepared.request_metadata.clone(), cfg)
    })?;
    let mut out_headers = vec![
        ("x-amzn-bedrock-input-token-count", completion.input_tokens.to_string()),
        ("x-amzn-bedrock-output-token-count", completion.output_tokens.to_string()),
        ("x-amzn-bedrock-invocation-latency", completion.latency_ms.to_string()),
    ];
    out_headers.extend(prepared.echo_headers.iter().cloned());
    Ok(InvokeModelOutput { body: response_bytes, headers: out_headers })
}
