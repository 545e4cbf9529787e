//! Datetime functions over evaluated arguments: `fromMillis`, `toMillis`, `parseDate`,
//! `formatDate`. (`bin`, `datefloor`, `dateceil` and `now` need compile-time arguments and
//! are compiled by the checker.)

use crate::time::{civil, days_from_civil, parse_iso8601};
use crate::value::{Num, Value};
use std::fmt::Write as _;

/// `fromMillis(ms)`: a timestamp.
pub(super) fn from_millis<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match args[0].num() {
        Some(Num::Int(i)) => Value::Ts(i),
        Some(Num::Float(f)) => Value::Ts(f as i64),
        None => Value::Null,
    }
}

/// `toMillis(ts)`: epoch milliseconds of a timestamp, an ISO-8601 string, or a number.
pub(crate) fn to_millis<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    match &args[0] {
        Value::Ts(ms) => Value::Int(*ms),
        Value::Str(s) => match parse_iso8601(s) {
            Some(ms) => Value::Int(ms),
            None => crate::value::parse_num(s).map_or(Value::Null, |n| Value::Int(n.f64() as i64)),
        },
        other => other.num().map_or(Value::Null, |n| Value::Int(n.f64() as i64)),
    }
}

/// `parseDate(s[, format])`: a timestamp from ISO-8601, or from a strftime-style format
/// (`%Y %m %d %H %M %S %L`(ms) `%f`(fraction) `%z`, literal characters otherwise).
pub(super) fn parse_date<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let Some(s) = args[0].text() else { return Value::Null };
    if args.len() < 2 {
        return parse_iso8601(&s).map_or(Value::Null, Value::Ts);
    }
    let Some(fmt) = args[1].text() else { return Value::Null };
    strptime(&s, &fmt).map_or(Value::Null, Value::Ts)
}

fn strptime(s: &str, fmt: &str) -> Option<i64> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut sec, mut ms, mut offset) = (1970i64, 1u32, 1u32, 0i64, 0i64, 0i64, 0i64, 0i64);
    let b = s.as_bytes();
    let mut i = 0;
    let mut f = fmt.chars();
    let digits = |i: &mut usize, max: usize| -> Option<i64> {
        let start = *i;
        while *i < b.len() && *i - start < max && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == start { None } else { s[start..*i].parse().ok() }
    };
    while let Some(c) = f.next() {
        if c != '%' {
            if b.get(i) != Some(&(c as u8)) {
                return None;
            }
            i += 1;
            continue;
        }
        match f.next()? {
            'Y' => y = digits(&mut i, 4)?,
            'm' => mo = digits(&mut i, 2)? as u32,
            'd' => d = digits(&mut i, 2)? as u32,
            'H' => h = digits(&mut i, 2)?,
            'M' => mi = digits(&mut i, 2)?,
            'S' => sec = digits(&mut i, 2)?,
            'L' => ms = digits(&mut i, 3)?,
            'f' => {
                let start = i;
                let v = digits(&mut i, 9)?;
                let n = i - start;
                ms = if n >= 3 { v / 10i64.pow((n - 3) as u32) } else { v * 10i64.pow((3 - n) as u32) };
            }
            'z' => {
                if b.get(i) == Some(&b'Z') {
                    i += 1;
                } else {
                    let sign = match b.get(i)? {
                        b'+' => 1,
                        b'-' => -1,
                        _ => return None,
                    };
                    i += 1;
                    let oh = digits(&mut i, 2)?;
                    if b.get(i) == Some(&b':') {
                        i += 1;
                    }
                    let om = digits(&mut i, 2).unwrap_or(0);
                    offset = sign * (oh * 60 + om) * 60_000;
                }
            }
            '%' => {
                if b.get(i) != Some(&b'%') {
                    return None;
                }
                i += 1;
            }
            _ => return None,
        }
    }
    if i != b.len() || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms - offset)
}

const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// `formatDate(ts, format)`: strftime-style, UTC (`%Y %y %m %d %e %H %I %M %S %L %p %j %a
/// %A %b %B %Z %z %s %%`).
pub(super) fn format_date<'a>(args: &mut [Value<'a>]) -> Value<'a> {
    let ms = match &args[0] {
        Value::Ts(ms) => *ms,
        Value::Str(s) => match parse_iso8601(s) {
            Some(ms) => ms,
            None => return Value::Null,
        },
        other => match other.num() {
            Some(n) => n.f64() as i64,
            None => return Value::Null,
        },
    };
    let Some(fmt) = args[1].text() else { return Value::Null };
    let c = civil(ms);
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        let _ = match chars.next() {
            Some('Y') => write!(out, "{:04}", c.year),
            Some('y') => write!(out, "{:02}", c.year.rem_euclid(100)),
            Some('m') => write!(out, "{:02}", c.month),
            Some('d') => write!(out, "{:02}", c.day),
            Some('e') => write!(out, "{:2}", c.day),
            Some('H') => write!(out, "{:02}", c.hour),
            Some('I') => write!(out, "{:02}", (c.hour + 11) % 12 + 1),
            Some('M') => write!(out, "{:02}", c.minute),
            Some('S') => write!(out, "{:02}", c.second),
            Some('L') => write!(out, "{:03}", c.milli),
            Some('p') => write!(out, "{}", if c.hour < 12 { "AM" } else { "PM" }),
            Some('j') => write!(out, "{:03}", c.yday),
            Some('a') => write!(out, "{}", &DAYS[c.weekday as usize][..3]),
            Some('A') => write!(out, "{}", DAYS[c.weekday as usize]),
            Some('b') => write!(out, "{}", &MONTHS[c.month as usize - 1][..3]),
            Some('B') => write!(out, "{}", MONTHS[c.month as usize - 1]),
            Some('Z') => write!(out, "UTC"),
            Some('z') => write!(out, "+0000"),
            Some('s') => write!(out, "{}", ms.div_euclid(1000)),
            Some('%') => write!(out, "%"),
            Some(other) => write!(out, "%{other}"),
            None => write!(out, "%"),
        };
    }
    Value::str(out)
}
