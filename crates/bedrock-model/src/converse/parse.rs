//! `parse_converse_request`: bytes to a validated `ConverseRequest`, in the order AWS applies
//! the checks: JSON syntax and types (`SerializationException`), every constraint of the model
//! including `modelId` when given (one `ValidationException` listing all violations), then
//! Bedrock's conversation rules.

use aws_shapes::{check_body, read_body_object};

use super::request::ConverseRequest;
use super::rules;
use crate::error::ServiceError;
use crate::model_id::{is_prompt_arn, model_id_violations};
use crate::models::RUNTIME;

/// Parses and validates a Converse body (the modelId is validated separately with
/// [`crate::model_id::validate_model_id`]).
pub fn parse_converse_request(body: &[u8]) -> Result<ConverseRequest, ServiceError> {
    parse(None, body)
}

/// Parses and validates a Converse body together with the path's (percent-decoded) modelId, so
/// that a bad modelId and bad body members are reported in one Coral message, modelId first,
/// as AWS does for one request structure.
pub fn parse_converse_request_for(model_id: &str, body: &[u8]) -> Result<ConverseRequest, ServiceError> {
    parse(Some(model_id), body)
}

fn parse(model_id: Option<&str>, body: &[u8]) -> Result<ConverseRequest, ServiceError> {
    let value = read_body_object(body)?;
    let mut violations = match model_id {
        Some(id) => model_id_violations(id)?,
        None => Default::default(),
    };
    violations.append(check_body(&RUNTIME, "ConverseRequest", &value)?);
    violations.into_result()?;
    let request = ConverseRequest::from_validated(value);
    rules::check(&request, model_id.is_some_and(is_prompt_arn))?;
    Ok(request)
}
