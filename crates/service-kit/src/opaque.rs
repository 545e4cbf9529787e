//! Opaque continuation tokens: a position (a key or an offset) as lowercase hex, so clients
//! treat it as a token rather than a value. Used by the CloudWatch Logs `nextToken`s and S3's
//! `ContinuationToken`.

/// Hex of `position`'s UTF-8 bytes.
pub fn encode(position: &str) -> String {
    position.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The position behind a token made by [`encode`]; `None` for anything else.
pub fn decode(token: &str) -> Option<String> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..token.len()).step_by(2).map(|i| token.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trips_and_refuses_non_hex() {
        assert_eq!(super::decode(&super::encode("/aws/bedrock/ü")).as_deref(), Some("/aws/bedrock/ü"));
        for bad in ["a", "zz", "ü0", "ff"] {
            assert_eq!(super::decode(bad), None, "{bad}");
        }
    }
}
