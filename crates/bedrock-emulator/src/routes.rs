//! Routing: method, path and `X-Amz-Target` to an operation. One port serves three protocols:
//! CloudWatch Logs (awsJson1.1, `POST /` with `X-Amz-Target: Logs_20140328.<Op>`), Bedrock
//! runtime (`/model/{modelId}/<op>`) and the Bedrock control plane (`/logging/modelinvocations`).

use http::Method;
use percent_encoding::percent_decode_str;
use service_bedrock::BedrockOperation;

/// The operation a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// A Bedrock runtime or control-plane operation; `model_id` is the percent-decoded
    /// `{modelId}` label (`Err` holds a raw label that is not UTF-8 once decoded; the control
    /// plane has none: `Ok("")`).
    Bedrock { operation: BedrockOperation, model_id: Result<String, String> },
    /// `POST /` with `X-Amz-Target: Logs_20140328.<Op>`.
    Logs { operation: String },
    /// `GET /_emulator/health`: the emulator's own liveness route (also the benchmark ceiling).
    Health,
    /// `POST /_emulator/flush-deliveries`: write the pending S3 record batches now.
    FlushDeliveries,
    /// A path this server knows but not with this method.
    MethodNotAllowed,
    /// Nothing matches.
    Unknown,
}

/// Finds the route of a request.
pub(crate) fn route(method: &Method, path: &str, amz_target: Option<&str>) -> Route {
    if let Some(target) = amz_target {
        if let Some(operation) = target.strip_prefix("Logs_20140328.") {
            return Route::Logs { operation: operation.to_owned() };
        }
        return Route::Unknown;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["model", model_id, op] => {
            if method != Method::POST {
                return Route::MethodNotAllowed;
            }
            let operation = match *op {
                "converse" => BedrockOperation::Converse,
                "converse-stream" => BedrockOperation::ConverseStream,
                "invoke" => BedrockOperation::InvokeModel,
                "invoke-with-response-stream" => BedrockOperation::InvokeModelWithResponseStream,
                "count-tokens" => BedrockOperation::CountTokens,
                _ => return Route::Unknown,
            };
            Route::Bedrock { operation, model_id: decode_label(model_id) }
        }
        ["logging", "modelinvocations"] => {
            let operation = match *method {
                Method::PUT => BedrockOperation::PutModelInvocationLoggingConfiguration,
                Method::GET => BedrockOperation::GetModelInvocationLoggingConfiguration,
                Method::DELETE => BedrockOperation::DeleteModelInvocationLoggingConfiguration,
                _ => return Route::MethodNotAllowed,
            };
            Route::Bedrock { operation, model_id: Ok(String::new()) }
        }
        ["_emulator", "health"] if method == Method::GET => Route::Health,
        ["_emulator", "flush-deliveries"] if method == Method::POST => Route::FlushDeliveries,
        _ => Route::Unknown,
    }
}

/// Percent-decodes one URI label. `Err` holds the raw label when it does not decode to UTF-8.
fn decode_label(raw: &str) -> Result<String, String> {
    percent_decode_str(raw).decode_utf8().map(|s| s.into_owned()).map_err(|_| raw.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_routes_decode_the_model_id() {
        let r = route(&Method::POST, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", None);
        assert_eq!(r, Route::Bedrock { operation: BedrockOperation::Converse, model_id: Ok("anthropic.claude-3-haiku-20240307-v1:0".into()) });
        let arn = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fx/converse";
        assert_eq!(
            route(&Method::POST, arn, None),
            Route::Bedrock { operation: BedrockOperation::Converse, model_id: Ok("arn:aws:bedrock:us-east-1::foundation-model/x".into()) }
        );
        assert_eq!(route(&Method::POST, "/model/%FF/converse", None), Route::Bedrock { operation: BedrockOperation::Converse, model_id: Err("%FF".into()) });
        assert_eq!(route(&Method::GET, "/model/x/converse", None), Route::MethodNotAllowed);
        assert_eq!(
            route(&Method::POST, "/model/x/invoke", None),
            Route::Bedrock { operation: BedrockOperation::InvokeModel, model_id: Ok("x".into()) }
        );
        assert_eq!(
            route(&Method::POST, "/model/a%3A0/invoke-with-response-stream", None),
            Route::Bedrock { operation: BedrockOperation::InvokeModelWithResponseStream, model_id: Ok("a:0".into()) }
        );
        assert_eq!(route(&Method::POST, "/model/x/converse-stream", None), Route::Bedrock { operation: BedrockOperation::ConverseStream, model_id: Ok("x".into()) });
        assert_eq!(route(&Method::POST, "/model/x/count-tokens", None), Route::Bedrock { operation: BedrockOperation::CountTokens, model_id: Ok("x".into()) });
    }

    #[test]
    fn control_plane_logs_and_unknown() {
        assert_eq!(route(&Method::PUT, "/logging/modelinvocations", None), Route::Bedrock { operation: BedrockOperation::PutModelInvocationLoggingConfiguration, model_id: Ok(String::new()) });
        assert_eq!(route(&Method::GET, "/logging/modelinvocations", None), Route::Bedrock { operation: BedrockOperation::GetModelInvocationLoggingConfiguration, model_id: Ok(String::new()) });
        assert_eq!(route(&Method::DELETE, "/logging/modelinvocations", None), Route::Bedrock { operation: BedrockOperation::DeleteModelInvocationLoggingConfiguration, model_id: Ok(String::new()) });
        assert_eq!(route(&Method::POST, "/logging/modelinvocations", None), Route::MethodNotAllowed);
        assert_eq!(
            route(&Method::POST, "/", Some("Logs_20140328.StartQuery")),
            Route::Logs { operation: "StartQuery".into() }
        );
        assert_eq!(route(&Method::POST, "/", Some("DynamoDB_20120810.GetItem")), Route::Unknown);
        assert_eq!(route(&Method::GET, "/nothing", None), Route::Unknown);
        assert_eq!(route(&Method::GET, "/_emulator/health", None), Route::Health);
    }
}
