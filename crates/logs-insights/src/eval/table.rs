//! Operations over materialized rows after the sink: row ops (`unnest` fanning rows out),
//! `sort`, `limit`, `dedup`, a second `stats`, and the order-dependent shaping commands
//! (`filldown`, `accum`, `addtotals`, `fillmissing`, in `eval/shape.rs`).

use super::groups::GroupTable;
use super::keys::{FxBuild, encode};
use super::row_ops;
use super::rows::cmp_keys;
use super::shape;
use crate::plan::{RowOp, TableOp};
use crate::value::Value;
use std::collections::HashSet;

pub(crate) fn run(ops: &[TableOp], mut rows: Vec<Vec<Value<'static>>>) -> Vec<Vec<Value<'static>>> {
    for op in ops {
        match op {
            TableOp::Row(RowOp::Unnest { input, slot }) => {
                rows = rows
                    .into_iter()
                    .flat_map(|row| {
                        row_ops::elements(input.eval(&row))
                            .into_iter()
                            .map(|item| {
                                let mut fanned = row.clone();
                                fanned[*slot as usize] = item.into_owned();
                                fanned
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect();
            }
            TableOp::Row(op) => rows.retain_mut(|row| row_ops::apply(op, row)),
            TableOp::FillDown(slots) => shape::fill_down(&mut rows, slots),
            TableOp::Accum { input, slot } => shape::accum(&mut rows, input, *slot),
            TableOp::AddTotals { fields, row_slot, col } => shape::add_totals(&mut rows, fields, *row_slot, *col),
            TableOp::FillMissing { bin_slot, period, keys, fills } => {
                rows = shape::fill_missing(rows, *bin_slot, *period, keys, fills);
            }
            TableOp::Sort(keys) => {
                let mut decorated: Vec<(Vec<Value<'static>>, Vec<Value<'static>>)> =
                    rows.into_iter().map(|r| (keys.iter().map(|k| k.expr.eval(&r)).collect(), r)).collect();
                decorated.sort_by(|a, b| cmp_keys(&a.0, &b.0, keys));
                rows = decorated.into_iter().map(|(_, r)| r).collect();
            }
            TableOp::Limit(n) => rows.truncate(*n as usize),
            TableOp::Dedup(keys) => {
                let mut seen: HashSet<Vec<u8>, FxBuild> = HashSet::default();
                rows.retain(|r| {
                    let vals: Vec<Value<'_>> = keys.iter().map(|k| k.eval(r)).collect();
                    if vals.iter().any(Value::is_null) {
                        return true;
                    }
                    let mut buf = Vec::new();
                    vals.iter().for_each(|v| encode(v, &mut buf));
                    seen.insert(buf)
                });
            }
            TableOp::Stats(spec) => {
                let mut table = GroupTable::default();
                for (i, r) in rows.iter().enumerate() {
                    table.push(spec, r, i as u64);
                }
                rows = table.finish(spec);
            }
        }
    }
    rows
}
