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

use bedrock_model::error::ServiceError;
use service_bedrock::bedrock_error;
use service_kit::RequestContext;
use service_kit::response::{self, HttpResponse};
use service_logs::model::{LogsError, LogsErrorCode};

use crate::routes::{Route, route};
use crate::services::Services;
use crate::sigv4::parse_authorization;

/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves connections from `listener` until `shutdown` completes.
pub(crate) async fn serve(listener: TcpListener, services: Arc<Services>, shutdown: impl Future<Output = ()>) {
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
                let services = Arc::clone(&services);
                let service = service_fn(move |req| handle(Arc::clone(&services), req));
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
pub(crate) async fn handle(services: Arc<Services>, req: Request<Incoming>) -> Result<HttpResponse, Infallible> {
    let request_id = services.env.ids.request_id();
    let header_str = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let caller = parse_authorization(header_str(header::AUTHORIZATION.as_str()));
    let route = route(req.method(), req.uri().path(), header_str("x-amz-target"));
    let region = caller.region.clone().unwrap_or_else(|| services.env.default_region.clone());
    let ctx = RequestContext { request_id, access_key: caller.access_key.clone(), region };
    // S3 (the read API over delivered logs) is told apart by its SigV4 signing service.
    if caller.service.as_deref() == Some("s3") {
        return Ok(service_s3::handle(&services.s3, &ctx.request_id, req.method(), req.uri(), req.headers()));
    }

    let response = match route {
        Route::Health => response::text(StatusCode::OK, "ok"),
        Route::FlushDeliveries => match services.bedrock.flush_deliveries() {
            Ok(report) => response::json_ok(&ctx.request_id, serde_json::to_vec(&report).unwrap_or_default()),
            Err(err) => bedrock_error(&ServiceError::internal(err.to_string()), &ctx.request_id),
        },
        Route::Bedrock { operation, model_id } => {
            let headers = req.headers().clone();
            let body = match read_body(req, services.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => return Ok(bedrock_error(&err, &ctx.request_id)),
            };
            service_bedrock::handle(&services.bedrock, &ctx, operation, model_id, &headers, &body)
        }
        Route::Logs { operation } => {
            let body = match read_body(req, services.max_body_bytes).await {
                Ok(body) => body,
                Err(err) => {
                    let err = LogsError::new(LogsErrorCode::InvalidParameterException, err.message);
                    return Ok(service_logs::logs_error(&err, &ctx.request_id));
                }
            };
            service_logs::handle(&services.logs, &ctx, &operation, &body).await
        }
        Route::MethodNotAllowed => service_bedrock::unknown_operation(&ctx.request_id, true),
        Route::Unknown => service_bedrock::unknown_operation(&ctx.request_id, false),
    };
    Ok(response)
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
