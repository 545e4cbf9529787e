//! Compiled expressions (`CExpr`), the form the checker produces: names resolved to row
//! slots, regexes compiled, functions bound, periods checked. Pure data; `eval/expr.rs`
//! evaluates it (`CExpr::eval`), and evaluation is total: every failure is a null.

use crate::functions::ScalarFn;
use crate::time::Period;
use crate::value::Value;
use regex::Regex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// How a `like`/`=~` pattern matches.
#[derive(Clone, Debug)]
pub(crate) enum Matcher {
    /// `like "text"`: substring.
    Substr(String),
    /// `like /re/`, `=~ /re/`: unanchored regex.
    Regex(Regex),
    /// A pattern computed per row: substring of its text.
    Dynamic(Box<CExpr>),
}

/// A compiled expression.
#[derive(Clone, Debug)]
pub(crate) enum CExpr {
    Slot(u32),
    Const(Value<'static>),
    Not(Box<CExpr>),
    Neg(Box<CExpr>),
    /// Unary `+`: numeric view of the operand.
    Pos(Box<CExpr>),
    Arith(Arith, Box<CExpr>, Box<CExpr>),
    Cmp(Cmp, Box<CExpr>, Box<CExpr>),
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    Like {
        expr: Box<CExpr>,
        matcher: Matcher,
        negated: bool,
    },
    In {
        expr: Box<CExpr>,
        list: Vec<CExpr>,
        negated: bool,
    },
    Call {
        f: ScalarFn,
        args: Vec<CExpr>,
    },
    RegexReplace {
        input: Box<CExpr>,
        re: Regex,
        replacement: Box<CExpr>,
    },
    DateRound {
        ts: Box<CExpr>,
        period: Period,
        ceil: bool,
    },
    /// Byte length of a value (`messageSize()` over `@message`).
    ByteLen(Box<CExpr>),
    /// `alias.a.b` into a `jsonParse` MAP.
    JsonPath {
        base: Box<CExpr>,
        path: Vec<String>,
    },
    Index(Box<CExpr>, Box<CExpr>),
}
