//! CloudWatch Logs filter patterns (FilterLogEvents `filterPattern`): term patterns
//! (`ERROR`, `"two words"`, `-excluded`, `?either ?or`), JSON patterns
//! (`{ $.requestMetadata.tenant_id = "tenant-*" && $.input.inputTokenCount > 100 }`, with `=`,
//! `!=`, `<`, `<=`, `>`, `>=`, `IS NULL`, `NOT EXISTS`, `EXISTS`, `IS TRUE`, `IS FALSE`, `&&`, `||`,
//! parentheses, `*` wildcards in string values, `[n]` array indexes) and regular expressions
//! (`%...%`). Space-delimited patterns (`[a, b, ...]`) are refused with an error naming them.
//!
//! Matching is case-sensitive; a term matches anywhere in the message (see ARCHITECTURE.md).

use serde_json::Value;

/// A compiled filter pattern.
#[derive(Debug, Clone)]
pub enum FilterPattern {
    /// Empty pattern: every event.
    All,
    /// Term pattern.
    Terms { all: Vec<String>, none: Vec<String>, any: Vec<String> },
    /// JSON pattern.
    Json(JsonExpr),
    /// `%regex%`.
    Regex(regex::Regex),
}

/// A JSON pattern expression.
#[derive(Debug, Clone)]
pub enum JsonExpr {
    And(Box<JsonExpr>, Box<JsonExpr>),
    Or(Box<JsonExpr>, Box<JsonExpr>),
    Compare { selector: Vec<Step>, op: CmpOp, value: Literal },
    Test { selector: Vec<Step>, test: Test },
}

/// One step of a `$.a[0].b` selector.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A JSON pattern constant.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(f64),
    /// A string, possibly with `*` wildcards.
    Text(String),
}

/// `IS NULL`, `EXISTS`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    IsNull,
    Exists,
    NotExists,
    IsTrue,
    IsFalse,
}

/// Why a pattern does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct FilterPatternError {
    pub message: String,
    pub position: usize,
}

impl FilterPattern {
    /// Compiles a filter pattern.
    pub fn parse(src: &str) -> Result<FilterPattern, FilterPatternError> {
        let trimmed = src.trim();
        if trimmed.is_empty() {
            return Ok(FilterPattern::All);
        }
        let offset = src.len() - src.trim_start().len();
        if trimmed.starts_with('{') {
            let mut p = Parser { src: trimmed, pos: 1, base: offset };
            let expr = p.or()?;
            p.skip_ws();
            if !p.eat("}") {
                return Err(p.error("expected '}' to end the JSON filter pattern"));
            }
            p.skip_ws();
            if p.pos != trimmed.len() {
                return Err(p.error("unexpected text after the JSON filter pattern"));
            }
            return Ok(FilterPattern::Json(expr));
        }
        if trimmed.starts_with('[') {
            return Err(FilterPatternError {
                message: "space-delimited filter patterns ([...]) are not supported by this emulator".into(),
                position: offset,
            });
        }
        if trimmed.len() >= 2 && trimmed.starts_with('%') && trimmed.ends_with('%') {
            let re = regex::Regex::new(&trimmed[1..trimmed.len() - 1])
                .map_err(|e| FilterPatternError { message: format!("invalid regular expression: {e}"), position: offset })?;
            return Ok(FilterPattern::Regex(re));
        }
        parse_terms(trimmed, offset)
    }

    /// Whether an event's message matches.
    pub fn matches(&self, message: &str) -> bool {
        match self {
            FilterPattern::All => true,
            FilterPattern::Terms { all, none, any } => {
                all.iter().all(|t| message.contains(t.as_str()))
                    && !none.iter().any(|t| message.contains(t.as_str()))
                    && (any.is_empty() || any.iter().any(|t| message.contains(t.as_str())))
            }
            FilterPattern::Regex(re) => re.is_match(message),
            FilterPattern::Json(expr) => match serde_json::from_str::<Value>(message) {
                Ok(doc) => expr.eval(&doc),
                Err(_) => false,
            },
        }
    }
}

