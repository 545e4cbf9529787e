//! The scanning primitives every parser here shares: a [`Cursor`] over the pattern text
//! (whitespace, literal tokens, case-insensitive keywords) and the `"..."` string reader.
//!
//! Positions are byte offsets; `base` is where the cursor's text starts in the pattern as the
//! caller gave it (the leading whitespace that `parse` trims), so errors point into that text.

use crate::codes::ErrorCode;
use crate::error::FilterPatternError;

/// A position in a pattern's text.
pub(crate) struct Cursor<'a> {
    /// The text being read (the trimmed pattern).
    pub(crate) src: &'a str,
    /// Byte offset into `src`.
    pub(crate) pos: usize,
    /// Byte offset of `src` in the caller's pattern.
    pub(crate) base: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(src: &'a str, pos: usize, base: usize) -> Cursor<'a> {
        Cursor { src, pos, base }
    }

    /// The error of `code` at the cursor.
    pub(crate) fn error(&self, code: ErrorCode) -> FilterPatternError {
        FilterPatternError::new(code, self.base + self.pos)
    }

    /// The text from the cursor on.
    pub(crate) fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos == self.src.len()
    }

    /// Skips Unicode whitespace.
    pub(crate) fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Eats `token` if the text continues with it.
    pub(crate) fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    /// Eats a keyword (ASCII case-insensitive) followed by a character that cannot continue a
    /// word (anything but an ASCII letter, digit or `_`), or by the end.
    pub(crate) fn eat_keyword(&mut self, word: &str) -> bool {
        let rest = self.rest();
        let matches = rest.len() >= word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
            && !rest[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        if matches {
            self.pos += word.len();
        }
        matches
    }

    /// Eats the longest run of characters satisfying `keep`, and returns it.
    pub(crate) fn eat_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let len = rest.find(|c: char| !keep(c)).unwrap_or(rest.len());
        self.pos += len;
        &rest[..len]
    }

    /// Reads a quoted string at the cursor (which is on its `"`), leaving the cursor after the
    /// closing quote. An unterminated string is an error at the opening quote.
    pub(crate) fn quoted(&mut self) -> Result<String, FilterPatternError> {
        match quoted(self.src, self.pos) {
            Some((text, next)) => {
                self.pos = next;
                Ok(text)
            }
            None => Err(self.error(ErrorCode::UnterminatedString)),
        }
    }
}

/// Reads the `"..."` string whose opening quote is at byte `at` of `src`: a backslash takes the
/// next character literally (`\"`, `\\`, `\x` → `x`). Returns the text and the offset after
/// the closing quote, or `None` when the string does not end.
pub(crate) fn quoted(src: &str, at: usize) -> Option<(String, usize)> {
    let body = src.get(at + 1..)?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, at + 1 + i + 1)),
            '\\' => out.push(chars.next()?.1),
            c => out.push(c),
        }
    }
    None
}

/// `text` as a `"..."` string that [`quoted`] reads back unchanged.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::{quote, quoted};

    #[test]
    fn quoted_strings() {
        assert_eq!(quoted(r#""a b" c"#, 0), Some(("a b".to_owned(), 5)));
        assert_eq!(quoted(r#"x"a\"b\\c\d""#, 1), Some((r#"a"b\cd"#.to_owned(), 12)));
        assert_eq!(quoted(r#""open"#, 0), None);
        assert_eq!(quoted(r#""trailing\"#, 0), None);
        assert_eq!(quoted("\"é\"", 0), Some(("é".to_owned(), 4)));
    }

    #[test]
    fn quote_round_trips() {
        for text in ["", "a", r#"a"b"#, r"a\b", "é \"\\"] {
            assert_eq!(quoted(&quote(text), 0), Some((text.to_owned(), quote(text).len())));
        }
    }
}
