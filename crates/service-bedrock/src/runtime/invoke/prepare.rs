//! What InvokeModel and InvokeModelWithResponseStream share: the request headers
//! (`X-Amzn-Bedrock-Request-Metadata`, performance configuration, service tier, guardrails)
//! and the model ([`check_head`]); for text-generation models, the body family, the body's
//! validation and the responder's answer ([`prepare`]).

use bedrock_model::converse::StopReason;
use bedrock_model::error::ServiceError;
use bedrock_model::invoke::{Family, Generation, InvokeRequest, TITAN_EMBED_FAMILY, parse_invoke_body};
use bedrock_model::metadata::{REQUEST_METADATA_HEADER, RequestMetadata, parse_request_metadata_header};
use http::HeaderMap;

use crate::BedrockService;
use crate::catalog::CatalogModel;
use crate::responder::{Completion, Prompt, StreamFault};
use crate::tokens::estimate_tokens_all;
use service_kit::RequestContext;

/// Header naming a guardrail (not emulated).
const GUARDRAIL_HEADER: &str = "X-Amzn-Bedrock-GuardrailIdentifier";
/// `performanceConfigLatency`, echoed in the response when valid.
pub(crate) const PERFORMANCE_HEADER: &str = "X-Amzn-Bedrock-PerformanceConfig-Latency";
/// `serviceTier`, echoed in the response when valid.
pub(crate) const SERVICE_TIER_HEADER: &str = "X-Amzn-Bedrock-Service-Tier";
const TRACE_HEADER: &str = "X-Amzn-Bedrock-Trace";

/// A validated InvokeModel-family call and its answer.
#[derive(Debug)]
pub(crate) struct PreparedInvoke {
    pub(crate) request: InvokeRequest,
    pub(crate) request_metadata: Option<RequestMetadata>,
    pub(crate) completion: Completion,
    /// The stop sequence that ended the text (`stop_sequence` answers only).
    pub(crate) stop_sequence: Option<String>,
    pub(crate) foundation_model_id: String,
    /// Anthropic's `msg_bdrk_...` id, derived from the request id.
    pub(crate) message_id: String,
    /// Response headers echoing the request's performance configuration and service tier.
    pub(crate) echo_headers: Vec<(&'static str, String)>,
    /// A declared mid-stream failure for this prompt.
    pub(crate) stream_fault: Option<StreamFault>,
}

impl PreparedInvoke {
    /// The answer as the family modules need it.
    pub(crate) fn generation(&self) -> Generation<'_> {
        Generation {
            text: &self.completion.text,
            stop_reason: self.completion.stop_reason,
            stop_sequence: self.stop_sequence.as_deref(),
            input_tokens: self.completion.input_tokens,
            output_tokens: self.completion.output_tokens,
            message_id: &self.message_id,
            model_id: &self.foundation_model_id,
        }
    }
}

/// What every InvokeModel-family call checks first, in AWS's order: the headers, then the
/// model id.
#[derive(Debug)]
pub(crate) struct InvokeHead<'s> {
    pub(crate) request_metadata: Option<RequestMetadata>,
    /// Response headers echoing the request's performance configuration and service tier.
    pub(crate) echo_headers: Vec<(&'static str, String)>,
    /// The catalog model serving the call.
    pub(crate) model: &'s CatalogModel,
}

impl InvokeHead<'_> {
    /// Whether the model is an embedding model (its own body format and record).
    pub(crate) fn is_embedding(&self) -> bool {
        self.model.family == TITAN_EMBED_FAMILY
    }
}

