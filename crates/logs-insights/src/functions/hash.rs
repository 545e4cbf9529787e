//! Hashing functions (`md5`, `sha256`): the lowercase hex digest of a value's text.

use crate::value::Value;
use md5::Digest as _;
use sha2::Digest as _;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `md5(s)`: the hex MD5 of the text; null for null (and MAP/LIST).
pub(super) fn md5<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match args[0].text() {
        Some(t) if !matches!(args[0], Value::Json(_)) => Value::str(hex(&md5::Md5::digest(t.as_bytes()))),
        _ => Value::Null,
    }
}

/// `sha256(s)`: the hex SHA-256 of the text; null for null (and MAP/LIST).
pub(super) fn sha256<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match args[0].text() {
        Some(t) if !matches!(args[0], Value::Json(_)) => Value::str(hex(&sha2::Sha256::digest(t.as_bytes()))),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_the_published_test_vectors() {
        assert_eq!(md5(&mut [Value::str("abc".to_string())]), Value::str("900150983cd24fb0d6963f7d28e17f72".to_string()));
        assert_eq!(
            sha256(&mut [Value::str("abc".to_string())]),
            Value::str("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad".to_string())
        );
        assert_eq!(md5(&mut [Value::Null]), Value::Null);
    }
}
