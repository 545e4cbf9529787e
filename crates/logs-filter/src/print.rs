//! The printer: every pattern type's `Display` is canonical pattern text that parses back to
//! the same value (`parse(p.to_string()) == p`, checked by proptest).
//!
//! Terms print quoted (`"a" -"b" ?"c"`), JSON values print quoted when text and in Rust's
//! shortest round-trip form when numbers, and parentheses appear only where grouping needs them.

use std::fmt;

use crate::json::{CmpOp, JsonExpr, Literal, Test};
use crate::lexer::quote;
use crate::pattern::FilterPattern;
use crate::term::TermPattern;

impl fmt::Display for FilterPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterPattern::All => Ok(()),
            FilterPattern::Terms(terms) => terms.fmt(f),
            FilterPattern::Json(expr) => write!(f, "{{ {expr} }}"),
            FilterPattern::Regex(regex) => write!(f, "%{}%", regex.as_str()),
        }
    }
}

impl fmt::Display for TermPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefixed = [("", &self.all), ("-", &self.none), ("?", &self.any)];
        let mut terms = prefixed.iter().flat_map(|(prefix, list)| list.iter().map(move |t| (*prefix, t)));
        if let Some((prefix, term)) = terms.next() {
            write!(f, "{prefix}{}", quote(term))?;
        }
        for (prefix, term) in terms {
            write!(f, " {prefix}{}", quote(term))?;
        }
        Ok(())
    }
}

/// Binding strength: `||` < `&&` < a comparison, test or parenthesised group.
fn strength(expr: &JsonExpr) -> u8 {
    match expr {
        JsonExpr::Or(_) => 1,
        JsonExpr::And(_) => 2,
        JsonExpr::Compare { .. } | JsonExpr::Test { .. } => 3,
    }
}

/// Writes `operands` joined by `separator`, parenthesising an operand weaker than `min`.
fn join(f: &mut fmt::Formatter<'_>, operands: &[JsonExpr], separator: &str, min: u8) -> fmt::Result {
    for (i, operand) in operands.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if strength(operand) < min {
            write!(f, "({operand})")?;
        } else {
            write!(f, "{operand}")?;
        }
    }
    Ok(())
}

impl fmt::Display for JsonExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // An operand of the same operator is a group of its own (the parser flattens only
            // unparenthesised chains), so it needs parentheses too.
            JsonExpr::Or(operands) => join(f, operands, " || ", 2),
            JsonExpr::And(operands) => join(f, operands, " && ", 3),
            JsonExpr::Compare { selector, op, value } => write!(f, "{selector} {op} {value}"),
            JsonExpr::Test { selector, test } => write!(f, "{selector} {test}"),
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Test {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Number(n) => write!(f, "{n}"),
            Literal::Text(text) => f.write_str(&quote(text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::pattern::FilterPattern;

    fn canonical(src: &str) -> String {
        FilterPattern::parse(src).unwrap().to_string()
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical("  "), "");
        assert_eq!(canonical(r#"?b a -c "d e""#), r#""a" "d e" -"c" ?"b""#);
        assert_eq!(canonical("%a b%"), "%a b%");
        assert_eq!(canonical("{$.a=x*&&$.n>=1e3}"), r#"{ $.a = "x*" && $.n >= 1000 }"#);
        assert_eq!(canonical("{ ($.a = 1 || $.b = 2) && $.c is null }"), "{ ($.a = 1 || $.b = 2) && $.c IS NULL }");
        assert_eq!(canonical("{ $.a = 1 || ($.b = 2 || $.c not exists) }"), "{ $.a = 1 || ($.b = 2 || $.c NOT EXISTS) }");
        assert_eq!(canonical("{ (($.a[0] EXISTS)) }"), "{ $.a[0] EXISTS }");
    }
}
