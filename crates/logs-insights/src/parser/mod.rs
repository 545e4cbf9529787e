//! The recursive-descent command parser: tokens to [`crate::ast::Query`].
//!
//! Each `|` stage is parsed on its own; after an error the parser skips to the next `|`
//! and goes on, so one run reports every broken stage. Unsupported Insights commands are
//! named in an error, never skipped.

mod expr;

use crate::ast::*;
use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::{Tok, Token, lex};
use crate::span::Span;

pub(crate) type PResult<T> = Result<T, Diagnostic>;

/// Commands of the Insights language that this engine recognizes but does not run, each with
/// why (shown as the diagnostic's help).
pub(crate) const UNSUPPORTED_COMMANDS: &[(&str, &str)] = &[
    ("pattern", "it clusters events with CloudWatch's pattern-analysis service, which the emulator does not have"),
    (
        "diff",
        "it compares the `pattern` clusters of two periods, and pattern analysis is a CloudWatch service the emulator does not have",
    ),
    ("anomaly", "it runs CloudWatch's machine-learning anomaly detection, which the emulator does not have"),
    ("unmask", "it needs the data-protection policies and the logs:Unmask permission, which the emulator does not model"),
    ("lookup", "it reads lookup tables (CreateLookupTable), which the emulator's Logs API does not store"),
    ("cidrlookup", "it reads lookup tables (CreateLookupTable), which the emulator's Logs API does not store"),
    ("filterIndex", "it selects events through field indexes (PutIndexPolicy), which the emulator does not build; use `filter`"),
    ("relevantfields", "it ranks fields with CloudWatch's machine-learning service, which the emulator does not have"),
    ("outlier", "it scores events with CloudWatch's machine-learning service, which the emulator does not have"),
    ("autoregress", "it fits CloudWatch's machine-learning time-series model, which the emulator does not have"),
    (
        "logcompare",
        "it compares pattern clusters across periods, and pattern analysis is a CloudWatch service the emulator does not have",
    ),
    ("join", "joins and subqueries are not implemented by this engine yet"),
    ("appendcols", "it appends the columns of a subquery, and subqueries are not implemented by this engine yet"),
    ("sessionize", "it is not implemented by this engine yet"),
    ("countFrequent", "it is not implemented by this engine yet"),
    ("search", "it is legacy grammar that AWS no longer documents; use `filter @message like ...`"),
    ("head", "it is legacy grammar that AWS no longer documents; use `sort @timestamp asc|desc | limit N`"),
    ("tail", "it is legacy grammar that AWS no longer documents; use `sort @timestamp asc|desc | limit N`"),
    ("order", "it is legacy grammar that AWS no longer documents; use `sort`"),
];

/// The supported commands, for "expected" messages.
const COMMANDS: &str =
    "fields, display, filter, stats, sort, limit, dedup, parse, unnest, expand, filldown, fillmissing, accum, addtotals";

/// Parses an Insights query into its AST, or returns every syntax error found.
pub fn parse(src: &str) -> Result<Query, Vec<Diagnostic>> {
    let lexed = lex(src)?;
    let mut p = Parser { tokens: lexed.tokens, pos: 0 };
    let (query, mut errors) = p.query();
    if errors.is_empty() {
        let mut query = query;
        query.double_minus = lexed.double_minus;
        return Ok(query);
    }
    if let Some(dm) = lexed.double_minus.first() {
        errors[0] = errors[0]
            .clone()
            .with_label(*dm, "`--` is two minus signs here, not a comment")
            .with_help("Insights comments start with `#` and run to the end of the line");
    }
    Err(errors)
}

