//! JSON patterns, `{ $.a = "x*" && ($.n > 1 || $.b IS TRUE) }`: the expression tree and its
//! recursive-descent parser. Evaluation is in `eval.rs`.
//!
//! Grammar (keywords ASCII case-insensitive, whitespace anywhere between tokens):
//!
//! ```text
//! pattern  := "{" or "}"
//! or       := and ("||" and)*
//! and      := primary ("&&" primary)*
//! primary  := "(" or ")" | selector test | selector op value
//! test     := "IS" ("NULL" | "TRUE" | "FALSE") | "NOT" "EXISTS" | "EXISTS"
//! op       := "=" | "!=" | "<" | "<=" | ">" | ">="
//! value    := "\"" string "\"" | a run up to whitespace, "}", ")", "&" or "|"
//! ```
//!
//! An unquoted value that reads as a finite number is a number, anything else is text;
//! only `=` and `!=` take text. `&&` binds tighter than `||`.

use crate::codes::ErrorCode;
use crate::error::FilterPatternError;
use crate::lexer::Cursor;
use crate::path::{JsonPath, parse_selector};

/// Parentheses nested deeper than this are refused (`F108`): the parser, the evaluator and the
/// printer recurse once per level, about 4 KiB of stack per level in a debug build (1 KiB in
/// release). The API's 1024-character limit still allows 508 levels, which overflowed a 2 MiB
/// tokio worker stack in debug builds of the code this crate replaces.
pub const MAX_DEPTH: usize = 100;

/// A JSON pattern expression.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonExpr {
    /// `a && b && ...`: at least two operands, evaluated left to right.
    And(Vec<JsonExpr>),
    /// `a || b || ...`: at least two operands, evaluated left to right.
    Or(Vec<JsonExpr>),
    /// `$.a = "x*"`, `$.n > 1`.
    Compare { selector: JsonPath, op: CmpOp, value: Literal },
    /// `$.a IS NULL`, `$.a EXISTS`, ...
    Test { selector: JsonPath, test: Test },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// The value a selector is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// An unquoted finite number: `120`, `-1.5`, `1e3`.
    Number(f64),
    /// A quoted string or an unquoted word that is not a number; `*` matches any run of characters.
    Text(String),
}

/// `IS NULL`, `EXISTS`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Test {
    /// `IS NULL`: the value is JSON `null`.
    IsNull,
    /// `EXISTS`: the path names a value.
    Exists,
    /// `NOT EXISTS`: the path names nothing.
    NotExists,
    /// `IS TRUE`: the value is `true`.
    IsTrue,
    /// `IS FALSE`: the value is `false`.
    IsFalse,
}

impl Test {
    /// The test as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Test::IsNull => "IS NULL",
            Test::Exists => "EXISTS",
            Test::NotExists => "NOT EXISTS",
            Test::IsTrue => "IS TRUE",
            Test::IsFalse => "IS FALSE",
        }
    }
}

const OPERATORS: [(&str, CmpOp); 6] =
    [("!=", CmpOp::Ne), ("<=", CmpOp::Le), (">=", CmpOp::Ge), ("=", CmpOp::Eq), ("<", CmpOp::Lt), (">", CmpOp::Gt)];

/// Parses the trimmed JSON pattern `src` (which starts with `{`) found at byte `base` of the
/// caller's pattern.
pub(crate) fn parse_json(src: &str, base: usize) -> Result<JsonExpr, FilterPatternError> {
    let mut parser = Parser { cursor: Cursor::new(src, 1, base), depth: 0 };
    let expr = parser.or()?;
    let cursor = &mut parser.cursor;
    cursor.skip_ws();
    if !cursor.eat("}") {
        return Err(cursor.error(ErrorCode::ExpectedClosingBrace));
    }
    cursor.skip_ws();
    if !cursor.at_end() {
        return Err(cursor.error(ErrorCode::TextAfterJson));
    }
    Ok(expr)
}

struct Parser<'a> {
    cursor: Cursor<'a>,
    /// Open parentheses around the cursor.
    depth: usize,
}

