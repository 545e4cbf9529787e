//! Verification of a request's SigV4 signature against the secret of its access key: the
//! `Authorization` header form and the presigned-URL form (and S3's SigV2 presigned URLs,
//! `query_v2.rs`), the payload hash (the body's SHA-256,
//! `UNSIGNED-PAYLOAD`, or a `STREAMING-*` value with each `aws-chunked` chunk's signature and the
//! trailer's checked in sequence), the session token of temporary credentials, and the request
//! time within 15 minutes of the emulator's clock (a presigned URL within `X-Amz-Expires`).

use http::{HeaderMap, Method, Uri, header};
use percent_encoding::percent_decode_str;

use super::canonical::{UriMode, canonical_headers, canonical_query, canonical_request, canonical_uri, string_to_sign};
use super::crypto::{EMPTY_SHA256, SigningKeys, hex, hmac, sha256};
use super::error::SigV4Error;
use crate::body::DecodedBody;
use crate::service::ServiceId;

/// The largest difference between a request's time and the emulator's clock (15 minutes).
pub const MAX_SKEW_MS: i64 = 15 * 60 * 1000;

/// What the account holds for an access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub secret: String,
    /// Temporary credentials: the session token the request must carry.
    pub session_token: Option<String>,
    /// Temporary credentials: when they expire (epoch ms).
    pub expires_ms: Option<i64>,
}

/// A request as it was signed.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub method: &'a Method,
    pub uri: &'a Uri,
    pub headers: &'a HeaderMap,
    /// The body as received (before gzip or `aws-chunked` decoding).
    pub raw_body: &'a [u8],
    /// The decoded body (its chunk signatures and lengths).
    pub body: &'a DecodedBody,
    pub service: ServiceId,
}

/// Who signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// A valid signature by this access key.
    Signed { access_key: String },
    /// No signature (S3 only: an anonymous request, for its bucket policy to decide).
    Anonymous,
}

/// The parts of a signature, from the header or the presigned query.
struct Signature {
    access_key: String,
    date: String,
    region: String,
    service: String,
    signed_headers: String,
    signature: String,
    amz_date: String,
    token: Option<String>,
    /// Presigned: `X-Amz-Expires` (seconds) and the query's payload hash, if any.
    presigned: Option<(i64, Option<String>)>,
}

impl Signature {
    fn scope(&self) -> String {
        format!("{}/{}/{}/aws4_request", self.date, self.region, self.service)
    }
}

/// Verifies `req`'s signature, looking its access key up with `lookup`, at `now_ms` on the
/// emulator's clock.
pub fn verify(
    req: &SignedRequest<'_>,
    now_ms: i64,
    keys: &SigningKeys,
    lookup: impl FnOnce(&str) -> Option<Credential>,
) -> Result<Verified, SigV4Error> {
    if req.service == ServiceId::S3
        && req.headers.get(header::AUTHORIZATION).is_none()
        && let Some(v2) = super::query_v2::read(req.uri.query())
    {
        let credential = lookup(&v2.access_key).ok_or_else(|| SigV4Error::UnknownKey(v2.access_key.clone()))?;
        if credential.session_token.as_deref() != v2.token.as_deref() {
            return Err(SigV4Error::InvalidToken);
        }
        if credential.expires_ms.is_some_and(|t| now_ms >= t) {
            return Err(SigV4Error::ExpiredToken);
        }
        super::query_v2::verify(req, &v2, &credential, now_ms)?;
        return Ok(Verified::Signed { access_key: v2.access_key });
    }
    let sig = match read_signature(req)? {
        Some(sig) => sig,
        None if req.service == ServiceId::S3 => return Ok(Verified::Anonymous),
        None => return Err(SigV4Error::Missing),
    };
    let expected_service = req.service.signing_name();
    if sig.service != expected_service {
        return Err(SigV4Error::BadScope(format!("Credential should be scoped to correct service: '{expected_service}'. ")));
    }
    let credential = lookup(&sig.access_key).ok_or_else(|| SigV4Error::UnknownKey(sig.access_key.clone()))?;
    if credential.session_token.as_deref() != sig.token.as_deref() {
        return Err(SigV4Error::InvalidToken);
    }
    if credential.expires_ms.is_some_and(|t| now_ms >= t) {
        return Err(SigV4Error::ExpiredToken);
    }
    check_time(&sig, now_ms)?;
    let payload_hash = payload_hash(req, &sig)?;
    let key = keys.get(&sig.access_key, &credential.secret, &sig.date, &sig.region, &sig.service);
    let scope = sig.scope();
    let query = canonical_query(req.uri.query());
    let headers = canonical_headers(req.headers, &sig.signed_headers);
    let modes: &[UriMode] =
        if req.service == ServiceId::S3 { &[UriMode::AsSent, UriMode::Reencoded] } else { &[UriMode::Double, UriMode::AsSent] };
    let mut first_failure = None;
    for &mode in modes {
        let uri = canonical_uri(req.uri.path(), mode);
        let canonical = canonical_request(req.method, &uri, &query, &headers, &sig.signed_headers, &payload_hash);
        let to_sign = string_to_sign(&sig.amz_date, &scope, &canonical);
        if hex(&hmac(&key, to_sign.as_bytes())) == sig.signature.to_ascii_lowercase() {
            verify_chunks(req, &sig, &key, &scope, &payload_hash)?;
            return Ok(Verified::Signed { access_key: sig.access_key });
        }
        first_failure.get_or_insert((to_sign, canonical));
    }
    let (string_to_sign, canonical_request) = first_failure.unwrap_or_default();
    Err(SigV4Error::Mismatch { access_key: sig.access_key, string_to_sign, canonical_request, provided: sig.signature })
}

