//! The documented natural sort order of `sort`: non-numbers before numbers; strings compared
//! chunk by chunk, digit chunks by length then value, other chunks bytewise; `desc` is the
//! exact reverse. Null placement is a choice ([`crate::choices::NULLS_FIRST_ASCENDING`]).

use crate::choices::NULLS_FIRST_ASCENDING;
use crate::value::Value;
use std::cmp::Ordering;

/// Compares two values in ascending natural order.
pub(crate) fn natural_cmp(a: &Value<'_>, b: &Value<'_>) -> Ordering {
    let class = |v: &Value<'_>| match v {
        Value::Null => 0,
        other if other.num().is_some() && !matches!(other, Value::Bool(_)) => 2,
        _ => 1,
    };
    let (ca, cb) = (class(a), class(b));
    if ca != cb {
        let ord = ca.cmp(&cb);
        return if (ca == 0 || cb == 0) && !NULLS_FIRST_ASCENDING { ord.reverse() } else { ord };
    }
    match ca {
        0 => Ordering::Equal,
        2 => {
            let (x, y) = (a.num().map(|n| n.f64()).unwrap_or(0.0), b.num().map(|n| n.f64()).unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal).then_with(|| bytes_cmp(a, b))
        }
        _ => text_cmp(a, b),
    }
}

fn text_cmp(a: &Value<'_>, b: &Value<'_>) -> Ordering {
    match (a.text(), b.text()) {
        (Some(x), Some(y)) => chunk_cmp(x.as_bytes(), y.as_bytes()),
        _ => Ordering::Equal,
    }
}

fn bytes_cmp(a: &Value<'_>, b: &Value<'_>) -> Ordering {
    match (a.text(), b.text()) {
        (Some(x), Some(y)) => x.as_bytes().cmp(y.as_bytes()),
        _ => Ordering::Equal,
    }
}

fn chunk(s: &[u8]) -> (&[u8], &[u8]) {
    let digit = s[0].is_ascii_digit();
    let n = s.iter().position(|c| c.is_ascii_digit() != digit).unwrap_or(s.len());
    s.split_at(n)
}

/// Chunk-wise comparison of two strings.
pub(crate) fn chunk_cmp(mut a: &[u8], mut b: &[u8]) -> Ordering {
    loop {
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let (ca, ra) = chunk(a);
        let (cb, rb) = chunk(b);
        let ord = if ca[0].is_ascii_digit() && cb[0].is_ascii_digit() {
            ca.len().cmp(&cb.len()).then_with(|| ca.cmp(cb))
        } else {
            ca.cmp(cb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
        a = ra;
        b = rb;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Sort page's own example list, in ascending order.
    #[test]
    fn reproduces_the_documented_order() {
        let expected =
            ["!:", "#", "*%04", "0#", "5A", "111A", "2345_", "@", "@_", "A", "A9876fghj", "a12345hfh", "0", "01", "1", "2", "3"];
        let mut values: Vec<Value<'_>> = expected.iter().rev().map(|s| Value::str(*s)).collect();
        values.sort_by(natural_cmp);
        let got: Vec<String> = values.iter().map(|v| v.text().unwrap().into_owned()).collect();
        assert_eq!(got, expected);
    }
}
