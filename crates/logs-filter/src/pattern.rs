//! [`FilterPattern`]: a compiled filter pattern. `parse` picks the family from the first
//! character of the trimmed text; `matches` tests one event message; `match_event` and `select`
//! also hand out the values metric filters extract.

use serde_json::Value;

use crate::codes::ErrorCode;
use crate::error::FilterPatternError;
use crate::json::{JsonExpr, parse_json};
use crate::matched::Matched;
use crate::path::JsonPath;
use crate::regex::{RegexPattern, parse_regex};
use crate::term::{TermPattern, parse_terms};

/// A compiled filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterPattern {
    /// The empty (or all-whitespace) pattern: every event.
    All,
    /// A term pattern: `ERROR -DEBUG ?a ?b`.
    Terms(TermPattern),
    /// A JSON pattern: `{ $.a = "x" }`.
    Json(JsonExpr),
    /// A regular expression: `%err(or)?%`.
    Regex(RegexPattern),
}

impl FilterPattern {
    /// Compiles a filter pattern. Surrounding Unicode whitespace is ignored; then a pattern that
    /// starts with `{` is a JSON pattern, `[` a space-delimited one (refused, `F005`), one of two
    /// or more characters between `%` signs a regular expression, anything else terms.
    /// Error positions are byte offsets into `src`.
    pub fn parse(src: &str) -> Result<FilterPattern, FilterPatternError> {
        let trimmed = src.trim();
        if trimmed.is_empty() {
            return Ok(FilterPattern::All);
        }
        let offset = src.len() - src.trim_start().len();
        if trimmed.starts_with('{') {
            return parse_json(trimmed, offset).map(FilterPattern::Json);
        }
        if trimmed.starts_with('[') {
            return Err(FilterPatternError::new(ErrorCode::SpaceDelimited, offset));
        }
        if trimmed.len() >= 2 && trimmed.starts_with('%') && trimmed.ends_with('%') {
            return parse_regex(&trimmed[1..trimmed.len() - 1], offset).map(FilterPattern::Regex);
        }
        parse_terms(trimmed, offset).map(FilterPattern::Terms)
    }

    /// Whether an event's message matches. A JSON pattern matches only a message that is a JSON
    /// document satisfying it.
    pub fn matches(&self, message: &str) -> bool {
        match self {
            FilterPattern::All => true,
            FilterPattern::Terms(terms) => terms.matches(message),
            FilterPattern::Regex(regex) => regex.matches(message),
            FilterPattern::Json(expr) => match serde_json::from_str::<Value>(message) {
                Ok(doc) => expr.matches(&doc),
                Err(_) => false,
            },
        }
    }

    /// The event as a metric filter sees it: `None` when the pattern does not match, otherwise
    /// the message's JSON document (when it is one) to select values from. The message is
    /// parsed once, whatever the number of values selected.
    pub fn match_event(&self, message: &str) -> Option<Matched> {
        match self {
            FilterPattern::Json(expr) => {
                let doc = serde_json::from_str::<Value>(message).ok()?;
                expr.matches(&doc).then(|| Matched::new(Some(doc)))
            }
            _ => self.matches(message).then(|| Matched::new(serde_json::from_str(message).ok())),
        }
    }

    /// The value `path` names in `message`, when the pattern matches it and it is a JSON document
    /// that has the path (a JSON `null` is `Some(Value::Null)`). For metric values
    /// (`$.input.inputTokenCount`) and dimensions (`$.requestMetadata.application_name`).
    pub fn select(&self, message: &str, path: &JsonPath) -> Option<Value> {
        self.match_event(message)?.select(path).cloned()
    }

    /// Whether this is a JSON pattern (metric filter dimensions need one).
    pub fn is_json(&self) -> bool {
        matches!(self, FilterPattern::Json(_))
    }

    /// Every selector a JSON pattern mentions, left to right (none for other patterns).
    pub fn selectors(&self) -> Vec<&JsonPath> {
        let mut out = Vec::new();
        if let FilterPattern::Json(expr) = self {
            collect_selectors(expr, &mut out);
        }
        out
    }
}

fn collect_selectors<'e>(expr: &'e JsonExpr, out: &mut Vec<&'e JsonPath>) {
    match expr {
        JsonExpr::And(operands) | JsonExpr::Or(operands) => {
            operands.iter().for_each(|e| collect_selectors(e, out));
        }
        JsonExpr::Compare { selector, .. } | JsonExpr::Test { selector, .. } => out.push(selector),
    }
}

#[cfg(test)]
mod tests {
    use super::FilterPattern;
    use crate::codes::ErrorCode;
    use crate::path::JsonPath;
    use serde_json::json;

    const RECORD: &str = r#"{"modelId":"m","input":{"inputTokenCount":120},"requestMetadata":{"app":"chat"}}"#;

    #[test]
    fn picks_the_family_from_the_first_character() {
        assert_eq!(FilterPattern::parse("  \t"), Ok(FilterPattern::All));
        assert!(matches!(FilterPattern::parse(" { $.a = 1 } "), Ok(FilterPattern::Json(_))));
        assert!(matches!(FilterPattern::parse("%a%"), Ok(FilterPattern::Regex(_))));
        assert!(matches!(FilterPattern::parse("%"), Ok(FilterPattern::Terms(_))));
        assert!(matches!(FilterPattern::parse("a {"), Ok(FilterPattern::Terms(_))));
        let err = FilterPattern::parse("  [a, b]").unwrap_err();
        assert_eq!((err.code, err.position), (ErrorCode::SpaceDelimited, 2));
    }

    #[test]
    fn select_extracts_from_matching_json_events_only() {
        let pattern = FilterPattern::parse("{ $.input.inputTokenCount > 0 }").unwrap();
        let tokens = JsonPath::parse("$.input.inputTokenCount").unwrap();
        let app = JsonPath::parse("$.requestMetadata.app").unwrap();
        assert_eq!(pattern.select(RECORD, &tokens), Some(json!(120)));
        let event = pattern.match_event(RECORD).unwrap();
        assert_eq!(event.select(&app), Some(&json!("chat")));
        assert_eq!(event.select(&JsonPath::parse("$.nope").unwrap()), None);
        let permission = "Permissions are correctly set for Amazon Bedrock logs.";
        assert!(pattern.match_event(permission).is_none());
        assert!(FilterPattern::parse("{ $.input.inputTokenCount > 500 }").unwrap().match_event(RECORD).is_none());
        // Other families select from a matching message that happens to be JSON.
        let all = FilterPattern::parse("").unwrap();
        assert_eq!(all.select(RECORD, &app), Some(json!("chat")));
        assert!(all.match_event(permission).unwrap().document().is_none());
    }

    #[test]
    fn selectors_lists_the_paths_of_a_json_pattern() {
        let pattern = FilterPattern::parse("{ ($.a = 1 || $.b IS NULL) && $.c[0] EXISTS }").unwrap();
        let paths: Vec<String> = pattern.selectors().iter().map(|p| p.to_string()).collect();
        assert_eq!(paths, ["$.a", "$.b", "$.c[0]"]);
        assert!(FilterPattern::parse("a").unwrap().selectors().is_empty());
    }
}
