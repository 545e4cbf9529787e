//! Metric math: the lexer and a precedence-climbing parser of `Expression`s
//! (`(m1 + m2) / 2`, `SUM(METRICS())`, `FILL(m1, 0)`, `SEARCH('{AWS/Bedrock,ModelId} Invocations', 'Sum', 300)`,
//! `[m1, m2]`). Operators: `+ -` < `* /` < `^` (right-associative) < unary `-`.

use std::fmt;

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Number(f64),
    Text(String),
    /// A query id, or a bare word such as `REPEAT`.
    Name(String),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    /// A function call; the name upper-cased.
    Call(String, Vec<Expr>),
    /// `[a, b, ...]`.
    Array(Vec<Expr>),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// Why an expression does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at position {position}")]
pub(crate) struct ParseError {
    pub(crate) message: String,
    pub(crate) position: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Text(String),
    Name(String),
    Sym(char),
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Number(n) => write!(f, "{n}"),
            Token::Text(t) => write!(f, "'{t}'"),
            Token::Name(n) => f.write_str(n),
            Token::Sym(c) => write!(f, "{c}"),
        }
    }
}

fn lex(src: &str) -> Result<Vec<(Token, usize)>, ParseError> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && (chars[i].1.is_ascii_digit() || chars[i].1 == '.') {
                i += 1;
            }
            if i < chars.len() && matches!(chars[i].1, 'e' | 'E') {
                i += 1;
                if i < chars.len() && matches!(chars[i].1, '+' | '-') {
                    i += 1;
                }
                while i < chars.len() && chars[i].1.is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = chars[start..i].iter().map(|p| p.1).collect();
            let n = text.parse::<f64>().map_err(|_| ParseError { message: format!("Invalid number {text}"), position: at })?;
            out.push((Token::Number(n), at));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_') {
                i += 1;
            }
            out.push((Token::Name(chars[start..i].iter().map(|p| p.1).collect()), at));
        } else if c == '\'' || c == '"' {
            let mut text = String::new();
            i += 1;
            loop {
                let Some(&(_, d)) = chars.get(i) else {
                    return Err(ParseError { message: "Unterminated string".into(), position: at });
                };
                i += 1;
                if d == c {
                    break;
                }
                if d == '\\' {
                    if let Some(&(_, e)) = chars.get(i) {
                        text.push(e);
                        i += 1;
                    }
                    continue;
                }
                text.push(d);
            }
            out.push((Token::Text(text), at));
        } else if "+-*/^(),[]".contains(c) {
            out.push((Token::Sym(c), at));
            i += 1;
        } else {
            return Err(ParseError { message: format!("Unrecognized character '{c}'"), position: at });
        }
    }
    Ok(out)
}

