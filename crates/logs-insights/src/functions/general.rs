//! General functions: `ispresent`, `coalesce`, `if`, `case`, `isNumeric`.

use super::take;
use crate::choices::truthy;
use crate::value::{Value, parse_num};

/// `ispresent(f)`: 1 when the field exists (is not null).
pub(super) fn ispresent<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::Bool(!args[0].is_null())
}

/// `coalesce(a, b, ...)`: the first non-null argument.
pub(super) fn coalesce<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    args.iter_mut().find(|v| !v.is_null()).map(std::mem::take).unwrap_or(Value::Null)
}

/// `if(cond, a, b)`.
pub(super) fn if_<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    if truthy(&args[0]) { take(args, 1) } else { take(args, 2) }
}

/// `case(c1, v1, c2, v2, ..., [default])`: the value of the first true condition, else
/// the default (an odd trailing argument), else null.
pub(super) fn case<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let pairs = args.len() / 2;
    for i in 0..pairs {
        if truthy(&args[2 * i]) {
            return take(args, 2 * i + 1);
        }
    }
    if args.len() % 2 == 1 { take(args, args.len() - 1) } else { Value::Null }
}

/// `isNumeric(x)`: 1 when `x` is a number or a numeric string.
pub(super) fn is_numeric<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    Value::Bool(match &args[0] {
        Value::Int(_) | Value::Float(_) => true,
        Value::Str(s) => parse_num(s).is_some(),
        _ => false,
    })
}
