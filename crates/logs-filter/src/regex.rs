//! `%regex%` patterns: the text between the percent signs is a regular expression (Rust `regex`
//! syntax) that matches anywhere in the message.

use crate::codes::ErrorCode;
use crate::error::FilterPatternError;

/// A compiled `%...%` pattern. Two are equal when their sources are.
#[derive(Debug, Clone)]
pub struct RegexPattern {
    source: String,
    regex: ::regex::Regex,
}

impl RegexPattern {
    /// The expression between the percent signs.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the expression matches anywhere in `message`.
    pub fn matches(&self, message: &str) -> bool {
        self.regex.is_match(message)
    }
}

impl PartialEq for RegexPattern {
    fn eq(&self, other: &RegexPattern) -> bool {
        self.source == other.source
    }
}

/// Compiles the expression `source` of a pattern found at byte `position` of the caller's
/// pattern (an error points there: the regex engine's reason carries its own location).
pub(crate) fn parse_regex(source: &str, position: usize) -> Result<RegexPattern, FilterPatternError> {
    match ::regex::Regex::new(source) {
        Ok(regex) => Ok(RegexPattern { source: source.to_owned(), regex }),
        Err(e) => Err(FilterPatternError::with_detail(ErrorCode::InvalidRegex, e, position)),
    }
}
