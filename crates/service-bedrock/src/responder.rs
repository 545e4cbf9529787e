//! The deterministic responder: the same model and prompt always give the same text, stop reason,
//! usage and latency. Declared responses (a JSON file mapping model and/or prompt substring to
//! text and usage) override it; the first matching entry wins.

use serde::Deserialize;

use bedrock_model::converse::{ConverseResponse, StopReason, TokenUsage};
use bedrock_model::error::{ErrorCode, ServiceError};

use crate::fnv::fnv1a64;
use crate::tokens::estimate_tokens;

/// What the responder needs to know about a request.
#[derive(Debug, Clone, Copy)]
pub struct Prompt<'a> {
    /// The model id as invoked (profile id or ARN included).
    pub invoked_model_id: &'a str,
    /// The foundation model serving the call.
    pub foundation_model_id: &'a str,
    /// Tokens the model reads (already estimated from all input texts).
    pub input_tokens: u32,
    /// The last user text, which declared responses match against.
    pub last_user_text: &'a str,
    /// All input texts joined, which seeds the generated text.
    pub seed_text: &'a str,
    /// `inferenceConfig.maxTokens`.
    pub max_tokens: Option<u32>,
    /// `inferenceConfig.stopSequences`.
    pub stop_sequences: &'a [String],
}

/// A model answer before it is shaped into an operation's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The assistant text.
    pub text: String,
    /// `end_turn`, `max_tokens` or `stop_sequence` (or a declared value).
    pub stop_reason: StopReason,
    /// Input tokens reported in `usage`.
    pub input_tokens: u32,
    /// Output tokens reported in `usage`.
    pub output_tokens: u32,
    /// Cache read tokens, only when declared.
    pub cache_read_input_tokens: Option<u32>,
    /// Cache write tokens, only when declared.
    pub cache_write_input_tokens: Option<u32>,
    /// `metrics.latencyMs`.
    pub latency_ms: u64,
    /// Whether `latency_ms` was declared (realistic pacing spends a declared latency as given).
    pub latency_declared: bool,
}

impl Completion {
    /// `totalTokens` as Bedrock computes it: input + cache read + cache write + output.
    pub fn total_tokens(&self) -> u32 {
        self.input_tokens
            .saturating_add(self.output_tokens)
            .saturating_add(self.cache_read_input_tokens.unwrap_or(0))
            .saturating_add(self.cache_write_input_tokens.unwrap_or(0))
    }

    /// The Converse response carrying this completion.
    pub fn to_converse_response(&self) -> ConverseResponse {
        let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
        let usage = TokenUsage {
            input_tokens: n(self.input_tokens),
            output_tokens: n(self.output_tokens),
            total_tokens: n(self.total_tokens()),
            cache_read_input_tokens: self.cache_read_input_tokens.map(n),
            cache_write_input_tokens: self.cache_write_input_tokens.map(n),
        };
        let latency = i64::try_from(self.latency_ms).unwrap_or(i64::MAX);
        ConverseResponse::text(self.text.clone(), self.stop_reason, usage, latency)
    }
}

/// A declared response, one entry of the declared-responses file.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeclaredResponse {
    /// Matches the invoked model id or the foundation model id; any model when absent.
    #[serde(default)]
    pub model_id: Option<String>,
    /// Matches when the last user text contains it; any prompt when absent.
    #[serde(default)]
    pub prompt_contains: Option<String>,
    /// The assistant text.
    pub text: String,
    /// Overrides the estimated usage.
    #[serde(default)]
    pub usage: Option<DeclaredUsage>,
    /// Overrides the stop reason (default `end_turn`).
    #[serde(default)]
    pub stop_reason: Option<StopReason>,
    /// Overrides `metrics.latencyMs`.
    #[serde(default)]
    pub latency_ms: Option<u64>,
    /// Ends a stream (ConverseStream, InvokeModelWithResponseStream) with an exception frame;
    /// the non-streaming operations ignore it.
    #[serde(default)]
    pub stream_error: Option<DeclaredStreamError>,
}

