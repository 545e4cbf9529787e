//! Typed `ConverseRequest` and the shapes it carries (`Message`, `ContentBlock`,
//! `SystemContentBlock`, `InferenceConfiguration`, `ToolConfiguration`, ...), read from a body
//! that already passed type and constraint checks.
//!
//! Rare members keep their JSON (`serde_json::Value`) so nothing sent is lost; the record's
//! `inputBodyJson` is always the body as sent (`ConverseRequest::body`).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use crate::metadata::RequestMetadata;

/// `ConversationRole`: the model's enum (`system` is in the enum; Bedrock's conversation rules
/// reject it in `messages`, see `rules.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConversationRole {
    User,
    Assistant,
    System,
}

impl ConversationRole {
    pub fn as_str(&self) -> &'static str {
        match self {
            ConversationRole::User => "user",
            ConversationRole::Assistant => "assistant",
            ConversationRole::System => "system",
        }
    }

    fn parse(s: &str) -> ConversationRole {
        match s {
            "assistant" => ConversationRole::Assistant,
            "system" => ConversationRole::System,
            _ => ConversationRole::User,
        }
    }
}

impl Serialize for ConversationRole {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `Message`: a role and its content blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub role: ConversationRole,
    pub content: Vec<ContentBlock>,
}

impl Message {
    /// An assistant message with one text block.
    pub fn assistant_text(text: impl Into<String>) -> Message {
        Message { role: ConversationRole::Assistant, content: vec![ContentBlock::Text(text.into())] }
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("role", &self.role)?;
        map.serialize_entry("content", &self.content)?;
        map.end()
    }
}

/// `ContentBlock` (a union). Frequently used members are typed; the others keep their JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum ContentBlock {
    Text(String),
    ToolUse(ToolUseBlock),
    ToolResult(ToolResultBlock),
    /// `guardContent.text.text` when present, with the whole member.
    GuardContent {
        text: Option<String>,
        value: Value,
    },
    /// `reasoningContent.reasoningText.text` when present, with the whole member.
    ReasoningContent {
        text: Option<String>,
        value: Value,
    },
    /// `document`, with `source.text` when the document is inline text.
    Document {
        name: String,
        text: Option<String>,
        value: Value,
    },
    /// Any other member (`image`, `video`, `audio`, `cachePoint`, `citationsContent`,
    /// `searchResult`, `toolAddition`, `toolRemoval`): its name and JSON.
    Other {
        member: String,
        value: Value,
    },
}

impl ContentBlock {
    /// The union member name as on the wire.
    pub fn member_name(&self) -> &str {
        match self {
            ContentBlock::Text(_) => "text",
            ContentBlock::ToolUse(_) => "toolUse",
            ContentBlock::ToolResult(_) => "toolResult",
            ContentBlock::GuardContent { .. } => "guardContent",
            ContentBlock::ReasoningContent { .. } => "reasoningContent",
            ContentBlock::Document { .. } => "document",
            ContentBlock::Other { member, .. } => member,
        }
    }

    fn member_value(&self) -> Value {
        match self {
            ContentBlock::Text(t) => Value::String(t.clone()),
            ContentBlock::ToolUse(t) => t.to_json(),
            ContentBlock::ToolResult(t) => t.value.clone(),
            ContentBlock::GuardContent { value, .. }
            | ContentBlock::ReasoningContent { value, .. }
            | ContentBlock::Document { value, .. }
            | ContentBlock::Other { value, .. } => value.clone(),
        }
    }

    pub(crate) fn from_validated(obj: &Map<String, Value>) -> ContentBlock {
        // Validation guarantees exactly one known, non-null member.
        let Some((member, value)) = obj.iter().find(|(k, v)| !v.is_null() && is_content_member(k)) else {
            return ContentBlock::Other { member: String::new(), value: Value::Null };
        };
        match member.as_str() {
            "text" => ContentBlock::Text(value.as_str().unwrap_or_default().to_owned()),
            "toolUse" => ContentBlock::ToolUse(ToolUseBlock::from_validated(value)),
            "toolResult" => ContentBlock::ToolResult(ToolResultBlock::from_validated(value)),
            "guardContent" => ContentBlock::GuardContent { text: str_at(value, &["text", "text"]), value: value.clone() },
            "reasoningContent" => {
                ContentBlock::ReasoningContent { text: str_at(value, &["reasoningText", "text"]), value: value.clone() }
            }
            "document" => ContentBlock::Document {
                name: str_at(value, &["name"]).unwrap_or_default(),
                text: str_at(value, &["source", "text"]),
                value: value.clone(),
            },
            _ => ContentBlock::Other { member: member.clone(), value: value.clone() },
        }
    }

