//! Why a signature was refused ([`SigV4Error`]), and each service's answer for it: the JSON
//! services (Bedrock, CloudWatch Logs, CloudWatch, Athena) `UnrecognizedClientException`,
//! `InvalidSignatureException`, `ExpiredTokenException`, `MissingAuthenticationTokenException`;
//! the awsQuery services (IAM, STS, SNS, and CloudWatch's query code) `InvalidClientTokenId`,
//! `SignatureDoesNotMatch`, `ExpiredToken`, `MissingAuthenticationToken`; S3
//! `InvalidAccessKeyId`, `SignatureDoesNotMatch` (with the string to sign), `RequestTimeTooSkewed`,
//! `AccessDenied` "Request has expired", `XAmzContentSHA256Mismatch`, `InvalidToken`,
//! `ExpiredToken`, `AuthorizationHeaderMalformed`.

use crate::error::AwsError;
use crate::service::ServiceId;

/// The message of a signature that does not match (JSON and awsQuery services).
const MISMATCH: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
/// The message of an unknown key or a bad session token.
const INVALID_TOKEN: &str = "The security token included in the request is invalid.";

/// A refused signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigV4Error {
    /// No `Authorization` header nor presigned query (S3 treats it as anonymous instead).
    #[error("Missing Authentication Token")]
    Missing,
    /// An `Authorization` header or presigned query SigV4 cannot read.
    #[error("{0}")]
    Malformed(String),
    /// An access key the account does not know (or an inactive one).
    #[error("unknown access key {0}")]
    UnknownKey(String),
    /// Temporary credentials without their session token, or with another one.
    #[error("invalid session token")]
    InvalidToken,
    /// Temporary credentials past their expiry.
    #[error("expired session token")]
    ExpiredToken,
    /// The signature (or a chunk's, or the trailer's) is not the one the secret gives.
    #[error("signature mismatch")]
    Mismatch { access_key: String, string_to_sign: String, canonical_request: String, provided: String },
    /// `X-Amz-Date` more than 15 minutes from the emulator's clock (`request`, `server`, `edge` as
    /// `yyyymmddThhmmssZ`; `late`: the request is older than the window).
    #[error("signature expired")]
    Skewed { request: String, server: String, edge: String, late: bool },
    /// A presigned URL past `X-Amz-Expires`.
    #[error("Request has expired")]
    PresignExpired { expires_seconds: String, expired_at: String, server: String },
    /// `x-amz-content-sha256` is not the body's hash.
    #[error("content sha256 mismatch")]
    ContentSha256 { claimed: String, computed: String },
    /// A credential scope that does not fit the request (another service, another date).
    #[error("{0}")]
    BadScope(String),
}

impl SigV4Error {
    /// The error `service` answers.
    pub fn to_aws_error(&self, service: ServiceId) -> AwsError {
        match service {
            ServiceId::S3 => self.s3(),
            ServiceId::Iam | ServiceId::Sts | ServiceId::Sns => self.query(),
            ServiceId::CloudWatch => {
                let json = self.json();
                let code = self.query().code;
                json.with_query_code(code)
            }
            ServiceId::Bedrock | ServiceId::BedrockRuntime | ServiceId::Logs | ServiceId::Athena => self.json(),
        }
    }

    fn skew_message(&self) -> String {
        match self {
            SigV4Error::Skewed { request, server, edge, late: true } => {
                format!("Signature expired: {request} is now earlier than {edge} ({server} - 15 min.)")
            }
            SigV4Error::Skewed { request, server, edge, .. } => {
                format!("Signature not yet current: {request} is still later than {edge} ({server} + 15 min.)")
            }
            _ => String::new(),
        }
    }

