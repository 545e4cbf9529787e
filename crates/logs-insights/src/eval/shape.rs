//! The order-dependent shaping commands over materialized rows, in their current order:
//! `filldown`, `accum`, `addtotals` and `fillmissing`. Choices where AWS is silent are in
//! CHOICES.md ("filldown", "accum", "addtotals", "fillmissing").

use super::keys::encode;
use crate::choices::DEFAULT_ROW_LIMIT;
use crate::plan::CExpr;
use crate::time::Period;
use crate::value::{Num, Value};
use std::collections::HashMap;

type Row = Vec<Value<'static>>;

/// `filldown`: a null takes the last non-null value above it in its column.
pub(crate) fn fill_down(rows: &mut [Row], slots: &[u32]) {
    let mut last: Vec<Value<'static>> = vec![Value::Null; slots.len()];
    for row in rows {
        for (i, s) in slots.iter().enumerate() {
            let cell = &mut row[*s as usize];
            if cell.is_null() {
                *cell = last[i].clone();
            } else {
                last[i] = cell.clone();
            }
        }
    }
}

/// A value as a number `addtotals` and `accum` add: numbers and numeric strings, not
/// timestamps or booleans.
fn addend(v: &Value<'_>) -> Option<Num> {
    match v {
        Value::Ts(_) | Value::Bool(_) => None,
        other => other.num(),
    }
}

fn add(a: Option<Num>, b: Num) -> Num {
    match (a, b) {
        (None, b) => b,
        (Some(Num::Int(x)), Num::Int(y)) => x.checked_add(y).map_or(Num::Float(x as f64 + y as f64), Num::Int),
        (Some(x), y) => Num::Float(x.f64() + y.f64()),
    }
}

/// `accum`: the running sum of `input` down the rows (rows without a number keep the sum so
/// far; null before the first number).
pub(crate) fn accum(rows: &mut [Row], input: &CExpr, slot: u32) {
    let mut total: Option<Num> = None;
    for row in rows {
        if let Some(n) = addend(&input.eval(row)) {
            total = Some(add(total, n));
        }
        row[slot as usize] = total.map_or(Value::Null, Num::value);
    }
}

/// `addtotals`: each row's sum of its numeric `fields` into `row_slot`; with `col`, a last
/// row of column sums (the row totals' sum in `row_slot`).
pub(crate) fn add_totals(rows: &mut Vec<Row>, fields: &[u32], row_slot: Option<u32>, col: bool) {
    let width = rows.first().map_or(0, Vec::len);
    let mut sums: Vec<Option<Num>> = vec![None; width];
    for row in rows.iter_mut() {
        if let Some(rs) = row_slot {
            let total = fields.iter().filter_map(|s| addend(&row[*s as usize])).fold(None, |t, n| Some(add(t, n)));
            row[rs as usize] = total.map_or(Value::Null, Num::value);
        }
        for s in fields.iter().copied().chain(row_slot) {
            if let Some(n) = addend(&row[s as usize]) {
                sums[s as usize] = Some(add(sums[s as usize], n));
            }
        }
    }
    if col && width > 0 {
        let mut summary = vec![Value::Null; width];
        for s in fields.iter().copied().chain(row_slot) {
            summary[s as usize] = sums[s as usize].map_or(Value::Null, Num::value);
        }
        rows.push(summary);
    }
}

/// The start of the bucket after the one starting at `b`.
fn next_bucket(period: Period, b: i64) -> i64 {
    period.ceil(b.saturating_add(1))
}

/// `fillmissing`: per group of the other keys (in first-seen order), the rows of every bucket
/// from its first to its last, in bucket order; a missing bucket gets a row holding the keys
/// and the `fills`. At most `DEFAULT_ROW_LIMIT` rows are added.
pub(crate) fn fill_missing(rows: Vec<Row>, bin_slot: u32, period: Period, keys: &[u32], fills: &[(u32, CExpr)]) -> Vec<Row> {
    let width = rows.first().map_or(0, Vec::len);
    let mut order: Vec<Vec<u8>> = Vec::new();
    let mut groups: HashMap<Vec<u8>, Vec<Row>> = HashMap::new();
    for row in rows {
        let mut key = Vec::new();
        for k in keys {
            encode(&row[*k as usize], &mut key);
        }
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(row);
    }
    let bucket = |r: &Row| match r[bin_slot as usize] {
        Value::Ts(t) => Some(t),
        _ => None,
    };
    let mut budget = DEFAULT_ROW_LIMIT as usize;
    let mut out = Vec::new();
    for key in order {
        let mut group = groups.remove(&key).unwrap_or_default();
        group.sort_by_key(|r| bucket(r).unwrap_or(i64::MIN));
        let template = group[0].clone();
        let mut filled = Vec::with_capacity(group.len());
        let mut rows = group.into_iter().peekable();
        while let Some(row) = rows.next() {
            let here = bucket(&row);
            filled.push(row);
            let (Some(here), Some(next)) = (here, rows.peek().and_then(bucket)) else { continue };
            let mut b = next_bucket(period, here);
            while b < next && budget > 0 {
                let mut new: Row = vec![Value::Null; width];
                for k in keys {
                    new[*k as usize] = template[*k as usize].clone();
                }
                new[bin_slot as usize] = Value::Ts(b);
                for (slot, value) in fills {
                    new[*slot as usize] = value.eval(&new).into_owned();
                }
                filled.push(new);
                budget -= 1;
                b = next_bucket(period, b);
            }
        }
        out.extend(filled);
    }
    out
}
