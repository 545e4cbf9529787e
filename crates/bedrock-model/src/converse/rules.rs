//! Bedrock's own Converse rules, checked after the model's constraints pass, with the sentences
//! real Bedrock sends (sources in CHOICES.md). Paths in these sentences are 0-based
//! (`messages.1.content.0`), unlike Coral's 1-based `.N.member` paths.
//!
//! Order: conversation start, role alternation, then per message (empty content, blank text,
//! toolUse input), then tool schemas, then tool blocks without `toolConfig`. The first failing
//! rule is reported.

use serde_json::Value;

use super::request::{ContentBlock, ConversationRole, ConverseRequest, Tool};
use crate::error::ServiceError;

pub const START_WITH_USER: &str =
    "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
pub const ALTERNATE_ROLES: &str = "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
pub const TOOL_CONFIG_REQUIRED: &str = "The toolConfig field must be defined when using toolUse and toolResult content blocks.";

pub(crate) fn content_empty(i: usize) -> String {
    format!(
        "The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again."
    )
}

pub(crate) fn text_blank(i: usize, j: usize) -> String {
    format!(
        "The text field in the ContentBlock object at messages.{i}.content.{j} is blank. Add text to the text field, and try again."
    )
}

pub(crate) fn json_object_required(path: &str) -> String {
    format!("The format of the value at {path} is invalid. Provide a json object for the field and try again.")
}

/// Applies the rules. `messages_optional` is true for Prompt management ARNs, whose prompt
/// supplies the conversation.
pub(crate) fn check(req: &ConverseRequest, messages_optional: bool) -> Result<(), ServiceError> {
    let fail = |m: String| Err(ServiceError::validation(m));
    match req.messages.first() {
        None if messages_optional => {}
        None => return fail(START_WITH_USER.to_owned()),
        Some(first) if first.role != ConversationRole::User => return fail(START_WITH_USER.to_owned()),
        Some(_) => {}
    }
    for (i, pair) in req.messages.windows(2).enumerate() {
        let expected = if i % 2 == 0 { ConversationRole::Assistant } else { ConversationRole::User };
        if pair[1].role != expected || pair[0].role == pair[1].role {
            return fail(ALTERNATE_ROLES.to_owned());
        }
    }
    let mut uses_tools = false;
    for (i, message) in req.messages.iter().enumerate() {
        if message.content.is_empty() {
            return fail(content_empty(i));
        }
        for (j, block) in message.content.iter().enumerate() {
            match block {
                ContentBlock::Text(t) if t.is_empty() => return fail(text_blank(i, j)),
                ContentBlock::ToolUse(u) => {
                    uses_tools = true;
                    if !u.input.is_object() {
                        return fail(json_object_required(&format!("messages.{i}.content.{j}.toolUse.input")));
                    }
                }
                ContentBlock::ToolResult(_) => uses_tools = true,
                _ => {}
            }
        }
    }
    if let Some(config) = &req.tool_config {
        for (k, tool) in config.tools.iter().enumerate() {
            if let Tool::ToolSpec { input_schema, .. } = tool
                && !matches!(input_schema, Value::Object(_))
            {
                return fail(json_object_required(&format!("toolConfig.tools.{k}.toolSpec.inputSchema.json")));
            }
        }
    } else if uses_tools {
        return fail(TOOL_CONFIG_REQUIRED.to_owned());
    }
    Ok(())
}
