//! The header names the protocol layer reads and writes, as constants: a `&str` lookup parses
//! the name on every request, a `HeaderName` does not.

use http::HeaderName;

pub(crate) use http::header::{CONTENT_ENCODING, CONTENT_TYPE, HOST};

/// RPC v2 CBOR requests and responses: `rpc-v2-cbor`.
pub(crate) const SMITHY_PROTOCOL: HeaderName = HeaderName::from_static("smithy-protocol");
/// awsJson: `{TargetPrefix}.{Operation}`.
pub(crate) const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");
/// awsQueryCompatible clients speaking JSON or CBOR: `true`.
pub(crate) const X_AMZN_QUERY_MODE: HeaderName = HeaderName::from_static("x-amzn-query-mode");
/// The payload hash; `STREAMING-…` announces an aws-chunked body.
pub(crate) const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
/// The length of an aws-chunked body once de-chunked.
pub(crate) const X_AMZ_DECODED_CONTENT_LENGTH: HeaderName = HeaderName::from_static("x-amz-decoded-content-length");
/// The request id of every protocol but restXml (`x-amzn-RequestId`).
pub(crate) const X_AMZN_REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
/// restJson's error type (`x-amzn-ErrorType`).
pub(crate) const X_AMZN_ERROR_TYPE: HeaderName = HeaderName::from_static("x-amzn-errortype");
/// The awsQuery code of a query-compatible error: `Code;Sender`.
pub(crate) const X_AMZN_QUERY_ERROR: HeaderName = HeaderName::from_static("x-amzn-query-error");
/// S3's request id.
pub(crate) const X_AMZ_REQUEST_ID: HeaderName = HeaderName::from_static("x-amz-request-id");
/// S3's extended request id.
pub(crate) const X_AMZ_ID_2: HeaderName = HeaderName::from_static("x-amz-id-2");
