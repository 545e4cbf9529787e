//! The HTTP server: accepts connections (HTTP/1.1 keep-alive), reads each request within the body
//! limit, has the protocol layer detect its service, protocol and operation, hands it to the
//! service the registry names (unless a fault rule answers first: `inject.rs`), and has the
//! protocol layer write the reply or the error.
//! Shutdown stops accepting, lets in-flight requests finish, then returns.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use aws_protocol::{AwsError, BodyLimits, HttpResponse, Protocol, ServiceId, full_body};
use service_kit::{Authorizer, Call, Enforcement, RequestContext};

use crate::authorizer::Signer;
use crate::services::Services;

/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves connections from `listener` until `shutdown` completes.
pub(crate) async fn serve(listener: TcpListener, services: Arc<Services>, shutdown: impl Future<Output = ()>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok((stream, peer)) => (stream, peer),
                    Err(err) => {
                        // Out of descriptors: the store's idle files make room for the next accept.
                        if fd_budget::is_exhaustion(&err) {
                            services.log_store.release_idle_handles();
                        }
                        tracing::warn!(%err, "accept failed");
                        // Out of file descriptors and the like: give the system a moment.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let services = Arc::clone(&services);
                let service = service_fn(move |req| handle(Arc::clone(&services), req, Some(peer.ip())));
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

/// Answers one request. Never fails: every error becomes an AWS-shaped response in the
/// protocol the client spoke.
pub(crate) async fn handle(
    services: Arc<Services>,
    req: Request<Incoming>,
    peer: Option<std::net::IpAddr>,
) -> Result<HttpResponse, Infallible> {
    let request_id = services.env.ids.request_id();
    let req = match emulator_route(&services, req, &request_id).await {
        Ok(response) => return Ok(response),
        Err(req) => req,
    };
    let (parts, body) = req.into_parts();
    let limits = BodyLimits::default();
    let body = match read_body(&parts.headers, body, services.max_body_bytes).await {
        Ok(body) => body,
        Err(failure) => return Ok(refuse_body(&services, &parts, &request_id, failure)),
    };
    let enforcing = services.authorizer.enforcement().is_on();
    // The body as signed (gzip and aws-chunked undone by detect); a reference count, not a copy.
    let raw_body = enforcing.then(|| body.clone());
    let detected = match aws_protocol::detect(&parts.method, &parts.uri, &parts.headers, body, limits) {
        Ok(detected) => detected,
        Err(rejection) => return Ok(rejection.to_response(&request_id)),
    };
    let signer = match raw_body {
        Some(raw) => match verify(&services, &parts, &raw, &detected, &request_id) {
            Ok(signer) => signer,
            Err(response) => return Ok(*response),
        },
        None => None,
    };
    let region = detected.caller.region.clone().unwrap_or_else(|| services.env.default_region.clone());
    let ctx = RequestContext { request_id, access_key: detected.caller.access_key.clone(), region };
    let service = services.registry.service_for(detected.service, &detected.operation);
    // Authorization comes first, as on AWS: a denied call is never throttled or faulted.
    if let (Some(signer), Some(service)) = (&signer, service) {
        let call = Call { ctx: &ctx, request: &detected, headers: &parts.headers, stream_fault: None };
        let auth = service.authorization(&call);
        let now = services.env.now_ms();
        if let Err(refusal) = services.authorizer.authorize(signer, &auth, &ctx, detected.service, &detected.operation, peer, now)
        {
            let strict = !refusal.record.let_through;
            let message = refusal.message.clone();
            services.authorizer.denials.push(refusal.record);
            if strict {
                let err = AwsError::access_denied(detected.service, message);
                return Ok(detected.render_error(&ctx.request_id, &err));
            }
        }
    }
    let stream_fault = match crate::inject::before_call(&services, service, &detected, &ctx, &parts.headers).await {
        Ok(fault) => fault,
        Err(response) => return Ok(response),
    };
    let Some(service) = service else {
        return Ok(detected.render_error(&ctx.request_id, &detected.unknown_operation()));
    };
    let call = Call { ctx: &ctx, request: &detected, headers: &parts.headers, stream_fault: stream_fault.as_ref() };
    Ok(match Arc::clone(service).call(call).await {
        Ok(reply) => detected.encode(&ctx.request_id, reply),
        Err(err) => detected.render_error(&ctx.request_id, &err),
    })
}

/// `--enforce-iam`: the request's signature verified; the signer to authorize, `None` when soft
/// enforcement lets through a request whose signer is unknown, or the error response.
fn verify(
    services: &Services,
    parts: &http::request::Parts,
    raw_body: &Bytes,
    detected: &aws_protocol::Detected,
    request_id: &str,
) -> Result<Option<Signer>, Box<HttpResponse>> {
    let now = services.env.now_ms();
    match services.authorizer.verify(parts, raw_body, detected, now) {
        Ok(signer) => Ok(Some(signer)),
        Err(err) => {
            services.authorizer.record_signature_failure(&err, detected, request_id, now);
            if services.authorizer.enforcement() == Enforcement::Soft {
                let key = detected.caller.access_key.as_deref().unwrap_or_default();
                return Ok(services.authorizer.signer_of(key));
            }
            Err(Box::new(detected.render_error(request_id, &err.to_aws_error(detected.service))))
        }
    }
}

/// The emulator's own routes (`/_emulator/...`), answered before any AWS protocol is looked for;
/// any other request is handed back.
///
/// | route | answer |
/// |---|---|
/// | `GET /_emulator/health` | `ok` |
/// | `POST /_emulator/flush-deliveries` | Bedrock's held records delivered (due or not), its pending S3 batches written |
/// | `GET /_emulator/clock` | the emulator's clock |
/// | `POST /_emulator/clock` | `{"advance": "PT1H"}` or `{"to": "<RFC 3339>"}`: the clock moved forward (never back), then the held records now due delivered and the alarms whose period ended evaluated |
/// | `POST /_emulator/alarms/evaluate` | every alarm evaluated now |
/// | `GET /_emulator/sns/messages` | the SNS messages published, with their deliveries |
/// | `GET /_emulator/iam/denials` | the recent IAM denials (`--enforce-iam`), each explained statement by statement |
/// | `GET /_emulator/deliveries` | Bedrock's log deliveries: records delivered and dropped per destination, and why the last ones were dropped |
/// | `GET`, `POST`, `PATCH`, `DELETE /_emulator/faults` | the fault rules: listed, replaced, appended to, removed (`emulator_faults.rs`) |
/// | `GET`, `POST /_emulator/quotas` | the quotas and each model's usage in the current minute; replaced |
/// | `GET /_emulator/dashboards/` | the dashboards; `/<name>` one drawn as a page (`?start=-PT3H`, `&end=`, `&format=json`); `/assets/<file>` the page's scripts and styles |
async fn emulator_route(
    services: &Services,
    req: Request<Incoming>,
    request_id: &str,
) -> Result<HttpResponse, Request<Incoming>> {
    let json = |status: StatusCode, value: serde_json::Value| plain(status, "application/json", value.to_string().into());
    let fail = |message: String| json(StatusCode::BAD_REQUEST, serde_json::json!({"message": message}));
    let internal = |message: String| json(StatusCode::INTERNAL_SERVER_ERROR, serde_json::json!({"message": message}));
    let method = req.method().clone();
    Ok(match (&method, req.uri().path()) {
        (&Method::GET, "/_emulator/health") => plain(StatusCode::OK, "text/plain", "ok".into()),
        (&Method::POST, "/_emulator/flush-deliveries") => match services.bedrock.release_and_flush_deliveries() {
            Ok(report) => plain(StatusCode::OK, "application/json", serde_json::to_vec(&report).unwrap_or_default().into()),
            Err(err) => {
                let err = AwsError::internal(Some(ServiceId::Bedrock), err.to_string());
                aws_protocol::render_error(Protocol::RestJson1, ServiceId::Bedrock, request_id, &err, false)
            }
        },
        (&Method::GET, "/_emulator/clock") => json(StatusCode::OK, clock_json(services)),
        (&Method::POST, "/_emulator/clock") => {
            let body = match Limited::new(req.into_body(), 64 * 1024).collect().await {
                Ok(b) => b.to_bytes(),
                Err(err) => return Ok(fail(format!("cannot read the body: {err}"))),
            };
            let moved = match serde_json::from_slice::<ClockRequest>(&body) {
                Ok(ClockRequest { advance: Some(d), to: None }) => service_kit::clock::parse_iso8601_duration_ms(&d)
                    .and_then(|ms| services.clock.advance(ms).map_err(|e| e.to_string())),
                Ok(ClockRequest { advance: None, to: Some(t) }) => service_kit::clock::parse_rfc3339_ms(&t)
                    .and_then(|ms| services.clock.advance_to(ms).map_err(|e| e.to_string())),
                Ok(_) => Err(r#"give one of {"advance": "PT1H"} and {"to": "2025-12-03T12:00:00Z"}"#.to_owned()),
                Err(err) => Err(format!("the body is not a clock request: {err}")),
            };
            if moved.is_ok()
                && let Err(err) = services.bedrock.release_due_deliveries()
            {
                tracing::warn!(%err, "held invocation records could not all be delivered; kept for the next release");
            }
            match moved {
                Err(message) => fail(message),
                Ok(_) => match services.cloudwatch.evaluate_due_alarms() {
                    Ok(report) => {
                        let mut body = clock_json(services);
                        body["alarms"] = serde_json::to_value(report).unwrap_or_default();
                        json(StatusCode::OK, body)
                    }
                    Err(err) => internal(err.to_string()),
                },
            }
        }
        (&Method::POST, "/_emulator/alarms/evaluate") => match services.cloudwatch.evaluate_alarms() {
            Ok(report) => json(StatusCode::OK, serde_json::to_value(report).unwrap_or_default()),
            Err(err) => internal(err.to_string()),
        },
        (_, "/_emulator/faults") => crate::emulator_faults::faults(services, req).await,
        (_, "/_emulator/quotas") => crate::emulator_faults::quotas(services, req).await,
        (&Method::GET, "/_emulator/sns/messages") => {
            json(StatusCode::OK, serde_json::json!({"messages": services.cloudwatch.sns_messages()}))
        }
        (&Method::GET, "/_emulator/iam/denials") => json(
            StatusCode::OK,
            serde_json::json!({
                "enforcement": format!("{:?}", services.authorizer.enforcement()).to_lowercase(),
                "denials": services.authorizer.denials.list(),
            }),
        ),
        (&Method::GET, "/_emulator/deliveries") => {
            json(StatusCode::OK, serde_json::to_value(services.bedrock.delivery_report()).unwrap_or_default())
        }
        (&Method::GET, path) if path == DASHBOARDS || path.starts_with(&format!("{DASHBOARDS}/")) => {
            let sub = path[DASHBOARDS.len()..].to_owned();
            let query = req.uri().query().map(str::to_owned);
            let cloudwatch = Arc::clone(&services.cloudwatch);
            // Log widgets scan the log store: off the async workers.
            let page =
                tokio::task::spawn_blocking(move || service_cloudwatch::page::respond(&cloudwatch, &sub, query.as_deref()));
            match page.await {
                Ok(page) => page_response(page),
                Err(err) => internal(format!("the dashboard page failed: {err}")),
            }
        }
        _ => return Err(req),
    })
}

/// Where the dashboard pages are.
const DASHBOARDS: &str = "/_emulator/dashboards";

/// A dashboard page as an HTTP response: its Content-Security-Policy (the emulator's own
/// scripts and styles only), no sniffing, not cached (the data changes) except the assets.
fn page_response(page: service_cloudwatch::page::Page) -> HttpResponse {
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = plain(status, page.content_type, page.body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        http::HeaderValue::from_static(service_cloudwatch::page::CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, http::HeaderValue::from_static("nosniff"));
    let cache = if page.content_type.starts_with("text/html") || page.content_type.starts_with("application/json") {
        "no-store"
    } else {
        "max-age=3600"
    };
    headers.insert(header::CACHE_CONTROL, http::HeaderValue::from_static(cache));
    response
}

/// `POST /_emulator/clock`'s body.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    advance: Option<String>,
    to: Option<String>,
}

/// The clock as `/_emulator/clock` shows it.
fn clock_json(services: &Services) -> serde_json::Value {
    let now = services.env.now_ms();
    let iso = aws_protocol::Timestamp::from_epoch_millis(now).to_iso8601().unwrap_or_default();
    serde_json::json!({"now": iso, "nowMs": now, "offsetMs": services.clock.offset_ms()})
}

/// A plain response of the emulator's own routes.
pub(crate) fn plain(status: StatusCode, content_type: &'static str, body: Bytes) -> HttpResponse {
    let mut response = http::Response::new(full_body(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    response
}

/// Why a body was not read.
enum BodyFailure {
    /// Over the limit (`declared`: the `Content-Length`, when it said so).
    TooLarge { declared: Option<u64> },
    /// The connection failed while reading.
    Unreadable(String),
}

/// Reads a request body, refusing more than `limit` bytes without buffering them.
async fn read_body(headers: &http::HeaderMap, body: Incoming, limit: usize) -> Result<Bytes, BodyFailure> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyFailure::TooLarge { declared });
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(BodyFailure::TooLarge { declared: None })
        }
        Err(err) => Err(BodyFailure::Unreadable(err.to_string())),
    }
}

/// The answer to a body that was not read, in the protocol and words of the service it was for
/// (found from the request line and headers alone).
fn refuse_body(services: &Services, parts: &http::request::Parts, request_id: &str, failure: BodyFailure) -> HttpResponse {
    let detected = match aws_protocol::detect_route(&parts.method, &parts.uri, &parts.headers) {
        Ok(detected) => detected,
        Err(rejection) => return rejection.to_response(request_id),
    };
    let err = match failure {
        BodyFailure::TooLarge { declared } => {
            let service = services
                .registry
                .service_for(detected.service, &detected.operation)
                .or_else(|| services.registry.any_service_of(detected.service));
            match service {
                Some(service) => service.body_too_large(detected.service, declared, services.max_body_bytes),
                None => detected.unknown_operation(),
            }
        }
        BodyFailure::Unreadable(reason) => AwsError::serialization(format!("Could not read the request body: {reason}")),
    };
    detected.render_error(request_id, &err)
}
