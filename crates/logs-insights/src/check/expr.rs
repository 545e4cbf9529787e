//! Expression compilation: AST [`Expr`] to [`CExpr`], resolving names in a [`Stage`].

use super::Checker;
use super::stage::Stage;
use crate::ast::{BinaryOp, Expr, ExprKind, UnaryOp};
use crate::diagnostic::{Code, Diagnostic};
use crate::functions::{self, AggKind, Kind, QueryTime};
use crate::plan::{AggSpec, Arith, CExpr, Cmp, Matcher, SystemField};
use crate::span::Span;
use crate::time::Period;
use crate::value::Value;
use regex::Regex;
use std::collections::HashMap;

/// Base index marking aggregate results while a `stats` item is compiled; remapped after.
pub(super) const AGG_BASE: u32 = 1 << 30;

/// Context of a `stats` item: earlier item aliases and the aggregates collected so far.
pub(super) struct ItemCtx {
    pub(super) names: HashMap<String, u32>,
    pub(super) aggs: Vec<AggSpec>,
    pub(super) ts_slot: Option<u32>,
    pub(super) refs: usize,
}

type CResult = Result<CExpr, Diagnostic>;

impl Checker<'_> {
    /// Compiles an expression in a row context, recording any error.
    pub(super) fn expr_or_report(&mut self, st: &mut Stage, e: &Expr) -> Option<CExpr> {
        match self.compile(st, e, None) {
            Ok(c) => Some(c),
            Err(d) => {
                self.errors.push(d);
                None
            }
        }
    }

    /// Resolves an event field in stage 0 (allocating its slot), for internal use.
    pub(super) fn resolve_event_field(&mut self, st: &mut Stage, name: &str, span: Span) -> u32 {
        match self.resolve(st, name, span) {
            Ok(CExpr::Slot(s)) => s,
            _ => {
                let slot = st.alloc();
                st.names.insert(name.to_string(), slot);
                slot
            }
        }
    }

    fn warn_unknown(&mut self, name: &str, path: &str, span: Span) {
        let Some(schema) = &self.opts.schema else { return };
        if schema.knows(path) || !self.warned.insert(name.to_string()) {
            return;
        }
        let mut d = Diagnostic::new(
            Code::W301UnknownField,
            span,
            format!("these records never have a field `{name}`, so it is always empty"),
        );
        if let Some(s) = schema.suggest(path) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        self.warnings.push(d);
    }

    pub(super) fn resolve(&mut self, st: &mut Stage, name: &str, span: Span) -> CResult {
        if let Some(slot) = st.names.get(name) {
            return Ok(CExpr::Slot(*slot));
        }
        // `alias.a.b` into a jsonParse value held by an alias.
        for (pos, _) in name.match_indices('.') {
            if let Some(slot) = st.aliases.get(&name[..pos]) {
                let path = name[pos + 1..].split('.').map(str::to_string).collect();
                return Ok(CExpr::JsonPath { base: Box::new(CExpr::Slot(*slot)), path });
            }
        }
        if !st.is_events {
            let mut cols: Vec<&String> = st.names.keys().collect();
            cols.sort();
            let cols = cols.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
            return Err(Diagnostic::new(
                Code::E206UnknownAfterStats,
                span,
                format!("`{name}` is not a column after `stats`; the columns are {cols}"),
            )
            .with_help("after `stats`, commands see only its output columns"));
        }
        if name.starts_with('@') && !name.starts_with("@@") {
            let Some(sys) = SystemField::from_name(name) else {
                self.warn_unknown(name, name, span);
                return Ok(CExpr::Const(Value::Null));
            };
            let slot = st.alloc();
            self.system.push((sys, slot));
            self.required.push(name.to_string());
            st.names.insert(name.to_string(), slot);
            return Ok(CExpr::Slot(slot));
        }
        let path = if name.starts_with("@@") { &name[1..] } else { name };
        self.warn_unknown(name, path, span);
        let slot = st.alloc();
        self.extractor.add(path, slot);
        self.required.push(name.to_string());
        st.names.insert(name.to_string(), slot);
        Ok(CExpr::Slot(slot))
    }

    /// Compiles `e`. With `item`, it is a `stats` item: aggregates are collected and plain
    /// names must be earlier aliases of the same `stats`.
    pub(super) fn compile(&mut self, st: &mut Stage, e: &Expr, mut item: Option<&mut ItemCtx>) -> CResult {
        let span = e.span;
        // After `stats`, an unaliased column is named by its expression text (`count(*)`,
        // `bin(1h)`); writing that expression again refers to the column.
        if !st.is_events
            && item.is_none()
            && matches!(e.kind, ExprKind::Call { .. })
            && let Some(slot) = st.names.get(&e.to_string())
        {
            return Ok(CExpr::Slot(*slot));
        }
        Ok(match &e.kind {
            ExprKind::Field(name) => match item {
                Some(ctx) => match ctx.names.get(name) {
                    Some(i) => {
                        ctx.refs += 1;
                        CExpr::Slot(*i)
                    }
                    None => {
                        return Err(Diagnostic::new(
                            Code::E217NotAnAggregate,
                            span,
                            format!(
                                "`{name}` in `stats` must be inside an aggregate function or be an earlier alias of this `stats`"
                            ),
                        ));
                    }
                },
                None => self.resolve(st, name, span)?,
            },
            ExprKind::Number(text) => CExpr::Const(number(text)),
            ExprKind::Str(s) => CExpr::Const(Value::str(s.clone())),
            ExprKind::Regex(_) => {
                return Err(Diagnostic::new(
                    Code::E213BadArgument,
                    span,
                    "a regex can only follow `like`, `not like` or `=~`, or be the pattern of `regexReplace`",
                ));
            }
            ExprKind::Period(_) => {
                return Err(Diagnostic::new(
                    Code::E213BadArgument,
                    span,
                    "a time period can only be an argument of `bin`, `datefloor` or `dateceil`",
                ));
            }
            ExprKind::Star => {
                return Err(Diagnostic::new(Code::E215StarMisplaced, span, "`*` can only be written as `count(*)`"));
            }
            ExprKind::Unary(op, inner) => {
                if *op == UnaryOp::Neg
                    && matches!(inner.kind, ExprKind::Field(_))
                    && self.double_minus.iter().any(|d| d.start + 1 == span.start)
                {
                    let at = Span { start: span.start - 1, end: inner.span.end };
                    self.warnings.push(
                        Diagnostic::new(
                            Code::W303DoubleMinus,
                            at,
                            format!("`--` followed by a name subtracts the negated field `{inner}`"),
                        )
                        .with_help("Insights comments start with `#`; `--` is two minus signs"),
                    );
                }
                let c = Box::new(self.compile(st, inner, item)?);
                match op {
                    UnaryOp::Not => CExpr::Not(c),
                    UnaryOp::Neg => CExpr::Neg(c),
                    UnaryOp::Plus => CExpr::Pos(c),
                }
            }
            ExprKind::Binary(op, a, b) => {
                let lhs = Box::new(self.compile(st, a, item.as_deref_mut())?);
                if matches!(op, BinaryOp::Like | BinaryOp::NotLike | BinaryOp::Match) {
                    let matcher = match (&b.kind, op) {
                        (ExprKind::Regex(r), _) | (ExprKind::Str(r), BinaryOp::Match) => {
                            Matcher::Regex(compile_regex(r, b.span)?)
                        }
                        (ExprKind::Str(s), _) => Matcher::Substr(s.clone()),
                        _ => Matcher::Dynamic(Box::new(self.compile(st, b, item)?)),
                    };
                    return Ok(CExpr::Like { expr: lhs, matcher, negated: *op == BinaryOp::NotLike });
                }
                let rhs = Box::new(self.compile(st, b, item)?);
                match op {
                    BinaryOp::Or => CExpr::Or(lhs, rhs),
                    BinaryOp::And => CExpr::And(lhs, rhs),
                    BinaryOp::Eq => CExpr::Cmp(Cmp::Eq, lhs, rhs),
                    BinaryOp::Ne => CExpr::Cmp(Cmp::Ne, lhs, rhs),
                    BinaryOp::Lt => CExpr::Cmp(Cmp::Lt, lhs, rhs),
                    BinaryOp::Gt => CExpr::Cmp(Cmp::Gt, lhs, rhs),
                    BinaryOp::Le => CExpr::Cmp(Cmp::Le, lhs, rhs),
                    BinaryOp::Ge => CExpr::Cmp(Cmp::Ge, lhs, rhs),
                    BinaryOp::Add => CExpr::Arith(Arith::Add, lhs, rhs),
                    BinaryOp::Sub => CExpr::Arith(Arith::Sub, lhs, rhs),
                    BinaryOp::Mul => CExpr::Arith(Arith::Mul, lhs, rhs),
                    BinaryOp::Div => CExpr::Arith(Arith::Div, lhs, rhs),
                    BinaryOp::Mod => CExpr::Arith(Arith::Mod, lhs, rhs),
                    BinaryOp::Pow => CExpr::Arith(Arith::Pow, lhs, rhs),
                    BinaryOp::Like | BinaryOp::NotLike | BinaryOp::Match => unreachable!("handled above"),
                }
            }
            ExprKind::In { expr, list, negated } => {
                let expr = Box::new(self.compile(st, expr, item.as_deref_mut())?);
                let mut items = Vec::new();
                for x in list {
                    items.push(self.compile(st, x, item.as_deref_mut())?);
                }
                CExpr::In { expr, list: items, negated: *negated }
            }
            ExprKind::Index(base, idx) => {
                let base = Box::new(self.compile(st, base, item.as_deref_mut())?);
                CExpr::Index(base, Box::new(self.compile(st, idx, item)?))
            }
            ExprKind::Call { name, args } => return self.call(st, e, name, args, item),
        })
    }

    fn call(&mut self, st: &mut Stage, e: &Expr, name: &str, args: &[Expr], mut item: Option<&mut ItemCtx>) -> CResult {
        let span = e.span;
        let Some(def) = functions::lookup(name) else {
            if let Some((known, why)) = functions::UNSUPPORTED.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                return Err(Diagnostic::new(
                    Code::E202UnsupportedFunction,
                    span,
                    format!("the Insights function `{known}` is not supported by this engine"),
                )
                .with_help(format!("`{known}` is refused because {why}")));
            }
            let mut d = Diagnostic::new(Code::E201UnknownFunction, span, format!("`{name}` is not a Logs Insights function"));
            if name.eq_ignore_ascii_case("ago") {
                d = d.with_help("`ago()` is Kusto, not Insights: compare `toMillis(@timestamp)` with `now() * 1000 - <ms>`");
            }
            return Err(d);
        };
        let n = args.len();
        let star_only = n == 1 && matches!(args[0].kind, ExprKind::Star);
        if n < def.min_args || def.max_args.is_some_and(|m| n > m) {
            let want = match def.max_args {
                Some(m) if m == def.min_args => format!("{m}"),
                Some(m) => format!("{} to {m}", def.min_args),
                None => format!("at least {}", def.min_args),
            };
            return Err(Diagnostic::new(Code::E203Arity, span, format!("`{}` takes {want} argument(s), but got {n}", def.name)));
        }
        let period_arg = |i: usize| -> Result<Period, Diagnostic> {
            match &args[i].kind {
                ExprKind::Period(p) => Ok(*p),
                _ => Err(Diagnostic::new(
                    Code::E213BadArgument,
                    args[i].span,
                    format!("`{}` expects a time period such as `5m` or `1h` here", def.name),
                )),
            }
        };
        match def.kind {
            Kind::Aggregate(kind) => {
                let Some(ctx) = item else {
                    let code = if self.agg_depth > 0 { Code::E216NestedAggregate } else { Code::E204AggregateOutsideStats };
                    let what = if self.agg_depth > 0 { "inside another aggregate" } else { "outside `stats`" };
                    return Err(Diagnostic::new(code, span, format!("the aggregate `{}` cannot be used {what}", def.name)));
                };
                let kind = match kind {
                    AggKind::Count if n == 1 && !star_only => AggKind::CountField,
                    k => k,
                };
                if star_only && kind != AggKind::Count {
                    return Err(Diagnostic::new(Code::E215StarMisplaced, args[0].span, "`*` can only be written as `count(*)`"));
                }
                let mut pct = 0.0;
                if kind == AggKind::Pct {
                    pct = match &args[1].kind {
                        ExprKind::Number(t) => t.parse::<f64>().ok().filter(|p| (0.0..=100.0).contains(p)),
                        _ => None,
                    }
                    .ok_or_else(|| {
                        Diagnostic::new(
                            Code::E213BadArgument,
                            args[1].span,
                            "`pct` expects a percentile between 0 and 100 as a number",
                        )
                    })?;
                }
                if matches!(kind, AggKind::Earliest | AggKind::Latest) && ctx.ts_slot.is_none() {
                    return Err(Diagnostic::new(
                        Code::E213BadArgument,
                        span,
                        format!("`{}` needs `@timestamp`, which the second `stats` no longer has", def.name),
                    ));
                }
                let arg = if matches!(kind, AggKind::Count) {
                    None
                } else {
                    self.agg_depth += 1;
                    let res = self.compile(st, &args[0], None);
                    self.agg_depth -= 1;
                    Some(res?)
                };
                ctx.aggs.push(AggSpec { kind, arg, pct });
                ctx.refs += 1;
                Ok(CExpr::Slot(AGG_BASE + ctx.aggs.len() as u32 - 1))
            }
            Kind::Bin => {
                Err(Diagnostic::new(Code::E205BinMisplaced, span, "`bin()` can only be a group key of the first `stats ... by`"))
            }
            Kind::DateRound { ceil } => {
                let ts = self.compile(st, &args[0], item)?;
                let period = self.checked_period(period_arg(1)?, args[1].span);
                Ok(CExpr::DateRound { ts: Box::new(ts), period, ceil })
            }
            Kind::RegexReplace => {
                let input = self.compile(st, &args[0], item.as_deref_mut())?;
                let re = match &args[1].kind {
                    ExprKind::Regex(r) | ExprKind::Str(r) => compile_regex(r, args[1].span)?,
                    _ => {
                        return Err(Diagnostic::new(
                            Code::E213BadArgument,
                            args[1].span,
                            "`regexReplace` expects a /regex/ as its second argument",
                        ));
                    }
                };
                let replacement = self.compile(st, &args[2], item)?;
                Ok(CExpr::RegexReplace { input: Box::new(input), re, replacement: Box::new(replacement) })
            }
            Kind::Now => Ok(CExpr::Const(Value::Int(self.now_ms.div_euclid(1000)))),
            Kind::QueryTime(which) => Ok(CExpr::Const(match (self.opts.time_range, which) {
                (None, _) => Value::Null,
                (Some((s, _)), QueryTime::Start) => Value::Ts(s),
                (Some((_, e)), QueryTime::End) => Value::Ts(e),
                (Some((s, e)), QueryTime::Range) => Value::Int(e - s),
            })),
            Kind::MessageSize => {
                if !st.is_events {
                    return Err(Diagnostic::new(
                        Code::E206UnknownAfterStats,
                        span,
                        "`messageSize()` reads `@message`, which is gone after `stats`",
                    ));
                }
                let msg = self.resolve(st, "@message", span)?;
                Ok(CExpr::ByteLen(Box::new(msg)))
            }
            Kind::Scalar(f) => {
                let mut cargs = Vec::with_capacity(n);
                for a in args {
                    cargs.push(self.compile(st, a, item.as_deref_mut())?);
                }
                Ok(CExpr::Call { f, args: cargs })
            }
        }
    }

    /// Applies the documented per-unit cap (`bin(300s)` runs as `60s`) with a warning.
    pub(super) fn checked_period(&mut self, p: Period, span: Span) -> Period {
        match p.unit.cap() {
            Some(cap) if p.amount > cap => {
                self.warnings.push(
                    Diagnostic::new(
                        Code::W302PeriodCapped,
                        span,
                        format!(
                            "`{}{}` exceeds the {} cap of {cap}, so Insights runs it as `{cap}{}`",
                            p.amount,
                            p.unit.short(),
                            p.unit.short(),
                            p.unit.short()
                        ),
                    )
                    .with_help("use a larger unit, e.g. `5m` instead of `300s`"),
                );
                Period { amount: cap, unit: p.unit }
            }
            _ if p.amount == 0 => Period { amount: 1, unit: p.unit },
            _ => p,
        }
    }
}

/// A number literal: an integer when it has no fraction.
pub(super) fn number(text: &str) -> Value<'static> {
    match text.parse::<i64>() {
        Ok(i) => Value::Int(i),
        Err(_) => text.parse::<f64>().map_or(Value::Null, Value::float),
    }
}

pub(super) fn compile_regex(pattern: &str, span: Span) -> Result<Regex, Diagnostic> {
    Regex::new(pattern).map_err(|e| {
        let detail = e.to_string();
        let last = detail.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("invalid regex").trim().to_string();
        Diagnostic::new(Code::E210InvalidRegex, span, format!("invalid regex: {last}"))
    })
}
