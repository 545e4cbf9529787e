//! What every operation knows about its request, whatever the service and the protocol.

/// One call's context.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// `x-amzn-RequestId` of the response (and `requestId` of a Bedrock record).
    pub request_id: String,
    /// The access key of the SigV4 credential scope, if the request was signed.
    pub access_key: Option<String>,
    /// The region: the credential scope's, else the environment's default.
    pub region: String,
}
