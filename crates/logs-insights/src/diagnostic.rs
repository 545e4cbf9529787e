//! Diagnostics: stable codes, severities, byte spans, a plain-text renderer and the
//! conversion to AWS's `MalformedQueryException` location (character offsets).
//!
//! Codes are a registry: `E0xx` lexer, `E1xx` parser, `E2xx` checker, `W3xx` warnings.
//! A code is never reused for a different meaning. Each variant's doc names a query that
//! triggers it (a test below runs every one); each error code also has a fixture under
//! `fixtures/queries/err/`, and the warnings appear in `ok/` and `seed/` fixtures.

use crate::span::Span;
use std::fmt;

/// The stable diagnostic code registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    /// A character that starts no token: `fields a $ b`.
    E001UnexpectedChar,
    /// A string without its closing quote: `filter a = "abc`.
    E002UnterminatedString,
    /// A regex without its closing slash: `filter a like /abc`.
    E003UnterminatedRegex,
    /// A backtick identifier without its closing backtick: ``fields `abc``.
    E004UnterminatedBacktick,
    /// A malformed number or unknown time unit: `stats count(*) by bin(5parsecs)`.
    E005InvalidNumber,
    /// A name where a command was expected: `fields a | frobnicate b`.
    E101UnknownCommand,
    /// A documented Insights command this engine does not implement: `pattern @message`.
    E102UnsupportedCommand,
    /// A token the grammar does not allow here: `fields a,, b`.
    E103Unexpected,
    /// A query that ends in the middle of a command: `filter a =`.
    E104UnexpectedEnd,
    /// More than two `stats` commands: `stats count(*) by a | stats count(*) by b | stats count(*)`.
    E105TooManyStats,
    /// `SOURCE` anywhere but first: `fields a | SOURCE 'x'`.
    E106SourceNotFirst,
    /// A function name that Insights does not have: `fields ago(10m)`.
    E201UnknownFunction,
    /// A documented Insights function this engine does not implement: `fields unmask(@message)`.
    E202UnsupportedFunction,
    /// Wrong number of arguments: `fields strlen(a, b)`.
    E203Arity,
    /// An aggregate outside `stats`: `filter count(*) > 1`.
    E204AggregateOutsideStats,
    /// `bin()` anywhere but a `stats ... by` key of the first stats: `fields bin(1h)`.
    E205BinMisplaced,
    /// A name that is not a column after `stats`: `stats count(*) by a | sort modelId`.
    E206UnknownAfterStats,
    /// An alias defined twice: `fields a as x, b as x`.
    E207DuplicateAlias,
    /// `sort`, `limit` or `dedup` between two `stats`: `stats count(*) as c by a | sort c | stats sum(c)`.
    E208CommandBetweenStats,
    /// A command other than `limit` after `dedup`: `dedup a | sort a`.
    E209AfterDedup,
    /// A regex the engine cannot compile: `filter a like /(/`.
    E210InvalidRegex,
    /// A glob `parse` whose `*` count differs from its alias count: `parse @message "a=*" as x, y`.
    E211ParseArity,
    /// A regex `parse` without named groups: `parse @message /a=.*/`.
    E212ParseNoGroups,
    /// An argument of the wrong kind: `stats pct(a, b)`, `fields datefloor(@timestamp, 1)`.
    E213BadArgument,
    /// A `limit` outside 1..=10000: `limit 0`.
    E214LimitRange,
    /// `*` outside `count(*)`: `stats sum(*)`.
    E215StarMisplaced,
    /// An aggregate inside an aggregate: `stats sum(count(*))`.
    E216NestedAggregate,
    /// A `stats` item that is neither an aggregate nor built from earlier aliases: `stats a`.
    E217NotAnAggregate,
    /// A `SOURCE` form this engine does not understand: `SOURCE logGroups(foo: ['x'])`.
    E218BadSource,
    /// `fillmissing` without a `stats ... by bin()` before it: `fields a | fillmissing`, `stats count(*) by a | fillmissing`.
    E219FillMissingWithoutBin,
    /// A field the caller's schema never has: `fields inputTokenCount` over Bedrock records.
    W301UnknownField,
    /// A `bin()`/`datefloor()` period above its unit cap, which AWS silently shrinks: `stats count(*) by bin(300s)`.
    W302PeriodCapped,
    /// `--` followed by a name, which parses as double minus, not a comment: `filter a > 5 -- big`.
    W303DoubleMinus,
}

impl Code {
    /// The short stable code, e.g. `E103`.
    pub fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            E001UnexpectedChar => "E001",
            E002UnterminatedString => "E002",
            E003UnterminatedRegex => "E003",
            E004UnterminatedBacktick => "E004",
            E005InvalidNumber => "E005",
            E101UnknownCommand => "E101",
            E102UnsupportedCommand => "E102",
            E103Unexpected => "E103",
            E104UnexpectedEnd => "E104",
            E105TooManyStats => "E105",
            E106SourceNotFirst => "E106",
            E201UnknownFunction => "E201",
            E202UnsupportedFunction => "E202",
            E203Arity => "E203",
            E204AggregateOutsideStats => "E204",
            E205BinMisplaced => "E205",
            E206UnknownAfterStats => "E206",
            E207DuplicateAlias => "E207",
            E208CommandBetweenStats => "E208",
            E209AfterDedup => "E209",
            E210InvalidRegex => "E210",
            E211ParseArity => "E211",
            E212ParseNoGroups => "E212",
            E213BadArgument => "E213",
            E214LimitRange => "E214",
            E215StarMisplaced => "E215",
            E216NestedAggregate => "E216",
            E217NotAnAggregate => "E217",
            E218BadSource => "E218",
            E219FillMissingWithoutBin => "E219",
            W301UnknownField => "W301",
            W302PeriodCapped => "W302",
            W303DoubleMinus => "W303",
        }
    }

    /// Warnings start with `W`; everything else is an error.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') { Severity::Warning } else { Severity::Error }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error fails the compile; Warning rides along on the [`crate::Plan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary span with its own message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Span,
    pub labels: Vec<Label>,
    pub help: Option<String>,
}

