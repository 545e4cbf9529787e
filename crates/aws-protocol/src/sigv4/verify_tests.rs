//! Tests of `verify` against the SDK's own signer (aws-sigv4, what aws-sdk-rust signs with):
//! header and presigned forms, S3 and the double-encoded paths of the other services, tampered
//! requests (a header, the body, the date, the scope, the signature), unknown keys, session
//! tokens, clock skew and expiry; and the S3 documentation's chunked-upload example, whose seed,
//! chunk and final signatures are published.

use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use http::{HeaderMap, Method, Request, Uri};

use super::*;
use crate::body::{BodyKind, BodyLimits, DecodedBody, decode_body};
use crate::service::ServiceId;

/// 2025-12-03T10:54:44Z.
const NOW_MS: i64 = 1_764_759_284_000;
const KEY: &str = "AKIDTESTKEY";
const SECRET: &str = "test-secret";

fn credential(token: Option<&str>) -> Credential {
    Credential { secret: SECRET.into(), session_token: token.map(str::to_owned), expires_ms: None }
}

/// A request signed by aws-sigv4 at `at_ms`.
#[allow(clippy::too_many_arguments)]
fn signed(
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    service: &str,
    s3: bool,
    presign: Option<u64>,
    token: Option<&str>,
    at_ms: i64,
) -> Request<Bytes> {
    let identity = Credentials::new(KEY, SECRET, token.map(str::to_owned), None, "test").into();
    let mut settings = SigningSettings::default();
    if s3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    if let Some(secs) = presign {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(secs));
        settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(UNIX_EPOCH + Duration::from_millis(at_ms as u64))
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signable_body = if presign.is_some() && s3 { SignableBody::UnsignedPayload } else { SignableBody::Bytes(body) };
    let signable = SignableRequest::new(method, uri, headers.iter().copied(), signable_body).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut builder = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let mut req = builder.body(Bytes::copy_from_slice(body)).unwrap();
    instructions.apply_to_request_http1x(&mut req);
    req
}

fn check(req: &Request<Bytes>, service: ServiceId, now_ms: i64, token: Option<&str>) -> Result<Verified, SigV4Error> {
    let kind = if service == ServiceId::S3 { BodyKind::S3Object } else { BodyKind::Request };
    let body = decode_body(kind, req.headers(), req.body().clone(), BodyLimits::default()).unwrap();
    check_decoded(req, &body, service, now_ms, token)
}

fn check_decoded(
    req: &Request<Bytes>,
    body: &DecodedBody,
    service: ServiceId,
    now_ms: i64,
    token: Option<&str>,
) -> Result<Verified, SigV4Error> {
    let signed =
        SignedRequest { method: req.method(), uri: req.uri(), headers: req.headers(), raw_body: req.body(), body, service };
    verify(&signed, now_ms, &SigningKeys::new(), |key| (key == KEY).then(|| credential(token)))
}

fn converse(at_ms: i64) -> Request<Bytes> {
    signed(
        "POST",
        "http://127.0.0.1:4599/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",
        &[("content-type", "application/json"), ("host", "127.0.0.1:4599")],
        br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#,
        "bedrock",
        false,
        None,
        None,
        at_ms,
    )
}

#[test]
fn a_converse_call_signed_by_the_sdk_verifies() {
    let req = converse(NOW_MS);
    assert_eq!(check(&req, ServiceId::BedrockRuntime, NOW_MS, None), Ok(Verified::Signed { access_key: KEY.into() }));
    // Signed 14 minutes ago or ahead: still within the window.
    assert!(check(&converse(NOW_MS - 14 * 60_000), ServiceId::BedrockRuntime, NOW_MS, None).is_ok());
    assert!(check(&converse(NOW_MS + 14 * 60_000), ServiceId::BedrockRuntime, NOW_MS, None).is_ok());
}

