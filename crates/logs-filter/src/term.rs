//! Term patterns: `ERROR`, `"two words"`, `-excluded`, `?either ?or`; their parser and matcher.
//!
//! Terms are separated by ASCII whitespace. A term is a run of characters without whitespace
//! or `"`, or a `"..."` string (backslash escapes). `-` before a term excludes it, `?` makes it
//! one of a set of which at least one must appear. A term matches as a case-sensitive substring
//! anywhere in the message (AWS tokenises the message; see ARCHITECTURE.md, "filter pattern terms").

use crate::codes::ErrorCode;
use crate::error::FilterPatternError;
use crate::lexer;

/// A compiled term pattern.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TermPattern {
    /// Terms that must all appear.
    pub all: Vec<String>,
    /// `-term`s, none of which may appear.
    pub none: Vec<String>,
    /// `?term`s: when there are any, at least one must appear.
    pub any: Vec<String>,
}

impl TermPattern {
    /// Whether `message` has every required term, no excluded one and (if any) one optional one.
    pub fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
    }
}

/// Parses the (trimmed, non-empty) term pattern `src`, which starts at byte `base` of the
/// caller's pattern.
pub(crate) fn parse_terms(src: &str, base: usize) -> Result<TermPattern, FilterPatternError> {
    let mut pattern = TermPattern::default();
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let list = match bytes[i] {
            b'-' => {
                i += 1;
                &mut pattern.none
            }
            b'?' => {
                i += 1;
                &mut pattern.any
            }
            _ => &mut pattern.all,
        };
        let term = if bytes.get(i) == Some(&b'"') {
            let Some((text, next)) = lexer::quoted(src, i) else {
                return Err(FilterPatternError::new(ErrorCode::UnterminatedString, base + i));
            };
            i = next;
            if bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
                return Err(FilterPatternError::new(ErrorCode::TextAfterQuotedTerm, base + i));
            }
            text
        } else {
            let from = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                if bytes[i] == b'"' {
                    return Err(FilterPatternError::new(ErrorCode::QuoteInUnquotedTerm, base + i));
                }
                i += 1;
            }
            // `i` stops at ASCII whitespace or the end: a character boundary.
            src[from..i].to_owned()
        };
        if term.is_empty() {
            return Err(FilterPatternError::new(ErrorCode::EmptyTerm, base + start));
        }
        list.push(term);
    }
    Ok(pattern)
}

#[cfg(test)]
mod tests {
    use super::parse_terms;
    use crate::codes::ErrorCode;

    #[test]
    fn sorts_terms_by_prefix() {
        let p = parse_terms(r#"a -b ?c "d e" -"f" ?"g\"h" i-j"#, 0).unwrap();
        assert_eq!(p.all, ["a", "d e", "i-j"]);
        assert_eq!(p.none, ["b", "f"]);
        assert_eq!(p.any, ["c", "g\"h"]);
    }

    #[test]
    fn errors_point_at_the_fault() {
        for (src, code, at) in [
            ("a \"open", ErrorCode::UnterminatedString, 2),
            ("-\"a\"b", ErrorCode::TextAfterQuotedTerm, 4),
            ("ab\"c", ErrorCode::QuoteInUnquotedTerm, 2),
            ("a - b", ErrorCode::EmptyTerm, 2),
            ("a \"\"", ErrorCode::EmptyTerm, 2),
        ] {
            let err = parse_terms(src, 10).unwrap_err();
            assert_eq!((err.code, err.position), (code, 10 + at), "{src:?}");
        }
    }
}
