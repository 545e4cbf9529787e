//! `ConverseResponse` and its parts, serialized exactly as AWS sends them (camelCase,
//! `"output":{"message":{...}}`; key order as in real logged `outputBodyJson`: output,
//! stopReason, metrics, usage, then optional members).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::request::{Message, PerformanceConfiguration, ServiceTier};

/// `ConverseOutput` (a union with one member).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ConverseOutput {
    #[serde(rename = "message")]
    Message(Message),
}

/// `StopReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndTurn,
    ToolUse,
    MaxTokens,
    StopSequence,
    GuardrailIntervened,
    ContentFiltered,
    MalformedModelOutput,
    MalformedToolUse,
    ModelContextWindowExceeded,
}

impl StopReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            StopReason::EndTurn => "end_turn",
            StopReason::ToolUse => "tool_use",
            StopReason::MaxTokens => "max_tokens",
            StopReason::StopSequence => "stop_sequence",
            StopReason::GuardrailIntervened => "guardrail_intervened",
            StopReason::ContentFiltered => "content_filtered",
            StopReason::MalformedModelOutput => "malformed_model_output",
            StopReason::MalformedToolUse => "malformed_tool_use",
            StopReason::ModelContextWindowExceeded => "model_context_window_exceeded",
        }
    }
}

/// `TokenUsage`. Real semantics: `inputTokens` excludes cache tokens and
/// `totalTokens = input + cacheRead + cacheWrite + output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsage {
    pub input_tokens: i32,
    pub output_tokens: i32,
    pub total_tokens: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read_input_tokens: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_input_tokens: Option<i32>,
}

impl TokenUsage {
    /// Usage without cache tokens; `totalTokens` is the sum.
    pub fn new(input_tokens: i32, output_tokens: i32) -> TokenUsage {
        TokenUsage {
            input_tokens,
            output_tokens,
            total_tokens: input_tokens.saturating_add(output_tokens),
            cache_read_input_tokens: None,
            cache_write_input_tokens: None,
        }
    }
}

/// `ConverseMetrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseMetrics {
    pub latency_ms: i64,
}

/// `ConverseResponse`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseResponse {
    pub output: ConverseOutput,
    pub stop_reason: StopReason,
    pub metrics: ConverseMetrics,
    pub usage: TokenUsage,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_response_fields: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance_config: Option<PerformanceConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
}

impl ConverseResponse {
    /// A plain assistant text answer.
    pub fn text(text: impl Into<String>, stop_reason: StopReason, usage: TokenUsage, latency_ms: i64) -> Self {
        ConverseResponse {
            output: ConverseOutput::Message(Message::assistant_text(text)),
            stop_reason,
            metrics: ConverseMetrics { latency_ms },
            usage,
            additional_model_response_fields: None,
            trace: None,
            performance_config: None,
            service_tier: None,
        }
    }

    /// The JSON AWS sends (and the record's `output.outputBodyJson`).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
