//! Skipping a JSON object or array without looking at its contents one byte at a time: the
//! bytes are classified 64 at a time into bit masks (quotes, backslashes, opening and closing
//! brackets; SSE2 on x86_64, a portable loop elsewhere), escaped quotes and the inside of strings
//! are removed with bit arithmetic (the carry-chain and prefix-XOR steps of simdjson's stage 1),
//! and only the brackets left are counted. The scan walks past the request and response bodies
//! of invocation records this way, which is most of their bytes.

/// Bit masks of one 64-byte block: bit i stands for byte i.
struct Masks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
}

#[cfg(target_arch = "x86_64")]
fn classify(block: &[u8; 64]) -> Masks {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let mut m = Masks { quote: 0, backslash: 0, open: 0, close: 0 };
    // SAFETY: SSE2 is part of the x86_64 baseline, so these intrinsics are available on every
    // x86_64 CPU; `block` holds 64 bytes, so each 16-byte load at 16k is in bounds, and
    // `_mm_loadu_si128` has no alignment requirement.
    unsafe {
        let (q, bs, open, close, lower) = (
            _mm_set1_epi8(b'"' as i8),
            _mm_set1_epi8(b'\\' as i8),
            _mm_set1_epi8(b'{' as i8),
            _mm_set1_epi8(b'}' as i8),
            _mm_set1_epi8(0x20),
        );
        for k in 0..4 {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k) as *const __m128i);
            // `[` | 0x20 is `{` and `]` | 0x20 is `}`, and no other byte maps to either.
            let folded = _mm_or_si128(v, lower);
            let shift = 16 * k;
            m.quote |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)) as u16) << shift;
            m.backslash |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, bs)) as u16) << shift;
            m.open |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, open)) as u16) << shift;
            m.close |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, close)) as u16) << shift;
        }
    }
    m
}

#[cfg(not(target_arch = "x86_64"))]
fn classify(block: &[u8; 64]) -> Masks {
    let mut m = Masks { quote: 0, backslash: 0, open: 0, close: 0 };
    for (i, &c) in block.iter().enumerate() {
        let bit = 1u64 << i;
        match c {
            b'"' => m.quote |= bit,
            b'\\' => m.backslash |= bit,
            b'{' | b'[' => m.open |= bit,
            b'}' | b']' => m.close |= bit,
            _ => {}
        }
    }
    m
}

/// The characters escaped by a backslash (simdjson's branchless `find_escaped`); `prev` carries
/// whether the next block's first character is escaped.
fn escaped(backslash: u64, prev: &mut u64) -> u64 {
    const EVEN: u64 = 0x5555_5555_5555_5555;
    let backslash = backslash & !*prev;
    let follows_escape = (backslash << 1) | *prev;
    let odd_starts = backslash & !EVEN & !follows_escape;
    let (even_starts, overflow) = odd_starts.overflowing_add(backslash);
    *prev = u64::from(overflow);
    (EVEN ^ (even_starts << 1)) & follows_escape
}

/// Bit i set when an odd number of bits at or below i are set: with unescaped quotes in,
/// the inside of strings (opening quote included, closing quote not).
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
}

/// Given `b[start]` is `{` or `[`, the index just past its matching bracket; `None` when the
/// text ends first. Brackets inside strings (escaped quotes included) do not count.
pub(crate) fn skip_container(b: &[u8], start: usize) -> Option<usize> {
    let (mut prev_escaped, mut in_string, mut depth) = (0u64, 0u64, 0u64);
    let mut at = start;
    let mut tail = [b' '; 64];
    while at < b.len() {
        let block: &[u8; 64] = match b.get(at..at + 64) {
            Some(full) => full.try_into().expect("64 bytes"),
            None => {
                let rest = &b[at..];
                tail[..rest.len()].copy_from_slice(rest);
                tail[rest.len()..].fill(b' ');
                &tail
            }
        };
        let m = classify(block);
        let quotes = m.quote & !escaped(m.backslash, &mut prev_escaped);
        let inside = prefix_xor(quotes) ^ in_string;
        in_string = 0u64.wrapping_sub(inside >> 63);
        let (open, close) = (m.open & !inside, m.close & !inside);
        let mut brackets = open | close;
        while brackets != 0 {
            let bit = brackets & brackets.wrapping_neg();
            if open & bit != 0 {
                depth += 1;
            } else {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(at + bit.trailing_zeros() as usize + 1);
                }
            }
            brackets ^= bit;
        }
        at += 64;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn brackets_and_escapes_inside_strings_do_not_count() {
        let cases: &[(&str, usize)] = &[
            (r#"{}"#, 2),
            (r#"[1,[2],{"a":"]}"}]tail"#, 18),
            (r#"{"a":"x\"}","b":"\\"}, "c""#, 21),
            (r#"{"k":"\\\"}\\"}xx"#, 15),
        ];
        for (text, end) in cases {
            assert_eq!(skip_container(text.as_bytes(), 0), Some(*end), "{text}");
        }
        assert_eq!(skip_container(br#"{"a":["#, 0), None);
        let long = format!(r#"{{"text":"{}","n":[{}]}}!"#, "ab\\\"c{[".repeat(50), "1,".repeat(40) + "2");
        assert_eq!(skip_container(long.as_bytes(), 0), Some(long.len() - 1));
        let offset = format!("xx{long}");
        assert_eq!(skip_container(offset.as_bytes(), 2), Some(offset.len() - 1));
    }

    fn json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<i64>().prop_map(serde_json::Value::from),
            "[a-z{}\\[\\]\"\\\\/ \n\t\u{e9}]{0,40}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
                prop::collection::vec(("[a-z\\[\\]{}\"]{0,6}", inner), 0..8)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Every serialized object or array, after any prefix, ends where serde_json says.
        #[test]
        fn ends_where_the_value_ends(v in json(), pad in 0usize..70) {
            let v = if v.is_object() || v.is_array() { v } else { serde_json::Value::Array(vec![v]) };
            let text = format!("{}{}  ,\"x\"", " ".repeat(pad), v);
            prop_assert_eq!(skip_container(text.as_bytes(), pad), Some(pad + v.to_string().len()));
        }

        /// Any bytes: no panic, and an end inside the text.
        #[test]
        fn never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let mut b = bytes;
            b.insert(0, b'{');
            if let Some(end) = skip_container(&b, 0) {
                prop_assert!(end <= b.len());
            }
        }
    }
}
