//! The scan half of the field extractor: walks a message's raw JSON bytes once against the
//! trie of wanted paths the checker compiled (`plan/extractor.rs`) and captures only those,
//! skipping everything else without building a tree.
//!
//! Array elements are segments `0`, `1`, ... A JSON key that itself contains dots matches
//! the same flattened path. Strings are skipped with `memchr` (a quote not preceded by an
//! odd run of backslashes ends them). Captured strings borrow from the message unless they
//! contain escapes. Scanning stops as soon as every wanted leaf has been seen. Malformed
//! JSON stops the walk; what was captured stays.

use crate::plan::Extractor;
use crate::value::Value;
use std::borrow::Cow;

impl Extractor {
    fn child(&self, node: u32, key: &[u8]) -> Option<u32> {
        let mut cur = node;
        // Fast path: a key without dots is one segment. Keys are short: plain loops beat the
        // calls to memchr and memcmp here.
        #[allow(clippy::manual_contains, reason = "`contains` calls memchr, slower on keys of a few bytes")]
        if !key.iter().any(|&c| c == b'.') {
            return self.nodes[cur as usize].children.iter().find(|(k, _)| same(k, key)).map(|(_, n)| *n);
        }
        for seg in key.split(|&b| b == b'.') {
            cur = self.nodes[cur as usize].children.iter().find(|(k, _)| &k[..] == seg).map(|(_, n)| *n)?;
        }
        Some(cur)
    }

    /// Captures the wanted leaves of `msg` into `row`.
    pub(crate) fn extract<'a>(&self, msg: &'a [u8], row: &mut [Value<'a>]) {
        if self.n_leaves == 0 {
            return;
        }
        let mut s = Scanner { b: msg, i: 0, found: 0, want: self.n_leaves };
        s.ws();
        if s.peek() == Some(b'{') {
            let _ = s.object(self, 0, row);
        }
    }
}

/// Why a walk stopped early.
enum Stop {
    /// Every wanted leaf is captured.
    Done,
    Malformed,
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    found: usize,
    want: usize,
}

type Step = Result<(), Stop>;

impl<'a> Scanner<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// At an opening quote: returns the body range and advances past the closing quote.
    #[inline]
    fn string(&mut self) -> Result<(usize, usize), Stop> {
        let start = self.i + 1;
        let mut j = start;
        loop {
            let q = next_quote(self.b, j).ok_or(Stop::Malformed)?;
            let mut k = q;
            while k > start && self.b[k - 1] == b'\\' {
                k -= 1;
            }
            if (q - k).is_multiple_of(2) {
                self.i = q + 1;
                return Ok((start, q));
            }
            j = q + 1;
        }
    }

    fn object(&mut self, ex: &Extractor, node: u32, row: &mut [Value<'a>]) -> Step {
        self.i += 1; // '{'
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(Stop::Malformed);
            }
            let (ks, ke) = self.string()?;
            let raw_key = &self.b[ks..ke];
            let child = if memchr::memchr(b'\\', raw_key).is_some() {
                let key = unescape(&self.b[ks - 1..ke + 1]);
                ex.child(node, key.as_bytes())
            } else {
                ex.child(node, raw_key)
            };
            self.ws();
            if self.peek() != Some(b':') {
                return Err(Stop::Malformed);
            }
            self.i += 1;
            self.ws();
            match child {
                Some(c) => self.value(ex, c, row)?,
                None => self.skip()?,
            }
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(Stop::Malformed),
            }
        }
    }

    fn array(&mut self, ex: &Extractor, node: u32, row: &mut [Value<'a>]) -> Step {
        self.i += 1; // '['
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(());
        }
        let mut idx = 0usize;
        let mut buf = [0u8; 20];
        loop {
            let key = fmt_index(idx, &mut buf);
            match ex.child(node, key) {
                Some(c) => self.value(ex, c, row)?,
                None => self.skip()?,
            }
            idx += 1;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(Stop::Malformed),
            }
        }
    }

    fn capture(&mut self, slot: Option<u32>, row: &mut [Value<'a>], v: impl FnOnce() -> Value<'a>) -> Step {
        if let Some(slot) = slot {
            let cell = &mut row[slot as usize];
            if cell.is_null() {
                *cell = v();
                self.found += 1;
                if self.found == self.want {
                    return Err(Stop::Done);
                }
            }
        }
        Ok(())
    }

    fn value(&mut self, ex: &Extractor, node: u32, row: &mut [Value<'a>]) -> Step {
        let n = &ex.nodes[node as usize];
        let slot = n.slot;
        match self.peek() {
            Some(b'{' | b'[') if n.raw => {
                let start = self.i;
                self.skip()?;
                let b = self.b;
                let end = self.i;
                self.capture(slot, row, || match serde_json::from_slice::<serde_json::Value>(&b[start..end]) {
                    Ok(v) => Value::Json(std::sync::Arc::new(v)),
                    Err(_) => Value::Null,
                })
            }
            Some(b'{') if !n.children.is_empty() => self.object(ex, node, row),
            Some(b'[') if !n.children.is_empty() => self.array(ex, node, row),
            Some(b'"') => {
                let (s, e) = self.string()?;
                let b = self.b;
                self.capture(slot, row, || {
                    let body = &b[s..e];
                    if memchr::memchr(b'\\', body).is_some() {
                        Value::Str(Cow::Owned(unescape(&b[s - 1..e + 1])))
                    } else {
                        match std::str::from_utf8(body) {
                            Ok(t) => Value::Str(Cow::Borrowed(t)),
                            Err(_) => Value::Str(Cow::Owned(String::from_utf8_lossy(body).into_owned())),
                        }
                    }
                })
            }
            Some(b't') => self.literal(b"true", slot, row, crate::choices::json_bool(true)),
            Some(b'f') => self.literal(b"false", slot, row, crate::choices::json_bool(false)),
            Some(b'n') => self.literal(b"null", None, row, Value::Null),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.i;
                while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.peek() {
                    self.i += 1;
                }
                let text = &self.b[start..self.i];
                self.capture(slot, row, || number(text))
            }
            _ => self.skip(),
        }
    }

    fn literal(&mut self, word: &[u8], slot: Option<u32>, row: &mut [Value<'a>], v: Value<'a>) -> Step {
        if !self.b[self.i..].starts_with(word) {
            return Err(Stop::Malformed);
        }
        self.i += word.len();
        self.capture(slot, row, || v)
    }

    /// Skips one value of any kind.
    fn skip(&mut self) -> Step {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'{' | b'[') => {
                self.i = super::json_skip::skip_container(self.b, self.i).ok_or(Stop::Malformed)?;
                Ok(())
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\t' | b'\r') {
                        return Ok(());
                    }
                    self.i += 1;
                }
                Ok(())
            }
            None => Err(Stop::Malformed),
        }
    }
}

