//! The service's entry point: an operation, the `{modelId}` label when the operation has one,
//! the headers and the body → the operation's handler, and its outcome → the response.

use std::sync::Arc;

use bedrock_model::error::{ErrorCode, ServiceError};
use ::http::{HeaderMap, StatusCode};
use service_kit::RequestContext;
use service_kit::response::{self as http, HttpResponse};

use crate::BedrockService;
use crate::control::logging_config;
use crate::runtime::{converse, converse_stream, count_tokens, invoke};

/// The Bedrock operations the emulator answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BedrockOperation {
    /// `POST /model/{modelId}/converse`
    Converse,
    /// `POST /model/{modelId}/converse-stream`
    ConverseStream,
    /// `POST /model/{modelId}/invoke`
    InvokeModel,
    /// `POST /model/{modelId}/invoke-with-response-stream`
    InvokeModelWithResponseStream,
    /// `POST /model/{modelId}/count-tokens`
    CountTokens,
    /// `PUT /logging/modelinvocations`
    PutModelInvocationLoggingConfiguration,
    /// `GET /logging/modelinvocations`
    GetModelInvocationLoggingConfiguration,
    /// `DELETE /logging/modelinvocations`
    DeleteModelInvocationLoggingConfiguration,
}

/// Answers one Bedrock request. `model_id` is the percent-decoded `{modelId}` label (`Err` holds
/// the raw label when it does not decode to UTF-8). Never fails: every error becomes Bedrock's
/// restJson1 error response.
pub fn handle(
    service: &Arc<BedrockService>,
    ctx: &RequestContext,
    operation: BedrockOperation,
    model_id: Result<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> HttpResponse {
    use BedrockOperation as Op;
    let request_id = &ctx.request_id;
    let result = match operation {
        Op::Converse => label(model_id)
            .and_then(|id| converse::converse(service, ctx, &id, body))
            .map(|body| http::json_ok(request_id, body)),
        Op::ConverseStream => label(model_id).and_then(|id| converse_stream::converse_stream(service, ctx, &id, body)),
        Op::InvokeModel => label(model_id)
            .and_then(|id| invoke::invoke_model(service, ctx, &id, headers, body))
            .map(|out| http::json_ok_with(request_id, out.body, &out.headers)),
        Op::InvokeModelWithResponseStream => {
            label(model_id).and_then(|id| invoke::stream::invoke_model_stream(service, ctx, &id, headers, body))
        }
        Op::CountTokens => label(model_id)
            .and_then(|id| count_tokens::count_tokens(service, &id, body))
            .map(|body| http::json_ok(request_id, body)),
        Op::PutModelInvocationLoggingConfiguration => {
            logging_config::put(service, body).map(|()| http::empty_ok(request_id))
        }
        Op::GetModelInvocationLoggingConfiguration => Ok(http::json_ok(request_id, logging_config::get(service))),
        Op::DeleteModelInvocationLoggingConfiguration => {
            logging_config::delete(service).map(|()| http::empty_ok(request_id))
        }
    };
    result.unwrap_or_else(|err| bedrock_error(&err, request_id))
}

/// A runtime path's model id, or the error for a label that is not UTF-8 once decoded.
fn label(model_id: Result<String, String>) -> Result<String, ServiceError> {
    model_id.map_err(|raw| {
        bedrock_model::model_id::validate_model_id(&raw)
            .err()
            .unwrap_or_else(|| ServiceError::validation("The provided model identifier is invalid."))
    })
}

/// A Bedrock (restJson1) error response: `x-amzn-ErrorType` and `{"message"}`.
pub fn bedrock_error(err: &ServiceError, request_id: &str) -> HttpResponse {
    let status = StatusCode::from_u16(err.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let error_type = err.code.error_type_header();
    http::error(request_id, status, "application/json", &[("x-amzn-ErrorType", error_type)], err.body_json())
}

/// Bedrock's answer to a request that names no operation (`Unknown operation`) or a known path
/// with another method.
pub fn unknown_operation(request_id: &str, method_not_allowed: bool) -> HttpResponse {
    let message =
        if method_not_allowed { "The requested method is not supported for this resource" } else { "Unknown operation" };
    bedrock_error(&ServiceError::new(ErrorCode::UnknownOperationException, message), request_id)
}
