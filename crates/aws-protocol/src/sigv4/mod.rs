//! SigV4: what the emulator reads from a request's signature (the access key, which the
//! account or the principal map turns into an identity, and the credential scope's region and
//! service, which tell S3 and the awsQuery services apart), from the `Authorization` header or
//! the `X-Amz-Credential` query parameter of a presigned URL; and, under `--enforce-iam`, the
//! verification of the signature against the secret of its key ([`verify`]).
//!
//! | file | job |
//! |---|---|
//! | `mod.rs` | [`Caller`]: key, region and service from the header or the presigned query |
//! | `canonical.rs` | canonical URI, query, headers, request; the string to sign |
//! | `crypto.rs` | SHA-256, HMAC, hex, the signing key chain, [`SigningKeys`] (the derived-key cache) |
//! | `query_v2.rs` | S3's SigV2 query-string form (`AWSAccessKeyId`, `Expires`, `Signature`: boto3's and the aws CLI v1's presigned URLs) |
//! | `verify.rs` | [`verify`]: header and presigned forms, payload hashes, chunk and trailer signatures, session tokens, clock skew |
//! | `error.rs` | [`SigV4Error`] and each service's error for it |

mod canonical;
mod crypto;
mod error;
mod query_v2;
mod verify;

pub use crypto::SigningKeys;
pub use error::SigV4Error;
pub use verify::{Credential, MAX_SKEW_MS, SignedRequest, Verified, amz_date, parse_amz_date, verify};

use http::{HeaderMap, Uri, header};
use percent_encoding::percent_decode_str;

/// The caller as far as the emulator needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Caller {
    /// The access key id from the credential scope, if the request was SigV4-signed.
    pub access_key: Option<String>,
    /// The region from the credential scope, if signed.
    pub region: Option<String>,
    /// The signing service from the credential scope (`bedrock`, `logs`, `s3`), if signed.
    pub service: Option<String>,
}

/// Reads the caller of a request: the `Authorization` header, else a presigned URL's
/// `X-Amz-Credential`. Unsigned requests give an empty [`Caller`].
pub fn caller(uri: &Uri, headers: &HeaderMap) -> Caller {
    let from_header = parse_authorization(headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()));
    if from_header != Caller::default() {
        return from_header;
    }
    uri.query().map(presigned_caller).unwrap_or_default()
}

/// Reads the caller from an `Authorization` header value. Unsigned requests (no header, bearer
/// tokens, other schemes) give an empty [`Caller`].
pub fn parse_authorization(header: Option<&str>) -> Caller {
    let Some(header) = header else {
        return Caller::default();
    };
    let Some(rest) = header.trim().strip_prefix("AWS4-HMAC-SHA256") else {
        return Caller::default();
    };
    rest.split(',').map(str::trim).find_map(|part| part.strip_prefix("Credential=")).map(parse_credential).unwrap_or_default()
}

/// Reads `X-Amz-Credential` from a raw query string (a presigned URL); else the
/// `AWSAccessKeyId` of S3's SigV2 query-string form (what boto3 and the aws CLI v1 presign in
/// us-east-1), whose service is S3.
pub fn presigned_caller(query: &str) -> Caller {
    let param = |name: &str| query.split('&').find_map(|pair| pair.strip_prefix(name));
    if let Some(raw) = param("X-Amz-Credential=") {
        return parse_credential(&percent_decode_str(raw).decode_utf8_lossy());
    }
    match (param("AWSAccessKeyId="), param("Signature=")) {
        (Some(key), Some(_)) if !key.is_empty() => Caller {
            access_key: Some(percent_decode_str(key).decode_utf8_lossy().into_owned()),
            region: None,
            service: Some("s3".to_owned()),
        },
        _ => Caller::default(),
    }
}

/// Parses a credential `<key>/<yyyymmdd>/<region>/<service>/aws4_request`.
pub fn parse_credential(credential: &str) -> Caller {
    let parts: Vec<&str> = credential.split('/').collect();
    let [key, _date, region, service, terminator] = parts.as_slice() else {
        return Caller::default();
    };
    if *terminator != "aws4_request" {
        return Caller::default();
    }
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Caller { access_key: non_empty(key), region: non_empty(region), service: non_empty(service) }
}

#[cfg(test)]
mod verify_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_key_region_and_service() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251203/eu-west-1/bedrock/aws4_request, \
                      SignedHeaders=host;x-amz-date, Signature=abcd";
        let caller = parse_authorization(Some(header));
        assert_eq!(caller.access_key.as_deref(), Some("AKIDEXAMPLE"));
        assert_eq!(caller.region.as_deref(), Some("eu-west-1"));
        assert_eq!(caller.service.as_deref(), Some("bedrock"));
    }

    #[test]
    fn unsigned_or_malformed_headers_give_no_caller() {
        assert_eq!(parse_authorization(None), Caller::default());
        assert_eq!(parse_authorization(Some("Bearer abc")), Caller::default());
        assert_eq!(parse_authorization(Some("AWS4-HMAC-SHA256 Credential=a/b")), Caller::default());
        assert_eq!(parse_authorization(Some("AWS4-HMAC-SHA256 Signature=x")), Caller::default());
        assert_eq!(parse_authorization(Some("AWS4-HMAC-SHA256 Credential=a/b/c/d/e")), Caller::default());
    }

    #[test]
    fn presigned_urls_carry_the_credential_in_the_query() {
        let uri: Uri = "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20251203%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00"
            .parse()
            .unwrap();
        let caller = caller(&uri, &HeaderMap::new());
        assert_eq!(caller.service.as_deref(), Some("s3"));
        assert_eq!(caller.access_key.as_deref(), Some("AKID"));
        assert_eq!(caller.region.as_deref(), Some("us-east-1"));
    }
}