/// A declared mid-stream failure: after `afterChunks` event frames, an exception frame.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeclaredStreamError {
    /// Event frames sent before the exception (capped so the final frame is never sent).
    pub after_chunks: usize,
    /// The `:exception-type`: `throttlingException`, `modelStreamErrorException`,
    /// `internalServerException`, `serviceUnavailableException`, `validationException` or
    /// (InvokeModelWithResponseStream only) `modelTimeoutException`.
    pub exception: String,
    /// The exception's message; a real Bedrock text for the code when absent.
    #[serde(default)]
    pub message: Option<String>,
}

/// A stream fault ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamFault {
    /// Event frames before the exception.
    pub after_chunks: usize,
    /// The exception.
    pub error: ServiceError,
}

/// The `:exception-type` names a declared stream error may use.
const STREAM_EXCEPTIONS: [ErrorCode; 6] = [
    ErrorCode::ThrottlingException,
    ErrorCode::ModelStreamErrorException,
    ErrorCode::InternalServerException,
    ErrorCode::ServiceUnavailableException,
    ErrorCode::ValidationException,
    ErrorCode::ModelTimeoutException,
];

impl DeclaredStreamError {
    fn code(&self) -> Option<ErrorCode> {
        STREAM_EXCEPTIONS.into_iter().find(|c| c.event_stream_name() == self.exception)
    }

    fn to_fault(&self) -> Option<StreamFault> {
        let code = self.code()?;
        let message = self.message.clone().unwrap_or_else(|| default_stream_message(code).to_owned());
        Some(StreamFault { after_chunks: self.after_chunks, error: ServiceError::new(code, message) })
    }
}

/// Messages for declared stream errors without one: real Bedrock texts where known
/// (throttling: bedrock-api.md §1.8; model timeout and internal: AWS SDK issues), otherwise a
/// plain sentence naming the failure.
fn default_stream_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::ThrottlingException => "Too many tokens, please wait before trying again.",
        ErrorCode::ModelTimeoutException => "Model has timed out in processing the request. Try your request again.",
        ErrorCode::ServiceUnavailableException => "Bedrock is unable to process your request.",
        ErrorCode::InternalServerException => {
            "The system encountered an unexpected error during processing. Try your request again."
        }
        ErrorCode::ValidationException => "The model rejected the request during generation.",
        _ => "The model stream encountered an error. Try your request again.",
    }
}

/// Declared token usage.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeclaredUsage {
    /// `usage.inputTokens`.
    pub input_tokens: u32,
    /// `usage.outputTokens`.
    pub output_tokens: u32,
    /// `usage.cacheReadInputTokens`.
    #[serde(default)]
    pub cache_read_input_tokens: Option<u32>,
    /// `usage.cacheWriteInputTokens`.
    #[serde(default)]
    pub cache_write_input_tokens: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeclaredFile {
    responses: Vec<DeclaredResponse>,
}

/// The responder: declared responses first, then the deterministic generator.
#[derive(Debug, Clone, Default)]
pub struct Responder {
    declared: Vec<DeclaredResponse>,
}

impl Responder {
    /// A responder with declared responses parsed from a file's JSON text
    /// (`{"responses": [{"modelId"?, "promptContains"?, "text", "usage"?, "stopReason"?, "latencyMs"?}]}`).
    pub fn from_declared_json(text: &str) -> Result<Self, serde_json::Error> {
        let file: DeclaredFile = serde_json::from_str(text)?;
        for declared in &file.responses {
            if let Some(e) = declared.stream_error.as_ref().filter(|e| e.code().is_none()) {
                return Err(<serde_json::Error as serde::de::Error>::custom(format!(
                    "streamError.exception `{}` is not one of {}",
                    e.exception,
                    STREAM_EXCEPTIONS.map(|c| c.event_stream_name()).join(", ")
                )));
            }
        }
        Ok(Self { declared: file.responses })
    }

    /// The declared mid-stream failure of the entry that answers `prompt`, if it declares one.
    pub fn stream_fault(&self, prompt: &Prompt<'_>) -> Option<StreamFault> {
        self.declared.iter().find(|d| d.matches(prompt))?.stream_error.as_ref()?.to_fault()
    }

