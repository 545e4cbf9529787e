//! The service's entry point: the operations it answers and, for one call, the operation's
//! handler, with Bedrock's errors turned into the protocol layer's; for fault rules, a call's
//! request metadata and the metrics of an error a rule answered in its place.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_protocol::{AwsError, Reply, ServiceId};
use bedrock_model::error::ServiceError;
use service_kit::{Call, CallFuture, Service};

use crate::BedrockService;
use crate::control::{logging_config, models, profiles};
use crate::error::to_aws_error;
use crate::runtime::{converse, converse_stream, count_tokens, invoke};

/// The operations this emulator answers, per model.
const OPERATIONS: &[(ServiceId, &str)] = &[
    (ServiceId::BedrockRuntime, "Converse"),
    (ServiceId::BedrockRuntime, "ConverseStream"),
    (ServiceId::BedrockRuntime, "InvokeModel"),
    (ServiceId::BedrockRuntime, "InvokeModelWithResponseStream"),
    (ServiceId::BedrockRuntime, "CountTokens"),
    (ServiceId::Bedrock, "PutModelInvocationLoggingConfiguration"),
    (ServiceId::Bedrock, "GetModelInvocationLoggingConfiguration"),
    (ServiceId::Bedrock, "DeleteModelInvocationLoggingConfiguration"),
    (ServiceId::Bedrock, "ListFoundationModels"),
    (ServiceId::Bedrock, "GetFoundationModel"),
    (ServiceId::Bedrock, "ListInferenceProfiles"),
    (ServiceId::Bedrock, "GetInferenceProfile"),
];

impl Service for BedrockService {
    fn operations(&self) -> &'static [(ServiceId, &'static str)] {
        OPERATIONS
    }

    fn call<'a>(self: Arc<Self>, call: Call<'a>) -> CallFuture<'a> {
        Box::pin(async move { answer(&self, call).await.map_err(|err| to_aws_error(&err)) })
    }

    /// Converse's `requestMetadata` member, InvokeModel's `X-Amzn-Bedrock-Request-Metadata`
    /// header (as sent: a malformed one is none).
    fn request_metadata(&self, call: Call<'_>) -> Option<BTreeMap<String, String>> {
        let value: serde_json::Value = match call.operation() {
            "Converse" | "ConverseStream" => {
                serde_json::from_slice::<serde_json::Value>(&call.request.body.bytes).ok()?.get("requestMetadata")?.clone()
            }
            "InvokeModel" | "InvokeModelWithResponseStream" => {
                let header = call.headers.get(bedrock_model::metadata::REQUEST_METADATA_HEADER)?.to_str().ok()?;
                serde_json::from_str(header).ok()?
            }
            _ => return None,
        };
        let map = value.as_object()?;
        Some(map.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect())
    }

    /// An error a fault rule answered counts in the model's metrics as Bedrock counts it
    /// (throttles in `InvocationThrottles` only).
    fn fault_injected(&self, call: Call<'_>, err: &AwsError) {
        if is_runtime_call(call)
            && let Ok(model_id) = model_id_label(call)
            && self.catalog.resolve(&model_id).is_ok()
        {
            self.metrics(|m, now| m.failure(&model_id, crate::metrics::Failure::of_aws(err), now));
        }
    }

    fn authorization(&self, call: &Call<'_>) -> service_kit::Authorization {
        crate::authorization::authorization(self, call)
    }

    /// Bedrock refuses an oversize body as a `ValidationException`.
    fn body_too_large(&self, _service: ServiceId, size: Option<u64>, limit: usize) -> AwsError {
        let size = size.map_or_else(|| format!("more than {limit}"), |n| n.to_string());
        to_aws_error(&ServiceError::validation(format!("Request body of {size} bytes exceeds the maximum of {limit} bytes.")))
    }
}

/// Whether a call is one of the four runtime operations Bedrock's metrics count.
fn is_runtime_call(call: Call<'_>) -> bool {
    matches!(call.operation(), "Converse" | "ConverseStream" | "InvokeModel" | "InvokeModelWithResponseStream")
}

/// One call's answer; a runtime call that fails counts in the `AWS/Bedrock` error metrics of
/// its model (when the catalog knows the id).
async fn answer(service: &Arc<BedrockService>, call: Call<'_>) -> Result<Reply, ServiceError> {
    let result = answer_call(service, call).await;
    if let Err(err) = &result
        && is_runtime_call(call)
        && let Ok(model_id) = model_id_label(call)
        && service.catalog.resolve(&model_id).is_ok()
    {
        service.metrics(|m, now| m.failure(&model_id, crate::metrics::Failure::of(err), now));
    }
    result
}

/// One call's answer, by operation.
async fn answer_call(service: &Arc<BedrockService>, call: Call<'_>) -> Result<Reply, ServiceError> {
    let (ctx, body) = (call.ctx, &call.request.body.bytes[..]);
    let model_id = || model_id_label(call);
    match call.operation() {
        "Converse" => Ok(Reply::shape("ConverseResponse", converse::converse(service, ctx, &model_id()?, body).await?)),
        "ConverseStream" => converse_stream::converse_stream(service, ctx, &model_id()?, body, call.stream_fault),
        "InvokeModel" => {
            let out = invoke::invoke_model(service, ctx, &model_id()?, call.headers, body).await?;
            Ok(out
                .headers
                .into_iter()
                .fold(Reply::payload("application/json", out.body), |reply, (name, value)| reply.with_header(name, value)))
        }
        "InvokeModelWithResponseStream" => {
            invoke::stream::invoke_model_stream(service, ctx, &model_id()?, call.headers, body, call.stream_fault)
        }
        "CountTokens" => Ok(Reply::shape("CountTokensResponse", count_tokens::count_tokens(service, &model_id()?, body)?)),
        "PutModelInvocationLoggingConfiguration" => logging_config::put(service, body, &ctx.region).map(|()| Reply::empty()),
        "GetModelInvocationLoggingConfiguration" => {
            Ok(Reply::shape("GetModelInvocationLoggingConfigurationResponse", logging_config::get(service)))
        }
        "DeleteModelInvocationLoggingConfiguration" => logging_config::delete(service).map(|()| Reply::empty()),
        "ListFoundationModels" => {
            Ok(Reply::shape("ListFoundationModelsResponse", models::list(service, call.request, &ctx.region)?))
        }
        "GetFoundationModel" => Ok(Reply::shape("GetFoundationModelResponse", models::get(service, call.request, &ctx.region)?)),
        "ListInferenceProfiles" => {
            Ok(Reply::shape("ListInferenceProfilesResponse", profiles::list(service, call.request, &ctx.region)?))
        }
        "GetInferenceProfile" => {
            Ok(Reply::shape("GetInferenceProfileResponse", profiles::get(service, call.request, &ctx.region)?))
        }
        // The registry calls listed operations only; answer as Coral would if it ever did not.
        other => Err(ServiceError::new(
            bedrock_model::error::ErrorCode::UnknownOperationException,
            format!("The operation {other} is not implemented by this emulator"),
        )),
    }
}

/// The percent-decoded `{modelId}` label, or Bedrock's error for a label that is not UTF-8
/// once decoded.
fn model_id_label(call: Call<'_>) -> Result<String, ServiceError> {
    match call.request.labels.get("modelId") {
        Some(Ok(id)) => Ok(id.to_owned()),
        Some(Err(raw)) => Err(bedrock_model::model_id::validate_model_id(raw)
            .err()
            .unwrap_or_else(|| ServiceError::validation("The provided model identifier is invalid."))),
        None => Err(ServiceError::validation("The provided model identifier is invalid.")),
    }
}