fn parse_terms(src: &str, base: usize) -> Result<FilterPattern, FilterPatternError> {
    let (mut all, mut none, mut any) = (Vec::new(), Vec::new(), Vec::new());
    let bytes = src.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind = match bytes[i] {
            b'-' => {
                i += 1;
                1
            }
            b'?' => {
                i += 1;
                2
            }
            _ => 0,
        };
        let term = if bytes.get(i) == Some(&b'"') {
            let (text, next) = quoted(src, i).map_err(|message| FilterPatternError { message, position: base + i })?;
            i = next;
            if bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
                return Err(FilterPatternError { message: "text right after a quoted term".into(), position: base + i });
            }
            text
        } else {
            let from = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                if bytes[i] == b'"' {
                    return Err(FilterPatternError { message: "a quote inside an unquoted term".into(), position: base + i });
                }
                i += 1;
            }
            src[from..i].to_owned()
        };
        if term.is_empty() {
            return Err(FilterPatternError { message: "empty term".into(), position: base + start });
        }
        match kind {
            1 => none.push(term),
            2 => any.push(term),
            _ => all.push(term),
        }
    }
    Ok(FilterPattern::Terms { all, none, any })
}

/// Reads a `"..."` string starting at `at` (backslash escapes `\"` and `\\`); returns the text
/// and the index after the closing quote.
fn quoted(src: &str, at: usize) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut chars = src[at + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, at + 1 + i + 1)),
            '\\' => match chars.next() {
                Some((_, e)) => out.push(e),
                None => break,
            },
            c => out.push(c),
        }
    }
    Err("unterminated quoted string".into())
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    base: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> FilterPatternError {
        FilterPatternError { message: message.to_owned(), position: self.base + self.pos }
    }

    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    /// Eats a keyword (case-insensitive) followed by a non-word character.
    fn eat_keyword(&mut self, word: &str) -> bool {
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

    fn or(&mut self) -> Result<JsonExpr, FilterPatternError> {
        let mut left = self.and()?;
        loop {
            self.skip_ws();
            if !self.eat("||") {
                return Ok(left);
            }
            let right = self.and()?;
            left = JsonExpr::Or(Box::new(left), Box::new(right));
        }
    }

    fn and(&mut self) -> Result<JsonExpr, FilterPatternError> {
        let mut left = self.primary()?;
        loop {
            self.skip_ws();
            if !self.eat("&&") {
                return Ok(left);
            }
            let right = self.primary()?;
            left = JsonExpr::And(Box::new(left), Box::new(right));
        }
    }

    fn primary(&mut self) -> Result<JsonExpr, FilterPatternError> {
        self.skip_ws();
        if self.eat("(") {
            let inner = self.or()?;
            self.skip_ws();
            if !self.eat(")") {
                return Err(self.error("expected ')'"));
            }
            return Ok(inner);
        }
        let selector = self.selector()?;
        self.skip_ws();
        for (word, test) in [("IS", None), ("NOT", Some(Test::NotExists)), ("EXISTS", Some(Test::Exists))] {
            if self.eat_keyword(word) {
                self.skip_ws();
                let test = match test {
                    Some(Test::NotExists) if self.eat_keyword("EXISTS") => Test::NotExists,
                    Some(Test::Exists) => Test::Exists,
                    None if self.eat_keyword("NULL") => Test::IsNull,
                    None if self.eat_keyword("TRUE") => Test::IsTrue,
                    None if self.eat_keyword("FALSE") => Test::IsFalse,
                    _ => return Err(self.error("expected NULL, TRUE, FALSE or EXISTS")),
                };
                return Ok(JsonExpr::Test { selector, test });
            }
        }
        let op = [("!=", CmpOp::Ne), ("<=", CmpOp::Le), (">=", CmpOp::Ge), ("=", CmpOp::Eq), ("<", CmpOp::Lt), (">", CmpOp::Gt)]
            .into_iter()
            .find(|(t, _)| self.eat(t))
            .map(|(_, op)| op)
            .ok_or_else(|| self.error("expected a comparison operator"))?;
        self.skip_ws();
        let value = self.literal()?;
        if matches!(value, Literal::Text(_)) && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Err(self.error("only = and != compare strings"));
        }
        Ok(JsonExpr::Compare { selector, op, value })
    }

    fn selector(&mut self) -> Result<Vec<Step>, FilterPatternError> {
        if !self.eat("$") {
            return Err(self.error("expected a selector starting with '$.'"));
        }
        let mut steps = Vec::new();
        loop {
            if self.eat(".") {
                let rest = self.rest();
                let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '@')).unwrap_or(rest.len());
                if len == 0 {
                    return Err(self.error("expected a field name after '.'"));
                }
                steps.push(Step::Key(rest[..len].to_owned()));
                self.pos += len;
            } else if self.eat("[") {
                let rest = self.rest();
                let len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
                let index = rest[..len].parse().map_err(|_| self.error("expected an array index"))?;
                self.pos += len;
                if !self.eat("]") {
                    return Err(self.error("expected ']'"));
                }
                steps.push(Step::Index(index));
            } else {
                break;
            }
        }
        if steps.is_empty() {
            return Err(self.error("expected '.' after '$'"));
        }
        Ok(steps)
    }

    fn literal(&mut self) -> Result<Literal, FilterPatternError> {
        if self.rest().starts_with('"') {
            let (text, next) = quoted(self.src, self.pos).map_err(|m| self.error(&m))?;
            self.pos = next;
            return Ok(Literal::Text(text));
        }
        let rest = self.rest();
        let len = rest.find(|c: char| c.is_whitespace() || matches!(c, '}' | ')' | '&' | '|')).unwrap_or(rest.len());
        if len == 0 {
            return Err(self.error("expected a value"));
        }
        let word = rest[..len].to_owned();
        self.pos += len;
        Ok(match word.parse::<f64>() {
            Ok(n) if n.is_finite() => Literal::Number(n),
            _ => Literal::Text(word),
        })
    }
}

