//! Per-row operations (`fields`/`display` computations, `filter`, `parse`), shared by
//! the streaming scan and the table stage.

use crate::choices::truthy;
use crate::plan::RowOp;
use crate::value::Value;
use std::borrow::Cow;

/// Applies `op` to `row`; returns false when a filter drops the row.
pub(crate) fn apply<'a>(op: &RowOp, row: &mut [Value<'a>]) -> bool {
    match op {
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
                        && let Some(caps) = re.captures(&text) {
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