    /// Answers a prompt.
    pub fn respond(&self, prompt: &Prompt<'_>) -> Completion {
        match self.declared.iter().find(|d| d.matches(prompt)) {
            Some(declared) => declared.complete(prompt),
            None => generate(prompt),
        }
    }
}

impl DeclaredResponse {
    fn matches(&self, prompt: &Prompt<'_>) -> bool {
        let model_ok = self.model_id.as_deref().is_none_or(|m| m == prompt.invoked_model_id || m == prompt.foundation_model_id);
        let prompt_ok = self.prompt_contains.as_deref().is_none_or(|p| prompt.last_user_text.contains(p));
        model_ok && prompt_ok
    }

    fn complete(&self, prompt: &Prompt<'_>) -> Completion {
        let (input_tokens, output_tokens, cache_read, cache_write) = match &self.usage {
            Some(u) => (u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_write_input_tokens),
            None => (prompt.input_tokens, estimate_tokens(&self.text), None, None),
        };
        Completion {
            text: self.text.clone(),
            stop_reason: self.stop_reason.unwrap_or(StopReason::EndTurn),
            input_tokens,
            output_tokens,
            cache_read_input_tokens: cache_read,
            cache_write_input_tokens: cache_write,
            latency_ms: self.latency_ms.unwrap_or_else(|| latency_for(output_tokens)),
            latency_declared: self.latency_ms.is_some(),
        }
    }
}

const WORDS: &[&str] = &[
    "the", "model", "answer", "request", "token", "usage", "application", "tenant", "team", "cost", "centre", "report", "query",
    "result", "value", "emulated", "response", "service", "data", "record", "summary", "example", "detail", "step", "first",
    "next", "finally", "clear", "simple", "useful", "local", "test",
];