    /// Text the model reads from this block.
    pub fn text(&self) -> Option<&str> {
        match self {
            ContentBlock::Text(t) => Some(t),
            ContentBlock::GuardContent { text, .. }
            | ContentBlock::ReasoningContent { text, .. }
            | ContentBlock::Document { text, .. } => text.as_deref(),
            _ => None,
        }
    }
}

const CONTENT_MEMBERS: [&str; 14] = [
    "text", "image", "document", "video", "audio", "toolUse", "toolResult", "guardContent", "cachePoint", "reasoningContent",
    "citationsContent", "searchResult", "toolAddition", "toolRemoval",
];

fn is_content_member(k: &str) -> bool {
    CONTENT_MEMBERS.contains(&k)
}

impl Serialize for ContentBlock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(self.member_name(), &self.member_value())?;
        map.end()
    }
}

/// `ToolUseBlock`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolUseBlock {
    pub tool_use_id: String,
    pub name: String,
    pub input: Value,
    /// `type` (`server_tool_use`).
    pub kind: Option<String>,
}

impl ToolUseBlock {
    fn from_validated(v: &Value) -> ToolUseBlock {
        ToolUseBlock {
            tool_use_id: str_at(v, &["toolUseId"]).unwrap_or_default(),
            name: str_at(v, &["name"]).unwrap_or_default(),
            input: v.get("input").cloned().unwrap_or(Value::Null),
            kind: str_at(v, &["type"]),
        }
    }

    fn to_json(&self) -> Value {
        let mut v = json!({ "toolUseId": self.tool_use_id, "name": self.name, "input": self.input });
        if let (Some(k), Some(obj)) = (&self.kind, v.as_object_mut()) {
            obj.insert("type".to_owned(), Value::String(k.clone()));
        }
        v
    }
}

/// `ToolResultBlock`: the texts of its `text` content members are kept for token estimation.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolResultBlock {
    pub tool_use_id: String,
    pub texts: Vec<String>,
    pub status: Option<String>,
    pub value: Value,
}

impl ToolResultBlock {
    fn from_validated(v: &Value) -> ToolResultBlock {
        let texts = v
            .get("content")
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(|i| i.get("text").and_then(Value::as_str)).map(str::to_owned).collect())
            .unwrap_or_default();
        ToolResultBlock {
            tool_use_id: str_at(v, &["toolUseId"]).unwrap_or_default(),
            texts,
            status: str_at(v, &["status"]),
            value: v.clone(),
        }
    }
}

/// `SystemContentBlock` (a union).
#[derive(Debug, Clone, PartialEq)]
pub enum SystemContentBlock {
    Text(String),
    GuardContent { text: Option<String>, value: Value },
    CachePoint(Value),
}

impl SystemContentBlock {
    pub(crate) fn from_validated(obj: &Map<String, Value>) -> SystemContentBlock {
        if let Some(t) = obj.get("text").and_then(Value::as_str) {
            return SystemContentBlock::Text(t.to_owned());
        }
        if let Some(g) = obj.get("guardContent").filter(|v| !v.is_null()) {
            return SystemContentBlock::GuardContent { text: str_at(g, &["text", "text"]), value: g.clone() };
        }
        SystemContentBlock::CachePoint(obj.get("cachePoint").cloned().unwrap_or(Value::Null))
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            SystemContentBlock::Text(t) => Some(t),
            SystemContentBlock::GuardContent { text, .. } => text.as_deref(),
            SystemContentBlock::CachePoint(_) => None,
        }
    }
}