impl Parser<'_> {
    fn or(&mut self) -> Result<JsonExpr, FilterPatternError> {
        let mut operands = vec![self.and()?];
        loop {
            self.cursor.skip_ws();
            if !self.cursor.eat("||") {
                break;
            }
            operands.push(self.and()?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { JsonExpr::Or(operands) })
    }

    fn and(&mut self) -> Result<JsonExpr, FilterPatternError> {
        let mut operands = vec![self.primary()?];
        loop {
            self.cursor.skip_ws();
            if !self.cursor.eat("&&") {
                break;
            }
            operands.push(self.primary()?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { JsonExpr::And(operands) })
    }

    fn primary(&mut self) -> Result<JsonExpr, FilterPatternError> {
        self.cursor.skip_ws();
        if self.cursor.rest().starts_with('(') {
            if self.depth == MAX_DEPTH {
                return Err(self.cursor.error(ErrorCode::TooDeep));
            }
            self.cursor.pos += 1;
            self.depth += 1;
            let inner = self.or()?;
            self.depth -= 1;
            self.cursor.skip_ws();
            if !self.cursor.eat(")") {
                return Err(self.cursor.error(ErrorCode::ExpectedClosingParen));
            }
            return Ok(inner);
        }
        let selector = parse_selector(&mut self.cursor)?;
        self.cursor.skip_ws();
        if let Some(test) = self.test()? {
            return Ok(JsonExpr::Test { selector, test });
        }
        let Some(op) = OPERATORS.into_iter().find(|(token, _)| self.cursor.eat(token)).map(|(_, op)| op) else {
            return Err(self.cursor.error(ErrorCode::ExpectedOperator));
        };
        self.cursor.skip_ws();
        let value = self.literal()?;
        if matches!(value, Literal::Text(_)) && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Err(self.cursor.error(ErrorCode::OrderedStringComparison));
        }
        Ok(JsonExpr::Compare { selector, op, value })
    }

    /// `IS NULL|TRUE|FALSE`, `NOT EXISTS`, `EXISTS`, or `None` when no test keyword follows.
    fn test(&mut self) -> Result<Option<Test>, FilterPatternError> {
        let cursor = &mut self.cursor;
        let test = if cursor.eat_keyword("IS") {
            cursor.skip_ws();
            if cursor.eat_keyword("NULL") {
                Test::IsNull
            } else if cursor.eat_keyword("TRUE") {
                Test::IsTrue
            } else if cursor.eat_keyword("FALSE") {
                Test::IsFalse
            } else {
                return Err(cursor.error(ErrorCode::ExpectedTest));
            }
        } else if cursor.eat_keyword("NOT") {
            cursor.skip_ws();
            if !cursor.eat_keyword("EXISTS") {
                return Err(cursor.error(ErrorCode::ExpectedTest));
            }
            Test::NotExists
        } else if cursor.eat_keyword("EXISTS") {
            cursor.skip_ws();
            Test::Exists
        } else {
            return Ok(None);
        };
        Ok(Some(test))
    }

    fn literal(&mut self) -> Result<Literal, FilterPatternError> {
        if self.cursor.rest().starts_with('"') {
            return self.cursor.quoted().map(Literal::Text);
        }
        let word = self.cursor.eat_while(|c| !(c.is_whitespace() || matches!(c, '}' | ')' | '&' | '|')));
        if word.is_empty() {
            return Err(self.cursor.error(ErrorCode::ExpectedValue));
        }
        Ok(match word.parse::<f64>() {
            Ok(n) if n.is_finite() => Literal::Number(n),
            _ => Literal::Text(word.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{CmpOp, JsonExpr, Literal, MAX_DEPTH, Test, parse_json};
    use crate::codes::ErrorCode;
    use crate::path::JsonPath;

    fn path(src: &str) -> JsonPath {
        JsonPath::parse(src).unwrap()
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let expr = parse_json("{ $.a = 1 || $.b IS NULL && $.c = x* }", 0).unwrap();
        let expected = JsonExpr::Or(vec![
            JsonExpr::Compare { selector: path("$.a"), op: CmpOp::Eq, value: Literal::Number(1.0) },
            JsonExpr::And(vec![
                JsonExpr::Test { selector: path("$.b"), test: Test::IsNull },
                JsonExpr::Compare { selector: path("$.c"), op: CmpOp::Eq, value: Literal::Text("x*".into()) },
            ]),
        ]);
        assert_eq!(expr, expected);
    }

    #[test]
    fn parentheses_keep_their_group() {
        let expr = parse_json("{ ($.a = 1 && $.b = 2) && $.c = 3 }", 0).unwrap();
        let JsonExpr::And(operands) = expr else { panic!("{expr:?}") };
        assert!(matches!(&operands[0], JsonExpr::And(inner) if inner.len() == 2));
    }

    #[test]
    fn nesting_is_capped() {
        let ok = format!("{{{}$.a=1{}}}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse_json(&ok, 0).is_ok());
        let deep = format!("{{{}$.a=1{}}}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        let err = parse_json(&deep, 0).unwrap_err();
        assert_eq!((err.code, err.position), (ErrorCode::TooDeep, 1 + MAX_DEPTH));
    }

    /// The deepest pattern parses, matches, prints and drops in half a tokio worker's stack
    /// (2 MiB), in a debug build.
    #[test]
    fn the_deepest_pattern_fits_in_one_mebibyte_of_stack() {
        let src = format!("{{{}$.a = 1 || $.b IS NULL{}}}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        let run = move || {
            let pattern = crate::FilterPattern::parse(&src).unwrap();
            assert!(pattern.matches(r#"{"a":1}"#));
            assert_eq!(crate::FilterPattern::parse(&pattern.to_string()).as_ref(), Ok(&pattern));
            assert!(!format!("{pattern:?}").is_empty());
        };
        std::thread::Builder::new().stack_size(1 << 20).spawn(run).unwrap().join().unwrap();
    }
}
