//! Checking one `stats` command: group keys (with `bin()`), aggregate items, items built
//! from earlier aliases, and the output stage they define.

use super::Checker;
use super::expr::{AGG_BASE, ItemCtx};
use super::stage::Stage;
use crate::ast::{ExprKind, Stats};
use crate::diagnostic::{Code, Diagnostic};
use crate::functions::{self, Kind};
use crate::plan::{CExpr, KeySpec, Matcher, StatsSpec};
use std::collections::HashMap;

impl Checker<'_> {
    /// Compiles `stats` over the input stage `st`; returns the spec and the output stage.
    pub(super) fn stats(&mut self, st: &mut Stage, s: &Stats, is_second: bool) -> Option<(StatsSpec, Stage)> {
        let n_errors = self.errors.len();
        let mut out = Stage { is_events: false, ..Stage::events() };
        let mut columns: Vec<(String, crate::span::Span)> = Vec::new();
        // Group keys.
        let mut keys = Vec::new();
        for key in &s.by {
            let name = key.alias.as_ref().map_or_else(|| column_name(&key.expr), |a| a.name.clone());
            let spec = match &key.expr.kind {
                ExprKind::Call { name: f, args } if functions::lookup(f).is_some_and(|d| matches!(d.kind, Kind::Bin)) => {
                    if is_second || !st.is_events {
                        self.errors.push(
                            Diagnostic::new(
                                Code::E205BinMisplaced,
                                key.expr.span,
                                "`bin()` groups by `@timestamp`, which the second `stats` no longer has",
                            )
                            .with_help(
                                "carry time through the first stats (`max(@timestamp) as t`) and group by `datefloor(t, 1h)`",
                            ),
                        );
                        continue;
                    }
                    match args.as_slice() {
                        [arg] => match &arg.kind {
                            ExprKind::Period(p) => {
                                let period = self.checked_period(*p, arg.span);
                                let ts_slot = self.resolve_event_field(st, "@timestamp", arg.span);
                                KeySpec::Bin { period, ts_slot }
                            }
                            _ => {
                                self.errors.push(Diagnostic::new(
                                    Code::E213BadArgument,
                                    arg.span,
                                    "`bin` expects a time period such as `5m` or `1h`",
                                ));
                                continue;
                            }
                        },
                        _ => {
                            self.errors.push(Diagnostic::new(
                                Code::E203Arity,
                                key.expr.span,
                                format!("`bin` takes 1 argument(s), but got {}", args.len()),
                            ));
                            continue;
                        }
                    }
                }
                _ => match self.expr_or_report(st, &key.expr) {
                    Some(e) => KeySpec::Expr(e),
                    None => continue,
                },
            };
            keys.push(spec);
            columns.push((name, key.alias.as_ref().map_or(key.expr.span, |a| a.span)));
        }
        // Items.
        let ts_slot = if st.is_events { Some(self.resolve_event_field(st, "@timestamp", s.span)) } else { None };
        let mut ctx = ItemCtx { names: HashMap::new(), aggs: Vec::new(), ts_slot, refs: 0 };
        let mut items = Vec::new();
        for item in &s.items {
            ctx.refs = 0;
            let compiled = self.compile(st, &item.expr, Some(&mut ctx));
            match compiled {
                Ok(c) if ctx.refs > 0 => items.push(c),
                Ok(_) => {
                    self.errors.push(Diagnostic::new(
                        Code::E217NotAnAggregate,
                        item.expr.span,
                        format!("`{}` in `stats` uses no aggregate function and no earlier alias", item.expr),
                    ));
                    continue;
                }
                Err(d) => {
                    self.errors.push(d);
                    continue;
                }
            }
            let name = item.alias.as_ref().map_or_else(|| column_name(&item.expr), |a| a.name.clone());
            ctx.names.insert(name.clone(), items.len() as u32 - 1);
            columns.push((name, item.alias.as_ref().map_or(item.expr.span, |a| a.span)));
        }
        if self.errors.len() > n_errors {
            return None;
        }
        // Output stage: keys, then items.
        for (name, span) in &columns {
            if out.names.contains_key(name) {
                self.errors.push(Diagnostic::new(
                    Code::E207DuplicateAlias,
                    *span,
                    format!("`stats` defines the column `{name}` twice"),
                ));
                return None;
            }
            let slot = out.alloc();
            out.names.insert(name.clone(), slot);
            out.aliases.insert(name.clone(), slot);
            out.fields_cols.push((name.clone(), slot));
        }
        let n_items = items.len() as u32;
        for it in &mut items {
            remap(it, &|s| if s >= AGG_BASE { n_items + (s - AGG_BASE) } else { s });
        }
        let spec = StatsSpec { keys, aggs: ctx.aggs, items, n_out_slots: out.n_slots, ts_slot };
        Some((spec, out))
    }
}

/// The column name of an unaliased item: a field's own name, else the canonical text.
fn column_name(e: &crate::ast::Expr) -> String {
    match &e.kind {
        ExprKind::Field(n) => n.clone(),
        _ => e.to_string(),
    }
}

/// Rewrites every slot index in a compiled expression.
fn remap(e: &mut CExpr, f: &dyn Fn(u32) -> u32) {
    match e {
        CExpr::Slot(s) => *s = f(*s),
        CExpr::Const(_) => {}
        CExpr::Not(x) | CExpr::Neg(x) | CExpr::Pos(x) | CExpr::ByteLen(x) => remap(x, f),
        CExpr::Arith(_, a, b) | CExpr::Cmp(_, a, b) | CExpr::And(a, b) | CExpr::Or(a, b) | CExpr::Index(a, b) => {
            remap(a, f);
            remap(b, f);
        }
        CExpr::Like { expr, matcher, .. } => {
            remap(expr, f);
            if let Matcher::Dynamic(p) = matcher {
                remap(p, f);
            }
        }
        CExpr::In { expr, list, .. } => {
            remap(expr, f);
            list.iter_mut().for_each(|x| remap(x, f));
        }
        CExpr::Call { args, .. } => args.iter_mut().for_each(|x| remap(x, f)),
        CExpr::RegexReplace { input, replacement, .. } => {
            remap(input, f);
            remap(replacement, f);
        }
        CExpr::DateRound { ts, .. } => remap(ts, f),
        CExpr::JsonPath { base, .. } => remap(base, f),
    }
}
