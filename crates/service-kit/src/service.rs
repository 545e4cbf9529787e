//! The interface every emulated service implements, and what the server hands it for one call:
//! the request context, the detected request (service, operation, labels, query, form, decoded
//! body), the headers and the mid-stream fault a fault rule planned for it. A service answers a
//! typed [`Reply`] or an [`AwsError`]; the protocol layer turns either into the bytes of the
//! protocol the client spoke.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use aws_protocol::{AwsError, Detected, Reply, ServiceId};
use http::HeaderMap;

use crate::RequestContext;
use crate::authorize::{Authorization, action_prefix};

/// One call, as a service sees it.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// Request id, caller, region.
    pub ctx: &'a RequestContext,
    /// What the protocol layer found: service, operation, labels, query, form, body.
    pub request: &'a Detected,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// A fault rule's mid-stream end for this call (streaming operations only).
    pub stream_fault: Option<&'a faults::StreamFault>,
}

impl Call<'_> {
    /// The operation's name, as the model spells it.
    pub fn operation(&self) -> &str {
        &self.request.operation
    }
}

/// What a service's `call` returns.
pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Reply, AwsError>> + Send + 'a>>;

/// An emulated AWS service.
pub trait Service: Send + Sync + std::fmt::Debug {
    /// The operations it answers, per AWS service model (Bedrock answers two models: the runtime
    /// and the control plane). Any other operation of those models gets the protocol's "not
    /// implemented" error naming it, before `call` is reached.
    fn operations(&self) -> &'static [(ServiceId, &'static str)];

    /// Answers one call of an operation listed by [`Service::operations`].
    fn call<'a>(self: Arc<Self>, call: Call<'a>) -> CallFuture<'a>;

    /// What the call needs under `--enforce-iam`: the actions and resource ARNs it is
    /// authorized against (evaluated by the server before [`Service::call`]). The default is
    /// `{prefix}:{Operation}` on `*`, right for operations without resource types; services
    /// name their resources (and their resource policies) here.
    fn authorization(&self, call: &Call<'_>) -> Authorization {
        Authorization::action(format!("{}:{}", action_prefix(call.request.service), call.operation()), "*")
    }

    /// The call's `requestMetadata`, for fault rules that select on it; asked only when such a
    /// rule is in force. The default: none.
    fn request_metadata(&self, call: Call<'_>) -> Option<BTreeMap<String, String>> {
        let _ = call;
        None
    }

    /// Told that a fault rule answered `call` with `err` before the service ran (Bedrock counts
    /// it in its metrics as AWS counts such a failure). The default does nothing.
    fn fault_injected(&self, call: Call<'_>, err: &AwsError) {
        let _ = (call, err);
    }

    /// The error for a request body over the server's limit (`size` when declared), in this
    /// service's words. The default is the generic `RequestEntityTooLarge` (413).
    fn body_too_large(&self, service: ServiceId, size: Option<u64>, limit: usize) -> AwsError {
        let _ = service;
        let size = size.map_or_else(|| format!("more than {limit}"), |n| n.to_string());
        AwsError::new("RequestEntityTooLarge", 413, format!("Request body of {size} bytes exceeds the maximum of {limit} bytes."))
    }
}
