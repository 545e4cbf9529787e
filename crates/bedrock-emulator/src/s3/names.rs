//! S3 names: bucket-name and key-prefix validation, and the object keys Bedrock invocation
//! logging writes (`reference/bedrock-api.md` §4.4):
//!
//! - records: `{keyPrefix}/AWSLogs/{account}/BedrockModelInvocationLogs/{region}/YYYY/MM/DD/HH/{YYYYMMDDTHHMMSSmmmZ}_{16 hex}.json.gz`
//! - offloaded bodies: `…/YYYY/MM/DD/HH/data/{requestId}_input.json.gz` (`_output.json.gz`)
//! - the permission-check marker: `{keyPrefix}/AWSLogs/{account}/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check`
//!
//! A `keyPrefix` is joined with one `/` (a trailing `/` in the prefix is not doubled).

use crate::clock::utc_datetime;

/// The zero-byte object Bedrock writes when S3 logging is configured.
pub const PERMISSION_CHECK_OBJECT: &str = "amazon-bedrock-logs-permission-check";

/// The longest on-disk file name of one key segment (the usual file-system limit); longer
/// encodings are split by [`segment_components`].
pub(crate) const MAX_SEGMENT_FILE_NAME: usize = 255;
/// The size of the pieces a long encoded segment is split into.
const CHUNK: usize = 200;
/// Marks a directory holding the next piece of a long segment (`%>` never comes out of the encoder).
pub(crate) const CONTINUED: &str = "%>";
/// Marks the last piece of a long segment.
pub(crate) const LAST_PIECE: &str = "%<";

/// Checks a general purpose bucket name against S3's naming rules
/// (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>).
/// `Err` says which rule is broken.
pub fn validate_bucket_name(name: &str) -> Result<(), String> {
    if !(3..=63).contains(&name.len()) {
        return Err("bucket names must be between 3 and 63 characters long".into());
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-') {
        return Err("bucket names can consist only of lowercase letters, numbers, periods (.) and hyphens (-)".into());
    }
    let edge_ok = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if !edge_ok(name.as_bytes()[0]) || !edge_ok(name.as_bytes()[name.len() - 1]) {
        return Err("bucket names must begin and end with a letter or number".into());
    }
    if name.contains("..") {
        return Err("bucket names must not contain two adjacent periods".into());
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err("bucket names must not be formatted as an IP address".into());
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Err(format!("bucket names must not start with the prefix {prefix}"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Err(format!("bucket names must not end with the suffix {suffix}"));
        }
    }
    Ok(())
}

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

/// The on-disk file name of one key segment. Bytes outside `[A-Za-z0-9._~=+,@-]` are
/// percent-encoded (so `/`, `\`, NUL and `%` never reach the file system), `.` and `..` are
/// encoded whole, and the empty segment (`a//b`) is a lone `%`. The mapping is injective and
/// [`decode_segment`] reverses it; names it does not produce (temporary files) do not decode.
pub(crate) fn encode_segment(seg: &str) -> String {
    match seg {
        "" => return "%".to_owned(),
        "." => return "%2E".to_owned(),
        ".." => return "%2E%2E".to_owned(),
        _ => {}
    }
    let mut out = String::with_capacity(seg.len());
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || b"._~=+,@-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The path components of one key segment: its encoding, or, when that is longer than a file
/// name can be, pieces of at most 200 bytes (never splitting a `%XX`): `%>piece/…/%<last`.
pub(crate) fn segment_components(seg: &str) -> Vec<String> {
    let enc = encode_segment(seg);
    if enc.len() <= MAX_SEGMENT_FILE_NAME {
        return vec![enc];
    }
    let mut pieces = Vec::new();
    let mut rest = enc.as_str();
    while rest.len() > CHUNK {
        let mut cut = CHUNK;
        // Back off so a `%XX` stays whole (a `%` in the last two bytes starts one).
        if let Some(i) = rest[cut - 2..cut].find('%') {
            cut = cut - 2 + i;
        }
        pieces.push(format!("{CONTINUED}{}", &rest[..cut]));
        rest = &rest[cut..];
    }
    pieces.push(format!("{LAST_PIECE}{rest}"));
    pieces
}

/// Reverses [`encode_segment`]; `None` for names it never produces.
pub(crate) fn decode_segment(name: &str) -> Option<String> {
    if name == "%" {
        return Some(String::new());
    }
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = name.get(i + 1..i + 3)?;
            if !hex.bytes().all(|c| c.is_ascii_digit() || (b'A'..=b'F').contains(&c)) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else if b.is_ascii_alphanumeric() || b"._~=+,@-".contains(&b) {
            out.push(b);
            i += 1;
        } else {
            return None;
        }
    }
    let decoded = String::from_utf8(out).ok()?;
    (encode_segment(&decoded) == name).then_some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_rules() {
        for ok in ["abc", "my-bucket.logs", "a1b2", "bedrock-logs-123456789012-us-east-1"] {
            assert_eq!(validate_bucket_name(ok), Ok(()), "{ok}");
        }
        for bad in ["ab", "ABC", "my_bucket", "-abc", "abc-", "a..b", "192.168.1.1", "xn--abc", "abc-s3alias", "..", "a/b", "abc\0", &"a".repeat(64)] {
            assert!(validate_bucket_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(normalize_key_prefix(None).unwrap(), "");
        assert_eq!(normalize_key_prefix(Some("logs/")).unwrap(), "logs");
        assert_eq!(normalize_key_prefix(Some("a/../b")).unwrap(), "a/../b");
        assert!(normalize_key_prefix(Some("a\0b")).is_err());
        assert_eq!(normalize_key_prefix(Some(&"x".repeat(1024))).unwrap().len(), 1024);
    }

    #[test]
    fn long_segments_split_into_pieces() {
        assert_eq!(segment_components("short"), ["short"]);
        for seg in ["p".repeat(1024), "é".repeat(300), format!("{}..", "a".repeat(400))] {
            let parts = segment_components(&seg);
            assert!(parts.len() > 1 && parts.iter().all(|p| p.len() <= MAX_SEGMENT_FILE_NAME), "{parts:?}");
            let joined: String = parts.iter().map(|p| &p[2..]).collect();
            assert_eq!(decode_segment(&joined).as_deref(), Some(seg.as_str()));
        }
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

    #[test]
    fn segments_round_trip_and_never_escape() {
        for seg in ["", ".", "..", "...", "a b", "a%2Fb", "a\\b", "x\0y", "日本", "%", "AWSLogs", "20241018T074319996Z_4dbc03d57ffa1c7d.json.gz"] {
            let enc = encode_segment(seg);
            assert!(!enc.contains('/') && !enc.contains('\\') && !enc.contains('\0') && enc != "." && enc != "..", "{enc}");
            assert_eq!(decode_segment(&enc).as_deref(), Some(seg), "{seg:?}");
        }
        assert_eq!(decode_segment("%tmp-1"), None);
        assert_eq!(decode_segment("%2f"), None);
        assert_eq!(decode_segment("a%41"), None, "not canonical");
    }
}
