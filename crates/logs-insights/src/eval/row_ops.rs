//! Per-row operations (`fields`/`display` computations, `filter`, `parse`), shared by
//! the streaming scan and the table stage, and [`elements`], what `unnest`/`expand` fan a row
//! out into (the callers do the fan-out: `eval/partial.rs`, `eval/table.rs`).

use crate::choices::truthy;
use crate::plan::RowOp;
use crate::value::Value;
use std::borrow::Cow;

/// The rows `unnest`/`expand` make of a value: one per element of a LIST, none for a missing
/// value, and one for any other value (a MAP, a string, a number), as documented
/// (CHOICES.md, "unnest").
pub(crate) fn elements<'a>(v: Value<'a>) -> Vec<Value<'a>> {
    match &v {
        Value::Null => Vec::new(),
        Value::Json(j) => match j.as_array() {
            Some(items) => items.iter().map(crate::functions::from_json).collect(),
            None => vec![v],
        },
        _ => vec![v],
    }
}

/// Applies `op` to `row`; returns false when a filter drops the row. `Unnest` is not a
/// one-row operation: callers fan the row out with [`elements`] before calling this.
pub(crate) fn apply<'a>(op: &RowOp, row: &mut [Value<'a>]) -> bool {
    match op {
        RowOp::Unnest { .. } => true,
        RowOp::Compute { slot, expr } => {
            let v = expr.eval(row);
            row[*slot as usize] = v;
            true
        }
        RowOp::Filter(e) => truthy(&e.eval(row)),
        RowOp::Parse { input, re, groups } => {
            match input.eval(row) {
                Value::Str(Cow::Borrowed(text)) => {
                    if let Some(caps) = re.captures(text) {
                        for (idx, slot) in groups {
                            if let Some(m) = caps.get(*idx) {
                                row[*slot as usize] = Value::Str(Cow::Borrowed(m.as_str()));
                            }
                        }
                    }
                }
                other => {
                    if let Some(text) = other.text()
                        && let Some(caps) = re.captures(&text)
                    {
                        for (idx, slot) in groups {
                            if let Some(m) = caps.get(*idx) {
                                row[*slot as usize] = Value::str(m.as_str().to_string());
                            }
                        }
                    }
                }
            }
            true
        }
    }
}
