//! What the emulator reads from a request's SigV4 `Authorization` header: the access key (which
//! the principal map turns into `identity.arn`) and the credential scope's region and service.
//! Signatures are not verified (see ARCHITECTURE.md, "Emulation boundary").

/// The caller as far as the emulator needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Caller {
    /// The access key id from the credential scope, if the request was SigV4-signed.
    pub access_key: Option<String>,
    /// The region from the credential scope, if signed.
    pub region: Option<String>,
    /// The signing service from the credential scope (`bedrock`, `logs`), if signed.
    pub service: Option<String>,
}

/// Reads the caller from an `Authorization` header value. Unsigned requests (no header, bearer
/// tokens, other schemes) give an empty [`Caller`].
pub fn parse_authorization(header: Option<&str>) -> Caller {
    let Some(header) = header else { return Caller::default() };
    let Some(rest) = header.trim().strip_prefix("AWS4-HMAC-SHA256") else { return Caller::default() };
    let Some(credential) = rest
        .split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("Credential="))
    else {
        return Caller::default();
    };
    // Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request
    let parts: Vec<&str> = credential.split('/').collect();
    if parts.len() != 5 || parts[4] != "aws4_request" {
        return Caller::default();
    }
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Caller { access_key: non_empty(parts[0]), region: non_empty(parts[2]), service: non_empty(parts[3]) }
}

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
    }
}
