//! Metric math evaluation over time series (timestamp ms → value): arithmetic between scalars,
//! series and arrays of series (two series meet on the timestamps both have); `SUM`, `AVG`,
//! `MIN`, `MAX` (of a series: a scalar; of an array: one series, per timestamp over the series
//! that have it); `FILL(x, value | REPEAT | LINEAR)` over the period grid of the window; `ABS`,
//! `DIFF`, `RATE`; `METRICS()` (every `MetricStat` query); `SEARCH(expression, stat, period)`.

use std::collections::{BTreeMap, HashMap, HashSet};

use metric_store::{MetricKey, MetricStore, Statistic, StatsQuery, Unit, retention};

use super::parser::{Expr, Op, parse};
use super::search::Search;
use crate::shapes::MetricDataQuery;

/// A time series.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Series {
    /// The metric behind it (for labels), when it is one metric's statistic.
    pub(crate) key: Option<MetricKey>,
    pub(crate) stat: Option<String>,
    pub(crate) period_s: i64,
    /// A label given by the query or search that produced it.
    pub(crate) label: Option<String>,
    pub(crate) points: BTreeMap<i64, f64>,
}

/// A value of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Scalar(f64),
    Series(Series),
    Array(Vec<Series>),
}

/// Why an expression cannot be evaluated (the message CloudWatch's would carry).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct EvalError(pub(crate) String);

/// The time window of a request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    pub(crate) now_ms: i64,
}

impl Window {
    /// The period starts of `period_s` in the window, as CloudWatch aligns them.
    pub(crate) fn grid(&self, period_s: i64) -> Vec<i64> {
        let period_s = period_s.clamp(1, crate::metrics::convert::MAX_PERIOD_S);
        let period_ms = period_s * 1000;
        let mut at = retention::aligned_start_ms(self.start_ms, period_s, self.now_ms);
        let mut out = Vec::new();
        while at < self.end_ms && out.len() < 100_800 {
            out.push(at);
            at += period_ms;
        }
        out
    }
}

/// One metric's statistic per period over the window.
pub(crate) fn fetch(
    store: &MetricStore,
    key: &MetricKey,
    stat: &Statistic,
    period_s: i64,
    unit: Option<Unit>,
    window: Window,
) -> Result<BTreeMap<i64, f64>, EvalError> {
    let q =
        StatsQuery { key, start_ms: window.start_ms, end_ms: window.end_ms, period_s, unit, need_distribution: !stat.is_basic() };
    let periods = store.query(&q, window.now_ms).map_err(|e| EvalError(e.to_string()))?;
    Ok(periods
        .iter()
        .filter_map(|p| stat.compute(&p.merged(!stat.is_basic())).filter(|v| v.is_finite()).map(|v| (p.start_ms, v)))
        .collect())
}

/// Evaluates the queries of one GetMetricData request (or one metric-math alarm).
pub(crate) struct Evaluator<'a> {
    store: &'a MetricStore,
    window: Window,
    queries: HashMap<&'a str, &'a MetricDataQuery>,
    order: Vec<&'a str>,
    memo: HashMap<String, Value>,
    busy: HashSet<String>,
}

impl<'a> Evaluator<'a> {
    pub(crate) fn new(store: &'a MetricStore, window: Window, queries: &'a [MetricDataQuery]) -> Self {
        Self {
            store,
            window,
            queries: queries.iter().map(|q| (q.id.as_str(), q)).collect(),
            order: queries.iter().map(|q| q.id.as_str()).collect(),
            memo: HashMap::new(),
            busy: HashSet::new(),
        }
    }

