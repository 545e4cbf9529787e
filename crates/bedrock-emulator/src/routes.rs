//! Routing: method, path and `X-Amz-Target` to an operation. One port serves three protocols:
//! CloudWatch Logs (awsJson1.1, `POST /` with `X-Amz-Target: Logs_20140328.<Op>`), Bedrock
//! runtime (`/model/{modelId}/<op>`) and the Bedrock control plane (`/logging/modelinvocations`).

use http::Method;
use percent_encoding::percent_decode_str;

/// The operation a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// `POST /model/{modelId}/converse`, with the model id percent-decoded.
    Converse { model_id: Result<String, String> },
    /// `POST /model/{modelId}/converse-stream`.
    ConverseStream { model_id: Result<String, String> },
    /// `POST /model/{modelId}/invoke`.
    InvokeModel { model_id: Result<String, String> },
    /// `POST /model/{modelId}/invoke-with-response-stream`.
    InvokeModelWithResponseStream { model_id: Result<String, String> },
    /// `POST /model/{modelId}/count-tokens`.
    CountTokens { model_id: Result<String, String> },
    /// `PUT /logging/modelinvocations`.
    PutLoggingConfig,
    /// `GET /logging/modelinvocations`.
    GetLoggingConfig,
    /// `DELETE /logging/modelinvocations`.
    DeleteLoggingConfig,
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
            match *op {
                "converse" => Route::Converse { model_id: decode_label(model_id) },
                "converse-stream" => Route::ConverseStream { model_id: decode_label(model_id) },
                "invoke" => Route::InvokeModel { model_id: decode_label(model_id) },
                "invoke-with-response-stream" => {
                    Route::InvokeModelWithResponseStream { model_id: decode_label(model_id) }
                }
                "count-tokens" => Route::CountTokens { model_id: decode_label(model_id) },
                _ => Route::Unknown,
            }
        }
        ["logging", "modelinvocations"] => match *method {
            Method::PUT => Route::PutLoggingConfig,
            Method::GET => Route::GetLoggingConfig,
            Method::DELETE => Route::DeleteLoggingConfig,
            _ => Route::MethodNotAllowed,
        },
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
        assert_eq!(r, Route::Converse { model_id: Ok("anthropic.claude-3-haiku-20240307-v1:0".into()) });
        let arn = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fx/converse";
        assert_eq!(
            route(&Method::POST, arn, None),
            Route::Converse { model_id: Ok("arn:aws:bedrock:us-east-1::foundation-model/x".into()) }
        );
        assert_eq!(route(&Method::POST, "/model/%FF/converse", None), Route::Converse { model_id: Err("%FF".into()) });
        assert_eq!(route(&Method::GET, "/model/x/converse", None), Route::MethodNotAllowed);
        assert_eq!(
            route(&Method::POST, "/model/x/invoke", None),
            Route::InvokeModel { model_id: Ok("x".into()) }
        );
        assert_eq!(
            route(&Method::POST, "/model/a%3A0/invoke-with-response-stream", None),
            Route::InvokeModelWithResponseStream { model_id: Ok("a:0".into()) }
        );
        assert_eq!(route(&Method::POST, "/model/x/converse-stream", None), Route::ConverseStream { model_id: Ok("x".into()) });
        assert_eq!(route(&Method::POST, "/model/x/count-tokens", None), Route::CountTokens { model_id: Ok("x".into()) });
    }

    #[test]
    fn control_plane_logs_and_unknown() {
        assert_eq!(route(&Method::PUT, "/logging/modelinvocations", None), Route::PutLoggingConfig);
        assert_eq!(route(&Method::GET, "/logging/modelinvocations", None), Route::GetLoggingConfig);
        assert_eq!(route(&Method::DELETE, "/logging/modelinvocations", None), Route::DeleteLoggingConfig);
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
