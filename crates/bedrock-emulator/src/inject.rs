//! Fault rules on the request path: after detection, before the service runs, the fault engine
//! decides for the call (one atomic load when no rule is in force). A latency is waited on the
//! emulator's time; an error is answered in the operation's protocol without running the
//! service (so nothing is recorded), and the service is told so it can count the failure in its
//! metrics; a mid-stream end is handed to the service in its `Call`.

use std::sync::Arc;

use aws_protocol::{Detected, HttpResponse};
use faults::{CallId, Facts, Outcome, StreamFault};
use http::HeaderMap;
use service_kit::{Call, RequestContext, Service};

use crate::services::Services;

/// The fault engine's decision for a call: `Err` is the response to send instead of calling the
/// service; `Ok` carries the mid-stream end to hand the service, if any.
pub(crate) async fn before_call(
    services: &Services,
    service: Option<&Arc<dyn Service>>,
    detected: &Detected,
    ctx: &RequestContext,
    headers: &HeaderMap,
) -> Result<Option<StreamFault>, HttpResponse> {
    if !services.faults.is_active() {
        return Ok(None);
    }
    let call = Call { ctx, request: detected, headers, stream_fault: None };
    let decided = {
        let model_id = detected.labels.get("modelId").and_then(Result::ok);
        let metadata = || service.and_then(|s| s.request_metadata(call));
        let facts = Facts { service: detected.service, operation: &detected.operation, model_id, request_metadata: &metadata };
        let now_ms = services.env.now_ms();
        services.faults.decide(&facts, CallId { request_id: &ctx.request_id, now_ms })
    };
    let Some(injection) = decided else {
        return Ok(None);
    };
    if injection.latency_ms > 0 {
        services.sleeper.sleep(injection.latency_ms).await;
    }
    match injection.outcome {
        Outcome::Proceed => Ok(None),
        Outcome::Stream(fault) => Ok(Some(fault)),
        Outcome::Fail(err) => {
            if let Some(service) = service {
                service.fault_injected(call, &err);
            }
            Err(detected.render_error(&ctx.request_id, &err))
        }
    }
}
