//! FNV-1a, 64 bit, over a sequence of parts (each followed by a `0xff` separator, so
//! `["ab", "c"]` and `["a", "bc"]` differ): a stable hash whose value never changes between
//! builds or platforms. It seeds the responder's generated text and embeddings and names S3
//! batch objects.

/// The hash of `parts`.
pub(crate) fn fnv1a64(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &byte in part.iter().chain(std::iter::once(&0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_separated_parts() {
        // FNV-1a of the bytes 0xff and 'a' 0xff (computed independently).
        assert_eq!(fnv1a64(&[b""]), 0xaf64_724c_8602_eb6e);
        assert_eq!(fnv1a64(&[b"a"]), 0x089b_c907_b544_c769);
        assert_eq!(fnv1a64(&[]), 0xcbf2_9ce4_8422_2325);
        assert_ne!(fnv1a64(&[b"ab", b"c"]), fnv1a64(&[b"a", b"bc"]));
        assert_eq!(fnv1a64(&[b"ab", b"c"]), fnv1a64(&[b"ab", b"c"]));
    }
}
