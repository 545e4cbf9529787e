//! Converse: validate the request exactly as Bedrock does, admit it against its model's quota,
//! answer from the responder (taking the model's time under realistic pacing), and write the
//! `ModelInvocationLog` record before the response leaves. [`ConverseCall`] is the part
//! ConverseStream shares.

use bedrock_model::converse::{ConverseRequest, ConverseResponse, parse_converse_request_for};
use bedrock_model::error::ServiceError;
use bedrock_model::record::Operation;

use crate::BedrockService;
use crate::catalog;
use crate::delivery::invocation_log::{self, Invocation};
use crate::responder::Prompt;
use crate::tokens::estimate_tokens_all;
use service_kit::RequestContext;

/// A Converse-shaped request, validated, with the model it resolves to.
#[derive(Debug)]
pub(crate) struct ConverseCall {
    pub(crate) request: ConverseRequest,
    pub(crate) foundation_model_id: String,
    /// All input texts joined: the responder's seed.
    seed_text: String,
    input_tokens: u32,
}

impl ConverseCall {
    /// Validates `body` for `model_id` and resolves the model, which must support Converse.
    pub(crate) fn prepare(state: &BedrockService, model_id: &str, body: &[u8]) -> Result<Self, ServiceError> {
        let request = parse_converse_request_for(model_id, body)?;
        let resolved = state.catalog.resolve(model_id)?;
        if !resolved.model.converse {
            return Err(catalog::converse_unsupported());
        }
        let texts: Vec<&str> = request.input_texts().collect();
        let seed_text = texts.join("\n");
        let input_tokens = estimate_tokens_all(texts.iter().copied());
        let foundation_model_id = resolved.model.model_id.clone();
        Ok(ConverseCall { request, foundation_model_id, seed_text, input_tokens })
    }

    /// The responder's view of the call, for `model_id` as invoked.
    pub(crate) fn prompt<'a>(&'a self, model_id: &'a str) -> Prompt<'a> {
        Prompt {
            invoked_model_id: model_id,
            foundation_model_id: &self.foundation_model_id,
            input_tokens: self.input_tokens,
            last_user_text: self.request.last_user_text().unwrap_or(""),
            seed_text: &self.seed_text,
            max_tokens: self.request.max_tokens().map(|n| n.max(0) as u32),
            stop_sequences: self.request.stop_sequences(),
        }
    }

    /// Admits the call against its model's quota (`model_id` as invoked).
    pub(crate) fn admit(&self, state: &BedrockService, model_id: &str) -> Result<Option<faults::Admission>, ServiceError> {
        let max_tokens = self.request.max_tokens().map(|n| u32::try_from(n).unwrap_or(0));
        crate::quota::admit(state, model_id, &self.foundation_model_id, self.input_tokens, max_tokens)
    }
}

/// The metrics of a Converse-shaped answer (`ttft_ms` for ConverseStream).
pub(crate) fn outcome(response: &ConverseResponse, ttft_ms: Option<u64>) -> crate::metrics::Outcome {
    let n = |v: i32| u64::try_from(v).unwrap_or(0);
    crate::metrics::Outcome {
        input_tokens: n(response.usage.input_tokens),
        output_tokens: n(response.usage.output_tokens),
        cache_read_tokens: n(response.usage.cache_read_input_tokens.unwrap_or(0)),
        cache_write_tokens: n(response.usage.cache_write_input_tokens.unwrap_or(0)),
        latency_ms: u64::try_from(response.metrics.latency_ms).unwrap_or(0),
        time_to_first_token_ms: ttft_ms,
    }
}

/// Handles `POST /model/{modelId}/converse`.
pub(crate) async fn converse(
    state: &BedrockService,
    ctx: &RequestContext,
    model_id: &str,
    body: &[u8],
) -> Result<ConverseResponse, ServiceError> {
    let started_ms = state.env.now_ms();
    let call = ConverseCall::prepare(state, model_id, body)?;
    let admission = call.admit(state, model_id)?;
    let completion = state.responder.respond(&call.prompt(model_id));
    let timing = state.answer_timing(&call.foundation_model_id, &completion, started_ms).await;
    let mut response = completion.to_converse_response();
    response.metrics.latency_ms = i64::try_from(timing.latency_ms).unwrap_or(i64::MAX);
    invocation_log::deliver(
        state,
        &Invocation { ctx, operation: Operation::Converse, model_id, request: &call.request, response: &response },
    )?;
    let outcome = outcome(&response, None);
    crate::quota::settle(state, admission.as_ref(), model_id, &outcome);
    state.succeeded(&succeeded(ctx, model_id, &call.request, &outcome));
    Ok(response)
}

/// A successful Converse-shaped call, as its metrics need it.
pub(crate) fn succeeded<'a>(
    ctx: &'a RequestContext,
    model_id: &'a str,
    request: &'a ConverseRequest,
    outcome: &'a crate::metrics::Outcome,
) -> crate::metrics::Succeeded<'a> {
    let latency = request.performance_config.as_ref().and_then(|p| p.latency.as_deref());
    crate::metrics::Succeeded {
        model_id,
        region: &ctx.region,
        metadata: request.request_metadata.as_ref(),
        latency_optimized: latency == Some("optimized"),
        outcome,
    }
}
