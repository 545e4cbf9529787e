//! The operations the emulator answers, one file each.

pub(crate) mod converse;
pub(crate) mod converse_stream;
pub(crate) mod count_tokens;
pub(crate) mod invoke_embedding;
pub(crate) mod invoke_model;
pub(crate) mod invoke_model_stream;
pub(crate) mod invoke_prepare;
pub(crate) mod logging_config;

use crate::sigv4::Caller;

/// What every operation knows about its request.
#[derive(Debug, Clone)]
pub(crate) struct RequestContext {
    /// `x-amzn-RequestId` of the response, and `requestId` of the record.
    pub(crate) request_id: String,
    /// The SigV4 caller.
    pub(crate) caller: Caller,
    /// The region: the credential scope's, else the configured default.
    pub(crate) region: String,
}
