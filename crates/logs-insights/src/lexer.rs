//! The hand-written lexer: query text to [`Token`]s.
//!
//! Handles both string quotes with backslash escapes, backtick identifiers, `/regex/`
//! literals (told apart from division by the previous token), `@` system fields and `@@`
//! user fields, dotted names (`input.inputTokenCount`), time periods (`1h`) and `#`
//! comments. It collects every error instead of stopping at the first.

use crate::diagnostic::{Code, Diagnostic};
use crate::span::Span;
use crate::time::TimeUnit;

/// A token kind. Keywords are plain [`Tok::Ident`]s: Insights lets keywords be field names,
/// so the parser decides from context.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// `[A-Za-z_][.0-9A-Za-z_]*`, including keywords.
    Ident(String),
    /// A field written in backticks or with `@`: the canonical field name (`@timestamp`,
    /// `@@key`, `detail-type`).
    Field(String),
    /// A quoted string, escapes resolved.
    Str(String),
    /// A `/regex/` literal body, `\/` resolved to `/`.
    Regex(String),
    /// A number literal and its text.
    Number(f64, String),
    /// A time period such as `5m`.
    Period(u64, TimeUnit, String),
    Pipe,
    Comma,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Colon,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    Eq,
    EqEq,
    NotEq,
    Lt,
    Gt,
    Le,
    Ge,
    /// `=~` or `~=`.
    Match,
    Bang,
    Eof,
}

/// A token and where it is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// The lexer's output: tokens (always ending with `Eof`) and every `--` seen, for the
/// "comments start with #" hint.
pub(crate) struct Lexed {
    pub(crate) tokens: Vec<Token>,
    pub(crate) double_minus: Vec<Span>,
}

/// Words after which a `/` starts a regex rather than a division.
const REGEX_AFTER_WORDS: &[&str] = &[
    "like", "and", "or", "not", "filter", "where", "parse", "by", "fields", "display", "in", "matches", "stats", "sort", "dedup",
];

/// Lexes `src`, returning all tokens or all lexical errors.
pub(crate) fn lex(src: &str) -> Result<Lexed, Vec<Diagnostic>> {
    let bytes = src.as_bytes();
    let mut tokens: Vec<Token> = Vec::new();
    let mut errors = Vec::new();
    let mut double_minus = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let push = |tokens: &mut Vec<Token>, tok: Tok, end: usize| tokens.push(Token { tok, span: Span::new(start, end) });
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'#' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            b'"' | b'\'' => match lex_string(src, i, c) {
                Ok((s, end)) => {
                    push(&mut tokens, Tok::Str(s), end);
                    i = end;
                }
                Err(end) => {
                    errors.push(
                        Diagnostic::new(Code::E002UnterminatedString, Span::new(start, end), "unterminated string")
                            .with_help(format!("close the string with {}", c as char)),
                    );
                    i = end;
                }
            },
            b'`' => match memchr::memchr(b'`', &bytes[i + 1..]) {
                Some(n) => {
                    let name = src[i + 1..i + 1 + n].to_string();
                    push(&mut tokens, Tok::Field(name), i + n + 2);
                    i += n + 2;
                }
                None => {
                    errors.push(Diagnostic::new(
                        Code::E004UnterminatedBacktick,
                        Span::new(start, bytes.len()),
                        "unterminated backtick identifier",
                    ));
                    i = bytes.len();
                }
            },
            b'@' => {
                let (name, end) = lex_at_field(src, i);
                if name.len() <= 1 || name == "@@" {
                    errors.push(Diagnostic::new(
                        Code::E001UnexpectedChar,
                        Span::new(start, end.max(i + 1)),
                        "`@` must be followed by a field name",
                    ));
                    i = end.max(i + 1);
                } else {
                    push(&mut tokens, Tok::Field(name), end);
                    i = end;
                }
            }
            b'/' if regex_allowed(&tokens) => {
                let mut pat = String::new();
                let mut j = i + 1;
                let mut closed = false;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' if j + 1 < bytes.len() => {
                            let next = src[j + 1..].chars().next().unwrap_or('\\');
                            if next != '/' {
                                pat.push('\\');
                            }
                            pat.push(next);
                            j += 1 + next.len_utf8();
                        }
                        b'/' => {
                            closed = true;
                            j += 1;
                            break;
                        }
                        _ => {
                            let ch = src[j..].chars().next().unwrap_or('\u{fffd}');
                            pat.push(ch);
                            j += ch.len_utf8();
                        }
                    }
                }
                if closed {
                    push(&mut tokens, Tok::Regex(pat), j);
                } else {
                    errors.push(
                        Diagnostic::new(Code::E003UnterminatedRegex, Span::new(start, bytes.len()), "unterminated regex literal")
                            .with_help("close the regex with `/`; write a literal slash inside it as `\\/`"),
                    );
                }
                i = j;
            }
            b'0'..=b'9' => {
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                if j + 1 < bytes.len() && bytes[j] == b'.' && bytes[j + 1].is_ascii_digit() {
                    j += 1;
                    while j < bytes.len() && bytes[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                let num_end = j;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                    j += 1;
                }
                let text = &src[i..num_end];
                if j > num_end {
                    let unit = &src[num_end..j];
                    match (TimeUnit::parse(unit), text.parse::<u64>()) {
                        (Some(u), Ok(n)) => push(&mut tokens, Tok::Period(n, u, src[i..j].to_string()), j),
                        _ => errors.push(
                            Diagnostic::new(
                                Code::E005InvalidNumber,
                                Span::new(start, j),
                                format!("`{}` is neither a number nor a time period", &src[i..j]),
                            )
                            .with_help("time periods are a whole number and a unit: ms, s, m, h, d, w, mo, q, y"),
                        ),
                    }
                } else {
                    let value: f64 = text.parse().unwrap_or(f64::NAN);
                    push(&mut tokens, Tok::Number(value, text.to_string()), j);
                }
                i = j;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i + 1;
                while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'.') {
                    j += 1;
                }
                push(&mut tokens, Tok::Ident(src[i..j].to_string()), j);
                i = j;
            }
            _ => {
                let two = if i + 1 < bytes.len() { &bytes[i..i + 2] } else { &bytes[i..i + 1] };
                let (tok, len) = match two {
                    b"==" => (Tok::EqEq, 2),
                    b"!=" => (Tok::NotEq, 2),
                    b"<=" => (Tok::Le, 2),
                    b">=" => (Tok::Ge, 2),
                    b"=~" | b"~=" => (Tok::Match, 2),
                    _ => match c {
                        b'|' => (Tok::Pipe, 1),
                        b',' => (Tok::Comma, 1),
                        b'(' => (Tok::LParen, 1),
                        b')' => (Tok::RParen, 1),
                        b'[' => (Tok::LBracket, 1),
                        b']' => (Tok::RBracket, 1),
                        b':' => (Tok::Colon, 1),
                        b'+' => (Tok::Plus, 1),
                        b'-' => (Tok::Minus, 1),
                        b'*' => (Tok::Star, 1),
                        b'/' => (Tok::Slash, 1),
                        b'%' => (Tok::Percent, 1),
                        b'^' => (Tok::Caret, 1),
                        b'=' => (Tok::Eq, 1),
                        b'<' => (Tok::Lt, 1),
                        b'>' => (Tok::Gt, 1),
                        b'!' => (Tok::Bang, 1),
                        _ => {
                            let ch = src[i..].chars().next().unwrap_or('\u{fffd}');
                            let end = i + ch.len_utf8();
                            errors.push(Diagnostic::new(
                                Code::E001UnexpectedChar,
                                Span::new(start, end),
                                format!("unexpected character `{ch}`"),
                            ));
                            i = end;
                            continue;
                        }
                    },
                };
                if tok == Tok::Minus && bytes.get(i + 1) == Some(&b'-') {
                    double_minus.push(Span::new(i, i + 2));
                }
                push(&mut tokens, tok, i + len);
                i += len;
            }
        }
    }
    tokens.push(Token { tok: Tok::Eof, span: Span::new(bytes.len(), bytes.len()) });
    if errors.is_empty() { Ok(Lexed { tokens, double_minus }) } else { Err(errors) }
}

