//! Every behaviour AWS leaves undocumented, decided once, here. Each item is explained in
//! `CHOICES.md` under the same heading; change both together.

use crate::value::{Num, Value};
use std::cmp::Ordering;

/// Rows returned when a query has no `limit` (documented: 10,000).
pub(crate) const DEFAULT_ROW_LIMIT: u64 = 10_000;

/// Largest `limit` accepted ("limit range": the API's `EventsLimit` is 1..=10000).
pub(crate) const MAX_LIMIT: u64 = 10_000;

/// "sort direction": a `sort` key without `asc`/`desc` sorts ascending (ScrollQL grammar).
pub(crate) const SORT_DEFAULT_DESCENDING: bool = false;

/// "default columns": what an event query without `fields`/`display` returns.
pub(crate) const DEFAULT_EVENT_COLUMNS: &[&str] = &["@timestamp", "@message"];

/// "pct": per group, `pct` is exact while it has seen at most this many values. Past that the
/// group keeps a sketch of all its values instead (`eval/pct.rs`): counts per logarithmic
/// bucket, so the answer is within `PCT_RELATIVE_ACCURACY` of the exact one and, like the exact
/// answer, the same on any number of threads.
pub(crate) const PCT_EXACT_VALUES: usize = 8_192;

/// "pct": the relative accuracy of the sketch past `PCT_EXACT_VALUES` values: the answer is a
/// bucket's representative, within 0.5% of the exact nearest-rank value.
pub(crate) const PCT_RELATIVE_ACCURACY: f64 = 0.005;

/// "float rendering": integral floats print without a decimal point (`3`), other floats
/// in Rust's shortest round-trip form (`88.88888888888889`). Non-finite values are null.
pub(crate) fn render_float(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return Some(format!("{}", f as i64));
    }
    Some(format!("{f}"))
}

/// "rendering": every value as the string GetQueryResults would carry; `None` means the
/// field is omitted from the row. Booleans render as `1`/`0` (documented for `ispresent`).
pub(crate) fn render(v: &Value<'_>) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => render_float(*f),
        Value::Str(s) => Some(s.to_string()),
        Value::Ts(ms) => Some(crate::time::format_timestamp(*ms)),
        Value::Json(j) => Some(j.to_string()),
    }
}

/// "JSON scalars": how a JSON leaf becomes a value. `true`/`false` stay the strings
/// `"true"`/`"false"` (compare with `= "true"`); JSON `null` is an absent field.
pub(crate) fn json_bool(b: bool) -> Value<'static> {
    Value::Str(if b { "true" } else { "false" }.into())
}

/// "truthiness": what `filter x` keeps. Booleans as they are; numbers when non-zero;
/// strings when they are `"true"` or a non-zero number; null and MAP/LIST never.
pub(crate) fn truthy(v: &Value<'_>) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::Ts(_) => true,
        Value::Str(s) => s.as_ref() == "true" || crate::value::parse_num(s).is_some_and(|n| n.f64() != 0.0),
        Value::Null | Value::Json(_) => false,
    }
}

/// "comparison": `=`, `!=`, `<`... and `in`. Null or MAP/LIST on either side: no ordering,
/// so every comparison (including `!=`) is false. Numeric when both sides are numeric
/// (numbers, timestamps as ms, numeric strings); otherwise exact, case-sensitive
/// comparison of the rendered strings.
pub(crate) fn compare(a: &Value<'_>, b: &Value<'_>) -> Option<Ordering> {
    if matches!(a, Value::Null | Value::Json(_)) || matches!(b, Value::Null | Value::Json(_)) {
        return None;
    }
    if let (Some(x), Some(y)) = (a.num(), b.num()) {
        return match (x, y) {
            (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
            _ => x.f64().partial_cmp(&y.f64()),
        };
    }
    let (x, y) = (a.text()?, b.text()?);
    Some(x.as_ref().cmp(y.as_ref()))
}

/// "division by zero": `x / 0` and `x % 0` are null.
pub(crate) fn divide(a: Num, b: Num) -> Value<'static> {
    if b.f64() == 0.0 {
        return Value::Null;
    }
    Value::float(a.f64() / b.f64())
}

/// "null sort position": nulls sort before every value ascending, after every value
/// descending (the reverse).
pub(crate) const NULLS_FIRST_ASCENDING: bool = true;

/// "stddev": the sample standard deviation (divisor n - 1); fewer than two values give null.
pub(crate) fn stddev(n: u64, m2: f64) -> Value<'static> {
    if n < 2 {
        return Value::Null;
    }
    Value::float((m2 / (n - 1) as f64).sqrt())
}

/// "pct": nearest rank over the sorted values: the value at rank ceil(p/100 * n).
pub(crate) fn percentile_rank(p: f64, n: u64) -> u64 {
    let rank = (p / 100.0 * n as f64).ceil() as u64;
    rank.clamp(1, n.max(1))
}
