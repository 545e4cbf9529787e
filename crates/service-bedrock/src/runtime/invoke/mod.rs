//! InvokeModel and InvokeModelWithResponseStream. [`invoke_model`] checks the headers and the
//! model ([`prepare::check_head`]) and answers through the embedding model's path
//! (`embedding.rs`) or the text-generation path (`text.rs`); the stream (`stream.rs`) shares the
//! text path's preparation (`prepare.rs`).

mod embedding;
pub(crate) mod prepare;
pub(crate) mod stream;
mod text;

use bedrock_model::error::ServiceError;
use http::HeaderMap;
use service_kit::RequestContext;

use crate::BedrockService;

/// A successful InvokeModel answer.
#[derive(Debug)]
pub(crate) struct InvokeModelOutput {
    pub(crate) body: Vec<u8>,
    /// Headers beside `Content-Type` and the request id.
    pub(crate) headers: Vec<(&'static str, String)>,
}

/// Handles `POST /model/{modelId}/invoke`.
pub(crate) async fn invoke_model(
    state: &BedrockService,
    ctx: &RequestContext,
    model_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<InvokeModelOutput, ServiceError> {
    let started_ms = state.env.now_ms();
    let head = prepare::check_head(state, model_id, headers)?;
    if head.is_embedding() {
        embedding::invoke_embedding(state, ctx, model_id, head, body, started_ms).await
    } else {
        text::invoke_text(state, ctx, model_id, head, body, started_ms).await
    }
}
