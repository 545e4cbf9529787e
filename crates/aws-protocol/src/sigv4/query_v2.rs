//! S3's SigV2 query-string authentication, the presigned URLs boto3 and the aws CLI v1 still make
//! for S3 in us-east-1 (`?AWSAccessKeyId=…&Signature=…&Expires=…`): the string to sign
//! (`METHOD\nContent-MD5\nContent-Type\nExpires\n` + the `x-amz-*` headers + the resource with
//! its sub-resources), HMAC-SHA1 under the secret, base64; expired at `Expires` (epoch seconds).
//! Virtual-hosted URLs are not covered (their resource needs the bucket from the host).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode_str;
use sha1::{Digest, Sha1};

use super::error::SigV4Error;
use super::verify::{Credential, SignedRequest};

/// The sub-resources that are part of SigV2's canonical resource.
const SUB_RESOURCES: &[&str] = &[
    "acl",
    "cors",
    "delete",
    "lifecycle",
    "location",
    "logging",
    "notification",
    "partNumber",
    "policy",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
];

/// The parameters of a SigV2 presigned URL.
pub(crate) struct QueryV2 {
    pub(crate) access_key: String,
    signature: String,
    expires: i64,
    pub(crate) token: Option<String>,
}

/// The SigV2 parameters of `query`, when it has them.
pub(crate) fn read(query: Option<&str>) -> Option<QueryV2> {
    let query = query?;
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|p| p.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
            .map(|v| percent_decode_str(v).decode_utf8_lossy().into_owned())
    };
    Some(QueryV2 {
        access_key: param("AWSAccessKeyId")?,
        signature: param("Signature")?,
        expires: param("Expires")?.parse().ok()?,
        token: param("x-amz-security-token"),
    })
}

fn hmac_sha1(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        let digest = Sha1::digest(key);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha1::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(data);
    let inner = inner.finalize();
    let mut outer = Sha1::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().to_vec()
}

/// The string SigV2 signs for `req` with `expires`.
fn string_to_sign(req: &SignedRequest<'_>, expires: i64) -> String {
    let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().trim().to_owned();
    let mut amz: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| n.as_str().starts_with("x-amz-"))
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).trim().to_owned()))
        .collect();
    amz.sort();
    let amz: String = amz.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let mut subs: Vec<(String, Option<String>)> = req
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').map_or((pair, None), |(k, v)| (k, Some(v)));
            SUB_RESOURCES.contains(&k).then(|| (k.to_owned(), v.map(|v| percent_decode_str(v).decode_utf8_lossy().into_owned())))
        })
        .collect();
    subs.sort();
    let mut resource = req.uri.path().to_owned();
    for (i, (k, v)) in subs.iter().enumerate() {
        resource.push(if i == 0 { '?' } else { '&' });
        resource.push_str(k);
        if let Some(v) = v {
            resource.push('=');
            resource.push_str(v);
        }
    }
    format!("{}\n{}\n{}\n{expires}\n{amz}{resource}", req.method, header("content-md5"), header("content-type"))
}

/// Verifies a SigV2 presigned request signed by `credential`.
pub(crate) fn verify(req: &SignedRequest<'_>, q: &QueryV2, credential: &Credential, now_ms: i64) -> Result<(), SigV4Error> {
    if now_ms / 1000 > q.expires {
        return Err(SigV4Error::PresignExpired {
            expires_seconds: String::new(),
            expired_at: q.expires.to_string(),
            server: (now_ms / 1000).to_string(),
        });
    }
    let to_sign = string_to_sign(req, q.expires);
    let expected = STANDARD.encode(hmac_sha1(credential.secret.as_bytes(), to_sign.as_bytes()));
    if expected == q.signature {
        Ok(())
    } else {
        Err(SigV4Error::Mismatch {
            access_key: q.access_key.clone(),
            string_to_sign: to_sign,
            canonical_request: String::new(),
            provided: q.signature.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha1_matches_rfc_2202() {
        // RFC 2202 test case 2.
        let mac = hmac_sha1(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(super::super::crypto::hex(&mac), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    }
}