/// `InferenceConfiguration`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InferenceConfiguration {
    pub max_tokens: Option<i32>,
    pub temperature: Option<f32>,
    pub top_p: Option<f32>,
    pub stop_sequences: Vec<String>,
}

impl InferenceConfiguration {
    pub(crate) fn from_validated(v: &Value) -> InferenceConfiguration {
        InferenceConfiguration {
            max_tokens: v.get("maxTokens").and_then(Value::as_i64).and_then(|n| i32::try_from(n).ok()),
            temperature: v.get("temperature").and_then(Value::as_f64).map(|f| f as f32),
            top_p: v.get("topP").and_then(Value::as_f64).map(|f| f as f32),
            stop_sequences: strings(v.get("stopSequences")),
        }
    }
}

/// `ToolConfiguration`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolConfiguration {
    pub tools: Vec<Tool>,
    pub tool_choice: Option<ToolChoice>,
}

/// `Tool` (a union).
#[derive(Debug, Clone, PartialEq)]
pub enum Tool {
    ToolSpec { name: String, description: Option<String>, input_schema: Value, strict: Option<bool> },
    SystemTool { name: String },
    CachePoint(Value),
}

/// `ToolChoice` (a union).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoice {
    Auto,
    Any,
    Tool { name: String },
}

impl ToolConfiguration {
    pub(crate) fn from_validated(v: &Value) -> ToolConfiguration {
        let tools = v
            .get("tools")
            .and_then(Value::as_array)
            .map(|items| items.iter().map(tool_from_validated).collect())
            .unwrap_or_default();
        let tool_choice = v.get("toolChoice").filter(|c| !c.is_null()).map(|c| {
            if c.get("auto").is_some_and(|x| !x.is_null()) {
                ToolChoice::Auto
            } else if c.get("any").is_some_and(|x| !x.is_null()) {
                ToolChoice::Any
            } else {
                ToolChoice::Tool { name: str_at(c, &["tool", "name"]).unwrap_or_default() }
            }
        });
        ToolConfiguration { tools, tool_choice }
    }
}

fn tool_from_validated(v: &Value) -> Tool {
    if let Some(spec) = v.get("toolSpec").filter(|s| !s.is_null()) {
        return Tool::ToolSpec {
            name: str_at(spec, &["name"]).unwrap_or_default(),
            description: str_at(spec, &["description"]),
            input_schema: spec.get("inputSchema").and_then(|s| s.get("json")).cloned().unwrap_or(Value::Null),
            strict: spec.get("strict").and_then(Value::as_bool),
        };
    }
    if let Some(sys) = v.get("systemTool").filter(|s| !s.is_null()) {
        return Tool::SystemTool { name: str_at(sys, &["name"]).unwrap_or_default() };
    }
    Tool::CachePoint(v.get("cachePoint").cloned().unwrap_or(Value::Null))
}

/// `GuardrailConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GuardrailConfiguration {
    pub guardrail_identifier: Option<String>,
    pub guardrail_version: Option<String>,
    pub trace: Option<String>,
}

/// `PerformanceConfiguration` (`latency`: `standard` | `optimized`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PerformanceConfiguration {
    pub latency: Option<String>,
}

impl Serialize for PerformanceConfiguration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(l) = &self.latency {
            map.serialize_entry("latency", l)?;
        }
        map.end()
    }
}

/// `ServiceTier` (`type`: `priority` | `default` | `flex` | `reserved`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTier {
    pub kind: String,
}

impl Serialize for ServiceTier {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("type", &self.kind)?;
        map.end()
    }
}

