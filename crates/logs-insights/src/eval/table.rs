//! Operations over materialized rows after the sink: row ops, `sort`, `limit`, `dedup`,
//! and a second `stats`.

use super::groups::GroupTable;
use super::keys::{encode, FxBuild};
use super::rows::cmp_keys;
use super::row_ops;
use crate::plan::TableOp;
use crate::value::Value;
use std::collections::HashSet;

pub(crate) fn run(ops: &[TableOp], mut rows: Vec<Vec<Value<'static>>>) -> Vec<Vec<Value<'static>>> {
    for op in ops {
        match op {
            TableOp::Row(op) => rows.retain_mut(|row| row_ops::apply(op, row)),
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