    /// The value of query `id`.
    pub(crate) fn value_of(&mut self, id: &str) -> Result<Value, EvalError> {
        if let Some(v) = self.memo.get(id) {
            return Ok(v.clone());
        }
        let Some(query) = self.queries.get(id).copied() else {
            return Err(EvalError(format!("Unrecognized identifier {id}")));
        };
        if !self.busy.insert(id.to_owned()) {
            return Err(EvalError(format!("Circular dependency on {id}")));
        }
        let result = match (&query.metric_stat, &query.expression) {
            (Some(ms), _) => {
                let stat = Statistic::parse(&ms.stat).map_err(|_| EvalError(format!("Invalid statistic {}", ms.stat)))?;
                let key = crate::metrics::convert::metric_key(&ms.metric)
                    .ok_or_else(|| EvalError(format!("The metric of {id} needs a Namespace and a MetricName")))?;
                let unit = ms.unit.as_deref().and_then(Unit::parse);
                let points = fetch(self.store, &key, &stat, ms.period, unit, self.window)?;
                Ok(Value::Series(Series {
                    key: Some(key),
                    stat: Some(ms.stat.clone()),
                    period_s: ms.period,
                    label: None,
                    points,
                }))
            }
            (None, Some(text)) => {
                let expr = parse(text).map_err(|e| EvalError(e.to_string()))?;
                let period = query.period.unwrap_or(0);
                self.eval(&expr, period)
            }
            (None, None) => Err(EvalError(format!("The query {id} has neither MetricStat nor Expression"))),
        };
        self.busy.remove(id);
        let value = result?;
        self.memo.insert(id.to_owned(), value.clone());
        Ok(value)
    }

    /// The period used where a scalar must become a series: the query's, else the finest
    /// `MetricStat` period of the request, else 60.
    pub(crate) fn default_period(&self, period: i64) -> i64 {
        if period > 0 {
            return period;
        }
        self.queries.values().filter_map(|q| q.metric_stat.as_ref().map(|m| m.period)).min().unwrap_or(60)
    }

    /// A scalar as a series over the window's grid.
    pub(crate) fn broadcast(&self, v: f64, period: i64) -> Series {
        let period = self.default_period(period);
        Series { period_s: period, points: self.window.grid(period).into_iter().map(|t| (t, v)).collect(), ..Series::default() }
    }

