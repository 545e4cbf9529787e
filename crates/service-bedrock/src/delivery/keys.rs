//! The object keys Bedrock invocation logging writes (`../shared/reference/bedrock-api.md` §4.4):
//!
//! - records: `{keyPrefix}/AWSLogs/{account}/BedrockModelInvocationLogs/{region}/YYYY/MM/DD/HH/{YYYYMMDDTHHMMSSmmmZ}_{16 hex}.json.gz`
//! - offloaded bodies: `…/YYYY/MM/DD/HH/data/{requestId}_input.json.gz` (`_output.json.gz`)
//! - the permission-check marker: `{keyPrefix}/AWSLogs/{account}/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check`
//!
//! A `keyPrefix` is joined with one `/` (a trailing `/` in the prefix is not doubled).

use service_kit::clock::utc_datetime;

/// The zero-byte object Bedrock writes when S3 logging is configured.
pub const PERMISSION_CHECK_OBJECT: &str = "amazon-bedrock-logs-permission-check";

/// Checks a `keyPrefix` and returns it without trailing `/`. Every byte sequence is a valid S3
/// key; the emulator refuses control characters (they cannot be written in S3's XML listings).
pub fn normalize_key_prefix(prefix: Option<&str>) -> Result<String, String> {
    let prefix = prefix.unwrap_or("").trim_end_matches('/');
    if prefix.chars().any(char::is_control) {
        return Err("the key prefix must not contain control characters".into());
    }
    Ok(prefix.to_owned())
}

/// `{prefix}/AWSLogs/{account}/BedrockModelInvocationLogs/`, for a normalized prefix.
pub fn logs_root(prefix: &str, account_id: &str) -> String {
    let lead = if prefix.is_empty() { String::new() } else { format!("{prefix}/") };
    format!("{lead}AWSLogs/{account_id}/BedrockModelInvocationLogs/")
}

/// The key of the permission-check marker. It sits inside the one path the documented bucket
/// policy lets Bedrock write (`{prefix}/AWSLogs/{account}/BedrockModelInvocationLogs/*`).
pub fn permission_check_key(prefix: &str, account_id: &str) -> String {
    format!("{}{PERMISSION_CHECK_OBJECT}", logs_root(prefix, account_id))
}

/// The hour directory of an instant: `{logs_root}{region}/YYYY/MM/DD/HH/`.
pub fn hour_dir(prefix: &str, account_id: &str, region: &str, at_ms: i64) -> String {
    let t = utc_datetime(at_ms);
    format!(
        "{}{region}/{:04}/{:02}/{:02}/{:02}/",
        logs_root(prefix, account_id),
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour()
    )
}

/// The file name of a record batch: `{YYYYMMDDTHHMMSSmmmZ}_{16 hex}.json.gz`.
pub fn batch_object_name(first_record_ms: i64, suffix: u64) -> String {
    let t = utc_datetime(first_record_ms);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}{:03}Z_{suffix:016x}.json.gz",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Whether a key's last segment is a record batch name (not a marker, not a `data/` object).
pub fn is_batch_object_key(key: &str) -> bool {
    let Some((dir, name)) = key.rsplit_once('/') else { return false };
    if dir.ends_with("/data") {
        return false;
    }
    let b = name.as_bytes();
    name.len() == 8 + 1 + 9 + 1 + 1 + 16 + 8
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'T'
        && b[9..18].iter().all(u8::is_ascii_digit)
        && b[18] == b'Z'
        && b[19] == b'_'
        && b[20..36].iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
        && name.ends_with(".json.gz")
}

/// `{hour_dir}data/{requestId}_{input|output}.json.gz`.
pub fn body_object_key(hour_dir: &str, request_id: &str, which: BodySide) -> String {
    format!("{hour_dir}data/{request_id}_{}.json.gz", which.as_str())
}

/// `{hour_dir}data/{requestId}_input_media_{NN}.{extension}`: the `index`-th media object of
/// a Converse request (two digits at least, as `_input_media_00.pdf` in real records).
pub fn media_object_key(hour_dir: &str, request_id: &str, index: usize, extension: &str) -> String {
    format!("{hour_dir}data/{request_id}_input_media_{index:02}.{extension}")
}

/// Which body of an invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodySide {
    Input,
    Output,
}

impl BodySide {
    pub fn as_str(self) -> &'static str {
        match self {
            BodySide::Input => "input",
            BodySide::Output => "output",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(normalize_key_prefix(None).unwrap(), "");
        assert_eq!(normalize_key_prefix(Some("logs/")).unwrap(), "logs");
        assert_eq!(normalize_key_prefix(Some("a/../b")).unwrap(), "a/../b");
        assert!(normalize_key_prefix(Some("a\0b")).is_err());
        assert_eq!(normalize_key_prefix(Some(&"x".repeat(1024))).unwrap().len(), 1024);
    }

    #[test]
    fn the_real_key_layout() {
        // elastic/integrations #11468: keyPrefix us-east-2, account 891377031307.
        let at = 1_729_237_399_996; // 2024-10-18T07:43:19.996Z
        let dir = hour_dir("us-east-2", "891377031307", "us-east-2", at);
        assert_eq!(dir, "us-east-2/AWSLogs/891377031307/BedrockModelInvocationLogs/us-east-2/2024/10/18/07/");
        let name = batch_object_name(at, 0x4dbc03d57ffa1c7d);
        assert_eq!(name, "20241018T074319996Z_4dbc03d57ffa1c7d.json.gz");
        assert!(is_batch_object_key(&format!("{dir}{name}")));
        assert!(!is_batch_object_key(&body_object_key(&dir, "r", BodySide::Input)));
        assert!(!is_batch_object_key(&permission_check_key("", "1")));
        assert_eq!(hour_dir("", "1", "r", 0), "AWSLogs/1/BedrockModelInvocationLogs/r/1970/01/01/00/");
    }
}