    fn json(&self) -> AwsError {
        match self {
            SigV4Error::Missing => AwsError::new("MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
            SigV4Error::Malformed(m) => AwsError::new("IncompleteSignatureException", 400, m.clone()),
            SigV4Error::UnknownKey(_) | SigV4Error::InvalidToken => {
                AwsError::new("UnrecognizedClientException", 403, INVALID_TOKEN)
            }
            SigV4Error::ExpiredToken => {
                AwsError::new("ExpiredTokenException", 403, "The security token included in the request is expired")
            }
            SigV4Error::Mismatch { .. } | SigV4Error::ContentSha256 { .. } => {
                AwsError::new("InvalidSignatureException", 403, MISMATCH)
            }
            SigV4Error::Skewed { .. } => AwsError::new("InvalidSignatureException", 403, self.skew_message()),
            SigV4Error::PresignExpired { .. } => AwsError::new("InvalidSignatureException", 403, "Signature expired"),
            SigV4Error::BadScope(m) => AwsError::new("InvalidSignatureException", 403, m.clone()),
        }
    }

    fn query(&self) -> AwsError {
        match self {
            SigV4Error::Missing => AwsError::new("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
            SigV4Error::Malformed(m) => AwsError::new("IncompleteSignature", 400, m.clone()),
            SigV4Error::UnknownKey(_) | SigV4Error::InvalidToken => AwsError::new("InvalidClientTokenId", 403, INVALID_TOKEN),
            SigV4Error::ExpiredToken => {
                AwsError::new("ExpiredToken", 403, "The security token included in the request is expired")
            }
            SigV4Error::Mismatch { .. } | SigV4Error::ContentSha256 { .. } => {
                AwsError::new("SignatureDoesNotMatch", 403, MISMATCH)
            }
            SigV4Error::Skewed { .. } => AwsError::new("SignatureDoesNotMatch", 403, self.skew_message()),
            SigV4Error::PresignExpired { .. } => AwsError::new("SignatureDoesNotMatch", 403, "Signature expired"),
            SigV4Error::BadScope(m) => AwsError::new("SignatureDoesNotMatch", 403, m.clone()),
        }
    }

    fn s3(&self) -> AwsError {
        match self {
            SigV4Error::Missing => AwsError::new("AccessDenied", 403, "Access Denied"),
            SigV4Error::Malformed(m) => AwsError::new("AuthorizationHeaderMalformed", 400, m.clone()),
            SigV4Error::UnknownKey(key) => {
                AwsError::new("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.")
                    .with_field("AWSAccessKeyId", key.clone())
            }
            SigV4Error::InvalidToken => AwsError::new("InvalidToken", 400, "The provided token is malformed or otherwise invalid."),
            SigV4Error::ExpiredToken => AwsError::new("ExpiredToken", 400, "The provided token has expired."),
            SigV4Error::Mismatch { access_key, string_to_sign, canonical_request, provided } => AwsError::new(
                "SignatureDoesNotMatch",
                403,
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            )
            .with_field("AWSAccessKeyId", access_key.clone())
            .with_field("StringToSign", string_to_sign.clone())
            .with_field("SignatureProvided", provided.clone())
            .with_field("CanonicalRequest", canonical_request.clone()),
            SigV4Error::Skewed { request, server, .. } => {
                AwsError::new("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.")
                    .with_field("RequestTime", request.clone())
                    .with_field("ServerTime", server.clone())
                    .with_field("MaxAllowedSkewMilliseconds", "900000")
            }
            SigV4Error::PresignExpired { expires_seconds, expired_at, server } => AwsError::new("AccessDenied", 403, "Request has expired")
                .with_field("X-Amz-Expires", expires_seconds.clone())
                .with_field("Expires", expired_at.clone())
                .with_field("ServerTime", server.clone()),
            SigV4Error::ContentSha256 { claimed, computed } => AwsError::new(
                "XAmzContentSHA256Mismatch",
                400,
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            )
            .with_field("ClientComputedContentSHA256", claimed.clone())
            .with_field("S3ComputedContentSHA256", computed.clone()),
            SigV4Error::BadScope(m) => {
                AwsError::new("AuthorizationHeaderMalformed", 400, format!("The authorization header is malformed; {m}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_protocol_names_the_failure_its_way() {
        let unknown = SigV4Error::UnknownKey("AKID".into());
        assert_eq!(unknown.to_aws_error(ServiceId::BedrockRuntime).code, "UnrecognizedClientException");
        assert_eq!(unknown.to_aws_error(ServiceId::Sts).code, "InvalidClientTokenId");
        assert_eq!(unknown.to_aws_error(ServiceId::S3).code, "InvalidAccessKeyId");
        let cw = unknown.to_aws_error(ServiceId::CloudWatch);
        assert_eq!((cw.code.as_ref(), cw.wire_query_code()), ("UnrecognizedClientException", "InvalidClientTokenId"));
        let skew = SigV4Error::Skewed {
            request: "20251203T100000Z".into(),
            server: "20251203T110000Z".into(),
            edge: "20251203T104500Z".into(),
            late: true,
        };
        assert_eq!(
            skew.to_aws_error(ServiceId::Logs).message,
            "Signature expired: 20251203T100000Z is now earlier than 20251203T104500Z (20251203T110000Z - 15 min.)"
        );
        assert_eq!(skew.to_aws_error(ServiceId::S3).code, "RequestTimeTooSkewed");
    }
}