/// The signature of the `Authorization` header, else of a presigned query; `None` unsigned.
fn read_signature(req: &SignedRequest<'_>) -> Result<Option<Signature>, SigV4Error> {
    let header_value = req.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Some(value) = header_value {
        let Some(rest) = value.trim().strip_prefix("AWS4-HMAC-SHA256") else {
            return Err(SigV4Error::Malformed("Only AWS4-HMAC-SHA256 (SigV4) signatures are verified by this emulator.".into()));
        };
        let field = |name: &str| rest.split(',').map(str::trim).find_map(|part| part.strip_prefix(name)).map(str::to_owned);
        let credential = field("Credential=")
            .ok_or_else(|| SigV4Error::Malformed("Authorization header requires 'Credential' parameter.".into()))?;
        let signed_headers = field("SignedHeaders=")
            .ok_or_else(|| SigV4Error::Malformed("Authorization header requires 'SignedHeaders' parameter.".into()))?;
        let signature = field("Signature=")
            .ok_or_else(|| SigV4Error::Malformed("Authorization header requires 'Signature' parameter.".into()))?;
        let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok()).map(|v| v.trim().to_owned());
        let amz_date = header("x-amz-date").or_else(|| header("date")).ok_or_else(|| {
            SigV4Error::Malformed("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".into())
        })?;
        return scoped(&credential, signed_headers, signature, amz_date, header("x-amz-security-token"), None).map(Some);
    }
    let Some(query) = req.uri.query() else { return Ok(None) };
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
            .map(|raw| percent_decode_str(raw).decode_utf8_lossy().into_owned())
    };
    match param("X-Amz-Algorithm") {
        None => return Ok(None),
        Some(a) if a == "AWS4-HMAC-SHA256" => {}
        Some(a) => return Err(SigV4Error::Malformed(format!("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", not {a}"))),
    }
    let need = |name: &'static str| {
        param(name).ok_or_else(|| SigV4Error::Malformed(format!("Query-string authentication requires the {name} parameter.")))
    };
    let expires =
        need("X-Amz-Expires")?.parse::<i64>().map_err(|_| SigV4Error::Malformed("X-Amz-Expires should be a number".into()))?;
    scoped(
        &need("X-Amz-Credential")?,
        need("X-Amz-SignedHeaders")?,
        need("X-Amz-Signature")?,
        need("X-Amz-Date")?,
        param("X-Amz-Security-Token"),
        Some((expires, param("X-Amz-Content-Sha256"))),
    )
    .map(Some)
}

fn scoped(
    credential: &str,
    signed_headers: String,
    signature: String,
    amz_date: String,
    token: Option<String>,
    presigned: Option<(i64, Option<String>)>,
) -> Result<Signature, SigV4Error> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, "aws4_request"] = parts.as_slice() else {
        return Err(SigV4Error::Malformed(format!(
            "Credential should be scoped to a valid region and service, not '{credential}'."
        )));
    };
    if !amz_date.starts_with(date) {
        return Err(SigV4Error::BadScope(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{date}' != '{}', from '{amz_date}'.",
            amz_date.get(..8).unwrap_or(&amz_date)
        )));
    }
    Ok(Signature {
        access_key: (*key).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
        signed_headers,
        signature,
        amz_date,
        token,
        presigned,
    })
}

/// The request time against the clock: 15 minutes either way, or a presigned URL's expiry.
fn check_time(sig: &Signature, now_ms: i64) -> Result<(), SigV4Error> {
    let at =
        parse_amz_date(&sig.amz_date).ok_or_else(|| SigV4Error::Malformed(format!("Invalid date format: '{}'", sig.amz_date)))?;
    if let Some((expires, _)) = sig.presigned {
        let end = at.saturating_add(expires.saturating_mul(1000));
        if now_ms > end {
            return Err(SigV4Error::PresignExpired {
                expires_seconds: expires.to_string(),
                expired_at: iso(end),
                server: iso(now_ms),
            });
        }
        if at - now_ms > MAX_SKEW_MS {
            return Err(skewed(sig, now_ms, false));
        }
        return Ok(());
    }
    if now_ms - at > MAX_SKEW_MS {
        return Err(skewed(sig, now_ms, true));
    }
    if at - now_ms > MAX_SKEW_MS {
        return Err(skewed(sig, now_ms, false));
    }
    Ok(())
}

