//! Aggregate states: one per aggregate per group, updated per row, mergeable across
//! threads, finished into a value. Null inputs are skipped by every aggregate but `count(*)`.

use super::keys::encode;
use super::natural::natural_cmp;
use super::pct::PctState;
use crate::choices::stddev;
use crate::functions::AggKind;
use crate::value::{Num, Value};
use std::cmp::Ordering;
use std::collections::HashSet;

#[derive(Clone, Debug)]
pub(crate) enum AggState {
    Count(u64),
    CountDistinct(HashSet<Box<[u8]>>),
    Sum {
        int: i64,
        float: f64,
        is_float: bool,
        any: bool,
    },
    Avg {
        sum: f64,
        n: u64,
    },
    /// Numeric extreme and the value that produced it (so timestamps stay timestamps).
    Extreme {
        best: Option<(f64, Value<'static>)>,
        max: bool,
    },
    Pct {
        state: PctState,
        p: f64,
    },
    Stddev {
        n: u64,
        mean: f64,
        m2: f64,
    },
    /// Earliest/latest: (timestamp, row sequence, value).
    ByTime {
        best: Option<(i64, u64, Value<'static>)>,
        latest: bool,
    },
    Sorts {
        best: Option<Value<'static>>,
        last: bool,
    },
}

impl AggState {
    pub(crate) fn new(kind: AggKind, pct: f64) -> AggState {
        match kind {
            AggKind::Count | AggKind::CountField => AggState::Count(0),
            AggKind::CountDistinct => AggState::CountDistinct(HashSet::new()),
            AggKind::Sum => AggState::Sum { int: 0, float: 0.0, is_float: false, any: false },
            AggKind::Avg => AggState::Avg { sum: 0.0, n: 0 },
            AggKind::Min => AggState::Extreme { best: None, max: false },
            AggKind::Max => AggState::Extreme { best: None, max: true },
            AggKind::Pct => AggState::Pct { state: PctState::default(), p: pct },
            AggKind::Stddev => AggState::Stddev { n: 0, mean: 0.0, m2: 0.0 },
            AggKind::Earliest => AggState::ByTime { best: None, latest: false },
            AggKind::Latest => AggState::ByTime { best: None, latest: true },
            AggKind::SortsFirst => AggState::Sorts { best: None, last: false },
            AggKind::SortsLast => AggState::Sorts { best: None, last: true },
        }
    }

    /// Feeds one row's argument value (`count(*)` passes a non-null placeholder).
    pub(crate) fn update(&mut self, v: &Value<'_>, ts: i64, seq: u64, scratch: &mut Vec<u8>) {
        if v.is_null() {
            return;
        }
        match self {
            AggState::Count(n) => *n += 1,
            AggState::CountDistinct(set) => {
                scratch.clear();
                encode(v, scratch);
                if !set.contains(&scratch[..]) {
                    set.insert(scratch.as_slice().into());
                }
            }
            AggState::Sum { int, float, is_float, any } => match v.num() {
                Some(Num::Int(i)) => {
                    *any = true;
                    match int.checked_add(i) {
                        Some(s) => *int = s,
                        None => {
                            *float += i as f64;
                            *is_float = true;
                        }
                    }
                }
                Some(Num::Float(f)) => {
                    *any = true;
                    *float += f;
                    *is_float = true;
                }
                None => {}
            },
            AggState::Avg { sum, n } => {
                if let Some(x) = v.f64() {
                    *sum += x;
                    *n += 1;
                }
            }
            AggState::Extreme { best, max } => {
                if let Some(x) = v.f64() {
                    let better = match best {
                        None => true,
                        Some((b, _)) => {
                            if *max {
                                x > *b
                            } else {
                                x < *b
                            }
                        }
                    };
                    if better {
                        *best = Some((x, v.clone().into_owned()));
                    }
                }
            }
            AggState::Pct { state, .. } => {
                if let Some(x) = v.f64() {
                    state.add(x);
                }
            }
            AggState::Stddev { n, mean, m2 } => {
                if let Some(x) = v.f64() {
                    *n += 1;
                    let d = x - *mean;
                    *mean += d / *n as f64;
                    *m2 += d * (x - *mean);
                }
            }
            AggState::ByTime { best, latest } => {
                let better = match best {
                    None => true,
                    Some((bt, bs, _)) => {
                        if *latest {
                            (ts, seq) > (*bt, *bs)
                        } else {
                            (ts, seq) < (*bt, *bs)
                        }
                    }
                };
                if better {
                    *best = Some((ts, seq, v.clone().into_owned()));
                }
            }
            AggState::Sorts { best, last } => {
                let better = match best {
                    None => true,
                    Some(b) => {
                        let ord = natural_cmp(v, b);
                        if *last { ord == Ordering::Greater } else { ord == Ordering::Less }
                    }
                };
                if better {
                    *best = Some(v.clone().into_owned());
                }
            }
        }
    }

    /// Folds another partial state of the same aggregate into this one.
    pub(crate) fn merge(&mut self, other: AggState) {
        match (self, other) {
            (AggState::Count(a), AggState::Count(b)) => *a += b,
            (AggState::CountDistinct(a), AggState::CountDistinct(b)) => a.extend(b),
            (AggState::Sum { int, float, is_float, any }, AggState::Sum { int: i2, float: f2, is_float: x2, any: a2 }) => {
                match int.checked_add(i2) {
                    Some(s) => *int = s,
                    None => {
                        *float += i2 as f64;
                        *is_float = true;
                    }
                }
                *float += f2;
                *is_float |= x2;
                *any |= a2;
            }
            (AggState::Avg { sum, n }, AggState::Avg { sum: s2, n: n2 }) => {
                *sum += s2;
                *n += n2;
            }
            (AggState::Extreme { best, max }, AggState::Extreme { best: b2, .. }) => {
                if let Some((x, v)) = b2 {
                    let better = match best {
                        None => true,
                        Some((b, _)) => {
                            if *max {
                                x > *b
                            } else {
                                x < *b
                            }
                        }
                    };
                    if better {
                        *best = Some((x, v));
                    }
                }
            }
            (AggState::Pct { state, .. }, AggState::Pct { state: s2, .. }) => state.merge(s2),
            (AggState::Stddev { n, mean, m2 }, AggState::Stddev { n: n2, mean: mean2, m2: m22 }) => {
                if n2 == 0 {
                    return;
                }
                let total = *n + n2;
                let d = mean2 - *mean;
                *m2 += m22 + d * d * (*n as f64) * (n2 as f64) / total as f64;
                *mean += d * n2 as f64 / total as f64;
                *n = total;
            }
            (AggState::ByTime { best, latest }, AggState::ByTime { best: b2, .. }) => {
                if let Some((t, s, v)) = b2 {
                    let better = match best {
                        None => true,
                        Some((bt, bs, _)) => {
                            if *latest {
                                (t, s) > (*bt, *bs)
                            } else {
                                (t, s) < (*bt, *bs)
                            }
                        }
                    };
                    if better {
                        *best = Some((t, s, v));
                    }
                }
            }
            (AggState::Sorts { best, last }, AggState::Sorts { best: b2, .. }) => {
                if let Some(v) = b2 {
                    let better = match best {
                        None => true,
                        Some(b) => {
                            let ord = natural_cmp(&v, b);
                            if *last { ord == Ordering::Greater } else { ord == Ordering::Less }
                        }
                    };
                    if better {
                        *best = Some(v);
                    }
                }
            }
            _ => unreachable!("partials of one plan have the same aggregate layout"),
        }
    }

    /// The aggregate's value. An aggregate that saw no value is null ("all-null sum").
    pub(crate) fn finish(self) -> Value<'static> {
        match self {
            AggState::Count(n) => Value::Int(n as i64),
            AggState::CountDistinct(set) => Value::Int(set.len() as i64),
            AggState::Sum { int, float, is_float, any } => match (any, is_float) {
                (false, _) => Value::Null,
                (true, false) => Value::Int(int),
                (true, true) => Value::float(int as f64 + float),
            },
            AggState::Avg { sum, n } => {
                if n == 0 {
                    Value::Null
                } else {
                    Value::float(sum / n as f64)
                }
            }
            AggState::Extreme { best, .. } => best.map_or(Value::Null, |(_, v)| v),
            AggState::Pct { state, p } => state.finish(p),
            AggState::Stddev { n, m2, .. } => stddev(n, m2),
            AggState::ByTime { best, .. } => best.map_or(Value::Null, |(_, _, v)| v),
            AggState::Sorts { best, .. } => best.unwrap_or(Value::Null),
        }
    }
}