    fn eval(&mut self, expr: &Expr, period: i64) -> Result<Value, EvalError> {
        match expr {
            Expr::Number(n) => Ok(Value::Scalar(*n)),
            Expr::Text(t) => Err(EvalError(format!("Unexpected string '{t}'"))),
            Expr::Name(id) => self.value_of(id),
            Expr::Neg(inner) => {
                let v = self.eval(inner, period)?;
                Ok(map_value(v, |x| -x))
            }
            Expr::Binary(op, a, b) => {
                let (a, b) = (self.eval(a, period)?, self.eval(b, period)?);
                binary(*op, a, b)
            }
            Expr::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match self.eval(item, period)? {
                        Value::Series(s) => out.push(s),
                        Value::Array(a) => out.extend(a),
                        Value::Scalar(v) => out.push(self.broadcast(v, period)),
                    }
                }
                Ok(Value::Array(out))
            }
            Expr::Call(name, args) => self.call(name, args, period),
        }
    }

    fn call(&mut self, name: &str, args: &[Expr], period: i64) -> Result<Value, EvalError> {
        let arity = |n: usize| -> Result<(), EvalError> {
            if args.len() == n { Ok(()) } else { Err(EvalError(format!("{name} takes {n} argument(s)"))) }
        };
        match name {
            "SUM" | "AVG" | "MIN" | "MAX" => {
                let v =
                    if args.len() == 1 { self.eval(&args[0], period)? } else { self.eval(&Expr::Array(args.to_vec()), period)? };
                Ok(aggregate(name, v))
            }
            "ABS" => {
                arity(1)?;
                Ok(map_value(self.eval(&args[0], period)?, f64::abs))
            }
            "DIFF" | "RATE" => {
                arity(1)?;
                let rate = name == "RATE";
                Ok(map_series(self.eval(&args[0], period)?, |s| {
                    let mut out = BTreeMap::new();
                    let mut prev: Option<(i64, f64)> = None;
                    for (&t, &v) in &s.points {
                        if let Some((pt, pv)) = prev {
                            let d = v - pv;
                            out.insert(t, if rate { d / ((t - pt) as f64 / 1000.0) } else { d });
                        }
                        prev = Some((t, v));
                    }
                    Series { points: out, ..s }
                }))
            }
            "FILL" => {
                arity(2)?;
                let target = self.eval(&args[0], period)?;
                let mode = match &args[1] {
                    Expr::Name(n) if n.eq_ignore_ascii_case("REPEAT") => Fill::Repeat,
                    Expr::Name(n) if n.eq_ignore_ascii_case("LINEAR") => Fill::Linear,
                    other => match self.eval(other, period)? {
                        Value::Scalar(v) => Fill::Value(v),
                        _ => return Err(EvalError("FILL takes a number, REPEAT or LINEAR".into())),
                    },
                };
                let window = self.window;
                Ok(map_series(target, |s| fill(s, mode, window)))
            }
            "METRICS" => {
                let filter = match args.first() {
                    None => None,
                    Some(Expr::Text(t)) => Some(t.clone()),
                    Some(_) => return Err(EvalError("METRICS takes an optional string".into())),
                };
                let ids: Vec<&str> = self.order.iter().copied().filter(|id| self.queries[id].metric_stat.is_some()).collect();
                let mut out = Vec::new();
                for id in ids {
                    let label = self.queries[id].label.clone().unwrap_or_else(|| id.to_owned());
                    if filter.as_ref().is_some_and(|f| !label.contains(f.as_str())) {
                        continue;
                    }
                    if let Value::Series(s) = self.value_of(id)? {
                        out.push(s);
                    }
                }
                Ok(Value::Array(out))
            }
            "SEARCH" => {
                arity(3)?;
                let (Expr::Text(text), Expr::Text(stat)) = (&args[0], &args[1]) else {
                    return Err(EvalError("SEARCH takes a search expression, a statistic and a period".into()));
                };
                let Value::Scalar(p) = self.eval(&args[2], period)? else {
                    return Err(EvalError("The period of SEARCH must be a number".into()));
                };
                let search = Search::parse(text).map_err(EvalError)?;
                let statistic = Statistic::parse(stat).map_err(|_| EvalError(format!("Invalid statistic {stat}")))?;
                let period_s = p as i64;
                if p.fract() != 0.0 || crate::metrics::convert::check_query_period(period_s, "SEARCH").is_err() {
                    return Err(EvalError("The period of SEARCH must be 1, 5, 10, 20, 30 or a multiple of 60 seconds".into()));
                }
                let metrics = self.store.metrics(self.window.now_ms).map_err(|e| EvalError(e.to_string()))?;
                let two_weeks = self.window.now_ms - 14 * 86_400_000;
                let mut out = Vec::new();
                for m in metrics.into_iter().filter(|m| m.last_published_ms >= two_weeks && search.matches(&m.key)).take(500) {
                    let points = fetch(self.store, &m.key, &statistic, period_s, None, self.window)?;
                    out.push(Series { key: Some(m.key), stat: Some(stat.clone()), period_s, label: None, points });
                }
                Ok(Value::Array(out))
            }
            other => Err(EvalError(format!("Unknown function {other}"))),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Fill {
    Value(f64),
    Repeat,
    Linear,
}

fn fill(s: Series, mode: Fill, window: Window) -> Series {
    let grid = window.grid(s.period_s.max(1));
    let mut out = BTreeMap::new();
    for &t in &grid {
        let v = match s.points.get(&t) {
            Some(v) => Some(*v),
            None => match mode {
                Fill::Value(v) => Some(v),
                Fill::Repeat => s.points.range(..t).next_back().or_else(|| s.points.range(t..).next()).map(|p| *p.1),
                Fill::Linear => {
                    let before = s.points.range(..t).next_back();
                    let after = s.points.range(t..).next();
                    match (before, after) {
                        (Some((&t0, &v0)), Some((&t1, &v1))) => Some(v0 + (v1 - v0) * (t - t0) as f64 / (t1 - t0) as f64),
                        _ => None,
                    }
                }
            },
        };
        if let Some(v) = v {
            out.insert(t, v);
        }
    }
    Series { points: out, ..s }
}

fn map_value(v: Value, f: impl Fn(f64) -> f64 + Copy) -> Value {
    match v {
        Value::Scalar(x) => Value::Scalar(f(x)),
        other => map_series(other, |s| Series {
            points: s.points.iter().map(|(t, v)| (*t, f(*v))).filter(|p| p.1.is_finite()).collect(),
            ..s
        }),
    }
}

fn map_series(v: Value, f: impl Fn(Series) -> Series) -> Value {
    match v {
        Value::Scalar(x) => Value::Scalar(x),
        Value::Series(s) => Value::Series(f(s)),
        Value::Array(a) => Value::Array(a.into_iter().map(f).collect()),
    }
}

fn apply(op: Op, a: f64, b: f64) -> f64 {
    match op {
        Op::Add => a + b,
        Op::Sub => a - b,
        Op::Mul => a * b,
        Op::Div => a / b,
        Op::Pow => a.powf(b),
    }
}

fn series_op(op: Op, a: &Series, b: &Series) -> Series {
    let points = a
        .points
        .iter()
        .filter_map(|(t, x)| b.points.get(t).map(|y| (*t, apply(op, *x, *y))))
        .filter(|p| p.1.is_finite())
        .collect();
    Series { key: None, stat: None, period_s: a.period_s.max(b.period_s), label: None, points }
}

fn binary(op: Op, a: Value, b: Value) -> Result<Value, EvalError> {
    let scalar_right = |s: Series, y: f64| Series {
        points: s.points.iter().map(|(t, x)| (*t, apply(op, *x, y))).filter(|p| p.1.is_finite()).collect(),
        key: None,
        stat: None,
        label: None,
        ..s
    };
    let scalar_left = |x: f64, s: Series| Series {
        points: s.points.iter().map(|(t, y)| (*t, apply(op, x, *y))).filter(|p| p.1.is_finite()).collect(),
        key: None,
        stat: None,
        label: None,
        ..s
    };
    Ok(match (a, b) {
        (Value::Scalar(x), Value::Scalar(y)) => Value::Scalar(apply(op, x, y)),
        (Value::Series(s), Value::Scalar(y)) => Value::Series(scalar_right(s, y)),
        (Value::Scalar(x), Value::Series(s)) => Value::Series(scalar_left(x, s)),
        (Value::Series(a), Value::Series(b)) => Value::Series(series_op(op, &a, &b)),
        (Value::Array(a), Value::Scalar(y)) => Value::Array(a.into_iter().map(|s| scalar_right(s, y)).collect()),
        (Value::Scalar(x), Value::Array(a)) => Value::Array(a.into_iter().map(|s| scalar_left(x, s)).collect()),
        (Value::Array(a), Value::Series(b)) => Value::Array(a.iter().map(|s| series_op(op, s, &b)).collect()),
        (Value::Series(a), Value::Array(b)) => Value::Array(b.iter().map(|s| series_op(op, &a, s)).collect()),
        (Value::Array(_), Value::Array(_)) => {
            return Err(EvalError("Arithmetic between two arrays of time series is not supported".into()));
        }
    })
}

fn aggregate(name: &str, v: Value) -> Value {
    let fold = |values: &[f64]| -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        Some(match name {
            "SUM" => values.iter().sum(),
            "AVG" => values.iter().sum::<f64>() / values.len() as f64,
            "MIN" => values.iter().copied().fold(f64::INFINITY, f64::min),
            _ => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    };
    match v {
        Value::Scalar(x) => Value::Scalar(x),
        Value::Series(s) => Value::Scalar(fold(&s.points.values().copied().collect::<Vec<_>>()).unwrap_or(f64::NAN)),
        Value::Array(items) => {
            let mut at: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
            for s in &items {
                for (t, v) in &s.points {
                    at.entry(*t).or_default().push(*v);
                }
            }
            let period_s = items.iter().map(|s| s.period_s).max().unwrap_or(60);
            Value::Series(Series {
                period_s,
                points: at.into_iter().filter_map(|(t, vs)| fold(&vs).map(|v| (t, v))).collect(),
                ..Series::default()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use metric_store::{Datum, Dimension, Values};

    use super::*;
    use crate::shapes::{Metric, MetricStat};

    const T: i64 = 1_764_759_240_000; // a minute boundary

    fn store() -> MetricStore {
        let store = MetricStore::in_memory();
        let mut data = Vec::new();
        for (model, base) in [("a", 1.0), ("b", 10.0)] {
            for i in 0..3 {
                data.push(Datum {
                    key: MetricKey::new("AWS/Bedrock", "Invocations", vec![Dimension::new("ModelId", model)]),
                    timestamp_ms: T + i * 60_000,
                    unit: Unit::Count,
                    high_resolution: false,
                    values: Values::Single(base + i as f64),
                });
            }
        }
        store.put(&data, T + 600_000).unwrap();
        store
    }

    fn stat_query(id: &str, model: &str) -> MetricDataQuery {
        MetricDataQuery {
            id: id.into(),
            metric_stat: Some(MetricStat {
                metric: Metric {
                    namespace: Some("AWS/Bedrock".into()),
                    metric_name: Some("Invocations".into()),
                    dimensions: vec![crate::shapes::Dimension { name: "ModelId".into(), value: model.into() }],
                },
                period: 60,
                stat: "Sum".into(),
                unit: None,
            }),
            expression: None,
            label: None,
            return_data: None,
            period: None,
            account_id: None,
        }
    }

    fn expr(id: &str, e: &str) -> MetricDataQuery {
        MetricDataQuery {
            id: id.into(),
            metric_stat: None,
            expression: Some(e.into()),
            label: None,
            return_data: None,
            period: None,
            account_id: None,
        }
    }

    fn values(v: Value) -> Vec<f64> {
        match v {
            Value::Series(s) => s.points.values().copied().collect(),
            other => panic!("not a series: {other:?}"),
        }
    }

    #[test]
    fn arithmetic_functions_fill_and_search() {
        let store = store();
        let window = Window { start_ms: T, end_ms: T + 300_000, now_ms: T + 600_000 };
        let queries = vec![
            stat_query("m1", "a"),
            stat_query("m2", "b"),
            expr("e1", "(m1 + m2) / 2"),
            expr("e2", "SUM(METRICS())"),
            expr("e3", "SUM(m1)"),
            expr("e4", "FILL(m1, 0)"),
            expr("e5", "SUM(SEARCH('{AWS/Bedrock,ModelId} MetricName=\"Invocations\"', 'Sum', 60))"),
            expr("e6", "FILL(m1, REPEAT)"),
            expr("e7", "e7 + 1"),
            expr("e8", "MAX([m1, m2]) - MIN([m1, m2])"),
        ];
        let mut ev = Evaluator::new(&store, window, &queries);
        assert_eq!(values(ev.value_of("e1").unwrap()), vec![5.5, 6.5, 7.5]);
        assert_eq!(values(ev.value_of("e2").unwrap()), vec![11.0, 13.0, 15.0]);
        assert_eq!(ev.value_of("e3").unwrap(), Value::Scalar(6.0));
        assert_eq!(values(ev.value_of("e4").unwrap()), vec![1.0, 2.0, 3.0, 0.0, 0.0]);
        assert_eq!(values(ev.value_of("e5").unwrap()), vec![11.0, 13.0, 15.0]);
        assert_eq!(values(ev.value_of("e6").unwrap()), vec![1.0, 2.0, 3.0, 3.0, 3.0]);
        assert!(ev.value_of("e7").unwrap_err().0.contains("Circular"));
        assert_eq!(values(ev.value_of("e8").unwrap()), vec![9.0, 9.0, 9.0]);
        assert!(ev.value_of("nope").is_err());
    }
}
