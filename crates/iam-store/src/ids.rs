//! The identifiers IAM and STS hand out, derived from a seed the caller supplies (the service's
//! id generator: random UUIDs, or sequential ones in tests), so the store reads no randomness:
//! unique ids (`AIDA`, `AROA`, `ANPA` + 17 characters), access key ids (`AKIA`/`ASIA` + 16),
//! 40-character secrets and session tokens.

use md5::Digest;

/// IAM's id alphabet (upper-case letters and digits 2-7).
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// The alphabet of secrets and tokens.
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `n` bytes derived from `seed` (MD5 of the seed and a counter, concatenated).
fn bytes(seed: &str, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 16);
    let mut round = 0u32;
    while out.len() < n {
        let mut h = md5::Md5::new();
        h.update(seed.as_bytes());
        h.update(round.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        round += 1;
    }
    out.truncate(n);
    out
}

fn encode(seed: &str, n: usize, alphabet: &[u8]) -> String {
    bytes(seed, n).into_iter().map(|b| alphabet[b as usize % alphabet.len()] as char).collect()
}

/// A unique id: `prefix` and 17 characters (`AIDA…` users, `AROA…` roles, `ANPA…` policies).
pub fn unique_id(prefix: &str, seed: &str) -> String {
    format!("{prefix}{}", encode(seed, 17, BASE32))
}

/// An access key id: `AKIA` (long-term) or `ASIA` (temporary) and 16 characters.
pub fn access_key_id(prefix: &str, seed: &str) -> String {
    format!("{prefix}{}", encode(seed, 16, BASE32))
}

/// A 40-character secret access key.
pub fn secret(seed: &str) -> String {
    encode(&format!("secret:{seed}"), 40, BASE64)
}

/// A session token (the shape of STS's: base64, a few hundred characters).
pub fn session_token(seed: &str) -> String {
    format!("IQoJb3JpZ2luX2VjE{}", encode(&format!("token:{seed}"), 320, BASE64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_determinism() {
        let id = unique_id("AIDA", "s1");
        assert_eq!(id.len(), 21);
        assert_eq!(id, unique_id("AIDA", "s1"));
        assert_ne!(id, unique_id("AIDA", "s2"));
        assert!(id.bytes().all(|b| BASE32.contains(&b)));
        assert_eq!(access_key_id("AKIA", "s1").len(), 20);
        assert_eq!(secret("s1").len(), 40);
        assert!(session_token("s1").len() > 300);
    }
}
