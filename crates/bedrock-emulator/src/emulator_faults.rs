//! The emulator's routes for fault rules and quotas, as LocalStack's chaos API answers them:
//! `GET /_emulator/faults` lists the rules (each with how many times it fired) and the recent
//! injections, `POST` replaces the whole rule set, `PATCH` appends rules, `DELETE` removes the
//! rules given (every rule without a body); `GET /_emulator/quotas` shows the quotas and each
//! model's usage in the current minute, `POST` replaces the quotas. A document that is refused
//! answers 400 with a message naming what is wrong, and changes nothing.

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde_json::{Value, json};

use aws_protocol::HttpResponse;

use crate::server::plain;
use crate::services::Services;

/// The largest rules or quotas document accepted.
const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// `/_emulator/faults`.
pub(crate) async fn faults(services: &Services, req: Request<Incoming>) -> HttpResponse {
    let method = req.method().clone();
    let body = match read(req).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let engine = &services.faults;
    match method {
        Method::GET => {}
        Method::POST | Method::PATCH => match faults::parse_rules(&body) {
            Ok(doc) if method == Method::POST => engine.replace(doc),
            Ok(doc) => engine.append(doc),
            Err(err) => return refuse(&err.to_string()),
        },
        Method::DELETE if body.iter().all(u8::is_ascii_whitespace) => {
            engine.remove(None);
        }
        Method::DELETE => match faults::parse_rules(&body) {
            Ok(doc) => {
                engine.remove(Some(doc));
            }
            Err(err) => return refuse(&err.to_string()),
        },
        _ => return not_allowed("GET, POST, PATCH, DELETE"),
    }
    json_response(StatusCode::OK, &engine.listing())
}

/// `/_emulator/quotas`.
pub(crate) async fn quotas(services: &Services, req: Request<Incoming>) -> HttpResponse {
    let method = req.method().clone();
    let body = match read(req).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    match method {
        Method::GET => {}
        Method::POST => match faults::parse_quotas(&body) {
            Ok(quotas) => services.quotas.replace(quotas),
            Err(err) => return refuse(&err.to_string()),
        },
        _ => return not_allowed("GET, POST"),
    }
    json_response(StatusCode::OK, &services.quotas.usage(services.env.now_ms()))
}

async fn read(req: Request<Incoming>) -> Result<Bytes, HttpResponse> {
    match Limited::new(req.into_body(), MAX_DOCUMENT_BYTES).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) => Err(refuse(&format!("cannot read the body (at most {MAX_DOCUMENT_BYTES} bytes): {err}"))),
    }
}

fn json_response(status: StatusCode, value: &Value) -> HttpResponse {
    plain(status, "application/json", value.to_string().into())
}

fn refuse(message: &str) -> HttpResponse {
    json_response(StatusCode::BAD_REQUEST, &json!({ "message": message }))
}

fn not_allowed(allowed: &str) -> HttpResponse {
    json_response(StatusCode::METHOD_NOT_ALLOWED, &json!({ "message": format!("this route answers {allowed}") }))
}