/// Whether the echoed headers ask for `performanceConfigLatency` `optimized` (priced at the
/// latency-optimized tier).
pub(crate) fn latency_optimized(echo_headers: &[(&'static str, String)]) -> bool {
    echo_headers.iter().any(|(name, value)| *name == PERFORMANCE_HEADER && value == "optimized")
}

/// Checks the headers and resolves the model.
pub(crate) fn check_head<'s>(
    state: &'s BedrockService,
    model_id: &str,
    headers: &HeaderMap,
) -> Result<InvokeHead<'s>, ServiceError> {
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or(""));
    let request_metadata = header(REQUEST_METADATA_HEADER).map(parse_request_metadata_header).transpose()?;
    let mut echo_headers = Vec::new();
    if let Some(latency) = header(PERFORMANCE_HEADER) {
        check_enum(latency, "performanceConfigLatency", &["standard", "optimized"])?;
        echo_headers.push((PERFORMANCE_HEADER, latency.to_owned()));
    }
    if let Some(tier) = header(SERVICE_TIER_HEADER) {
        check_enum(tier, "serviceTier", &["priority", "default", "flex", "reserved"])?;
        echo_headers.push((SERVICE_TIER_HEADER, tier.to_owned()));
    }
    if let Some(trace) = header(TRACE_HEADER) {
        check_enum(trace, "trace", &["ENABLED", "DISABLED", "ENABLED_FULL"])?;
    }
    if header(GUARDRAIL_HEADER).is_some() {
        return Err(ServiceError::validation(format!(
            "Guardrails are not supported by this emulator ({GUARDRAIL_HEADER} was sent)."
        )));
    }
    bedrock_model::model_id::validate_model_id(model_id)?;
    let model = state.catalog.resolve(model_id)?.model;
    Ok(InvokeHead { request_metadata, echo_headers, model })
}

/// Validates the body of a text-generation model against its family's schema, and answers.
pub(crate) fn prepare(
    state: &BedrockService,
    ctx: &RequestContext,
    model_id: &str,
    head: InvokeHead<'_>,
    body: &[u8],
) -> Result<PreparedInvoke, ServiceError> {
    let InvokeHead { request_metadata, echo_headers, model } = head;
    let family = family_of(model)?;
    let request = parse_invoke_body(family, body)?;

    let seed_text = request.input_texts.join("\n");
    let prompt = Prompt {
        invoked_model_id: model_id,
        foundation_model_id: &model.model_id,
        input_tokens: estimate_tokens_all(request.input_texts.iter().map(String::as_str)),
        last_user_text: &request.last_user_text,
        seed_text: &seed_text,
        max_tokens: request.max_tokens,
        stop_sequences: &request.stop_sequences,
    };
    let responder = &state.responder;
    let completion = responder.respond(&prompt);
    let stop_sequence = (completion.stop_reason == StopReason::StopSequence)
        .then(|| {
            // Which sequence cut the text: the one the uncut answer continues with.
            let uncut = responder.respond(&Prompt { stop_sequences: &[], max_tokens: None, ..prompt });
            let rest = uncut.text.get(completion.text.len()..).unwrap_or("");
            request.stop_sequences.iter().find(|s| rest.starts_with(s.as_str())).cloned()
        })
        .flatten();
    let stream_fault = responder.stream_fault(&prompt);
    Ok(PreparedInvoke {
        message_id: format!("msg_bdrk_{}", ctx.request_id.replace('-', "").chars().take(24).collect::<String>()),
        foundation_model_id: model.model_id.clone(),
        request,
        request_metadata,
        completion,
        stop_sequence,
        echo_headers,
        stream_fault,
    })
}

fn family_of(model: &CatalogModel) -> Result<Family, ServiceError> {
    Family::from_name(&model.family).ok_or_else(|| {
        ServiceError::validation(format!(
            "This emulator does not support the InvokeModel body format of {} (model family `{}`). Supported families: {}.",
            model.model_id,
            model.family,
            Family::ALL.map(Family::name).join(", ")
        ))
    })
}

/// Coral's enum message for a header member.
fn check_enum(value: &str, member: &str, allowed: &[&str]) -> Result<(), ServiceError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    Err(ServiceError::validation(format!(
        "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
        allowed.join(", ")
    )))
}