fn skewed(sig: &Signature, now_ms: i64, late: bool) -> SigV4Error {
    let edge = if late { now_ms - MAX_SKEW_MS } else { now_ms + MAX_SKEW_MS };
    SigV4Error::Skewed { request: sig.amz_date.clone(), server: amz_date(now_ms), edge: amz_date(edge), late }
}

/// The payload hash the signature covers, checked against the body when it is a hash.
fn payload_hash(req: &SignedRequest<'_>, sig: &Signature) -> Result<String, SigV4Error> {
    let claimed = req.headers.get("x-amz-content-sha256").and_then(|v| v.to_str().ok()).map(str::trim);
    let claimed = match (&sig.presigned, claimed) {
        (_, Some(c)) => Some(c.to_owned()),
        (Some((_, from_query)), None) => {
            from_query.clone().or_else(|| (req.service == ServiceId::S3).then(|| "UNSIGNED-PAYLOAD".to_owned()))
        }
        (None, None) => None,
    };
    match claimed {
        Some(c) if c == "UNSIGNED-PAYLOAD" || c.starts_with("STREAMING-") => Ok(c),
        Some(c) => {
            let computed = body_hash(req.raw_body);
            if c.eq_ignore_ascii_case(&computed) { Ok(c) } else { Err(SigV4Error::ContentSha256 { claimed: c, computed }) }
        }
        None => Ok(body_hash(req.raw_body)),
    }
}

fn body_hash(body: &[u8]) -> String {
    if body.is_empty() { EMPTY_SHA256.to_owned() } else { hex(&sha256(body)) }
}

/// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`: every chunk's signature chains from the seed
/// signature; the trailer's from the last chunk's.
fn verify_chunks(
    req: &SignedRequest<'_>,
    sig: &Signature,
    key: &[u8; 32],
    scope: &str,
    payload_hash: &str,
) -> Result<(), SigV4Error> {
    if !payload_hash.starts_with("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") {
        return Ok(());
    }
    let body = req.body;
    let mismatch = |to_sign: String, provided: &str| SigV4Error::Mismatch {
        access_key: sig.access_key.clone(),
        string_to_sign: to_sign,
        canonical_request: String::new(),
        provided: provided.to_owned(),
    };
    if body.chunk_signatures.len() != body.chunk_lengths.len() || body.chunk_lengths.is_empty() {
        return Err(mismatch(String::new(), ""));
    }
    let mut previous = sig.signature.to_ascii_lowercase();
    let mut offset = 0usize;
    for (len, provided) in body.chunk_lengths.iter().zip(&body.chunk_signatures) {
        let data = body.bytes.get(offset..offset + len).unwrap_or_default();
        offset += len;
        let to_sign =
            format!("AWS4-HMAC-SHA256-PAYLOAD\n{}\n{scope}\n{previous}\n{EMPTY_SHA256}\n{}", sig.amz_date, hex(&sha256(data)));
        let expected = hex(&hmac(key, to_sign.as_bytes()));
        if expected != provided.to_ascii_lowercase() {
            return Err(mismatch(to_sign, provided));
        }
        previous = expected;
    }
    if payload_hash.ends_with("-TRAILER") {
        let provided = body.trailer_signature.as_deref().unwrap_or_default();
        let trailers: String = body.trailers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
        let to_sign =
            format!("AWS4-HMAC-SHA256-TRAILER\n{}\n{scope}\n{previous}\n{}", sig.amz_date, hex(&sha256(trailers.as_bytes())));
        if hex(&hmac(key, to_sign.as_bytes())) != provided.to_ascii_lowercase() {
            return Err(mismatch(to_sign, provided));
        }
    }
    Ok(())
}

/// `yyyymmddThhmmssZ` → epoch ms.
pub fn parse_amz_date(text: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let t = time::PrimitiveDateTime::parse(text, format).ok()?;
    Some(t.assume_utc().unix_timestamp() * 1000)
}

/// Epoch ms → `yyyymmddThhmmssZ`.
pub fn amz_date(ms: i64) -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).ok().and_then(|t| t.format(format).ok()).unwrap_or_default()
}

/// Epoch ms → `2025-12-03T10:54:44Z`.
fn iso(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).ok().and_then(|t| t.format(format).ok()).unwrap_or_default()
}
