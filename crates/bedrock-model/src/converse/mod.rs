//! The Converse operation: request shapes and validation, Bedrock's conversation rules, and the
//! response shapes.

pub(crate) mod parse;
mod request;
mod response;
mod rules;
mod stream;

pub use aws_shapes::MALFORMED_JSON_MESSAGE;
pub use parse::{parse_converse_request, parse_converse_request_for};
pub use request::{
    ContentBlock, ConversationRole, ConverseRequest, GuardrailConfiguration, InferenceConfiguration, Message,
    PerformanceConfiguration, ServiceTier, SystemContentBlock, Tool, ToolChoice, ToolConfiguration, ToolResultBlock,
    ToolUseBlock,
};
pub use response::{ConverseMetrics, ConverseOutput, ConverseResponse, StopReason, TokenUsage};
pub use stream::{ContentBlockDelta, ConverseStreamEvent};

/// Bedrock's rule sentences, for callers that need to match them.
pub mod messages {
    pub use super::rules::{ALTERNATE_ROLES, START_WITH_USER, TOOL_CONFIG_REQUIRED};
}
