//! Fault rules in a scenario run: the scenario's own rules (`"faults"` in its file), installed
//! for its calls on a target that takes them (the emulator: in-process for `--mock`, or the one
//! `AWS_ENDPOINT_URL` names, through `/_emulator/faults`; a live account takes none), and the
//! transient errors a `--record` run saw, replayed in `--mock` as a rule around the one call
//! that saw each (the same fault engine, so the replayed call fails as the live one did).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};

use super::runner::{CallOutcome, CallResult};
use super::scenario::Call;

/// The errors a live account may return to a valid call and the emulator would not on its own:
/// what `--record` keeps as fault rules.
pub(crate) const TRANSIENT_ERRORS: [&str; 7] = [
    "ThrottlingException",
    "ServiceUnavailableException",
    "InternalServerException",
    "ModelTimeoutException",
    "ModelNotReadyException",
    "ModelErrorException",
    "ServiceQuotaExceededException",
];

/// The emulator's fault route, when the target has one.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultRoute {
    /// The emulator's base URL.
    pub(crate) url: Option<String>,
}

impl FaultRoute {
    /// Sends `body` to `/_emulator/faults` with `method`; `Ok(false)` when there is no emulator
    /// or it did not take the document (a live account, a proxy).
    pub(crate) async fn send(&self, method: &str, body: &Value) -> anyhow::Result<bool> {
        let Some(url) = &self.url else { return Ok(false) };
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let request = http::Request::builder()
            .method(method)
            .uri(format!("{}/_emulator/faults", url.trim_end_matches('/')))
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))?;
        let Ok(response) = client.request(request).await else { return Ok(false) };
        let status = response.status();
        let text = response.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
        if status.as_u16() == 400 {
            anyhow::bail!("the emulator refused the fault rules: {}", String::from_utf8_lossy(&text));
        }
        Ok(status.is_success())
    }
}

/// The fault rule that replays `outcome`'s transient error on its call: the same operation and
/// model, for as many attempts as the client makes (so its retries see the error too).
pub(crate) fn replay_rule(call: &Call, outcome: &CallOutcome, attempts: u32) -> Option<Value> {
    let CallResult::Err { code, message } = &outcome.result else { return None };
    if !TRANSIENT_ERRORS.contains(&code.as_str()) {
        return None;
    }
    Some(json!({
        "operation": call.operation.as_str(),
        "modelId": call.model_id,
        "count": attempts.max(1),
        "error": code,
        "message": message,
    }))
}

/// Whether a call the scenario's fault rules reject (`faultError`) succeeded: the rules were not
/// in force (a live account), so the queries' rows differ from the snapshots by design.
pub(crate) fn a_faulted_call_succeeded(calls: &[Call], outcomes: &[CallOutcome]) -> bool {
    calls.iter().zip(outcomes).any(|(call, outcome)| call.fault_error.is_some() && matches!(outcome.result, CallResult::Ok(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Operation;

    #[test]
    fn only_transient_errors_are_replayed() {
        let call: Call = serde_json::from_value(json!({"operation": "Converse", "modelId": "m", "prompt": "p"})).unwrap();
        let outcome = |code: &str| CallOutcome {
            index: 0,
            operation: Operation::Converse,
            model_id: "m".into(),
            metadata: None,
            request_id: None,
            sent_lo_ms: 0,
            sent_hi_ms: 0,
            result: CallResult::Err { code: code.into(), message: "msg".into() },
        };
        let rule = replay_rule(&call, &outcome("ThrottlingException"), 3).unwrap();
        assert_eq!(
            rule,
            json!({"operation": "Converse", "modelId": "m", "count": 3, "error": "ThrottlingException", "message": "msg"})
        );
        assert!(replay_rule(&call, &outcome("ValidationException"), 3).is_none(), "the emulator answers that itself");
    }

    #[test]
    fn only_a_faulted_call_that_succeeded_leaves_the_snapshots_aside() {
        let faulted: Call = serde_json::from_value(
            json!({"operation": "Converse", "modelId": "m", "prompt": "p", "faultError": "ThrottlingException"}),
        )
        .unwrap();
        let plain: Call = serde_json::from_value(json!({"operation": "Converse", "modelId": "m", "prompt": "p"})).unwrap();
        let outcome = |result: CallResult| CallOutcome {
            index: 0,
            operation: Operation::Converse,
            model_id: "m".into(),
            metadata: None,
            request_id: None,
            sent_lo_ms: 0,
            sent_hi_ms: 0,
            result,
        };
        let ok = || {
            outcome(CallResult::Ok(crate::runner::Usage {
                input_tokens: 1,
                output_tokens: 1,
                cache_read_tokens: 0,
                cache_write_tokens: 0,
                latency_ms: None,
                text: String::new(),
            }))
        };
        let throttled = || outcome(CallResult::Err { code: "ThrottlingException".into(), message: "m".into() });
        assert!(!a_faulted_call_succeeded(&[plain.clone(), faulted.clone()], &[ok(), throttled()]), "the rules were in force");
        assert!(a_faulted_call_succeeded(&[plain.clone(), faulted], &[ok(), ok()]), "a live account took no rules");
        assert!(!a_faulted_call_succeeded(&[plain], &[ok()]), "no fault rules at all");
    }
}
