//! String functions: `isempty`, `isblank`, `concat`, `ltrim`/`rtrim`/`trim`, `strlen`,
//! `toupper`/`tolower`, `substr`, `replace`, `strcontains`, `startsWith`/`endsWith`,
//! `urlencode`/`urldecode`, `base64encode`/`base64decode`, `split`, `hexToAscii`,
//! `hexToDec`, `decToHex`. Null and MAP/LIST inputs give null unless noted.

use crate::choices::truthy;
use crate::value::Value;
use std::borrow::Cow;
use std::sync::Arc;

/// The text of argument `i`, or return null from the calling function.
macro_rules! text {
    ($args:expr, $i:expr) => {
        match $args.get($i).and_then(Value::text) {
            Some(t) => t,
            None => return Value::Null,
        }
    };
}

/// Keeps a borrowed slice borrowed when the argument itself borrowed from the event.
fn sub<'a>(v: &Value<'a>, f: impl Fn(&str) -> &str) -> Value<'a> {
    match v {
        Value::Str(Cow::Borrowed(s)) => Value::Str(Cow::Borrowed(f(s))),
        other => match other.text() {
            Some(t) => Value::str(f(&t).to_string()),
            None => Value::Null,
        },
    }
}

/// `isempty(f)`: 1 when missing or `""`.
pub(super) fn isempty<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::Bool(args[0].text().is_none_or(|t| t.is_empty()))
}

/// `isblank(f)`: 1 when missing, `""`, or only whitespace.
pub(super) fn isblank<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::Bool(args[0].text().is_none_or(|t| t.trim().is_empty()))
}

/// `concat(a, b, ...)`: null arguments count as empty strings; all-null gives null.
pub(super) fn concat<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    if args.iter().all(Value::is_null) {
        return Value::Null;
    }
    let mut out = String::new();
    for a in args.iter() {
        if let Some(t) = a.text() {
            out.push_str(&t);
        }
    }
    Value::str(out)
}

fn trim_with<'a>(args: &mut [Value<'a>], left: bool, right: bool) -> Value<'a> {
    let set: Option<Vec<char>> = if args.len() > 1 {
        match args[1].text() {
            Some(t) => Some(t.chars().collect()),
            None => return Value::Null,
        }
    } else {
        None
    };
    sub(&args[0], |s| {
        let is_trimmed = |c: char| match &set {
            Some(set) => set.contains(&c),
            None => c.is_whitespace(),
        };
        let s = if left { s.trim_start_matches(is_trimmed) } else { s };
        if right { s.trim_end_matches(is_trimmed) } else { s }
    })
}

/// `ltrim(s[, chars])`: the optional argument is a set of characters.
pub(super) fn ltrim<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    trim_with(args, true, false)
}

pub(super) fn rtrim<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    trim_with(args, false, true)
}

pub(super) fn trim<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    trim_with(args, true, true)
}

/// `strlen(s)`: Unicode code points.
pub(super) fn strlen<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let t = text!(args, 0);
    Value::Int(t.chars().count() as i64)
}

pub(super) fn toupper<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::str(text!(args, 0).to_uppercase())
}

pub(super) fn tolower<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::str(text!(args, 0).to_lowercase())
}

/// `substr(s, start[, len])`: 0-based code-point positions; out-of-range parts are empty.
pub(super) fn substr<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let Some(start) = args[1].f64() else { return Value::Null };
    let len = if args.len() > 2 {
        match args[2].f64() {
            Some(l) => Some(l.max(0.0) as usize),
            None => return Value::Null,
        }
    } else {
        None
    };
    let start = start.max(0.0) as usize;
    sub(&args[0], |s| {
        let begin = s.char_indices().nth(start).map_or(s.len(), |(i, _)| i);
        let rest = &s[begin..];
        match len {
            Some(l) => &rest[..rest.char_indices().nth(l).map_or(rest.len(), |(i, _)| i)],
            None => rest,
        }
    })
}

/// `replace(s, search, replacement)`: literal, every occurrence.
pub(super) fn replace<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let (s, from, to) = (text!(args, 0), text!(args, 1), text!(args, 2));
    if from.is_empty() {
        return Value::str(s.into_owned());
    }
    Value::str(s.replace(from.as_ref(), &to))
}