/// Whether two short byte strings are equal (length and first byte first).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.first() == b.first() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The next `"` at or after `from`. Keys and short values end within a few bytes, so the
/// first 32 bytes are searched eight at a time in a register (SWAR); longer strings go to memchr.
#[inline]
fn next_quote(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    let near_end = (from + 32).min(b.len());
    while i + 8 <= near_end {
        let word = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        let x = word ^ (ONES * u64::from(b'"'));
        // The lowest set high bit marks the first zero byte of `x`: the first quote.
        let found = x.wrapping_sub(ONES) & !x & HIGHS;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    memchr::memchr(b'"', b.get(i..)?).map(|k| i + k)
}

fn fmt_index(mut n: usize, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// A JSON number: an integer when it has no fraction or exponent and fits `i64`.
fn number(text: &[u8]) -> Value<'static> {
    let t = std::str::from_utf8(text).unwrap_or("");
    if let Ok(i) = t.parse::<i64>() {
        return Value::Int(i);
    }
    t.parse::<f64>().map_or(Value::Null, Value::float)
}

/// Decodes a quoted JSON string (quotes included) with escapes.
fn unescape(quoted: &[u8]) -> String {
    serde_json::from_slice::<String>(quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(&quoted[1..quoted.len() - 1]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(json: &str, paths: &[&str]) -> Vec<Option<String>> {
        let mut ex = Extractor::default();
        for (i, p) in paths.iter().enumerate() {
            ex.add(p, i as u32);
        }
        let mut row = vec![Value::Null; paths.len()];
        ex.extract(json.as_bytes(), &mut row);
        row.iter().map(crate::choices::render).collect()
    }

    #[test]
    fn extracts_nested_paths_and_arrays() {
        let json = r#"{"a": {"b": 1, "s": "x\"y", "arr": [{"id": "p"}, {"id": "q"}]}, "skip": {"deep": [1, {"z": "}"}]}, "t": true, "n": null, "f": -2.5e1, "dotted.key": 7}"#;
        let got = run(json, &["a.b", "a.s", "a.arr.1.id", "t", "n", "f", "dotted.key", "missing", "a"]);
        let want = [Some("1"), Some("x\"y"), Some("q"), Some("true"), None, Some("-25"), Some("7"), None, None];
        assert_eq!(got, want.map(|s| s.map(String::from)));
    }

    #[test]
    fn survives_malformed_input() {
        assert_eq!(run(r#"{"a": "unterminated"#, &["a"]), vec![None]);
        assert_eq!(run("not json", &["a"]), vec![None]);
        assert_eq!(run(r#"{"a": 1, "b"#, &["a", "b"]), vec![Some("1".into()), None]);
        assert_eq!(run(r#"{"a\\": 1, "b": "\\"}"#, &["b"]), vec![Some("\\".into())]);
    }
}
