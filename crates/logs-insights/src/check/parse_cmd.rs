//! Checking `parse`: a glob becomes an equivalent regex; regex named groups become fields.

use super::Checker;
use super::expr::compile_regex;
use super::stage::Stage;
use crate::ast::{Parse, ParsePattern};
use crate::diagnostic::{Code, Diagnostic};
use crate::plan::RowOp;

/// Converts a `parse` glob to a regex: literal text escaped, each `*` a lazy group
/// `(.*?)`, except a trailing `*` which takes the rest of the text `(.*)`. Unanchored.
pub(crate) fn glob_to_regex(glob: &str) -> String {
    let parts: Vec<&str> = glob.split('*').collect();
    let mut re = String::from("(?s)");
    for (i, part) in parts.iter().enumerate() {
        re.push_str(&regex::escape(part));
        if i + 1 < parts.len() {
            re.push_str(if i + 2 == parts.len() && parts[i + 1].is_empty() { "(.*)" } else { "(.*?)" });
        }
    }
    re
}

impl Checker<'_> {
    pub(super) fn parse_command(&mut self, st: &mut Stage, p: &Parse) -> Option<RowOp> {
        let input = match &p.field {
            Some(f) => self.expr_or_report(st, f)?,
            None => {
                if !st.is_events {
                    self.errors.push(Diagnostic::new(
                        Code::E206UnknownAfterStats,
                        p.span,
                        "`parse` without a field reads `@message`, which is gone after `stats`",
                    ));
                    return None;
                }
                match self.resolve(st, "@message", p.span) {
                    Ok(e) => e,
                    Err(d) => {
                        self.errors.push(d);
                        return None;
                    }
                }
            }
        };
        let (re, names): (regex::Regex, Vec<(usize, String, crate::span::Span)>) = match &p.pattern {
            ParsePattern::Glob { glob, aliases, span } => {
                let stars = glob.matches('*').count();
                if stars != aliases.len() {
                    self.errors.push(Diagnostic::new(
                        Code::E211ParseArity,
                        *span,
                        format!("the glob has {stars} `*` but `as` names {} field(s)", aliases.len()),
                    ));
                    return None;
                }
                let re = regex::Regex::new(&glob_to_regex(glob)).expect("escaped glob is a valid regex");
                (re, aliases.iter().enumerate().map(|(i, a)| (i + 1, a.name.clone(), a.span)).collect())
            }
            ParsePattern::Regex { regex, span } => {
                let re = match compile_regex(regex, *span) {
                    Ok(re) => re,
                    Err(d) => {
                        self.errors.push(d);
                        return None;
                    }
                };
                let names: Vec<_> =
                    re.capture_names().enumerate().filter_map(|(i, n)| n.map(|n| (i, n.to_string(), *span))).collect();
                if names.is_empty() {
                    self.errors.push(Diagnostic::new(
                        Code::E212ParseNoGroups,
                        *span,
                        "a `parse` regex needs named groups such as `(?<user>\\S+)`",
                    ));
                    return None;
                }
                (re, names)
            }
        };
        let mut groups = Vec::new();
        for (idx, name, span) in names {
            if st.aliases.contains_key(&name) {
                self.errors.push(Diagnostic::new(
                    Code::E207DuplicateAlias,
                    span,
                    format!("the alias `{name}` is already defined"),
                ));
                return None;
            }
            let slot = st.alloc();
            st.aliases.insert(name.clone(), slot);
            st.names.insert(name, slot);
            groups.push((idx, slot));
        }
        Some(RowOp::Parse { input, re, groups })
    }
}
