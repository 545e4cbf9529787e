//! Pagination tokens (`nextToken`): an [`service_kit::opaque`] position behind a per-operation tag,
//! so a token from one operation is refused by another.

use crate::model::LogsError;

/// Encodes `position` for operation `tag`.
pub(crate) fn encode(tag: &str, position: &str) -> String {
    format!("{tag}/{}", service_kit::opaque::encode(position))
}

/// Decodes a token made by [`encode`] with the same `tag`.
pub(crate) fn decode(tag: &str, token: &str) -> Result<String, LogsError> {
    token
        .strip_prefix(tag)
        .and_then(|r| r.strip_prefix('/'))
        .and_then(service_kit::opaque::decode)
        .ok_or_else(|| LogsError::invalid_parameter("The specified nextToken is invalid."))
}

/// Decodes a numeric offset token.
pub(crate) fn decode_offset(tag: &str, token: Option<&str>) -> Result<usize, LogsError> {
    match token {
        None => Ok(0),
        Some(t) => decode(tag, t)?.parse().map_err(|_| LogsError::invalid_parameter("The specified nextToken is invalid.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_are_tagged() {
        let t = encode("groups", "/aws/bedrock/x");
        assert_eq!(decode("groups", &t).unwrap(), "/aws/bedrock/x");
        assert!(decode("streams", &t).is_err());
        assert!(decode("groups", "groups/zz").is_err());
        assert_eq!(decode_offset("q", Some(&encode("q", "42"))).unwrap(), 42);
        assert_eq!(decode_offset("q", None).unwrap(), 0);
    }
}