#[test]
fn tampered_requests_do_not_verify() {
    let mismatch = |r: Result<Verified, SigV4Error>| matches!(r, Err(SigV4Error::Mismatch { .. }));
    // The body.
    let mut req = converse(NOW_MS);
    *req.body_mut() = Bytes::from_static(br#"{"messages":[{"role":"user","content":[{"text":"HI"}]}]}"#);
    assert!(mismatch(check(&req, ServiceId::BedrockRuntime, NOW_MS, None)));
    // A signed header.
    let mut req = converse(NOW_MS);
    req.headers_mut().insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
    assert!(mismatch(check(&req, ServiceId::BedrockRuntime, NOW_MS, None)));
    // The date (still within the window).
    let mut req = converse(NOW_MS);
    req.headers_mut().insert("x-amz-date", "20251203T105000Z".parse().unwrap());
    assert!(mismatch(check(&req, ServiceId::BedrockRuntime, NOW_MS, None)));
    // The scope's region.
    let mut req = converse(NOW_MS);
    let auth = req.headers()["authorization"].to_str().unwrap().replace("/us-east-1/", "/us-west-2/");
    req.headers_mut().insert("authorization", auth.parse().unwrap());
    assert!(mismatch(check(&req, ServiceId::BedrockRuntime, NOW_MS, None)));
    // The scope's service.
    let mut req = converse(NOW_MS);
    let auth = req.headers()["authorization"].to_str().unwrap().replace("/bedrock/", "/logs/");
    req.headers_mut().insert("authorization", auth.parse().unwrap());
    let err = check(&req, ServiceId::BedrockRuntime, NOW_MS, None).unwrap_err();
    assert_eq!(
        err.to_aws_error(ServiceId::BedrockRuntime).message,
        "Credential should be scoped to correct service: 'bedrock'. "
    );
    // The scope's date.
    let mut req = converse(NOW_MS);
    let auth = req.headers()["authorization"].to_str().unwrap().replace("/20251203/", "/20251202/");
    req.headers_mut().insert("authorization", auth.parse().unwrap());
    assert!(matches!(check(&req, ServiceId::BedrockRuntime, NOW_MS, None), Err(SigV4Error::BadScope(_))));
    // The path.
    let mut req = converse(NOW_MS);
    *req.uri_mut() = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse".parse().unwrap();
    assert!(mismatch(check(&req, ServiceId::BedrockRuntime, NOW_MS, None)));
}

#[test]
fn keys_tokens_and_clocks() {
    let req = converse(NOW_MS);
    let err = check(&req, ServiceId::BedrockRuntime, NOW_MS, Some("tok")).unwrap_err();
    assert_eq!(err, SigV4Error::InvalidToken);
    let parts = SignedRequest {
        method: req.method(),
        uri: req.uri(),
        headers: req.headers(),
        raw_body: req.body(),
        body: &DecodedBody::default(),
        service: ServiceId::BedrockRuntime,
    };
    let err = verify(&parts, NOW_MS, &SigningKeys::new(), |_| None).unwrap_err();
    assert_eq!(err.to_aws_error(ServiceId::BedrockRuntime).code, "UnrecognizedClientException");
    assert_eq!(err.to_aws_error(ServiceId::Sts).code, "InvalidClientTokenId");
    assert_eq!(err.to_aws_error(ServiceId::S3).code, "InvalidAccessKeyId");
    let wrong_secret = verify(&parts, NOW_MS, &SigningKeys::new(), |_| {
        Some(Credential { secret: "other".into(), session_token: None, expires_ms: None })
    });
    assert!(matches!(wrong_secret, Err(SigV4Error::Mismatch { .. })));
    let expired = verify(&parts, NOW_MS, &SigningKeys::new(), |_| {
        Some(Credential { secret: SECRET.into(), session_token: None, expires_ms: Some(NOW_MS) })
    });
    assert_eq!(expired, Err(SigV4Error::ExpiredToken));
    // Sixteen minutes off either way.
    let late = check(&converse(NOW_MS - 16 * 60_000), ServiceId::BedrockRuntime, NOW_MS, None).unwrap_err();
    assert!(
        late.to_aws_error(ServiceId::BedrockRuntime)
            .message
            .starts_with("Signature expired: 20251203T103844Z is now earlier than")
    );
    let early = check(&converse(NOW_MS + 16 * 60_000), ServiceId::S3, NOW_MS, None);
    assert!(early.is_err());
    // Session credentials: the token is part of the signature and must be the account's.
    let with_token = signed(
        "POST",
        "http://127.0.0.1:4599/",
        &[("content-type", "application/x-www-form-urlencoded"), ("host", "127.0.0.1:4599")],
        b"Action=GetCallerIdentity&Version=2011-06-15",
        "sts",
        false,
        None,
        Some("session-token"),
        NOW_MS,
    );
    assert!(check(&with_token, ServiceId::Sts, NOW_MS, Some("session-token")).is_ok());
    assert_eq!(check(&with_token, ServiceId::Sts, NOW_MS, Some("another")), Err(SigV4Error::InvalidToken));
    assert_eq!(check(&with_token, ServiceId::Sts, NOW_MS, None), Err(SigV4Error::InvalidToken));
    // Unsigned: S3 is anonymous, the others are missing their token.
    let unsigned = Request::builder().uri("/").body(Bytes::new()).unwrap();
    assert_eq!(check(&unsigned, ServiceId::S3, NOW_MS, None), Ok(Verified::Anonymous));
    let missing = check(&unsigned, ServiceId::Logs, NOW_MS, None).unwrap_err();
    assert_eq!(missing.to_aws_error(ServiceId::Logs).code, "MissingAuthenticationTokenException");
}

#[test]
fn s3_header_and_presigned_forms() {
    let put = signed(
        "PUT",
        "http://127.0.0.1:4599/logs/a%20b/c%3Ad.json?x-id=PutObject",
        &[("host", "127.0.0.1:4599"), ("content-type", "application/json")],
        b"{}",
        "s3",
        true,
        None,
        None,
        NOW_MS,
    );
    assert!(check(&put, ServiceId::S3, NOW_MS, None).is_ok());
    let mut tampered = put.clone();
    *tampered.body_mut() = Bytes::from_static(b"[]");
    let err = check(&tampered, ServiceId::S3, NOW_MS, None).unwrap_err();
    assert_eq!(err.to_aws_error(ServiceId::S3).code, "XAmzContentSHA256Mismatch");
    let get = signed(
        "GET",
        "http://127.0.0.1:4599/logs/a.json",
        &[("host", "127.0.0.1:4599")],
        b"",
        "s3",
        true,
        Some(300),
        None,
        NOW_MS,
    );
    assert!(get.uri().query().unwrap().contains("X-Amz-Signature="));
    assert!(check(&get, ServiceId::S3, NOW_MS + 299_000, None).is_ok());
    let expired = check(&get, ServiceId::S3, NOW_MS + 301_000, None).unwrap_err();
    let aws = expired.to_aws_error(ServiceId::S3);
    assert_eq!((aws.code.as_ref(), aws.message.as_str()), ("AccessDenied", "Request has expired"));
    let other_key = get.uri().to_string().replace("a.json", "b.json");
    let mut moved = get.clone();
    *moved.uri_mut() = other_key.parse::<Uri>().unwrap();
    assert!(matches!(check(&moved, ServiceId::S3, NOW_MS, None), Err(SigV4Error::Mismatch { .. })));
}

#[test]
fn the_s3_documentation_example_of_a_get_verifies() {
    // "Signature Calculations for the Authorization Header", GET Object with a Range.
    let mut headers = HeaderMap::new();
    headers.insert("host", "examplebucket.s3.amazonaws.com".parse().unwrap());
    headers.insert("range", "bytes=0-9".parse().unwrap());
    headers.insert("x-amz-content-sha256", crypto::EMPTY_SHA256.parse().unwrap());
    headers.insert("x-amz-date", "20130524T000000Z".parse().unwrap());
    headers.insert(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
            .parse()
            .unwrap(),
    );
    let uri: Uri = "/test.txt".parse().unwrap();
    let body = DecodedBody::default();
    let req =
        SignedRequest { method: &Method::GET, uri: &uri, headers: &headers, raw_body: b"", body: &body, service: ServiceId::S3 };
    let at = parse_amz_date("20130524T000000Z").unwrap();
    let secret =
        || Some(Credential { secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(), session_token: None, expires_ms: None });
    assert!(verify(&req, at, &SigningKeys::new(), |_| secret()).is_ok());
}

#[test]
fn the_s3_documentation_example_of_a_chunked_upload_verifies() {
    // "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
    // Chunks": 64 KiB and 1 KiB of 'a', then the final chunk.
    let sigs = [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ];
    let body_of = |sigs: [&str; 3]| {
        let mut raw = Vec::new();
        raw.extend_from_slice(format!("10000;chunk-signature={}\r\n", sigs[0]).as_bytes());
        raw.extend(std::iter::repeat_n(b'a', 65536));
        raw.extend_from_slice(format!("\r\n400;chunk-signature={}\r\n", sigs[1]).as_bytes());
        raw.extend(std::iter::repeat_n(b'a', 1024));
        raw.extend_from_slice(format!("\r\n0;chunk-signature={}\r\n\r\n", sigs[2]).as_bytes());
        Bytes::from(raw)
    };
    let mut headers = HeaderMap::new();
    for (k, v) in [
        ("host", "s3.amazonaws.com"),
        ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"),
        ("content-length", "66824"),
        (
            "authorization",
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
        ),
    ] {
        headers.insert(k, v.parse().unwrap());
    }
    let uri: Uri = "/examplebucket/chunkObject.txt".parse().unwrap();
    let at = parse_amz_date("20130524T000000Z").unwrap();
    let secret =
        || Some(Credential { secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".into(), session_token: None, expires_ms: None });
    let run = |raw: Bytes| {
        let body = decode_body(BodyKind::S3Object, &headers, raw.clone(), BodyLimits::default()).unwrap();
        let req = SignedRequest {
            method: &Method::PUT,
            uri: &uri,
            headers: &headers,
            raw_body: &raw,
            body: &body,
            service: ServiceId::S3,
        };
        verify(&req, at, &SigningKeys::new(), |_| secret())
    };
    assert!(run(body_of(sigs)).is_ok());
    // A chunk whose data changed keeps its signature: refused.
    let mut raw = body_of(sigs).to_vec();
    let at_data = raw.iter().position(|&b| b == b'\n').unwrap() + 1;
    raw[at_data] = b'b';
    assert!(matches!(run(Bytes::from(raw)), Err(SigV4Error::Mismatch { .. })));
    // A chunk signature changed: refused.
    let mut bad = sigs;
    bad[1] = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5498";
    assert!(matches!(run(body_of(bad)), Err(SigV4Error::Mismatch { .. })));
}
