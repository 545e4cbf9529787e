//! The event-row buffer: rows kept in query order (explicit sort keys, then `@timestamp`
//! descending, then input order), bounded to the top `cap` when the query allows it.

use super::natural::natural_cmp;
use crate::plan::{RowsSpec, SortKeySpec};
use crate::value::Value;
use std::cmp::Ordering;

#[derive(Debug)]
pub(crate) struct KeptRow {
    keys: Vec<Value<'static>>,
    ts: i64,
    seq: u64,
    pub(crate) row: Vec<Value<'static>>,
}

/// Compares sort-key values with per-key direction.
pub(crate) fn cmp_keys(a: &[Value<'_>], b: &[Value<'_>], order: &[SortKeySpec]) -> Ordering {
    for ((x, y), k) in a.iter().zip(b).zip(order) {
        let o = natural_cmp(x, y);
        let o = if k.desc { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn cmp_rows(a: (&[Value<'_>], i64, u64), b: (&[Value<'_>], i64, u64), order: &[SortKeySpec]) -> Ordering {
    cmp_keys(a.0, b.0, order).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
}

#[derive(Debug, Default)]
pub(crate) struct RowBuffer {
    rows: Vec<KeptRow>,
    /// Once the buffer has been cut to `cap`, rows ordering after this one are dropped.
    worst: Option<(Vec<Value<'static>>, i64, u64)>,
}

impl RowBuffer {
    pub(crate) fn push(&mut self, spec: &RowsSpec, row: &[Value<'_>], seq: u64) {
        let ts = match &row[spec.ts_slot as usize] {
            Value::Ts(t) => *t,
            _ => i64::MIN,
        };
        let keys: Vec<Value<'_>> = spec.order.iter().map(|k| k.expr.eval(row)).collect();
        if let Some((wk, wt, ws)) = &self.worst
            && cmp_rows((&keys, ts, seq), (wk, *wt, *ws), &spec.order) != Ordering::Less
        {
            return;
        }
        self.rows.push(KeptRow {
            keys: keys.into_iter().map(Value::into_owned).collect(),
            ts,
            seq,
            row: row.iter().cloned().map(Value::into_owned).collect(),
        });
        if let Some(cap) = spec.cap
            && self.rows.len() >= 2 * cap.max(1)
        {
            self.cut(spec, cap);
        }
    }

    fn cut(&mut self, spec: &RowsSpec, cap: usize) {
        self.sort(spec);
        self.rows.truncate(cap);
        if self.rows.len() == cap {
            let last = &self.rows[cap - 1];
            self.worst = Some((last.keys.clone(), last.ts, last.seq));
        }
    }

    fn sort(&mut self, spec: &RowsSpec) {
        self.rows.sort_by(|a, b| cmp_rows((&a.keys, a.ts, a.seq), (&b.keys, b.ts, b.seq), &spec.order));
    }

    pub(crate) fn merge(&mut self, other: RowBuffer, spec: &RowsSpec) {
        self.rows.extend(other.rows);
        if let Some(cap) = spec.cap
            && self.rows.len() > cap
        {
            self.cut(spec, cap);
        }
    }

    /// The rows, ordered and cut.
    pub(crate) fn finish(mut self, spec: &RowsSpec) -> Vec<Vec<Value<'static>>> {
        self.sort(spec);
        if let Some(cap) = spec.cap {
            self.rows.truncate(cap);
        }
        self.rows.into_iter().map(|r| r.row).collect()
    }
}
