//! `modelId` validation: the bedrock-runtime `ConversationalModelId` shape (length 1..2048 and
//! the model's pattern as a whole-string match), reported at member path `modelId`.
//!
//! Real message shape (n8n-io/n8n #9084): `1 validation error detected: Value '<id>' at
//! 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: ...`.

use serde_json::Value;

use crate::error::ServiceError;
use crate::models::RUNTIME;
use aws_shapes::{Violations, check_value};

/// Validates a (percent-decoded) model id taken from the request path.
pub fn validate_model_id(id: &str) -> Result<(), ServiceError> {
    Ok(model_id_violations(id)?.into_result()?)
}

pub(crate) fn model_id_violations(id: &str) -> Result<Violations, ServiceError> {
    Ok(check_value(&RUNTIME, "ConversationalModelId", &Value::String(id.to_owned()), "modelId")?)
}

/// `true` for a Prompt management ARN, which may supply the messages itself.
pub fn is_prompt_arn(id: &str) -> bool {
    id.starts_with("arn:") && id.contains(":prompt/")
}