impl JsonExpr {
    fn eval(&self, doc: &Value) -> bool {
        match self {
            JsonExpr::And(a, b) => a.eval(doc) && b.eval(doc),
            JsonExpr::Or(a, b) => a.eval(doc) || b.eval(doc),
            JsonExpr::Test { selector, test } => {
                let found = select(doc, selector);
                match test {
                    Test::IsNull => matches!(found, Some(Value::Null)),
                    Test::Exists => found.is_some(),
                    Test::NotExists => found.is_none(),
                    Test::IsTrue => matches!(found, Some(Value::Bool(true))),
                    Test::IsFalse => matches!(found, Some(Value::Bool(false))),
                }
            }
            JsonExpr::Compare { selector, op, value } => {
                let Some(found) = select(doc, selector) else { return false };
                match (found, value) {
                    (Value::Number(n), Literal::Number(k)) => {
                        let Some(n) = n.as_f64() else { return false };
                        match op {
                            CmpOp::Eq => n == *k,
                            CmpOp::Ne => n != *k,
                            CmpOp::Lt => n < *k,
                            CmpOp::Le => n <= *k,
                            CmpOp::Gt => n > *k,
                            CmpOp::Ge => n >= *k,
                        }
                    }
                    (Value::String(s), Literal::Text(pattern)) => {
                        let eq = wildcard_match(pattern, s);
                        if *op == CmpOp::Ne { !eq } else { eq }
                    }
                    (Value::String(s), Literal::Number(_)) => {
                        // `$.code = 200` against "200": compare the text.
                        let text = match value {
                            Literal::Number(k) => format_number(*k),
                            Literal::Text(t) => t.clone(),
                        };
                        match op {
                            CmpOp::Eq => *s == text,
                            CmpOp::Ne => *s != text,
                            _ => false,
                        }
                    }
                    (Value::Bool(b), Literal::Text(t)) => {
                        let eq = t == if *b { "true" } else { "false" };
                        if *op == CmpOp::Ne { !eq } else { eq }
                    }
                    _ => *op == CmpOp::Ne,
                }
            }
        }
    }
}