pub(crate) struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    pub(crate) fn peek(&self) -> &Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    pub(crate) fn peek_at(&self, n: usize) -> &Token {
        &self.tokens[(self.pos + n).min(self.tokens.len() - 1)]
    }

    pub(crate) fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        t
    }

    pub(crate) fn eat(&mut self, tok: &Tok) -> bool {
        if &self.peek().tok == tok {
            self.bump();
            true
        } else {
            false
        }
    }

    fn at_word(&self, word: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(s) if s.eq_ignore_ascii_case(word))
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.at_word(word) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Expects `tok`, returning its span; `who` names the construct, `what` the expectation.
    pub(crate) fn expect(&mut self, tok: Tok, who: &str, what: &str) -> PResult<Span> {
        if self.peek().tok == tok {
            return Ok(self.bump().span);
        }
        Err(self.unexpected_in(who, what))
    }

    pub(crate) fn unexpected(&self, what: &str) -> Diagnostic {
        self.unexpected_in("the query", what)
    }

    /// "`who` expected X, but found Y".
    pub(crate) fn unexpected_in(&self, who: &str, what: &str) -> Diagnostic {
        let t = self.peek();
        if t.tok == Tok::Eof {
            return Diagnostic::new(Code::E104UnexpectedEnd, t.span, format!("{who} expected {what}, but the query ended"));
        }
        Diagnostic::new(Code::E103Unexpected, t.span, format!("{who} expected {what}, but found {}", describe(&t.tok)))
    }

    fn query(&mut self) -> (Query, Vec<Diagnostic>) {
        let mut errors = Vec::new();
        let mut source: Option<Source> = None;
        let mut commands = Vec::new();
        let mut first = true;
        loop {
            if self.peek().tok == Tok::Eof {
                if first || !errors.is_empty() {
                    if first {
                        errors.push(self.unexpected_in("the query", &format!("a command ({COMMANDS})")));
                    }
                } else {
                    errors.push(self.unexpected_in("`|`", "a command"));
                }
                break;
            }
            let stage_start = self.pos;
            let res = if self.at_word("source") {
                let r = self.source(&mut source);
                if !commands.is_empty() {
                    let span = self.tokens[stage_start].span;
                    errors.push(Diagnostic::new(Code::E106SourceNotFirst, span, "`SOURCE` must come before every other command"));
                }
                r
            } else {
                self.command().map(|c| commands.push(c))
            };
            if let Err(e) = res {
                errors.push(e);
                self.skip_stage();
            }
            first = false;
            match self.peek().tok {
                Tok::Pipe => {
                    self.bump();
                }
                Tok::Eof => break,
                _ => {
                    errors.push(self.unexpected_in(
                        &format!("the `{}` command", self.stage_name(stage_start)),
                        "`|` or the end of the query",
                    ));
                    self.skip_stage();
                    if !self.eat(&Tok::Pipe) {
                        break;
                    }
                }
            }
        }
        if commands.is_empty() && errors.is_empty() {
            let span = self.peek().span;
            errors.push(Diagnostic::new(
                Code::E104UnexpectedEnd,
                span,
                format!("a query needs at least one command ({COMMANDS}) after `SOURCE`"),
            ));
        }
        (Query { source, commands, double_minus: Vec::new() }, errors)
    }

    fn stage_name(&self, at: usize) -> String {
        match &self.tokens[at].tok {
            Tok::Ident(s) => s.to_ascii_lowercase(),
            _ => "previous".into(),
        }
    }

    /// Skips to the next `|` outside parentheses and brackets.
    fn skip_stage(&mut self) {
        let mut depth = 0i32;
        loop {
            match self.peek().tok {
                Tok::Eof => return,
                Tok::Pipe if depth <= 0 => return,
                Tok::LParen | Tok::LBracket => depth += 1,
                Tok::RParen | Tok::RBracket => depth -= 1,
                _ => {}
            }
            self.bump();
        }
    }

    fn command(&mut self) -> PResult<Command> {
        let head = self.peek().clone();
        let Tok::Ident(word) = &head.tok else {
            return Err(self.unexpected(&format!("a command ({COMMANDS})")));
        };
        let lower = word.to_ascii_lowercase();
        let cmd = match lower.as_str() {
            "fields" | "display" => {
                self.bump();
                let items = self.items(&lower, false)?;
                let span = head.span.to(self.prev_span());
                if lower == "fields" { Command::Fields { items, span } } else { Command::Display { items, span } }
            }
            "filter" | "where" => {
                self.bump();
                let expr = self.expr()?;
                Command::Filter { span: head.span.to(expr.span), expr }
            }
            "stats" => {
                self.bump();
                let items = self.items("stats", true)?;
                let by = if self.eat_word("by") { self.items("`by`", false)? } else { Vec::new() };
                if self.at_word("offset") {
                    return Err(Diagnostic::new(
                        Code::E102UnsupportedCommand,
                        self.peek().span,
                        "`stats ... by bin() offset <duration>` is not supported by this engine",
                    )
                    .with_help(
                        "time-shifted bins are not implemented yet; compare two queries over shifted time ranges instead",
                    ));
                }
                Command::Stats(Stats { items, by, span: head.span.to(self.prev_span()) })
            }
            "sort" => {
                self.bump();
                let mut keys = Vec::new();
                loop {
                    let expr = self.expr()?;
                    let order = if self.eat_word("asc") {
                        Some(Order::Asc)
                    } else if self.eat_word("desc") {
                        Some(Order::Desc)
                    } else {
                        None
                    };
                    keys.push(SortKey { expr, order });
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                Command::Sort { keys, span: head.span.to(self.prev_span()) }
            }
            "limit" => {
                self.bump();
                // `limit any N` (newest docs): any N rows; this engine's N are its usual ones.
                self.eat_word("any");
                let t = self.peek().clone();
                let n = match &t.tok {
                    Tok::Number(_, text) if text.bytes().all(|b| b.is_ascii_digit()) => text.parse::<u64>().unwrap_or(u64::MAX),
                    _ => return Err(self.unexpected_in("`limit`", "a whole number of rows")),
                };
                self.bump();
                Command::Limit { n, span: head.span.to(t.span) }
            }
            "dedup" => {
                self.bump();
                let mut fields = Vec::new();
                loop {
                    fields.push(self.field_ref("`dedup`")?);
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                Command::Dedup { fields, span: head.span.to(self.prev_span()) }
            }
            "parse" => {
                self.bump();
                self.parse_command(head.span)?
            }
            "unnest" | "expand" | "filldown" | "fillmissing" | "accum" | "addtotals" => {
                self.bump();
                let kind = self.shape(&lower)?;
                Command::Shape(Shape { kind, span: head.span.to(self.prev_span()) })
            }
            _ => {
                if let Some((name, why)) = UNSUPPORTED_COMMANDS.iter().find(|(c, _)| c.eq_ignore_ascii_case(word)) {
                    return Err(Diagnostic::new(
                        Code::E102UnsupportedCommand,
                        head.span,
                        format!("the Insights command `{name}` is not supported by this engine"),
                    )
                    .with_help(format!("`{name}` is refused because {why}")));
                }
                return Err(Diagnostic::new(
                    Code::E101UnknownCommand,
                    head.span,
                    format!("expected a command ({COMMANDS}), but found `{word}`"),
                ));
            }
        };
        Ok(cmd)
    }

    /// The arguments of a row-shaping command (its keyword already read).
    fn shape(&mut self, cmd: &str) -> PResult<ShapeKind> {
        let who = format!("`{cmd}`");
        Ok(match cmd {
            "unnest" => {
                let field = self.field_ref(&who)?;
                if !self.eat_word("into") {
                    return Err(self.unexpected_in(&who, "`into` and a name"));
                }
                ShapeKind::Unnest { field, into: self.alias()? }
            }
            "expand" => ShapeKind::Expand { field: self.field_ref(&who)? },
            "filldown" => ShapeKind::FillDown { fields: self.name_patterns()? },
            "fillmissing" => {
                let mut fills = Vec::new();
                if self.eat_word("with") {
                    loop {
                        let value = self.expr()?;
                        if !self.eat_word("for") {
                            return Err(self.unexpected_in("`fillmissing with`", "`for` and a field"));
                        }
                        fills.push((value, self.alias()?));
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                }
                ShapeKind::FillMissing { fills }
            }
            "accum" => {
                let field = self.expr()?;
                let alias = if self.eat_word("as") { Some(self.alias()?) } else { None };
                ShapeKind::Accum { field, alias }
            }
            _ => {
                let (mut fieldname, mut row, mut col) = (None, true, false);
                loop {
                    let key = match &self.peek().tok {
                        Tok::Ident(k) if matches!(self.peek_at(1).tok, Tok::Eq) => k.to_ascii_lowercase(),
                        _ => break,
                    };
                    if !matches!(key.as_str(), "fieldname" | "row" | "col") {
                        return Err(self.unexpected_in("`addtotals`", "fieldname=, row=, col= or field names"));
                    }
                    self.bump();
                    self.bump();
                    if key == "fieldname" {
                        fieldname = Some(self.alias()?);
                        continue;
                    }
                    let value = match &self.peek().tok {
                        Tok::Ident(b) if b.eq_ignore_ascii_case("true") => true,
                        Tok::Ident(b) if b.eq_ignore_ascii_case("false") => false,
                        _ => return Err(self.unexpected_in(&format!("`{key}=`"), "true or false")),
                    };
                    self.bump();
                    if key == "row" { row = value } else { col = value }
                }
                ShapeKind::AddTotals { fieldname, row, col, fields: self.name_patterns()? }
            }
        })
    }

    /// Field names or `name*` patterns up to the end of the stage, spaces or commas between.
    fn name_patterns(&mut self) -> PResult<Vec<Ident>> {
        let mut names = Vec::new();
        loop {
            let t = self.peek().clone();
            match t.tok {
                Tok::Ident(name) | Tok::Field(name) => {
                    self.bump();
                    let next = self.peek().clone();
                    if next.tok == Tok::Star && next.span.start == t.span.end {
                        self.bump();
                        names.push(Ident { name: format!("{name}*"), span: t.span.to(next.span) });
                    } else {
                        names.push(Ident { name, span: t.span });
                    }
                }
                Tok::Star => {
                    self.bump();
                    names.push(Ident { name: "*".into(), span: t.span });
                }
                Tok::Comma if !names.is_empty() => {
                    self.bump();
                }
                _ => return Ok(names),
            }
        }
    }

    fn prev_span(&self) -> Span {
        self.tokens[self.pos.saturating_sub(1)].span
    }

    /// `expr [as alias], ...`; `stop_at_by` lets `stats` items end at `by`.
    fn items(&mut self, who: &str, _stop_at_by: bool) -> PResult<Vec<Item>> {
        let mut items = Vec::new();
        loop {
            let expr = self.expr().map_err(|e| {
                if e.code == Code::E103Unexpected || e.code == Code::E104UnexpectedEnd {
                    self.unexpected_in(&format!("`{}`", who.trim_matches('`')), "an expression")
                } else {
                    e
                }
            })?;
            let alias = if self.eat_word("as") { Some(self.alias()?) } else { None };
            items.push(Item { expr, alias });
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        Ok(items)
    }

    fn alias(&mut self) -> PResult<Ident> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Ident(name) | Tok::Field(name) => {
                self.bump();
                Ok(Ident { name, span: t.span })
            }
            _ => Err(self.unexpected_in("`as`", "a name")),
        }
    }

    fn field_ref(&mut self, who: &str) -> PResult<Expr> {
        let t = self.peek().clone();
        match t.tok {
            Tok::Ident(name) | Tok::Field(name) => {
                self.bump();
                Ok(Expr::new(ExprKind::Field(name), t.span))
            }
            _ => Err(self.unexpected_in(who, "a field name")),
        }
    }

    fn parse_command(&mut self, start: Span) -> PResult<Command> {
        let field = match self.peek().tok {
            Tok::Str(_) | Tok::Regex(_) => None,
            _ if self.at_parse_mode() => None,
            _ => Some(self.field_ref("`parse`")?),
        };
        if self.at_parse_mode() {
            let mode = self.peek().clone();
            return Err(Diagnostic::new(
                Code::E102UnsupportedCommand,
                mode.span,
                format!("`parse ... {}` is not supported by this engine", describe(&mode.tok).trim_matches('`')),
            )
            .with_help(
                "the logfmt, csv and json modes of `parse` are not implemented yet; use a glob or a /regex/ with named groups",
            ));
        }
        let t = self.peek().clone();
        let pattern = match t.tok {
            Tok::Str(glob) => {
                self.bump();
                if !self.eat_word("as") {
                    return Err(self.unexpected_in("a `parse` glob", "`as` and one name per `*`"));
                }
                let mut aliases = Vec::new();
                loop {
                    aliases.push(self.alias()?);
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                ParsePattern::Glob { glob, aliases, span: t.span }
            }
            Tok::Regex(regex) => {
                self.bump();
                ParsePattern::Regex { regex, span: t.span }
            }
            _ => return Err(self.unexpected_in("`parse`", "a \"glob\" string or a /regex/")),
        };
        Ok(Command::Parse(Parse { field, pattern, span: start.to(self.prev_span()) }))
    }

    /// At a `parse` mode word (`logfmt`, `csv`, `json`) followed by the end of the stage or more
    /// mode arguments, rather than at a field of that name followed by a pattern.
    fn at_parse_mode(&self) -> bool {
        let is_mode =
            matches!(&self.peek().tok, Tok::Ident(w) if ["logfmt", "csv", "json"].iter().any(|m| w.eq_ignore_ascii_case(m)));
        is_mode && !matches!(self.peek_at(1).tok, Tok::Str(_) | Tok::Regex(_))
    }

    fn source(&mut self, source: &mut Option<Source>) -> PResult<()> {
        let head = self.bump();
        let t = self.peek().clone();
        match t.tok {
            Tok::Str(name) => {
                self.bump();
                let mut start = None;
                let mut end = None;
                while self.at_word("start") || self.at_word("end") {
                    let is_start = self.at_word("start");
                    self.bump();
                    self.expect(Tok::Eq, "`SOURCE ... START/END`", "`=`")?;
                    let n = match self.peek().tok.clone() {
                        Tok::Number(_, text) if text.bytes().all(|b| b.is_ascii_digit()) => text.parse::<i64>().ok(),
                        _ => None,
                    };
                    let Some(n) = n else {
                        return Err(self.unexpected_in("`START`/`END`", "epoch milliseconds"));
                    };
                    self.bump();
                    if is_start { start = Some(n) } else { end = Some(n) }
                }
                let span = head.span.to(self.prev_span());
                match source {
                    None => *source = Some(Source::Names { names: vec![name], start, end, span }),
                    Some(Source::Names { names, start: s0, end: e0, span: sp }) => {
                        names.push(name);
                        *s0 = s0.or(start);
                        *e0 = e0.or(end);
                        *sp = sp.to(span);
                    }
                    Some(Source::LogGroups { .. }) => {
                        return Err(Diagnostic::new(
                            Code::E218BadSource,
                            span,
                            "cannot mix `SOURCE logGroups(...)` with `SOURCE 'name'`",
                        ));
                    }
                }
                Ok(())
            }
            Tok::Ident(ref word) if word.eq_ignore_ascii_case("logGroups") => {
                self.bump();
                self.expect(Tok::LParen, "`logGroups`", "`(`")?;
                let (mut name_prefix, mut account_identifiers, mut class) = (Vec::new(), Vec::new(), Vec::new());
                while self.peek().tok != Tok::RParen {
                    let key = self.peek().clone();
                    let list = match &key.tok {
                        Tok::Ident(k) if k == "namePrefix" => &mut name_prefix,
                        Tok::Ident(k) if k == "accountIdentifiers" => &mut account_identifiers,
                        Tok::Ident(k) if k == "class" => &mut class,
                        _ => {
                            return Err(Diagnostic::new(
                                Code::E218BadSource,
                                key.span,
                                format!(
                                    "`logGroups` expected namePrefix, accountIdentifiers or class, but found {}",
                                    describe(&key.tok)
                                ),
                            ));
                        }
                    };
                    self.bump();
                    self.expect(Tok::Colon, "a `logGroups` argument", "`:`")?;
                    self.expect(Tok::LBracket, "a `logGroups` argument", "`[`")?;
                    while let Tok::Str(s) = self.peek().tok.clone() {
                        list.push(s);
                        self.bump();
                        if !self.eat(&Tok::Comma) {
                            break;
                        }
                    }
                    self.expect(Tok::RBracket, "a `logGroups` list", "a quoted string or `]`")?;
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
                let close = self.expect(Tok::RParen, "`logGroups(`", "`,` or `)`")?;
                if source.is_some() {
                    return Err(Diagnostic::new(
                        Code::E218BadSource,
                        head.span.to(close),
                        "only one `SOURCE logGroups(...)` is allowed",
                    ));
                }
                *source = Some(Source::LogGroups { name_prefix, account_identifiers, class, span: head.span.to(close) });
                Ok(())
            }
            _ => Err(Diagnostic::new(
                Code::E218BadSource,
                t.span,
                format!("`SOURCE` expected a quoted log group name or `logGroups(...)`, but found {}", describe(&t.tok)),
            )),
        }
    }
}

/// Describes a token for messages: "`|`", "number `00`", "the name `by`".
fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Field(s) => format!("field `{s}`"),
        Tok::Str(s) => format!("string {}", crate::print::string_text(s)),
        Tok::Regex(r) => format!("regex /{r}/"),
        Tok::Number(_, t) => format!("number `{t}`"),
        Tok::Period(_, _, t) => format!("time period `{t}`"),
        Tok::Eof => "the end of the query".into(),
        other => format!("`{}`", symbol(other)),
    }
}

fn symbol(tok: &Tok) -> &'static str {
    match tok {
        Tok::Pipe => "|",
        Tok::Comma => ",",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::LBracket => "[",
        Tok::RBracket => "]",
        Tok::Colon => ":",
        Tok::Plus => "+",
        Tok::Minus => "-",
        Tok::Star => "*",
        Tok::Slash => "/",
        Tok::Percent => "%",
        Tok::Caret => "^",
        Tok::Eq => "=",
        Tok::EqEq => "==",
        Tok::NotEq => "!=",
        Tok::Lt => "<",
        Tok::Gt => ">",
        Tok::Le => "<=",
        Tok::Ge => ">=",
        Tok::Match => "=~",
        Tok::Bang => "!",
        _ => "?",
    }
}
