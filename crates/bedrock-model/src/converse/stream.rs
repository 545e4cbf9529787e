//! The events of ConverseStream's `ConverseStreamOutput` union, named after the model's shapes
//! (`MessageStartEvent`, `ContentBlockDeltaEvent`, `ContentBlockStopEvent`, `MessageStopEvent`,
//! `ConverseStreamMetadataEvent`), each sent as the payload of one event frame whose
//! `:event-type` is [`ConverseStreamEvent::event_type`].

use serde::Serialize;

use super::response::{ConverseMetrics, StopReason, TokenUsage};

/// `ContentBlockDelta` (text only: the emulator answers text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContentBlockDelta<'a> {
    pub text: &'a str,
}

/// One event of a ConverseStream response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ConverseStreamEvent<'a> {
    /// `MessageStartEvent`.
    MessageStart { role: &'static str },
    /// `ContentBlockDeltaEvent`.
    ContentBlockDelta {
        #[serde(rename = "contentBlockIndex")]
        content_block_index: u32,
        delta: ContentBlockDelta<'a>,
    },
    /// `ContentBlockStopEvent`.
    ContentBlockStop {
        #[serde(rename = "contentBlockIndex")]
        content_block_index: u32,
    },
    /// `MessageStopEvent`.
    MessageStop {
        #[serde(rename = "stopReason")]
        stop_reason: StopReason,
    },
    /// `ConverseStreamMetadataEvent`.
    Metadata { usage: TokenUsage, metrics: ConverseMetrics },
}

impl ConverseStreamEvent<'_> {
    /// The union member: the frame's `:event-type`.
    pub fn event_type(&self) -> &'static str {
        match self {
            ConverseStreamEvent::MessageStart { .. } => "messageStart",
            ConverseStreamEvent::ContentBlockDelta { .. } => "contentBlockDelta",
            ConverseStreamEvent::ContentBlockStop { .. } => "contentBlockStop",
            ConverseStreamEvent::MessageStop { .. } => "messageStop",
            ConverseStreamEvent::Metadata { .. } => "metadata",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_the_model_shapes() {
        let delta = ConverseStreamEvent::ContentBlockDelta { content_block_index: 0, delta: ContentBlockDelta { text: "hi " } };
        assert_eq!(delta.event_type(), "contentBlockDelta");
        assert_eq!(serde_json::to_string(&delta).unwrap(), r#"{"contentBlockIndex":0,"delta":{"text":"hi "}}"#);
        let stop = ConverseStreamEvent::MessageStop { stop_reason: StopReason::EndTurn };
        assert_eq!(serde_json::to_string(&stop).unwrap(), r#"{"stopReason":"end_turn"}"#);
        let start = ConverseStreamEvent::MessageStart { role: "assistant" };
        assert_eq!(serde_json::to_string(&start).unwrap(), r#"{"role":"assistant"}"#);
    }
}