/// A `/` starts a regex unless the previous token ends an operand; `parse <field> /re/`
/// is the one place a regex follows a field.
fn regex_allowed(tokens: &[Token]) -> bool {
    if let [.., Token { tok: Tok::Ident(kw), .. }, Token { tok: Tok::Ident(_) | Tok::Field(_), .. }] = tokens
        && kw.eq_ignore_ascii_case("parse")
    {
        return true;
    }
    match tokens.last().map(|t| &t.tok) {
        None => true,
        Some(Tok::Ident(word)) => REGEX_AFTER_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)),
        Some(Tok::Field(_) | Tok::Str(_) | Tok::Regex(_) | Tok::Number(..) | Tok::Period(..) | Tok::RParen | Tok::RBracket) => {
            false
        }
        Some(_) => true,
    }
}

/// Lexes a quoted string starting at `start` (the quote). Returns the value and the end
/// offset, or the end offset of the unterminated text.
fn lex_string(src: &str, start: usize, quote: u8) -> Result<(String, usize), usize> {
    let mut out = String::new();
    let mut chars = src[start + 1..].char_indices();
    while let Some((off, ch)) = chars.next() {
        let at = start + 1 + off;
        if ch as u32 == quote as u32 {
            return Ok((out, at + 1));
        }
        if ch == '\\' {
            match chars.next() {
                Some((_, esc)) => match esc {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    '\\' => out.push('\\'),
                    '"' => out.push('"'),
                    '\'' => out.push('\''),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                },
                None => return Err(src.len()),
            }
        } else {
            out.push(ch);
        }
    }
    Err(src.len())
}

/// Lexes `@name`, `@@name` or `` @`name` `` starting at the `@`.
fn lex_at_field(src: &str, start: usize) -> (String, usize) {
    let bytes = src.as_bytes();
    let mut j = start + 1;
    let mut name = String::from("@");
    if bytes.get(j) == Some(&b'@') {
        name.push('@');
        j += 1;
    }
    if bytes.get(j) == Some(&b'`') {
        if let Some(n) = memchr::memchr(b'`', &bytes[j + 1..]) {
            name.push_str(&src[j + 1..j + 1 + n]);
            return (name, j + n + 2);
        }
        return (name, bytes.len());
    }
    let id_start = j;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_' || bytes[j] == b'.') {
        j += 1;
    }
    name.push_str(&src[id_start..j]);
    (name, j)
}

/// True when `name` can be written without backticks.
pub(crate) fn is_raw_ident(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}
