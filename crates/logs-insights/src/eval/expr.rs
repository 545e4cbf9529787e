//! Evaluation of compiled expressions ([`CExpr`], defined in `plan/expr.rs`) against one
//! row of slots. Evaluation is total: every failure is a null.

use crate::choices::{compare, divide, truthy};
use crate::plan::{Arith, CExpr, Cmp, Matcher};
use crate::value::{Num, Value};
use std::cmp::Ordering;

#[inline]
fn arith(op: Arith, a: Num, b: Num) -> Value<'static> {
    use Num::Int;
    match (op, a, b) {
        (Arith::Add, Int(x), Int(y)) => x.checked_add(y).map_or(Value::float(x as f64 + y as f64), Value::Int),
        (Arith::Sub, Int(x), Int(y)) => x.checked_sub(y).map_or(Value::float(x as f64 - y as f64), Value::Int),
        (Arith::Mul, Int(x), Int(y)) => x.checked_mul(y).map_or(Value::float(x as f64 * y as f64), Value::Int),
        (Arith::Mod, Int(x), Int(y)) => {
            if y == 0 {
                Value::Null
            } else {
                Value::Int(x.wrapping_rem(y))
            }
        }
        (Arith::Add, ..) => Value::float(a.f64() + b.f64()),
        (Arith::Sub, ..) => Value::float(a.f64() - b.f64()),
        (Arith::Mul, ..) => Value::float(a.f64() * b.f64()),
        (Arith::Div, ..) => divide(a, b),
        (Arith::Mod, ..) => {
            if b.f64() == 0.0 {
                Value::Null
            } else {
                Value::float(a.f64() % b.f64())
            }
        }
        (Arith::Pow, Int(x), Int(y)) if (0..=62).contains(&y) => {
            x.checked_pow(y as u32).map_or(Value::float((x as f64).powf(y as f64)), Value::Int)
        }
        (Arith::Pow, ..) => Value::float(a.f64().powf(b.f64())),
    }
}

impl CExpr {
    /// Evaluates against one row of slots.
    pub(crate) fn eval<'a>(&self, row: &[Value<'a>]) -> Value<'a> {
        match self {
            CExpr::Slot(i) => row[*i as usize].clone(),
            CExpr::Const(v) => v.clone(),
            CExpr::Not(e) => {
                let v = e.eval(row);
                if v.is_null() { Value::Null } else { Value::Bool(!truthy(&v)) }
            }
            CExpr::Neg(e) => match e.eval(row).num() {
                Some(Num::Int(i)) => i.checked_neg().map_or(Value::float(-(i as f64)), Value::Int),
                Some(Num::Float(f)) => Value::Float(-f),
                None => Value::Null,
            },
            CExpr::Pos(e) => e.eval(row).num().map_or(Value::Null, Num::value),
            CExpr::Arith(op, a, b) => {
                let (a, b) = (a.eval(row), b.eval(row));
                match (a.num(), b.num()) {
                    (Some(x), Some(y)) => arith(*op, x, y),
                    _ => Value::Null,
                }
            }
            CExpr::Cmp(op, a, b) => {
                let ord = compare(&a.eval(row), &b.eval(row));
                Value::Bool(match (op, ord) {
                    (_, None) => false,
                    (Cmp::Eq, Some(o)) => o == Ordering::Equal,
                    (Cmp::Ne, Some(o)) => o != Ordering::Equal,
                    (Cmp::Lt, Some(o)) => o == Ordering::Less,
                    (Cmp::Gt, Some(o)) => o == Ordering::Greater,
                    (Cmp::Le, Some(o)) => o != Ordering::Greater,
                    (Cmp::Ge, Some(o)) => o != Ordering::Less,
                })
            }
            CExpr::And(a, b) => Value::Bool(truthy(&a.eval(row)) && truthy(&b.eval(row))),
            CExpr::Or(a, b) => Value::Bool(truthy(&a.eval(row)) || truthy(&b.eval(row))),
            CExpr::Like { expr, matcher, negated } => {
                let v = expr.eval(row);
                let Some(text) = v.text() else { return Value::Bool(false) };
                let hit = match matcher {
                    Matcher::Substr(s) => text.contains(s.as_str()),
                    Matcher::Regex(re) => re.is_match(&text),
                    Matcher::Dynamic(p) => match p.eval(row).text() {
                        Some(p) => text.contains(p.as_ref()),
                        None => return Value::Bool(false),
                    },
                };
                Value::Bool(hit != *negated)
            }
            CExpr::In { expr, list, negated } => {
                let v = expr.eval(row);
                if v.is_null() {
                    return Value::Bool(false);
                }
                let hit = list.iter().any(|e| compare(&v, &e.eval(row)) == Some(Ordering::Equal));
                Value::Bool(hit != *negated)
            }
            CExpr::Call { f, args } => {
                let mut vals: Vec<Value<'a>> = args.iter().map(|a| a.eval(row)).collect();
                f(&mut vals)
            }
            CExpr::RegexReplace { input, re, replacement } => {
                let (v, r) = (input.eval(row), replacement.eval(row));
                match (v.text(), r.text()) {
                    (Some(t), Some(r)) => Value::str(re.replace_all(&t, regex::NoExpand(&r)).into_owned()),
                    _ => Value::Null,
                }
            }
            CExpr::DateRound { ts, period, ceil } => match crate::functions::to_ms(&ts.eval(row)) {
                Some(ms) => Value::Ts(if *ceil { period.ceil(ms) } else { period.floor(ms) }),
                None => Value::Null,
            },
            CExpr::ByteLen(e) => match e.eval(row) {
                Value::Str(s) => Value::Int(s.len() as i64),
                _ => Value::Null,
            },
            CExpr::JsonPath { base, path } => crate::functions::json_get_path(&base.eval(row), path),
            CExpr::Index(base, idx) => crate::functions::json_index(&base.eval(row), &idx.eval(row)),
        }
    }
}
