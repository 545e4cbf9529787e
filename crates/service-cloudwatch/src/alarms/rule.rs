//! Composite alarm rules: `ALARM("name")`, `OK(name)`, `INSUFFICIENT_DATA(arn)`, `TRUE`,
//! `FALSE`, combined with `AND`, `OR`, `NOT` and parentheses (`AND` binds tighter than `OR`).
//! An alarm is named by its name or its ARN, quoted or not.

use super::model::StateValue;

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rule {
    Const(bool),
    State(StateValue, String),
    Not(Box<Rule>),
    And(Box<Rule>, Box<Rule>),
    Or(Box<Rule>, Box<Rule>),
}

impl Rule {
    /// Parses a rule; the message says what is wrong.
    pub(crate) fn parse(text: &str) -> Result<Rule, String> {
        let tokens = tokens(text)?;
        let mut at = 0;
        let rule = or(&tokens, &mut at)?;
        if at != tokens.len() {
            return Err(format!("Unexpected '{}' in the alarm rule", tokens[at]));
        }
        Ok(rule)
    }

    /// The alarms it names (names or ARNs, as written).
    pub(crate) fn references(&self) -> Vec<&str> {
        match self {
            Rule::Const(_) => Vec::new(),
            Rule::State(_, name) => vec![name.as_str()],
            Rule::Not(r) => r.references(),
            Rule::And(a, b) | Rule::Or(a, b) => {
                let mut out = a.references();
                out.extend(b.references());
                out
            }
        }
    }

    /// Its value, with `state` telling each referenced alarm's state.
    pub(crate) fn eval(&self, state: &dyn Fn(&str) -> Option<StateValue>) -> bool {
        match self {
            Rule::Const(b) => *b,
            Rule::State(want, name) => state(name) == Some(*want),
            Rule::Not(r) => !r.eval(state),
            Rule::And(a, b) => a.eval(state) && b.eval(state),
            Rule::Or(a, b) => a.eval(state) || b.eval(state),
        }
    }
}

fn tokens(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            out.push(c.to_string());
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut s = String::from("\"");
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(ch) => s.push(ch),
                    None => return Err("Unterminated quoted alarm name in the alarm rule".into()),
                }
            }
            out.push(s);
        } else {
            let mut s = String::new();
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() || ch == '(' || ch == ')' {
                    break;
                }
                s.push(ch);
                chars.next();
            }
            out.push(s);
        }
    }
    Ok(out)
}

fn or(t: &[String], at: &mut usize) -> Result<Rule, String> {
    let mut lhs = and(t, at)?;
    while t.get(*at).is_some_and(|w| w == "OR") {
        *at += 1;
        lhs = Rule::Or(Box::new(lhs), Box::new(and(t, at)?));
    }
    Ok(lhs)
}

fn and(t: &[String], at: &mut usize) -> Result<Rule, String> {
    let mut lhs = not(t, at)?;
    while t.get(*at).is_some_and(|w| w == "AND") {
        *at += 1;
        lhs = Rule::And(Box::new(lhs), Box::new(not(t, at)?));
    }
    Ok(lhs)
}

fn not(t: &[String], at: &mut usize) -> Result<Rule, String> {
    if t.get(*at).is_some_and(|w| w == "NOT") {
        *at += 1;
        return Ok(Rule::Not(Box::new(not(t, at)?)));
    }
    atom(t, at)
}

fn atom(t: &[String], at: &mut usize) -> Result<Rule, String> {
    let word = t.get(*at).ok_or("Unexpected end of the alarm rule")?.clone();
    *at += 1;
    match word.as_str() {
        "TRUE" => Ok(Rule::Const(true)),
        "FALSE" => Ok(Rule::Const(false)),
        "(" => {
            let inner = or(t, at)?;
            if t.get(*at).map(String::as_str) != Some(")") {
                return Err("Expected ')' in the alarm rule".into());
            }
            *at += 1;
            Ok(inner)
        }
        f @ ("ALARM" | "OK" | "INSUFFICIENT_DATA") => {
            let state = StateValue::parse(f).ok_or("unreachable")?;
            if t.get(*at).map(String::as_str) != Some("(") {
                return Err(format!("Expected '(' after {f} in the alarm rule"));
            }
            let name = t.get(*at + 1).ok_or("Expected an alarm name in the alarm rule")?;
            if t.get(*at + 2).map(String::as_str) != Some(")") {
                return Err(format!("Expected ')' after the alarm name of {f} in the alarm rule"));
            }
            *at += 3;
            Ok(Rule::State(state, name.trim_start_matches('"').to_owned()))
        }
        other => Err(format!("Unexpected '{other}' in the alarm rule")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_evaluates() {
        let r = Rule::parse(r#"ALARM("cpu high") AND NOT OK(disk) OR FALSE"#).unwrap();
        assert_eq!(r.references(), vec!["cpu high", "disk"]);
        let states = |n: &str| match n {
            "cpu high" => Some(StateValue::Alarm),
            _ => Some(StateValue::InsufficientData),
        };
        assert!(r.eval(&states));
        assert!(Rule::parse("(TRUE)").unwrap().eval(&|_| None));
        for bad in ["ALARM(a", "ALARM a", "a AND", "\"x", "(TRUE", "MAYBE(a)", ""] {
            assert!(Rule::parse(bad).is_err(), "{bad}");
        }
    }
}