/// Parses an expression.
pub(crate) fn parse(src: &str) -> Result<Expr, ParseError> {
    let tokens = lex(src)?;
    let mut p = Parser { tokens, at: 0, end: src.len() };
    let expr = p.expr(0)?;
    if let Some((t, pos)) = p.tokens.get(p.at) {
        return Err(ParseError { message: format!("Unexpected token {t}"), position: *pos });
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<(Token, usize)>,
    at: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|t| &t.0)
    }

    fn position(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |t| t.1)
    }

    fn expect(&mut self, c: char) -> Result<(), ParseError> {
        if self.peek() == Some(&Token::Sym(c)) {
            self.at += 1;
            Ok(())
        } else {
            Err(ParseError { message: format!("Expected '{c}'"), position: self.position() })
        }
    }

    fn expr(&mut self, min_prec: u8) -> Result<Expr, ParseError> {
        let mut lhs = self.unary()?;
        loop {
            let (op, prec, right_assoc) = match self.peek() {
                Some(Token::Sym('+')) => (Op::Add, 1, false),
                Some(Token::Sym('-')) => (Op::Sub, 1, false),
                Some(Token::Sym('*')) => (Op::Mul, 2, false),
                Some(Token::Sym('/')) => (Op::Div, 2, false),
                Some(Token::Sym('^')) => (Op::Pow, 3, true),
                _ => break,
            };
            if prec < min_prec {
                break;
            }
            self.at += 1;
            let rhs = self.expr(if right_assoc { prec } else { prec + 1 })?;
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Token::Sym('-')) {
            self.at += 1;
            return Ok(Expr::Neg(Box::new(self.expr(4)?)));
        }
        self.primary()
    }

    fn list(&mut self, close: char) -> Result<Vec<Expr>, ParseError> {
        let mut items = Vec::new();
        if self.peek() == Some(&Token::Sym(close)) {
            self.at += 1;
            return Ok(items);
        }
        loop {
            items.push(self.expr(0)?);
            match self.peek() {
                Some(Token::Sym(',')) => self.at += 1,
                Some(Token::Sym(c)) if *c == close => {
                    self.at += 1;
                    return Ok(items);
                }
                _ => return Err(ParseError { message: format!("Expected ',' or '{close}'"), position: self.position() }),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let position = self.position();
        let Some((token, _)) = self.tokens.get(self.at).cloned() else {
            return Err(ParseError { message: "Unexpected end of expression".into(), position });
        };
        self.at += 1;
        match token {
            Token::Number(n) => Ok(Expr::Number(n)),
            Token::Text(t) => Ok(Expr::Text(t)),
            Token::Name(name) => {
                if self.peek() == Some(&Token::Sym('(')) {
                    self.at += 1;
                    let args = self.list(')')?;
                    Ok(Expr::Call(name.to_ascii_uppercase(), args))
                } else {
                    Ok(Expr::Name(name))
                }
            }
            Token::Sym('(') => {
                let inner = self.expr(0)?;
                self.expect(')')?;
                Ok(inner)
            }
            Token::Sym('[') => Ok(Expr::Array(self.list(']')?)),
            other => Err(ParseError { message: format!("Unexpected token {other}"), position }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_and_calls() {
        let e = parse("(m1 + m2) / 2 - -3 ^ 2").unwrap();
        assert!(matches!(e, Expr::Binary(Op::Sub, _, _)));
        let e = parse("SUM(METRICS())").unwrap();
        assert_eq!(e, Expr::Call("SUM".into(), vec![Expr::Call("METRICS".into(), vec![])]));
        let e = parse("fill(m1, REPEAT)").unwrap();
        assert_eq!(e, Expr::Call("FILL".into(), vec![Expr::Name("m1".into()), Expr::Name("REPEAT".into())]));
        let e = parse(r#"SEARCH('{AWS/Bedrock,ModelId} MetricName="Invocations"', 'Sum', 300)"#).unwrap();
        assert!(matches!(e, Expr::Call(ref n, ref a) if n == "SEARCH" && a.len() == 3));
        assert_eq!(parse("[m1, m2]").unwrap(), Expr::Array(vec![Expr::Name("m1".into()), Expr::Name("m2".into())]));
        assert_eq!(
            parse("2 ^ 3 ^ 2").unwrap(),
            Expr::Binary(
                Op::Pow,
                Box::new(Expr::Number(2.0)),
                Box::new(Expr::Binary(Op::Pow, Box::new(Expr::Number(3.0)), Box::new(Expr::Number(2.0))))
            )
        );
    }

    proptest::proptest! {
        /// No text makes a parser of this crate panic: metric math, search expressions,
        /// composite alarm rules, dynamic labels, time zones.
        #[test]
        fn parsers_never_panic(text in "\\PC{0,60}", noise in "[\\[\\](){}'\"=,$.+*/^ a-zA-Z0-9_-]{0,40}") {
            for t in [&text, &noise] {
                let _ = parse(t);
                let _ = crate::math::search::Search::parse(t);
                let _ = crate::alarms::rule::Rule::parse(t);
                let _ = crate::math::labels::parse_timezone(t);
                let _ = crate::math::labels::render(t, &crate::math::eval::Series::default(), "d", 0);
            }
        }
    }

    #[test]
    fn errors_have_positions() {
        assert_eq!(parse("m1 +").unwrap_err().position, 4);
        assert!(parse("m1 # 2").is_err());
        assert!(parse("SUM(m1").is_err());
        assert!(parse("'open").is_err());
        assert!(parse("m1 m2").is_err());
    }
}
