//! Numeric functions: `abs`, `ceil`, `floor`, `greatest`, `least`, `log`, `sqrt`, `round`,
//! `haversine`, `toNumber`/`toDouble`, `toInt`/`toLong`.

use crate::value::{Num, Value};

fn unary<'a>(args: &mut [Value<'a>], f: impl Fn(Num) -> Value<'static>) -> Value<'a> {
    args[0].num().map_or(Value::Null, f)
}

pub(super) fn abs<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    unary(args, |n| match n {
        Num::Int(i) => i.checked_abs().map_or(Value::float((i as f64).abs()), Value::Int),
        Num::Float(f) => Value::float(f.abs()),
    })
}

fn to_int_value(f: f64) -> Value<'static> {
    if f.is_finite() && f.abs() < 9.2e18 { Value::Int(f as i64) } else { Value::float(f) }
}

pub(super) fn ceil<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    unary(args, |n| match n {
        Num::Int(i) => Value::Int(i),
        Num::Float(f) => to_int_value(f.ceil()),
    })
}

pub(super) fn floor<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    unary(args, |n| match n {
        Num::Int(i) => Value::Int(i),
        Num::Float(f) => to_int_value(f.floor()),
    })
}

fn extreme<'a>(args: &mut [Value<'a>], want: std::cmp::Ordering) -> Value<'a> {
    let mut best: Option<Num> = None;
    for n in args.iter().filter_map(Value::num) {
        best = match best {
            Some(b) if n.f64().partial_cmp(&b.f64()) != Some(want) => Some(b),
            _ => Some(n),
        };
    }
    best.map_or(Value::Null, Num::value)
}

/// `greatest(a, ...)`: the largest numeric argument; nulls are skipped.
pub(super) fn greatest<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    extreme(args, std::cmp::Ordering::Greater)
}

/// `least(a, ...)`: the smallest numeric argument; nulls are skipped.
pub(super) fn least<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    extreme(args, std::cmp::Ordering::Less)
}

/// `log(x)`: natural logarithm.
pub(super) fn log<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    unary(args, |n| Value::float(n.f64().ln()))
}

pub(super) fn sqrt<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    unary(args, |n| Value::float(n.f64().sqrt()))
}

/// `round(x[, digits])`: half away from zero.
pub(super) fn round<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let digits = if args.len() > 1 { args[1].num().map_or(0, |d| d.f64() as i32) } else { 0 };
    unary(args, |n| {
        if digits <= 0 {
            let scale = 10f64.powi(-digits);
            to_int_value((n.f64() / scale).round() * scale)
        } else {
            let scale = 10f64.powi(digits);
            Value::float((n.f64() * scale).round() / scale)
        }
    })
}

/// `haversine(lat1, lon1, lat2, lon2)`: great-circle distance in kilometres
/// (Earth radius 6371 km), degrees in.
pub(super) fn haversine<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let v: Option<Vec<f64>> = args.iter().map(Value::f64).collect();
    let Some(v) = v else { return Value::Null };
    let (lat1, lon1, lat2, lon2) = (v[0].to_radians(), v[1].to_radians(), v[2].to_radians(), v[3].to_radians());
    let a = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    Value::float(2.0 * 6371.0 * a.sqrt().asin())
}

/// `toNumber(x)`/`toDouble(x)`: a number, or null when `x` is not numeric.
pub(super) fn to_double<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    unary(args, |n| Value::float(n.f64()))
}

/// `toInt(x)`/`toLong(x)`: truncates toward zero.
pub(super) fn to_int<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    unary(args, |n| match n {
        Num::Int(i) => Value::Int(i),
        Num::Float(f) => to_int_value(f.trunc()),
    })
}
