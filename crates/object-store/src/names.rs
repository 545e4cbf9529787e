//! S3 names: the bucket-name rules, and how a key is stored on disk: each `/`-separated key
//! segment becomes one file-name component (percent-encoded, long ones split), so that no key
//! can name a path outside its bucket directory.

/// The longest on-disk file name of one key segment (the usual file-system limit); longer
/// encodings are split by [`segment_components`].
pub const MAX_SEGMENT_FILE_NAME: usize = 255;
/// The size of the pieces a long encoded segment is split into.
const CHUNK: usize = 200;
/// Marks a directory holding the next piece of a long segment (`%>` never comes out of the encoder).
pub const CONTINUED: &str = "%>";
/// Marks the last piece of a long segment.
pub const LAST_PIECE: &str = "%<";

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

/// The on-disk file name of one key segment. Bytes outside `[A-Za-z0-9._~=+,@-]` are
/// percent-encoded (so `/`, `\`, NUL and `%` never reach the file system), `.` and `..` are
/// encoded whole, and the empty segment (`a//b`) is a lone `%`. The mapping is injective and
/// [`decode_segment`] reverses it; names it does not produce (temporary files) do not decode.
pub fn encode_segment(seg: &str) -> String {
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
pub fn segment_components(seg: &str) -> Vec<String> {
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
pub fn decode_segment(name: &str) -> Option<String> {
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
        for bad in [
            "ab",
            "ABC",
            "my_bucket",
            "-abc",
            "abc-",
            "a..b",
            "192.168.1.1",
            "xn--abc",
            "abc-s3alias",
            "..",
            "a/b",
            "abc\0",
            &"a".repeat(64),
        ] {
            assert!(validate_bucket_name(bad).is_err(), "{bad:?}");
        }
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
    fn segments_round_trip_and_never_escape() {
        for seg in [
            "",
            ".",
            "..",
            "...",
            "a b",
            "a%2Fb",
            "a\\b",
            "x\0y",
            "日本",
            "%",
            "AWSLogs",
            "20241018T074319996Z_4dbc03d57ffa1c7d.json.gz",
        ] {
            let enc = encode_segment(seg);
            assert!(!enc.contains('/') && !enc.contains('\\') && !enc.contains('\0') && enc != "." && enc != "..", "{enc}");
            assert_eq!(decode_segment(&enc).as_deref(), Some(seg), "{seg:?}");
        }
        assert_eq!(decode_segment("%tmp-1"), None);
        assert_eq!(decode_segment("%2f"), None);
        assert_eq!(decode_segment("a%41"), None, "not canonical");
    }
}