/// `strcontains(s, sub[, ignoreCase])`: 1 or 0.
pub(super) fn strcontains<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let (s, needle) = (text!(args, 0), text!(args, 1));
    let ignore_case = args.len() > 2 && truthy(&args[2]);
    Value::Bool(if ignore_case { s.to_lowercase().contains(&needle.to_lowercase()) } else { s.contains(needle.as_ref()) })
}

pub(super) fn starts_with<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let (s, p) = (text!(args, 0), text!(args, 1));
    Value::Bool(s.starts_with(p.as_ref()))
}

pub(super) fn ends_with<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let (s, p) = (text!(args, 0), text!(args, 1));
    Value::Bool(s.ends_with(p.as_ref()))
}

/// `urlencode(s)`: percent-encodes everything but RFC 3986 unreserved characters.
pub(super) fn urlencode<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let s = text!(args, 0);
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Value::str(out)
}

/// `urldecode(s)`: `%XX` sequences and `+` as space; null when the result is not UTF-8.
pub(super) fn urldecode<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let s = text!(args, 0);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 3 <= b.len() => match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                Ok(v) => {
                    out.push(v);
                    i += 3;
                }
                Err(_) => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_or(Value::Null, Value::str)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `base64encode(s)`: standard alphabet with padding.
pub(super) fn base64encode<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let s = text!(args, 0);
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = (chunk[0] as u32) << 16 | (*chunk.get(1).unwrap_or(&0) as u32) << 8 | *chunk.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    Value::str(out)
}

/// `base64decode(s)`: null when the input is not valid base64 of UTF-8 text.
pub(super) fn base64decode<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let s = text!(args, 0);
    let mut bits = 0u32;
    let mut n_bits = 0;
    let mut out = Vec::new();
    for c in s.trim().bytes().take_while(|&c| c != b'=') {
        let Some(v) = B64.iter().position(|&x| x == c) else { return Value::Null };
        bits = bits << 6 | v as u32;
        n_bits += 6;
        if n_bits >= 8 {
            n_bits -= 8;
            out.push((bits >> n_bits) as u8);
            bits &= (1 << n_bits) - 1;
        }
    }
    String::from_utf8(out).map_or(Value::Null, Value::str)
}

/// `split(s, delimiter)`: a LIST of the parts.
pub(super) fn split<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let (s, d) = (text!(args, 0), text!(args, 1));
    let parts: Vec<serde_json::Value> = if d.is_empty() {
        s.chars().map(|c| serde_json::Value::String(c.to_string())).collect()
    } else {
        s.split(d.as_ref()).map(|p| serde_json::Value::String(p.to_string())).collect()
    };
    Value::Json(Arc::new(serde_json::Value::Array(parts)))
}

/// `hexToAscii(hex)`: null when the input is not pairs of hex digits forming UTF-8.
pub(super) fn hex_to_ascii<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let s = text!(args, 0);
    let h = s.trim().trim_start_matches("0x");
    if h.len() % 2 != 0 {
        return Value::Null;
    }
    let bytes: Option<Vec<u8>> = (0..h.len()).step_by(2).map(|i| u8::from_str_radix(h.get(i..i + 2)?, 16).ok()).collect();
    bytes.and_then(|b| String::from_utf8(b).ok()).map_or(Value::Null, Value::str)
}

/// `hexToDec(hex)`: an integer, `0x` prefix optional.
pub(super) fn hex_to_dec<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let s = text!(args, 0);
    let h = s.trim();
    let h = h.strip_prefix("0x").or_else(|| h.strip_prefix("0X")).unwrap_or(h);
    i64::from_str_radix(h, 16).map_or(Value::Null, Value::Int)
}

/// `decToHex(n)`: lower-case hex of an integer.
pub(super) fn dec_to_hex<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match args[0].num() {
        Some(n) if n.f64().fract() == 0.0 && n.f64() >= 0.0 => Value::str(format!("{:x}", n.f64() as u64)),
        _ => Value::Null,
    }
}