/// AWS's `queryCompileError.location`: character (not byte) offsets.
/// `endCharOffset` is exclusive here, like our spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CharOffsets {
    pub start_char_offset: usize,
    pub end_char_offset: usize,
}

impl Diagnostic {
    /// A diagnostic whose severity follows from its code.
    pub fn new(code: Code, primary: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { code, severity: code.severity(), message: message.into(), primary, labels: Vec::new(), help: None }
    }

    /// Adds a hint printed under the snippet.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary labelled span.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { span, message: message.into() });
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary span as character offsets into `src`, for `MalformedQueryException`.
    pub fn char_offsets(&self, src: &str) -> CharOffsets {
        let to_chars = |byte: usize| src[..floor_char_boundary(src, byte)].chars().count();
        CharOffsets {
            start_char_offset: to_chars(self.primary.start as usize),
            end_char_offset: to_chars(self.primary.end as usize),
        }
    }
}

fn floor_char_boundary(src: &str, mut i: usize) -> usize {
    i = i.min(src.len());
    while !src.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Renders diagnostics as plain text with the offending source line and carets under
/// the span (no colour; trailing spaces trimmed so snapshots stay stable).
pub fn render(src: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("{kind}[{}]: {}\n", d.code, d.message));
        snippet(src, d.primary, None, &mut out);
        for label in &d.labels {
            snippet(src, label.span, Some(&label.message), &mut out);
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("  = help: {help}\n"));
        }
    }
    out.lines().map(str::trim_end).collect::<Vec<_>>().join("\n") + "\n"
}

fn snippet(src: &str, span: Span, label: Option<&str>, out: &mut String) {
    let start = floor_char_boundary(src, span.start as usize);
    let end = floor_char_boundary(src, span.end as usize).max(start);
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let line_no = src[..start].matches('\n').count() + 1;
    let col = src[line_start..start].chars().count();
    let width = src[start..end.min(line_end)].chars().count().max(1);
    let gutter = format!("{line_no}");
    let pad = " ".repeat(gutter.len());
    out.push_str(&format!("{pad} --> {}:{}\n", line_no, col + 1));
    out.push_str(&format!("{gutter} | {}\n", &src[line_start..line_end]));
    let mut carets = format!("{pad} | {}{}", " ".repeat(col), "^".repeat(width));
    if let Some(label) = label {
        carets.push(' ');
        carets.push_str(label);
    }
    out.push_str(&carets);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use crate::{CheckOptions, Schema, compile};

    /// The inline code spans of a Markdown line (a run of n backticks closes a run of n).
    fn code_spans(text: &str) -> Vec<&str> {
        let mut spans = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('`') {
            let ticks = rest[open..].len() - rest[open..].trim_start_matches('`').len();
            let body = &rest[open + ticks..];
            let fence = "`".repeat(ticks);
            let Some(close) = body.find(&fence) else { break };
            spans.push(&body[..close]);
            rest = &body[close + ticks..];
        }
        spans
    }

    /// Every code's doc names a query that triggers it: the code spans from the doc's last
    /// colon that opens one (several when it lists examples). W301 needs a schema; a small
    /// one stands in for "Bedrock records".
    #[test]
    fn every_code_doc_example_triggers_its_code() {
        let src = include_str!("diagnostic.rs");
        let body = &src[src.find("pub enum Code {").unwrap()..];
        let body = &body[..body.find("\n}\n").unwrap()];
        let schema = Schema::new().field("input.inputTokenCount").prefix("requestMetadata.");
        let opts = CheckOptions { schema: Some(schema), now_ms: Some(0), time_range: None };
        let mut doc = String::new();
        let mut checked = 0;
        for line in body.lines().map(str::trim) {
            if let Some(text) = line.strip_prefix("///") {
                doc.push_str(text);
                continue;
            }
            let Some(variant) = line.strip_suffix(',') else { continue };
            let code = &variant[..4];
            let examples = code_spans(&doc[doc.rfind(": `").unwrap_or_else(|| panic!("{variant}: no example in its doc"))..]);
            assert!(!examples.is_empty(), "{variant}: no example in its doc");
            for query in examples {
                let diags = match compile(query, &opts) {
                    Ok(plan) => plan.warnings().to_vec(),
                    Err(diags) => diags,
                };
                let got: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
                assert!(got.contains(&code), "{variant}: its doc example `{query}` gives {got:?}");
            }
            checked += 1;
            doc.clear();
        }
        assert_eq!(checked, 33, "every code of the registry is checked");
    }
}
