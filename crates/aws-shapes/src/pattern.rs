//! Smithy `@pattern` regexes (Java syntax) compiled for Rust as whole-string matches.
//!
//! Bedrock full-matches patterns (the real modelId error in n8n-io/n8n #9084 rejects a value that
//! *contains* matching substrings). Java's `\s` is ASCII (`[ \t\n\x0B\f\r]`) while Rust's is
//! Unicode, so `\s` is rewritten to the explicit ASCII set before compiling; a surrogate-pair
//! range (`\uD800\uDC00-\uDBFF\uDFFF`) becomes the supplementary planes.

use regex::Regex;

/// A compiled model pattern: the text as the model spells it (for error messages) and the
/// anchored Rust regex.
#[derive(Debug)]
pub struct ModelPattern {
    source: String,
    regex: Regex,
}

impl ModelPattern {
    /// Compiles a model pattern. Panics only on a pattern the shipped models do not contain
    /// (the embedded models are checked by a unit test).
    pub fn new(source: &str) -> ModelPattern {
        // Java patterns spell the supplementary planes as a surrogate-pair range (Athena's
        // strings); Rust's regex works on scalar values, so that range is written as one.
        let source_scalars = source.replace(r"\uD800\uDC00-\uDBFF\uDFFF", r"\x{10000}-\x{10FFFF}");
        let translated = translate_java(&source_scalars);
        let regex = Regex::new(&format!("^(?:{translated})$"))
            .unwrap_or_else(|e| panic!("model pattern {source:?} does not compile: {e}"));
        ModelPattern { source: source.to_owned(), regex }
    }

    /// The pattern text exactly as the model (and AWS's error message) spells it.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whole-string match.
    pub fn is_match(&self, value: &str) -> bool {
        self.regex.is_match(value)
    }
}

/// Rewrites Java-only syntax to Rust `regex` syntax: `\s` to the ASCII whitespace set, and a
/// `-` directly after a range inside a class (`[0-9-:]`, literal in Java) to `\-`.
fn translate_java(source: &str) -> String {
    const WS_IN_CLASS: &str = r"\t\n\x0B\x0C\r ";
    let mut out = String::with_capacity(source.len() + 16);
    let chars: Vec<char> = source.chars().collect();
    let mut in_class = false;
    let mut i = 0;
    // Tracks whether the previous class item was a complete range `a-b`.
    let mut after_range = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if n == 's' {
                if in_class {
                    out.push_str(WS_IN_CLASS);
                } else {
                    out.push('[');
                    out.push_str(WS_IN_CLASS);
                    out.push(']');
                }
            } else {
                out.push(c);
                out.push(n);
            }
            after_range = false;
            i += 2;
            continue;
        }
        if in_class {
            match c {
                ']' => {
                    in_class = false;
                    out.push(c);
                }
                '-' if after_range => {
                    out.push_str(r"\-");
                    after_range = false;
                }
                _ => {
                    // `x-y` where neither side is `]`: a range.
                    let is_range = i + 2 < chars.len() && chars[i + 1] == '-' && chars[i + 2] != ']';
                    if is_range {
                        out.push(c);
                        out.push('-');
                        out.push(chars[i + 2]);
                        i += 3;
                        after_range = true;
                        continue;
                    }
                    out.push(c);
                    after_range = false;
                }
            }
        } else {
            if c == '[' {
                in_class = true;
                after_range = false;
                out.push(c);
                if i + 1 < chars.len() && chars[i + 1] == '^' {
                    out.push('^');
                    i += 1;
                }
                i += 1;
                continue;
            }
            out.push(c);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogate_pair_ranges_are_the_supplementary_planes() {
        let p = ModelPattern::new(r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\t]*");
        assert!(p.is_match("SELECT 1 -- 😀\t"));
        assert!(!p.is_match("a\u{1}"));
    }

    #[test]
    fn request_metadata_class_is_ascii_and_comma_range() {
        let p = ModelPattern::new(r"[a-zA-Z0-9\s:_@$#=/+,-.]{1,256}");
        for ok in ["a", "team A", "x,y", "a-b", "a.b", "tab\there", "$#=/+@:_", "\u{0B}"] {
            assert!(p.is_match(ok), "{ok:?}");
        }
        for bad in ["", "a!", "é", "\u{00A0}", "a*b", "(x)"] {
            assert!(!p.is_match(bad), "{bad:?}");
        }
    }

    #[test]
    fn hyphen_after_range_is_literal() {
        let p = ModelPattern::new("[a-zA-Z0-9-:.]+");
        assert!(p.is_match("a-b:c.d9"));
        assert!(!p.is_match("a_b"));
    }

    #[test]
    fn whole_string_match() {
        let p = ModelPattern::new("[a-z]+");
        assert!(!p.is_match("abc1"));
    }
}
