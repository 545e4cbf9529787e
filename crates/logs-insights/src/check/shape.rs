//! Checking the row-shaping commands: `unnest` and `expand` (row operations that fan a row out,
//! so they run in the streaming scan), and `filldown`, `accum`, `addtotals`, `fillmissing`
//! (operations over the materialized rows, in their order, after the sink).

use super::Checker;
use super::stage::Stage;
use crate::ast::{Ident, ShapeKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::plan::{CExpr, KeySpec, RowOp, Sink, StatsSpec, TableOp};
use crate::span::Span;

/// What a shaping command compiles to.
pub(super) enum Shaped {
    /// A row operation (streaming before the sink, per row after it).
    Row(RowOp),
    /// An operation over the rows; the stream ends before it.
    Table(TableOp),
}

/// The last `stats` compiled so far: the sink's or a table stage's.
fn last_stats<'a>(sink: &'a Option<Sink>, table: &'a [TableOp]) -> Option<&'a StatsSpec> {
    table
        .iter()
        .rev()
        .find_map(|op| match op {
            TableOp::Stats(s) => Some(s),
            _ => None,
        })
        .or(match sink {
            Some(Sink::Stats(s)) => Some(s),
            _ => None,
        })
}

impl Checker<'_> {
    /// The slots named by `filldown`/`addtotals` patterns over the stage's columns (`name*` is
    /// a prefix; no names: every column); a name that is not a column resolves as a field.
    fn pattern_slots(&mut self, st: &mut Stage, names: &[Ident]) -> Vec<u32> {
        let columns = st.display_cols.clone().unwrap_or_else(|| st.fields_cols.clone());
        if names.is_empty() {
            return columns.iter().map(|(_, s)| *s).collect();
        }
        let mut slots = Vec::new();
        for n in names {
            let matched: Vec<u32> = match n.name.strip_suffix('*') {
                Some(stem) => columns.iter().filter(|(c, _)| c.starts_with(stem)).map(|(_, s)| *s).collect(),
                None => columns.iter().filter(|(c, _)| *c == n.name).map(|(_, s)| *s).collect(),
            };
            if matched.is_empty() && !n.name.ends_with('*') {
                match self.resolve(st, &n.name, n.span) {
                    Ok(CExpr::Slot(s)) => slots.push(s),
                    Ok(_) => {}
                    Err(d) => self.errors.push(d),
                }
            }
            for s in matched {
                if !slots.contains(&s) {
                    slots.push(s);
                }
            }
        }
        slots
    }

    fn new_alias(&mut self, st: &mut Stage, alias: &Ident) -> Option<u32> {
        if st.aliases.contains_key(&alias.name) {
            self.errors.push(Diagnostic::new(
                Code::E207DuplicateAlias,
                alias.span,
                format!("the alias `{}` is already defined", alias.name),
            ));
            return None;
        }
        let slot = st.alloc();
        st.aliases.insert(alias.name.clone(), slot);
        st.names.insert(alias.name.clone(), slot);
        Some(slot)
    }

    /// Compiles one shaping command over stage `st`.
    pub(super) fn shape(
        &mut self,
        st: &mut Stage,
        kind: &ShapeKind,
        span: Span,
        sink: &Option<Sink>,
        table: &[TableOp],
    ) -> Option<Shaped> {
        match kind {
            ShapeKind::Unnest { field, into } => {
                let input = self.expr_or_report(st, field)?;
                let slot = self.new_alias(st, into)?;
                Some(Shaped::Row(RowOp::Unnest { input, slot }))
            }
            ShapeKind::Expand { field } => match self.expr_or_report(st, field)? {
                CExpr::Slot(slot) => {
                    // A record field: its array is captured whole, then replaced by each element,
                    // whose own fields later commands reach as `field.key`.
                    self.extractor.capture_whole(slot);
                    if let crate::ast::ExprKind::Field(name) = &field.kind {
                        st.aliases.insert(name.clone(), slot);
                    }
                    Some(Shaped::Row(RowOp::Unnest { input: CExpr::Slot(slot), slot }))
                }
                other => {
                    let slot = st.alloc();
                    let name = field.to_string();
                    st.names.insert(name, slot);
                    Some(Shaped::Row(RowOp::Unnest { input: other, slot }))
                }
            },
            ShapeKind::FillDown { fields } => Some(Shaped::Table(TableOp::FillDown(self.pattern_slots(st, fields)))),
            ShapeKind::Accum { field, alias } => {
                let input = self.expr_or_report(st, field)?;
                let slot = match (alias, &input) {
                    (Some(a), _) => {
                        let slot = self.new_alias(st, a)?;
                        st.add_field_col(a.name.clone(), slot);
                        slot
                    }
                    // Without an alias the field's own column shows the running sum.
                    (None, CExpr::Slot(s)) => *s,
                    (None, _) => {
                        let slot = st.alloc();
                        st.add_field_col(format!("accum({field})"), slot);
                        slot
                    }
                };
                Some(Shaped::Table(TableOp::Accum { input, slot }))
            }
            ShapeKind::AddTotals { fieldname, row, col, fields } => {
                let fields = self.pattern_slots(st, fields);
                let row_slot = if *row {
                    let name = fieldname.as_ref().map_or("Total", |n| n.name.as_str()).to_owned();
                    let slot = st.alloc();
                    st.names.insert(name.clone(), slot);
                    st.aliases.insert(name.clone(), slot);
                    st.add_field_col(name.clone(), slot);
                    if let Some(cols) = &mut st.display_cols {
                        cols.push((name, slot));
                    }
                    Some(slot)
                } else {
                    None
                };
                Some(Shaped::Table(TableOp::AddTotals { fields, row_slot, col: *col }))
            }
            ShapeKind::FillMissing { fills } => {
                let Some(stats) = last_stats(sink, table) else {
                    self.errors.push(Diagnostic::new(
                        Code::E219FillMissingWithoutBin,
                        span,
                        "`fillmissing` fills the empty buckets of a `stats ... by bin(...)`, and no `stats` comes before it",
                    ));
                    return None;
                };
                let Some((bin_index, period)) = stats.keys.iter().enumerate().find_map(|(i, k)| match k {
                    KeySpec::Bin { period, .. } => Some((i, *period)),
                    KeySpec::Expr(_) => None,
                }) else {
                    self.errors.push(Diagnostic::new(
                        Code::E219FillMissingWithoutBin,
                        span,
                        "`fillmissing` fills the empty buckets of `bin()`, but the `stats` before it has no `by bin(...)`",
                    ));
                    return None;
                };
                let keys = (0..stats.keys.len() as u32).filter(|i| *i as usize != bin_index).collect();
                let mut compiled = Vec::new();
                for (value, field) in fills {
                    let v = self.expr_or_report(st, value)?;
                    match self.resolve(st, &field.name, field.span) {
                        Ok(CExpr::Slot(s)) => compiled.push((s, v)),
                        Ok(_) => {}
                        Err(d) => self.errors.push(d),
                    }
                }
                Some(Shaped::Table(TableOp::FillMissing { bin_slot: bin_index as u32, period, keys, fills: compiled }))
            }
        }
    }
}
