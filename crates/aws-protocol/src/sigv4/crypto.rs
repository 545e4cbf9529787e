//! The cryptography of SigV4: SHA-256, HMAC-SHA256 (RFC 2104 over sha2), lower-case hex, the
//! signing key chain `kDate → kRegion → kService → kSigning`, and [`SigningKeys`], a cache of
//! derived signing keys per (access key, date, region, service) so a request costs one HMAC
//! of its string to sign instead of five.

use std::collections::HashMap;
use std::sync::RwLock;

use sha2::{Digest, Sha256};

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_pad = block.map(|b| b ^ 0x36);
    let outer_pad = block.map(|b| b ^ 0x5c);
    let mut inner = Sha256::new();
    inner.update(inner_pad);
    inner.update(data);
    let inner: [u8; 32] = inner.finalize().into();
    let mut outer = Sha256::new();
    outer.update(outer_pad);
    outer.update(inner);
    outer.finalize().into()
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// The hex SHA-256 of the empty string.
pub(crate) const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The signing key of a secret for a date (`yyyymmdd`), region and service.
pub(crate) fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// How many derived keys the cache holds before it starts over.
const MAX_CACHED_KEYS: usize = 4096;

/// Derived signing keys, by access key, secret, date, region and service.
#[derive(Debug, Default)]
pub struct SigningKeys {
    keys: RwLock<HashMap<String, [u8; 32]>>,
}

impl SigningKeys {
    /// An empty cache.
    pub fn new() -> SigningKeys {
        SigningKeys::default()
    }

    /// The signing key, derived once per (key, secret, scope).
    pub(crate) fn get(&self, access_key: &str, secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
        let id = format!("{access_key}/{date}/{region}/{service}/{secret}");
        if let Some(key) = self.keys.read().unwrap_or_else(|p| p.into_inner()).get(&id) {
            return *key;
        }
        let key = signing_key(secret, date, region, service);
        let mut keys = self.keys.write().unwrap_or_else(|p| p.into_inner());
        if keys.len() >= MAX_CACHED_KEYS {
            keys.clear();
        }
        keys.insert(id, key);
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_and_the_sigv4_example_key() {
        // RFC 4231 test case 2.
        assert_eq!(
            hex(&hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(hex(&sha256(b"")), EMPTY_SHA256);
        // The signing key of the SigV4 documentation's example.
        assert_eq!(
            hex(&signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
        let cache = SigningKeys::new();
        assert_eq!(cache.get("a", "s", "20120215", "r", "x"), cache.get("a", "s", "20120215", "r", "x"));
    }
}
