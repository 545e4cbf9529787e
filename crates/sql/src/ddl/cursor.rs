//! A cursor over a statement's text for the hand-written Hive DDL parser: whitespace and
//! comments skipped, keywords matched case-insensitively on word boundaries, identifiers (bare,
//! `back-quoted` or "double-quoted", lower-cased as Athena stores them), string literals, and
//! the raw text of a column type up to the `,` or `)` that ends it.

use crate::error::SqlError;

pub(crate) struct Cursor<'a> {
    pub(crate) text: &'a str,
    pub(crate) pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// `line L:C` of the current position, as Athena's messages say it.
    pub(crate) fn where_(&self) -> String {
        let before = &self.text[..self.pos.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rfind('\n').map_or(before.len(), |i| before.len() - i - 1) + 1;
        format!("line {line}:{col}")
    }

    pub(crate) fn error(&self, what: impl std::fmt::Display) -> SqlError {
        SqlError::Syntax(format!("{}: {what}", self.where_()))
    }

    pub(crate) fn skip_ws(&mut self) {
        let b = self.bytes();
        loop {
            while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if b[self.pos..].starts_with(b"--") {
                while self.pos < b.len() && b[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else if b[self.pos..].starts_with(b"/*") {
                self.pos = self.text[self.pos + 2..].find("*/").map_or(b.len(), |i| self.pos + 2 + i + 2);
            } else {
                return;
            }
        }
    }

    pub(crate) fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.text[self.pos..].trim_end_matches(|c: char| c == ';' || c.is_whitespace()).is_empty()
    }

    /// Consumes `kw` if it is the next word.
    pub(crate) fn keyword(&mut self, kw: &str) -> bool {
        self.skip_ws();
        let rest = &self.bytes()[self.pos..];
        if rest.len() >= kw.len()
            && rest[..kw.len()].eq_ignore_ascii_case(kw.as_bytes())
            && rest.get(kw.len()).is_none_or(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        {
            self.pos += kw.len();
            true
        } else {
            false
        }
    }

    /// Consumes the keywords in order, or none of them.
    pub(crate) fn keywords(&mut self, kws: &[&str]) -> bool {
        let start = self.pos;
        if kws.iter().all(|kw| self.keyword(kw)) {
            true
        } else {
            self.pos = start;
            false
        }
    }

    pub(crate) fn expect_keyword(&mut self, kw: &str) -> Result<(), SqlError> {
        if self.keyword(kw) { Ok(()) } else { Err(self.error(format!("expected {kw}, found {}", self.peek_word()))) }
    }

    /// The next word (for messages), without consuming it.
    pub(crate) fn peek_word(&self) -> String {
        let mut c = Cursor { text: self.text, pos: self.pos };
        c.skip_ws();
        let rest = &self.text[c.pos..];
        if rest.is_empty() {
            return "end of statement".to_owned();
        }
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len()).max(1);
        format!("'{}'", &rest[..end.min(rest.len())])
    }

    pub(crate) fn peek_char(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes().get(self.pos).copied()
    }

    pub(crate) fn eat_char(&mut self, c: u8) -> bool {
        if self.peek_char() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect_char(&mut self, c: u8) -> Result<(), SqlError> {
        if self.eat_char(c) { Ok(()) } else { Err(self.error(format!("expected '{}', found {}", c as char, self.peek_word()))) }
    }

    /// An identifier, lower-cased: a word, `back-quoted` or "double-quoted".
    pub(crate) fn ident(&mut self) -> Result<String, SqlError> {
        self.skip_ws();
        let b = self.bytes();
        match b.get(self.pos) {
            Some(&q @ (b'`' | b'"')) => {
                let start = self.pos + 1;
                let end = self.text[start..].find(q as char).ok_or_else(|| self.error("unclosed quoted name"))? + start;
                self.pos = end + 1;
                Ok(self.text[start..end].to_ascii_lowercase())
            }
            Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => {
                let start = self.pos;
                while self.pos < b.len() && (b[self.pos].is_ascii_alphanumeric() || b[self.pos] == b'_') {
                    self.pos += 1;
                }
                Ok(self.text[start..self.pos].to_ascii_lowercase())
            }
            _ => Err(self.error(format!("expected a name, found {}", self.peek_word()))),
        }
    }

    /// `name` or `db.name`.
    pub(crate) fn qualified(&mut self) -> Result<(Option<String>, String), SqlError> {
        let first = self.ident()?;
        if self.eat_char(b'.') { Ok((Some(first), self.ident()?)) } else { Ok((None, first)) }
    }

    /// A single-quoted string literal (`''` is a quote; `\'` too, as Hive reads it).
    pub(crate) fn string(&mut self) -> Result<String, SqlError> {
        self.skip_ws();
        let b = self.bytes();
        let q = match b.get(self.pos) {
            Some(&q @ (b'\'' | b'"')) => q,
            _ => return Err(self.error(format!("expected a quoted string, found {}", self.peek_word()))),
        };
        let mut out = String::new();
        let mut i = self.pos + 1;
        loop {
            let Some(&c) = b.get(i) else { return Err(self.error("unclosed string")) };
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1] as char);
                i += 2;
            } else if c == q {
                if b.get(i + 1) == Some(&q) {
                    out.push(q as char);
                    i += 2;
                } else {
                    self.pos = i + 1;
                    return Ok(out);
                }
            } else {
                let ch = self.text[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }

    /// The raw text of a column type: up to a `,` or `)` outside `<>`/`()`, or `COMMENT`.
    pub(crate) fn type_text(&mut self) -> Result<&'a str, SqlError> {
        self.skip_ws();
        let b = self.bytes();
        let start = self.pos;
        let mut depth = 0i32;
        let mut i = self.pos;
        while i < b.len() {
            match b[i] {
                b'<' | b'(' => depth += 1,
                b'>' => depth -= 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b',' if depth == 0 => break,
                b'`' => i = self.text[i + 1..].find('`').map_or(b.len(), |j| i + 1 + j),
                c if depth == 0 && c.is_ascii_whitespace() => {
                    let save = self.pos;
                    self.pos = i;
                    let comment = self.keyword("COMMENT");
                    self.pos = save;
                    if comment {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.pos = i;
        let text = self.text[start..i].trim();
        if text.is_empty() { Err(self.error("expected a column type")) } else { Ok(text) }
    }

    /// `('k'='v', ...)`.
    pub(crate) fn properties(&mut self) -> Result<Vec<(String, String)>, SqlError> {
        self.expect_char(b'(')?;
        let mut out = Vec::new();
        if self.eat_char(b')') {
            return Ok(out);
        }
        loop {
            let k = self.string()?;
            self.expect_char(b'=')?;
            let v = self.string()?;
            out.push((k, v));
            if !self.eat_char(b',') {
                break;
            }
        }
        self.expect_char(b')')?;
        Ok(out)
    }
}
