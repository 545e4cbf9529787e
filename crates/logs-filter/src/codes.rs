//! The stable error-code registry: one variant per way a filter pattern or a JSON path can be
//! refused, each with its code, the input that triggers it and the message text.
//!
//! Codes are never reused for another meaning and never renumbered; a retired code stays listed.
//! `F0xx`: the pattern as a whole and term patterns. `F1xx`: JSON patterns. `F2xx`: `$.` selectors
//! (in JSON patterns and in [`JsonPath::parse`](crate::JsonPath::parse)). `F3xx`: `%regex%` patterns.
//! Every code has at least one case under `fixtures/` (the fixture test checks it).
//!
//! The message texts are what the CloudWatch Logs API answers (after `Invalid filter pattern: `)
//! in its `InvalidParameterException`; they are part of the wire and must not change.

use std::fmt;

/// Why a filter pattern or a JSON path does not compile, as a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorCode {
    /// F001: a `"` with no closing quote, in a term or a JSON value: `"open`, `{ $.a = "x }`.
    UnterminatedString,
    /// F002: text glued to the closing quote of a quoted term: `"a"b`.
    TextAfterQuotedTerm,
    /// F003: a `"` inside an unquoted term: `a"b`.
    QuoteInUnquotedTerm,
    /// F004: a term with no text: `""`, a lone `-` or `?`, `- x`.
    EmptyTerm,
    /// F005: a space-delimited pattern, which this emulator does not implement: `[ip, user]`.
    SpaceDelimited,
    /// F101: a JSON pattern whose expression is not followed by `}`: `{ $.a = 1`, `{ $.a = "x"y }`.
    ExpectedClosingBrace,
    /// F102: text after the closing `}` of a JSON pattern: `{ $.a = 1 } x`.
    TextAfterJson,
    /// F103: a `(` group without its `)`: `{ ($.a = 1 }`.
    ExpectedClosingParen,
    /// F104: `IS` or `NOT` not followed by a test it forms: `{ $.a IS 1 }`, `{ $.a NOT NULL }`.
    ExpectedTest,
    /// F105: a selector followed by no operator or test: `{ $.a ~ 1 }`, `{ $.a }`.
    ExpectedOperator,
    /// F106: `<`, `<=`, `>` or `>=` against a string: `{ $.a > "x" }`, `{ $.a < abc }`.
    OrderedStringComparison,
    /// F107: an operator with no value after it: `{ $.a = }`, `{ $.a =`.
    ExpectedValue,
    /// F108: more than 100 nested parentheses ([`MAX_DEPTH`](crate::MAX_DEPTH)): `{ (((...$.a = 1...))) }`.
    TooDeep,
    /// F201: a condition that does not start with `$`: `{ a = 1 }`, JSON path `a.b`.
    ExpectedSelector,
    /// F202: `$` followed by neither `.` nor `[`: `{ $ = 1 }`, `{ $a = 1 }`.
    ExpectedDotAfterDollar,
    /// F203: a `.` with no field name after it: `{ $. = 1 }`, `{ $.a. = 1 }`.
    ExpectedFieldName,
    /// F204: a `[` not followed by a decimal index: `{ $.a[x] = 1 }`, `{ $.a[*] = 1 }`.
    ExpectedArrayIndex,
    /// F205: an array index without its `]`: `{ $.a[1 = 1 }`.
    ExpectedClosingBracket,
    /// F206: a JSON path (metric value, dimension) with text after the selector: `$.a b`, `$.a = 1`.
    TextAfterPath,
    /// F301: a `%...%` pattern the regex engine refuses: `%(%`.
    InvalidRegex,
}

