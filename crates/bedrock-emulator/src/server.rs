//! The HTTP server: accepts connections (HTTP/1.1 keep-alive), reads each request within the body
//! limit, routes it, and turns every outcome into a response. Shutdown stops accepting, lets
//! in-flight requests finish, then returns.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode, header};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use bedrock_model::cloudwatch_logs::{LogsError, LogsErrorCode};
use bedrock_model::error::ServiceError;

use crate::logs;
use crate::ops::{self, RequestContext};
use crate::response::{self, HttpResponse};
use crate::routes::{Route, route};
use crate::sigv4::parse_authorization;
use crate::state::AppState;

/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves connections from `listener` until `shutdown` completes.
pub(crate) async fn serve(listener: TcpListener, state: Arc<AppState>, shutdown: impl Future<Output = ()>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(err) => {
                        tracing::warn!(%err, "accept failed");
                        // Out of file descriptors and the like: give the system a moment.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = Arc::clone(&state);
                let service = service_fn(move |req| handle(Arc::clone(&state), req));
                let conn = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(err) = conn.await {
                        tracing::debug!(%err, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
        tracing::warn!("in-flight requests did not finish within {DRAIN_TIMEOUT:?}");
    }
}

/// Answers one request. Never fails: every error becomes an AWS-shaped response.
pub(crate) async fn handle(state: Arc<AppState>, req: Request<Incoming>) -> Result<HttpResponse, Infallible> {
    let request_id = state.config.ids.request_id();
    let header_str = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let caller = parse_authorization(header_str(header::AUTHORIZATION.as_str()));
    let route = route(req.method(), req.uri().path(), header_str("x-amz-target"));
    let region = caller.region.clone().unwrap_or_else(|| state.config.default_region.clone());
    let ctx = RequestContext { request_id, caller, region };
    // S3 (the read API over delivered logs) is told apart by its SigV4 signing service.
    if ctx.caller.service.as_deref() == Some("s3") {
        return Ok(crate::s3::read_api::handle(&state, &ctx.request_id, req.method(), req.uri(), req.headers()));
    }

    let response = match route {
        Route::Health => response::text(StatusCode::OK, "ok"),
        Route::FlushDeliveries => match state.s3.flush() {
            Ok(report) => response::json_ok(&ctx.request_id, serde_json::to_vec(&report).unwrap_or_default()),
            Err(err) => response::bedrock_error(&ServiceError::internal(err.to_string()), &ctx.request_id),
        },
        Route::Converse { model_id } => {
            let body = match read_body(req, state.config.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => return Ok(response::bedrock_error(&err, &ctx.request_id)),
            };
            let result = match model_id {
                Ok(model_id) => ops::converse::converse(&state, &ctx, &model_id, &body),
                Err(raw) => Err(bedrock_model::model_id::validate_model_id(&raw)
                    .err()
                    .unwrap_or_else(|| ServiceError::validation("The provided model identifier is invalid."))),
            };
            bedrock_result(result, &ctx)
        }
        Route::ConverseStream { model_id } => {
            let body = match read_body(req, state.config.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => return Ok(response::bedrock_error(&err, &ctx.request_id)),
            };
            let result = label(model_id).and_then(|id| ops::converse_stream::converse_stream(&state, &ctx, &id, &body));
            result.unwrap_or_else(|err| response::bedrock_error(&err, &ctx.request_id))
        }
        Route::InvokeModel { model_id } => {
            let headers = req.headers().clone();
            let body = match read_body(req, state.config.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => return Ok(response::bedrock_error(&err, &ctx.request_id)),
            };
            match label(model_id).and_then(|id| ops::invoke_model::invoke_model(&state, &ctx, &id, &headers, &body)) {
                Ok(out) => response::json_ok_with(&ctx.request_id, out.body, &out.headers),
                Err(err) => response::bedrock_error(&err, &ctx.request_id),
            }
        }
        Route::InvokeModelWithResponseStream { model_id } => {
            let headers = req.headers().clone();
            let body = match read_body(req, state.config.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => return Ok(response::bedrock_error(&err, &ctx.request_id)),
            };
            let result = label(model_id)
                .and_then(|id| ops::invoke_model_stream::invoke_model_stream(&state, &ctx, &id, &headers, &body));
            result.unwrap_or_else(|err| response::bedrock_error(&err, &ctx.request_id))
        }
        Route::CountTokens { model_id } => {
            let body = match read_body(req, state.config.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => return Ok(response::bedrock_error(&err, &ctx.request_id)),
            };
            bedrock_result(label(model_id).and_then(|id| ops::count_tokens::count_tokens(&state, &id, &body)), &ctx)
        }
        Route::PutLoggingConfig => {
            let body = match read_body(req, state.config.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => return Ok(response::bedrock_error(&err, &ctx.request_id)),
            };
            match ops::logging_config::put(&state, &body) {
                Ok(()) => response::empty_ok(&ctx.request_id),
                Err(err) => response::bedrock_error(&err, &ctx.request_id),
            }
        }
        Route::GetLoggingConfig => response::json_ok(&ctx.request_id, ops::logging_config::get(&state)),
        Route::DeleteLoggingConfig => match ops::logging_config::delete(&state) {
            Ok(()) => response::empty_ok(&ctx.request_id),
            Err(err) => response::bedrock_error(&err, &ctx.request_id),
        },
        Route::Logs { operation } => {
            let body = match read_body(req, state.config.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => {
                    let err = LogsError::new(LogsErrorCode::InvalidParameterException, err.message);
                    return Ok(response::logs_error(&err, &ctx.request_id));
                }
            };
            logs::handle(&state, &ctx, &operation, &body).await
        }
        Route::MethodNotAllowed => response::bedrock_error(
            &ServiceError::new(
                bedrock_model::error::ErrorCode::UnknownOperationException,
                "The requested method is not supported for this resource",
            ),
            &ctx.request_id,
        ),
        Route::Unknown => response::bedrock_error(
            &ServiceError::new(bedrock_model::error::ErrorCode::UnknownOperationException, "Unknown operation"),
            &ctx.request_id,
        ),
    };
    Ok(response)
}

/// A runtime path's model id, or the error for a label that is not UTF-8 once decoded.
fn label(model_id: Result<String, String>) -> Result<String, ServiceError> {
    model_id.map_err(|raw| {
        bedrock_model::model_id::validate_model_id(&raw)
            .err()
            .unwrap_or_else(|| ServiceError::validation("The provided model identifier is invalid."))
    })
}

fn bedrock_result(result: Result<Vec<u8>, ServiceError>, ctx: &RequestContext) -> HttpResponse {
    match result {
        Ok(body) => response::json_ok(&ctx.request_id, body),
        Err(err) => response::bedrock_error(&err, &ctx.request_id),
    }
}

/// Reads a request body, refusing more than `limit` bytes without buffering them.
async fn read_body(req: Request<Incoming>, limit: usize) -> Result<Bytes, ServiceError> {
    let too_large = |n: Option<u64>| {
        let size = n.map_or_else(|| format!("more than {limit}"), |n| n.to_string());
        ServiceError::validation(format!(
            "Request body of {size} bytes exceeds the maximum of {limit} bytes."
        ))
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(declared));
    }
    match Limited::new(req.into_body(), limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.downcast_ref::<http_body_util::LengthLimitError>().is_some() => Err(too_large(None)),
        Err(err) => Err(ServiceError::validation(format!("Could not read the request body: {err}"))),
    }
}
