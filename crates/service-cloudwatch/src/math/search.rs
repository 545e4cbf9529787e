//! The search expression inside `SEARCH('...', 'Stat', Period)`: an optional schema
//! `{Namespace,DimName,...}` (the namespace and exactly those dimension names), then terms:
//! `Key=Value` / `Key="Value"` (exact, on `MetricName`, `Namespace` or a dimension name), bare
//! words or `"quoted phrases"` (a case-insensitive substring of the namespace, the metric name, a
//! dimension name or value), combined with `AND` (or a space), `OR`, `NOT` and parentheses.

use metric_store::MetricKey;

/// A parsed search expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Search {
    schema: Option<(String, Vec<String>)>,
    term: Term,
}

#[derive(Debug, Clone, PartialEq)]
enum Term {
    All,
    Exact { key: String, value: String },
    Partial(String),
    And(Box<Term>, Box<Term>),
    Or(Box<Term>, Box<Term>),
    Not(Box<Term>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Eq,
    Open,
    Close,
}

impl Search {
    /// Parses a search expression; the message says what is wrong.
    pub(crate) fn parse(src: &str) -> Result<Search, String> {
        let mut rest = src.trim();
        let mut schema = None;
        if let Some(body) = rest.strip_prefix('{') {
            let end = body.find('}').ok_or("Unterminated schema '{'")?;
            let parts: Vec<String> = body[..end].split(',').map(|p| p.trim().trim_matches('"').to_owned()).collect();
            let (ns, dims) = parts.split_first().ok_or("Empty schema")?;
            if ns.is_empty() || dims.iter().any(String::is_empty) {
                return Err("A schema names a namespace and dimension names: {Namespace,DimensionName,...}".into());
            }
            let mut dims = dims.to_vec();
            dims.sort();
            schema = Some((ns.clone(), dims));
            rest = &body[end + 1..];
        }
        let tokens = tokens(rest)?;
        let mut p = 0;
        let term = if tokens.is_empty() { Term::All } else { or_expr(&tokens, &mut p)? };
        if p != tokens.len() {
            return Err("Unexpected text in the search expression".into());
        }
        Ok(Search { schema, term })
    }

    /// Whether `key` matches.
    pub(crate) fn matches(&self, key: &MetricKey) -> bool {
        if let Some((ns, dims)) = &self.schema {
            let names: Vec<&str> = key.dimensions().iter().map(|d| d.name.as_str()).collect();
            if &key.namespace != ns || names.len() != dims.len() || names.iter().zip(dims).any(|(a, b)| a != b) {
                return false;
            }
        }
        term_matches(&self.term, key)
    }
}

fn term_matches(term: &Term, key: &MetricKey) -> bool {
    match term {
        Term::All => true,
        Term::Exact { key: k, value } => match k.as_str() {
            "MetricName" => &key.name == value,
            "Namespace" => &key.namespace == value,
            dim => key.dimension(dim) == Some(value.as_str()),
        },
        Term::Partial(text) => {
            let t = text.to_lowercase();
            let has = |s: &str| s.to_lowercase().contains(&t);
            has(&key.namespace) || has(&key.name) || key.dimensions().iter().any(|d| has(&d.name) || has(&d.value))
        }
        Term::And(a, b) => term_matches(a, key) && term_matches(b, key),
        Term::Or(a, b) => term_matches(a, key) || term_matches(b, key),
        Term::Not(a) => !term_matches(a, key),
    }
}

fn tokens(src: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = src.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Tok::Open);
            }
            ')' => {
                chars.next();
                out.push(Tok::Close);
            }
            '=' => {
                chars.next();
                out.push(Tok::Eq);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => s.extend(chars.next()),
                        Some(c) => s.push(c),
                        None => return Err("Unterminated quoted phrase".into()),
                    }
                }
                out.push(Tok::Quoted(s));
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "()=\"".contains(c) {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                out.push(Tok::Word(s));
            }
        }
    }
    Ok(out)
}

fn is_keyword(t: Option<&Tok>, k: &str) -> bool {
    matches!(t, Some(Tok::Word(w)) if w == k)
}

fn or_expr(t: &[Tok], p: &mut usize) -> Result<Term, String> {
    let mut lhs = and_expr(t, p)?;
    while is_keyword(t.get(*p), "OR") {
        *p += 1;
        lhs = Term::Or(Box::new(lhs), Box::new(and_expr(t, p)?));
    }
    Ok(lhs)
}

fn and_expr(t: &[Tok], p: &mut usize) -> Result<Term, String> {
    let mut lhs = not_expr(t, p)?;
    loop {
        if is_keyword(t.get(*p), "AND") {
            *p += 1;
        } else if *p >= t.len() || t[*p] == Tok::Close || is_keyword(t.get(*p), "OR") {
            return Ok(lhs);
        }
        lhs = Term::And(Box::new(lhs), Box::new(not_expr(t, p)?));
    }
}

fn not_expr(t: &[Tok], p: &mut usize) -> Result<Term, String> {
    if is_keyword(t.get(*p), "NOT") {
        *p += 1;
        return Ok(Term::Not(Box::new(not_expr(t, p)?)));
    }
    atom(t, p)
}

fn atom(t: &[Tok], p: &mut usize) -> Result<Term, String> {
    match t.get(*p) {
        Some(Tok::Open) => {
            *p += 1;
            let inner = or_expr(t, p)?;
            if t.get(*p) != Some(&Tok::Close) {
                return Err("Expected ')' in the search expression".into());
            }
            *p += 1;
            Ok(inner)
        }
        Some(Tok::Word(w)) | Some(Tok::Quoted(w)) => {
            let w = w.clone();
            *p += 1;
            if t.get(*p) == Some(&Tok::Eq) {
                *p += 1;
                match t.get(*p) {
                    Some(Tok::Word(v)) | Some(Tok::Quoted(v)) => {
                        *p += 1;
                        Ok(Term::Exact { key: w, value: v.clone() })
                    }
                    _ => Err(format!("Expected a value after {w}=")),
                }
            } else {
                Ok(Term::Partial(w))
            }
        }
        _ => Err("Expected a search term".into()),
    }
}

#[cfg(test)]
mod tests {
    use metric_store::Dimension;

    use super::*;

    fn key(ns: &str, name: &str, dims: &[(&str, &str)]) -> MetricKey {
        MetricKey::new(ns, name, dims.iter().map(|(n, v)| Dimension::new(*n, *v)).collect())
    }

    #[test]
    fn schema_and_terms() {
        let s = Search::parse(r#"{AWS/Bedrock,ModelId} MetricName="Invocations""#).unwrap();
        assert!(s.matches(&key("AWS/Bedrock", "Invocations", &[("ModelId", "m")])));
        assert!(!s.matches(&key("AWS/Bedrock", "Invocations", &[])));
        assert!(!s.matches(&key("AWS/Bedrock", "InputTokenCount", &[("ModelId", "m")])));
        let s = Search::parse("Token AND NOT ModelId=b OR Invocations").unwrap();
        assert!(s.matches(&key("AWS/Bedrock", "InputTokenCount", &[("ModelId", "a")])));
        assert!(!s.matches(&key("AWS/Bedrock", "InputTokenCount", &[("ModelId", "b")])));
        assert!(s.matches(&key("X", "Invocations", &[])));
        let s = Search::parse("(a OR b) c").unwrap();
        assert!(s.matches(&key("a", "c", &[])));
        assert!(!s.matches(&key("a", "d", &[])));
        for bad in ["{", "{}", "(a", "a=", "\"x"] {
            assert!(Search::parse(bad).is_err(), "{bad}");
        }
    }
}
