//! InvokeModel on a text-generation model: the model family's body in, its native response body
//! out, with the `x-amzn-bedrock-input-token-count` / `-output-token-count` /
//! `-invocation-latency` headers; the record (`inputBodyJson` = the body as sent,
//! `outputBodyJson` = the response body) is written before the response leaves. Admitted
//! against the model's quota; paced under realistic pacing.

use bedrock_model::error::ServiceError;
use bedrock_model::invoke::response_body;
use bedrock_model::record::{ModelInvocationLog, Operation};

use super::InvokeModelOutput;
use super::prepare::{InvokeHead, latency_optimized, prepare};
use crate::BedrockService;
use crate::delivery::invocation_log;
use service_kit::RequestContext;

/// InvokeModel on the text-generation model of `head`.
pub(super) async fn invoke_text(
    state: &BedrockService,
    ctx: &RequestContext,
    model_id: &str,
    head: InvokeHead<'_>,
    body: &[u8],
    started_ms: i64,
) -> Result<InvokeModelOutput, ServiceError> {
    let prepared = prepare(state, ctx, model_id, head, body)?;
    let completion = &prepared.completion;
    let admission = crate::quota::admit(
        state,
        model_id,
        &prepared.foundation_model_id,
        completion.input_tokens,
        prepared.request.max_tokens,
    )?;
    let timing = state.answer_timing(&prepared.foundation_model_id, completion, started_ms).await;
    let output = response_body(prepared.request.family, &prepared.generation());
    let tokens = (completion.input_tokens, completion.output_tokens);
    let response_bytes = serde_json::to_vec(&output).expect("a JSON value serializes");
    invocation_log::deliver_with(state, ctx, Operation::InvokeModel, model_id, |context, cfg| {
        ModelInvocationLog::for_invoke(context, &prepared.request.body, output, tokens, prepared.request_metadata.clone(), cfg)
    })?;
    let outcome = crate::metrics::Outcome {
        input_tokens: u64::from(completion.input_tokens),
        output_tokens: u64::from(completion.output_tokens),
        cache_read_tokens: u64::from(completion.cache_read_input_tokens.unwrap_or(0)),
        cache_write_tokens: u64::from(completion.cache_write_input_tokens.unwrap_or(0)),
        latency_ms: timing.latency_ms,
        time_to_first_token_ms: None,
    };
    crate::quota::settle(state, admission.as_ref(), model_id, &outcome);
    state.succeeded(&crate::metrics::Succeeded {
        model_id,
        region: &ctx.region,
        metadata: prepared.request_metadata.as_ref(),
        latency_optimized: latency_optimized(&prepared.echo_headers),
        outcome: &outcome,
    });
    let mut out_headers = vec![
        ("x-amzn-bedrock-input-token-count", completion.input_tokens.to_string()),
        ("x-amzn-bedrock-output-token-count", completion.output_tokens.to_string()),
        ("x-amzn-bedrock-invocation-latency", timing.latency_ms.to_string()),
    ];
    out_headers.extend(prepared.echo_headers.iter().cloned());
    Ok(InvokeModelOutput { body: response_bytes, headers: out_headers })
}
