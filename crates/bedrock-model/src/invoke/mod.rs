//! InvokeModel and InvokeModelWithResponseStream bodies: each model family's request format
//! (validated with the family's own schema messages), its response body with usage in the
//! family's own fields, and its streaming chunks.
//!
//! A family file has three jobs: `parse` (body to [`InvokeRequest`]), `response` (a
//! [`Generation`] to the response body) and `chunks` (a [`Generation`] cut into text pieces to
//! the provider-native stream chunks, before Bedrock adds `amazon-bedrock-invocationMetrics`).

mod anthropic;
mod llama;
mod mistral;
mod nova;
mod schema;
mod titan;
mod titan_embed;

pub use titan_embed::{EmbeddingRequest, embedding_response, parse_embedding_body};

use serde_json::{Value, json};

use crate::converse::StopReason;
use crate::error::ServiceError;

/// The catalog family of Amazon Titan Text Embeddings V2 bodies (an embedding model: no
/// [`Family`], no streaming; see [`parse_embedding_body`]).
pub const TITAN_EMBED_FAMILY: &str = "amazon-titan-embed";

/// The text-generation InvokeModel body formats the emulator speaks (the catalog's `family`
/// names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Anthropic Claude Messages API (`anthropic_version`, `max_tokens`, `messages`).
    AnthropicMessages,
    /// Amazon Titan Text (`inputText`, `textGenerationConfig`).
    AmazonTitanText,
    /// Amazon Nova (`messages-v1`: `messages`, `system`, `inferenceConfig`).
    AmazonNova,
    /// Meta Llama (`prompt`, `max_gen_len`).
    MetaLlama,
    /// Mistral text completion (`prompt`, `max_tokens`, `stop`).
    Mistral,
}

impl Family {
    /// Every supported family.
    pub const ALL: [Family; 5] =
        [Family::AnthropicMessages, Family::AmazonTitanText, Family::AmazonNova, Family::MetaLlama, Family::Mistral];

    /// The catalog name of a family.
    pub fn name(self) -> &'static str {
        match self {
            Family::AnthropicMessages => "anthropic-messages",
            Family::AmazonTitanText => "amazon-titan-text",
            Family::AmazonNova => "amazon-nova",
            Family::MetaLlama => "meta-llama",
            Family::Mistral => "mistral",
        }
    }

    /// The family of a catalog name; `None` for formats the emulator does not speak.
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A validated InvokeModel body and what the responder needs from it.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeRequest {
    pub family: Family,
    /// The body as sent (logged as `inputBodyJson`).
    pub body: Value,
    /// All text the model reads, in reading order (each counted on its own).
    pub input_texts: Vec<String>,
    /// The last user text (declared responses match against it).
    pub last_user_text: String,
    /// The family's output token limit, when sent.
    pub max_tokens: Option<u32>,
    /// The family's stop sequences.
    pub stop_sequences: Vec<String>,
}

/// A model answer, as the families need it to build their bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation<'a> {
    pub text: &'a str,
    pub stop_reason: StopReason,
    /// The stop sequence that ended the text, when `stop_reason` is `stop_sequence`.
    pub stop_sequence: Option<&'a str>,
    pub input_tokens: u32,
    pub output_tokens: u32,
    /// Anthropic's message id (`msg_bdrk_...`).
    pub message_id: &'a str,
    /// The foundation model id serving the call.
    pub model_id: &'a str,
}

/// Parses and validates an InvokeModel body for `family`.
pub fn parse_invoke_body(family: Family, body: &[u8]) -> Result<InvokeRequest, ServiceError> {
    let value = schema::read_json(body)?;
    let parsed = match family {
        Family::AnthropicMessages => anthropic::parse(&value)?,
        Family::AmazonTitanText => titan::parse(&value)?,
        Family::AmazonNova => nova::parse(&value)?,
        Family::MetaLlama => llama::parse(&value)?,
        Family::Mistral => mistral::parse(&value)?,
    };
    Ok(InvokeRequest {
        family,
        body: value,
        input_texts: parsed.input_texts,
        last_user_text: parsed.last_user_text,
        max_tokens: parsed.max_tokens,
        stop_sequences: parsed.stop_sequences,
    })
}

/// The InvokeModel response body (provider-native JSON).
pub fn response_body(family: Family, g: &Generation<'_>) -> Value {
    match family {
        Family::AnthropicMessages => anthropic::response(g),
        Family::AmazonTitanText => titan::response(g),
        Family::AmazonNova => nova::response(g),
        Family::MetaLlama => llama::response(g),
        Family::Mistral => mistral::response(g),
    }
}

/// The provider-native stream chunks of `g` cut into `pieces` (which concatenate to `g.text`).
/// The last chunk is the one Bedrock adds `amazon-bedrock-invocationMetrics` to.
pub fn stream_chunks(family: Family, g: &Generation<'_>, pieces: &[&str]) -> Vec<Value> {
    match family {
        Family::AnthropicMessages => anthropic::chunks(g, pieces),
        Family::AmazonTitanText => titan::chunks(g, pieces),
        Family::AmazonNova => nova::chunks(g, pieces),
        Family::MetaLlama => llama::chunks(g, pieces),
        Family::Mistral => mistral::chunks(g, pieces),
    }
}

/// `amazon-bedrock-invocationMetrics`, as Bedrock adds it to the last chunk of a stream.
pub fn invocation_metrics(input_tokens: u32, output_tokens: u32, latency_ms: u64, first_byte_ms: u64) -> Value {
    json!({
        "inputTokenCount": input_tokens,
        "outputTokenCount": output_tokens,
        "invocationLatency": latency_ms,
        "firstByteLatency": first_byte_ms,
    })
}

/// What a family's `parse` extracts.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub(crate) input_texts: Vec<String>,
    pub(crate) last_user_text: String,
    pub(crate) max_tokens: Option<u32>,
    pub(crate) stop_sequences: Vec<String>,
}

pub(crate) fn strings_of(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
}

pub(crate) fn u32_of(v: Option<&Value>) -> Option<u32> {
    v.and_then(Value::as_f64).map(|f| f.clamp(0.0, f64::from(u32::MAX)) as u32)
}