/// A validated Converse (or ConverseStream) request body.
#[derive(Debug, Clone, PartialEq)]
pub struct ConverseRequest {
    pub messages: Vec<Message>,
    pub system: Vec<SystemContentBlock>,
    pub inference_config: Option<InferenceConfiguration>,
    pub tool_config: Option<ToolConfiguration>,
    pub guardrail_config: Option<GuardrailConfiguration>,
    pub additional_model_request_fields: Option<Value>,
    /// `promptVariables` as sent (sensitive map of `{text}` unions).
    pub prompt_variables: Option<Value>,
    pub additional_model_response_field_paths: Vec<String>,
    pub request_metadata: Option<RequestMetadata>,
    pub performance_config: Option<PerformanceConfiguration>,
    pub service_tier: Option<ServiceTier>,
    /// `outputConfig` as sent.
    pub output_config: Option<Value>,
    /// The JSON body as sent (an object, never containing `modelId`, which is in the path);
    /// becomes the record's `input.inputBodyJson`.
    pub body: Value,
}

impl ConverseRequest {
    pub(crate) fn from_validated(body: Value) -> ConverseRequest {
        let get = |k: &str| body.get(k).filter(|v| !v.is_null());
        let messages = get("messages")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|m| Message {
                        role: ConversationRole::parse(m.get("role").and_then(Value::as_str).unwrap_or("")),
                        content: m
                            .get("content")
                            .and_then(Value::as_array)
                            .map(|c| c.iter().filter_map(Value::as_object).map(ContentBlock::from_validated).collect())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let system = get("system")
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_object).map(SystemContentBlock::from_validated).collect())
            .unwrap_or_default();
        let guardrail_config = get("guardrailConfig").map(|g| GuardrailConfiguration {
            guardrail_identifier: str_at(g, &["guardrailIdentifier"]),
            guardrail_version: str_at(g, &["guardrailVersion"]),
            trace: str_at(g, &["trace"]),
        });
        ConverseRequest {
            messages,
            system,
            inference_config: get("inferenceConfig").map(InferenceConfiguration::from_validated),
            tool_config: get("toolConfig").map(ToolConfiguration::from_validated),
            guardrail_config,
            additional_model_request_fields: get("additionalModelRequestFields").cloned(),
            prompt_variables: get("promptVariables").cloned(),
            additional_model_response_field_paths: strings(get("additionalModelResponseFieldPaths")),
            request_metadata: get("requestMetadata").and_then(Value::as_object).map(RequestMetadata::from_validated),
            performance_config: get("performanceConfig").map(|p| PerformanceConfiguration { latency: str_at(p, &["latency"]) }),
            service_tier: get("serviceTier").map(|t| ServiceTier { kind: str_at(t, &["type"]).unwrap_or_default() }),
            output_config: get("outputConfig").cloned(),
            body,
        }
    }

    /// All text the model would read, in reading order: system blocks, then each message's
    /// text, document text, guard content, reasoning text and tool-result texts.
    pub fn input_texts(&self) -> impl Iterator<Item = &str> {
        let system = self.system.iter().filter_map(SystemContentBlock::text);
        let messages = self.messages.iter().flat_map(|m| m.content.iter()).flat_map(|b| {
            let (one, many): (Option<&str>, &[String]) = match b {
                ContentBlock::ToolResult(r) => (None, &r.texts),
                other => (other.text(), &[]),
            };
            one.into_iter().chain(many.iter().map(String::as_str))
        });
        system.chain(messages)
    }

    /// The last text block of the last user message (`None` when it has no text block).
    pub fn last_user_text(&self) -> Option<&str> {
        self.messages.iter().rev().find(|m| m.role == ConversationRole::User).and_then(|m| {
            m.content.iter().rev().find_map(|b| match b {
                ContentBlock::Text(t) => Some(t.as_str()),
                _ => None,
            })
        })
    }

    pub fn max_tokens(&self) -> Option<i32> {
        self.inference_config.as_ref().and_then(|c| c.max_tokens)
    }

    pub fn temperature(&self) -> Option<f32> {
        self.inference_config.as_ref().and_then(|c| c.temperature)
    }

    pub fn top_p(&self) -> Option<f32> {
        self.inference_config.as_ref().and_then(|c| c.top_p)
    }

    pub fn stop_sequences(&self) -> &[String] {
        self.inference_config.as_ref().map(|c| c.stop_sequences.as_slice()).unwrap_or(&[])
    }

    pub fn request_metadata(&self) -> Option<&RequestMetadata> {
        self.request_metadata.as_ref()
    }
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_str().map(str::to_owned)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
}
