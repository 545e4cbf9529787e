//! [`JsonPath`]: the `$.a.b[0]` selectors of JSON patterns, metric values and metric
//! dimensions; their parser (shared with the JSON pattern parser) and their lookup in a document.
//!
//! Grammar: `$` followed by one or more steps, `.name` (letters and digits in the Unicode sense,
//! `_`, `-`, `@`) or `[n]` (decimal digits). No wildcards, no quoted names.

use std::fmt;

use serde_json::Value;

use crate::codes::ErrorCode;
use crate::error::FilterPatternError;
use crate::lexer::Cursor;

/// One step of a selector.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// `.name`: a member of an object.
    Key(String),
    /// `[n]`: an item of an array.
    Index(usize),
}

/// A selector: `$` and at least one [`Step`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonPath {
    steps: Vec<Step>,
}

impl JsonPath {
    /// Parses a whole selector such as `$.input.inputTokenCount` or `$.a.b[0]` (a metric
    /// filter's `metricValue` or dimension value). Surrounding whitespace is not allowed.
    pub fn parse(src: &str) -> Result<JsonPath, FilterPatternError> {
        let mut cursor = Cursor::new(src, 0, 0);
        let path = parse_selector(&mut cursor)?;
        if !cursor.at_end() {
            return Err(cursor.error(ErrorCode::TextAfterPath));
        }
        Ok(path)
    }

    /// The steps, at least one.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The value the path names in `doc`, if any (a JSON `null` is `Some(&Value::Null)`).
    pub fn select<'v>(&self, doc: &'v Value) -> Option<&'v Value> {
        self.steps.iter().try_fold(doc, |v, step| match step {
            Step::Key(k) => v.get(k.as_str()),
            Step::Index(i) => v.get(*i),
        })
    }
}

/// Whether `c` can be part of a `.name` step.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '@'
}

/// Reads a selector at the cursor; stops at the first character that continues no step.
pub(crate) fn parse_selector(cursor: &mut Cursor<'_>) -> Result<JsonPath, FilterPatternError> {
    if !cursor.eat("$") {
        return Err(cursor.error(ErrorCode::ExpectedSelector));
    }
    let mut steps = Vec::new();
    loop {
        if cursor.eat(".") {
            let name = cursor.eat_while(is_name_char);
            if name.is_empty() {
                return Err(cursor.error(ErrorCode::ExpectedFieldName));
            }
            steps.push(Step::Key(name.to_owned()));
        } else if cursor.eat("[") {
            let at = cursor.pos;
            let digits = cursor.eat_while(|c| c.is_ascii_digit());
            let Ok(index) = digits.parse() else {
                cursor.pos = at;
                return Err(cursor.error(ErrorCode::ExpectedArrayIndex));
            };
            if !cursor.eat("]") {
                return Err(cursor.error(ErrorCode::ExpectedClosingBracket));
            }
            steps.push(Step::Index(index));
        } else {
            break;
        }
    }
    if steps.is_empty() {
        return Err(cursor.error(ErrorCode::ExpectedDotAfterDollar));
    }
    Ok(JsonPath { steps })
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.steps {
            match step {
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{JsonPath, Step};
    use crate::codes::ErrorCode;
    use serde_json::json;

    #[test]
    fn parses_and_selects() {
        let path = JsonPath::parse("$.a.b[1]").unwrap();
        assert_eq!(path.steps(), [Step::Key("a".into()), Step::Key("b".into()), Step::Index(1)]);
        assert_eq!(path.to_string(), "$.a.b[1]");
        let doc = json!({"a": {"b": [1, {"c": null}]}});
        assert_eq!(path.select(&doc), Some(&json!({"c": null})));
        assert_eq!(JsonPath::parse("$.a.b[1].c").unwrap().select(&doc), Some(&json!(null)));
        assert_eq!(JsonPath::parse("$.a.x").unwrap().select(&doc), None);
        assert_eq!(JsonPath::parse("$[0]").unwrap().select(&json!([7])), Some(&json!(7)));
    }

    #[test]
    fn refuses_with_codes_and_positions() {
        for (src, code, at) in [
            ("a.b", ErrorCode::ExpectedSelector, 0),
            (" $.a", ErrorCode::ExpectedSelector, 0),
            ("$", ErrorCode::ExpectedDotAfterDollar, 1),
            ("$.", ErrorCode::ExpectedFieldName, 2),
            ("$.a[x]", ErrorCode::ExpectedArrayIndex, 4),
            ("$.a[99999999999999999999999]", ErrorCode::ExpectedArrayIndex, 4),
            ("$.a[1", ErrorCode::ExpectedClosingBracket, 5),
            ("$.a ", ErrorCode::TextAfterPath, 3),
        ] {
            let err = JsonPath::parse(src).unwrap_err();
            assert_eq!((err.code, err.position), (code, at), "{src:?}");
        }
    }
}