/// The deterministic embedding of `text`: `dimensions` components drawn from a hash of the model
/// and the text (uniform in [-1, 1)), scaled to unit length when `normalize` is set (as Titan's
/// `normalize: true`), else to a magnitude near Titan's un-normalized vectors (about 0.05 each).
pub(crate) fn embedding_vector(foundation_model_id: &str, text: &str, dimensions: usize, normalize: bool) -> Vec<f32> {
    let mut state = fnv1a64(&[foundation_model_id.as_bytes(), text.as_bytes()]) | 1;
    let mut next = || xorshift64_star(&mut state);
    let raw: Vec<f64> = (0..dimensions).map(|_| (next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0).collect();
    let scale = if normalize {
        let norm = raw.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 0.0 { 1.0 / norm } else { 0.0 }
    } else {
        0.1
    };
    raw.iter().map(|x| (x * scale) as f32).collect()
}

/// xorshift64*: the next deterministic number from `state`.
fn xorshift64_star(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

fn latency_for(output_tokens: u32) -> u64 {
    100 + 8 * u64::from(output_tokens)
}

/// The deterministic generator: a text whose length and words follow from a hash of the model
/// and the prompt, cut at the first stop sequence, then at `maxTokens`.
fn generate(prompt: &Prompt<'_>) -> Completion {
    let mut state = fnv1a64(&[prompt.foundation_model_id.as_bytes(), prompt.seed_text.as_bytes()]);
    let mut next = || xorshift64_star(&mut state);
    let n_words = 12 + (next() % 48) as usize;
    let mut text = String::from("This is an emulated response");
    for i in 0..n_words {
        text.push(if i % 9 == 8 { '.' } else { ' ' });
        if i % 9 == 8 {
            text.push(' ');
        }
        text.push_str(WORDS[(next() % WORDS.len() as u64) as usize]);
    }
    text.push('.');

    let mut stop_reason = StopReason::EndTurn;
    if let Some(cut) = prompt.stop_sequences.iter().filter_map(|s| text.find(s.as_str())).min() {
        text.truncate(cut);
        stop_reason = StopReason::StopSequence;
    }
    if let Some(max) = prompt.max_tokens
        && estimate_tokens(&text) > max
    {
        let keep = text.char_indices().nth(max as usize * 4).map_or(text.len(), |(i, _)| i);
        text.truncate(keep);
        stop_reason = StopReason::MaxTokens;
    }
    let output_tokens = estimate_tokens(&text);
    Completion {
        text,
        stop_reason,
        input_tokens: prompt.input_tokens,
        output_tokens,
        cache_read_input_tokens: None,
        cache_write_input_tokens: None,
        latency_ms: latency_for(output_tokens),
        latency_declared: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt<'a>(text: &'a str, max_tokens: Option<u32>, stops: &'a [String]) -> Prompt<'a> {
        Prompt {
            invoked_model_id: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            foundation_model_id: "anthropic.claude-sonnet-4-5-20250929-v1:0",
            input_tokens: estimate_tokens(text),
            last_user_text: text,
            seed_text: text,
            max_tokens,
            stop_sequences: stops,
        }
    }

    #[test]
    fn same_prompt_same_answer_different_prompt_different_answer() {
        let r = Responder::default();
        let a = r.respond(&prompt("What is Amazon Bedrock?", None, &[]));
        assert_eq!(a, r.respond(&prompt("What is Amazon Bedrock?", None, &[])));
        assert_ne!(a.text, r.respond(&prompt("Explain RAG in simple terms.", None, &[])).text);
        assert_eq!(a.stop_reason, StopReason::EndTurn);
        assert_eq!(a.output_tokens, estimate_tokens(&a.text));
        assert_eq!(a.total_tokens(), a.input_tokens + a.output_tokens);
    }

    #[test]
    fn max_tokens_truncates_and_reports_max_tokens() {
        let r = Responder::default();
        let c = r.respond(&prompt("hello", Some(3), &[]));
        assert_eq!(c.stop_reason, StopReason::MaxTokens);
        assert_eq!(c.output_tokens, 3);
        assert_eq!(c.text.chars().count(), 12);
    }

    #[test]
    fn stop_sequences_cut_the_text() {
        let r = Responder::default();
        let stops = vec!["emulated".to_owned()];
        let c = r.respond(&prompt("hello", None, &stops));
        assert_eq!(c.stop_reason, StopReason::StopSequence);
        assert_eq!(c.text, "This is an ");
    }

    #[test]
    fn declared_responses_override_by_model_and_prompt() {
        let r = Responder::from_declared_json(
            r#"{"responses": [
                {"modelId": "anthropic.claude-sonnet-4-5-20250929-v1:0", "promptContains": "refund",
                 "text": "Refunds take 5 days.", "usage": {"inputTokens": 11, "outputTokens": 7}},
                {"promptContains": "hello", "text": "Hi!"}
            ]}"#,
        )
        .unwrap();
        let c = r.respond(&prompt("I want a refund", None, &[]));
        assert_eq!((c.text.as_str(), c.input_tokens, c.output_tokens), ("Refunds take 5 days.", 11, 7));
        let c = r.respond(&prompt("hello there", None, &[]));
        assert_eq!((c.text.as_str(), c.output_tokens), ("Hi!", 1));
        let c = r.respond(&prompt("something else", None, &[]));
        assert!(c.text.starts_with("This is an emulated response"));
    }

    #[test]
    fn declared_stream_errors_are_checked_and_found() {
        let r = Responder::from_declared_json(
            r#"{"responses": [{"promptContains": "fail", "text": "partial answer here",
                "streamError": {"afterChunks": 2, "exception": "throttlingException"}}]}"#,
        )
        .unwrap();
        let fault = r.stream_fault(&prompt("please fail", None, &[])).unwrap();
        assert_eq!(fault.after_chunks, 2);
        assert_eq!(fault.error.code, ErrorCode::ThrottlingException);
        assert_eq!(fault.error.message, "Too many tokens, please wait before trying again.");
        assert!(r.stream_fault(&prompt("fine", None, &[])).is_none());
        let err = Responder::from_declared_json(
            r#"{"responses": [{"text": "x", "streamError": {"afterChunks": 1, "exception": "accessDeniedException"}}]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("accessDeniedException"), "{err}");
    }

    #[test]
    fn declared_file_rejects_unknown_keys() {
        assert!(Responder::from_declared_json(r#"{"responses": [{"text": "x", "colour": "red"}]}"#).is_err());
    }
}