impl ErrorCode {
    /// Every code, in registry order.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::UnterminatedString,
        ErrorCode::TextAfterQuotedTerm,
        ErrorCode::QuoteInUnquotedTerm,
        ErrorCode::EmptyTerm,
        ErrorCode::SpaceDelimited,
        ErrorCode::ExpectedClosingBrace,
        ErrorCode::TextAfterJson,
        ErrorCode::ExpectedClosingParen,
        ErrorCode::ExpectedTest,
        ErrorCode::ExpectedOperator,
        ErrorCode::OrderedStringComparison,
        ErrorCode::ExpectedValue,
        ErrorCode::TooDeep,
        ErrorCode::ExpectedSelector,
        ErrorCode::ExpectedDotAfterDollar,
        ErrorCode::ExpectedFieldName,
        ErrorCode::ExpectedArrayIndex,
        ErrorCode::ExpectedClosingBracket,
        ErrorCode::TextAfterPath,
        ErrorCode::InvalidRegex,
    ];

    /// The stable code, `F001` ... `F301`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnterminatedString => "F001",
            ErrorCode::TextAfterQuotedTerm => "F002",
            ErrorCode::QuoteInUnquotedTerm => "F003",
            ErrorCode::EmptyTerm => "F004",
            ErrorCode::SpaceDelimited => "F005",
            ErrorCode::ExpectedClosingBrace => "F101",
            ErrorCode::TextAfterJson => "F102",
            ErrorCode::ExpectedClosingParen => "F103",
            ErrorCode::ExpectedTest => "F104",
            ErrorCode::ExpectedOperator => "F105",
            ErrorCode::OrderedStringComparison => "F106",
            ErrorCode::ExpectedValue => "F107",
            ErrorCode::TooDeep => "F108",
            ErrorCode::ExpectedSelector => "F201",
            ErrorCode::ExpectedDotAfterDollar => "F202",
            ErrorCode::ExpectedFieldName => "F203",
            ErrorCode::ExpectedArrayIndex => "F204",
            ErrorCode::ExpectedClosingBracket => "F205",
            ErrorCode::TextAfterPath => "F206",
            ErrorCode::InvalidRegex => "F301",
        }
    }

    /// The code named by its text (`"F101"`), for fixtures and tools.
    pub fn from_code(code: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code)
    }

    /// The message text. For [`ErrorCode::InvalidRegex`] this is the prefix; the regex
    /// engine's reason follows after `: `.
    pub const fn message(self) -> &'static str {
        match self {
            ErrorCode::UnterminatedString => "unterminated quoted string",
            ErrorCode::TextAfterQuotedTerm => "text right after a quoted term",
            ErrorCode::QuoteInUnquotedTerm => "a quote inside an unquoted term",
            ErrorCode::EmptyTerm => "empty term",
            ErrorCode::SpaceDelimited => "space-delimited filter patterns ([...]) are not supported by this emulator",
            ErrorCode::ExpectedClosingBrace => "expected '}' to end the JSON filter pattern",
            ErrorCode::TextAfterJson => "unexpected text after the JSON filter pattern",
            ErrorCode::ExpectedClosingParen => "expected ')'",
            ErrorCode::ExpectedTest => "expected NULL, TRUE, FALSE or EXISTS",
            ErrorCode::ExpectedOperator => "expected a comparison operator",
            ErrorCode::OrderedStringComparison => "only = and != compare strings",
            ErrorCode::ExpectedValue => "expected a value",
            ErrorCode::TooDeep => "more than 100 nested parentheses",
            ErrorCode::ExpectedSelector => "expected a selector starting with '$.'",
            ErrorCode::ExpectedDotAfterDollar => "expected '.' after '$'",
            ErrorCode::ExpectedFieldName => "expected a field name after '.'",
            ErrorCode::ExpectedArrayIndex => "expected an array index",
            ErrorCode::ExpectedClosingBracket => "expected ']'",
            ErrorCode::TextAfterPath => "unexpected text after the selector",
            ErrorCode::InvalidRegex => "invalid regular expression",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{} used twice", code.as_str());
            assert_eq!(ErrorCode::from_code(code.as_str()), Some(code));
            assert!(!code.message().is_empty());
        }
        assert_eq!(ErrorCode::from_code("F999"), None);
        assert!(ErrorCode::TooDeep.message().contains(&crate::MAX_DEPTH.to_string()));
    }
}