fn format_number(k: f64) -> String {
    if k.fract() == 0.0 && k.abs() < 1e15 { format!("{}", k as i64) } else { k.to_string() }
}

fn select<'v>(doc: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(doc, |v, step| match step {
        Step::Key(k) => v.get(k.as_str()),
        Step::Index(i) => v.get(*i),
    })
}

/// `*` matches any run of characters; everything else literally.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"{"operation":"Converse","modelId":"m","requestMetadata":{"tenant_id":"tenant-001","app":"CustomerServiceApp"},"input":{"inputTokenCount":120},"flags":[true,false],"gone":null,"code":"200"}"#;

    fn m(pattern: &str) -> bool {
        FilterPattern::parse(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")).matches(RECORD)
    }

    #[test]
    fn terms_and_exclusions_and_options() {
        assert!(m(""));
        assert!(m("Converse"));
        assert!(m("Converse tenant-001"));
        assert!(!m("Converse tenant-002"));
        assert!(m(r#""\"tenant_id\":\"tenant-001\"""#));
        assert!(FilterPattern::parse(r#""a"b"#).is_err());
        assert!(!m("Converse -tenant-001"));
        assert!(m("?nothing ?Converse"));
        assert!(!m("?nothing ?neither"));
        assert!(!m("converse"), "case-sensitive");
    }

    #[test]
    fn json_patterns() {
        assert!(m(r#"{ $.requestMetadata.tenant_id = "tenant-001" }"#));
        assert!(m(r#"{ $.requestMetadata.tenant_id = tenant-* }"#));
        assert!(m(r#"{ $.requestMetadata.tenant_id != "tenant-002" }"#));
        assert!(m("{ $.input.inputTokenCount > 100 && $.input.inputTokenCount <= 120 }"));
        assert!(!m("{ $.input.inputTokenCount > 120 }"));
        assert!(m(r#"{ ($.operation = "Nope" || $.operation = "Conv*") && $.modelId = "m" }"#));
        assert!(m("{ $.flags[0] IS TRUE }"));
        assert!(m("{ $.flags[1] is false }"));
        assert!(m("{ $.gone IS NULL }"));
        assert!(m("{ $.missing NOT EXISTS }"));
        assert!(m("{ $.modelId EXISTS }"));
        assert!(m("{ $.code = 200 }"));
        assert!(!FilterPattern::parse("{ $.x = 1 }").unwrap().matches("not json"));
    }

    #[test]
    fn regex_patterns() {
        assert!(m("%tenant-0+1%"));
        assert!(!m("%^tenant%"));
    }

    #[test]
    fn bad_patterns_are_errors_with_positions() {
        for bad in [
            "{ $.a = 1", "{ a = 1 }", "{ $.a ~ 1 }", "{ $.a > \"x\" }", "\"open", "[ip, user]", "%(%", "{ $.a = 1 } x",
            "{ $. = 1 }", "{ $.a[x] = 1 }",
        ] {
            assert!(FilterPattern::parse(bad).is_err(), "{bad}");
        }
        let err = FilterPattern::parse("  [a, b]").unwrap_err();
        assert!(err.message.contains("not supported"));
        assert_eq!(err.position, 2);
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("a*c", "abc"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*b*c", "a-b-c"));
        assert!(!wildcard_match("a*c", "ab"));
        assert!(!wildcard_match("ab*ba", "aba"));
    }

    proptest::proptest! {
        #[test]
        fn parsing_and_matching_never_panic(pattern in "[ -~]{0,40}|\\{ \\$[.a-z\\[\\]0-9]{0,8} [=<>!]{1,2} [\"*a-z0-9.-]{0,8} [&|)( ]{0,4}\\}?", message in "\\PC{0,60}") {
            if let Ok(p) = FilterPattern::parse(&pattern) {
                let _ = p.matches(&message);
                let _ = p.matches(RECORD);
            }
        }
    }
}
