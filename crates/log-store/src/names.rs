//! Encoding of group and stream names into single, safe path components.
//!
//! Bytes in `[A-Za-z0-9_-]` are kept, `.` is kept except as the first byte, every other byte is
//! written `%XX` (upper-case hex). The result never contains `/`, NUL, `~` or a leading `.`, so it
//! can be neither `.` nor `..` nor a hidden file, and it stays inside its parent directory.
//! An encoding longer than [`MAX_COMPONENT`] bytes becomes `~<readable prefix>~<32 hex FNV-1a-128>`,
//! which is not reversible: the real name always lives in the directory's metadata file, and
//! [`decode_component`] is only a convenience for humans and tests.

/// Longest component this module produces (well below the usual 255-byte `NAME_MAX`).
pub(crate) const MAX_COMPONENT: usize = 200;
/// Bytes of readable prefix kept in a hashed component.
const HASHED_PREFIX: usize = 160;

/// Encodes `name` as one path component. `name` must not be empty (checked by callers).
pub(crate) fn encode_component(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for (i, &b) in name.as_bytes().iter().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && i > 0);
        if keep {
            out.push(b as char);
        } else {
            push_escape(&mut out, b);
        }
    }
    if out.len() <= MAX_COMPONENT {
        return out;
    }
    // Cut the readable prefix on an escape boundary so it stays well formed.
    let bytes = out.as_bytes();
    let mut cut = 0;
    while cut < bytes.len() {
        let step = if bytes[cut] == b'%' { 3 } else { 1 };
        if cut + step > HASHED_PREFIX {
            break;
        }
        cut += step;
    }
    format!("~{}~{:032x}", &out[..cut], fnv1a_128(name.as_bytes()))
}

fn push_escape(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(HEX[usize::from(b >> 4)] as char);
    out.push(HEX[usize::from(b & 0xf)] as char);
}

/// Decodes a component made by [`encode_component`]; `None` for hashed or foreign components.
#[cfg(test)]
pub(crate) fn decode_component(component: &str) -> Option<String> {
    if component.is_empty() || component.starts_with('~') {
        return None;
    }
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hi = (hex[0] as char).to_digit(16)?;
            let lo = (hex[1] as char).to_digit(16)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// FNV-1a, 128 bits: stable across builds and platforms (unlike `std`'s `DefaultHasher`).
pub(crate) fn fnv1a_128(data: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for &b in data {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

/// Stable 64-bit id of a (group, stream) pair, used inside event pointers.
pub(crate) fn stream_id(group: &str, stream: &str) -> u64 {
    let mut data = Vec::with_capacity(8 + group.len() + stream.len());
    data.extend_from_slice(&(group.len() as u64).to_le_bytes());
    data.extend_from_slice(group.as_bytes());
    data.extend_from_slice(stream.as_bytes());
    let h = fnv1a_128(&data);
    (h as u64) ^ ((h >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn assert_safe(c: &str) {
        assert!(!c.is_empty());
        assert!(c.len() <= MAX_COMPONENT + 2 + 32, "{c}");
        assert!(c != "." && c != "..");
        assert!(!c.starts_with('.'));
        assert!(!c.contains('/') && !c.contains('\0') && !c.contains('\\'));
        let p = std::path::Path::new(c);
        assert_eq!(p.components().count(), 1);
        assert!(matches!(p.components().next(), Some(std::path::Component::Normal(_))));
    }

    #[test]
    fn hostile_names_stay_one_component() {
        let long = "a".repeat(512);
        let long_dots = "../".repeat(170);
        for name in [
            ".",
            "..",
            "../..",
            "/",
            "/etc/passwd",
            "a/../../b",
            "\0",
            "x\0y",
            ".hidden",
            "~",
            "%",
            "%2F",
            "C:\\x",
            long.as_str(),
            long_dots.as_str(),
            "é",
            "日本語/..",
        ] {
            let c = encode_component(name);
            assert_safe(&c);
            if !c.starts_with('~') {
                assert_eq!(decode_component(&c).as_deref(), Some(name));
            }
        }
        assert_eq!(encode_component("/aws/bedrock/x.y"), "%2Faws%2Fbedrock%2Fx.y");
    }

    #[test]
    fn long_names_hash_distinctly() {
        let a = "a".repeat(512);
        let mut b = a.clone();
        b.replace_range(500..501, "b");
        assert_ne!(encode_component(&a), encode_component(&b));
        assert!(encode_component(&a).starts_with('~'));
        assert_eq!(decode_component(&encode_component(&a)), None);
    }

    proptest! {
        #[test]
        fn encode_is_safe_and_reversible(name in "\\PC{1,300}") {
            let c = encode_component(&name);
            assert_safe(&c);
            if !c.starts_with('~') {
                prop_assert_eq!(decode_component(&c), Some(name));
            }
        }

        #[test]
        fn encode_is_injective(a in "[./a-z%~]{1,80}", b in "[./a-z%~]{1,80}") {
            if a != b {
                prop_assert_ne!(encode_component(&a), encode_component(&b));
            }
        }
    }
}
