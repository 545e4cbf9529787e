//! The expected result of each query, computed by the harness from what it sent (model,
//! metadata, when) and what the runtime returned (usage, latency): never from the target's
//! records. Grouping, filters and aggregates follow the query's own description in the scenario
//! file (`scenario::Expect`).

use std::collections::BTreeMap;

use super::compare::{Expected, ExpectedRow, Matcher};
use super::runner::CallOutcome;
use super::scenario::{AggFn, Expect, Filter, Source};

/// What the harness knows about the target beyond its own calls.
#[derive(Debug, Clone)]
pub(crate) struct Knowledge {
    /// `identity.arn` of the caller, when known (the emulator's principal map); on a live
    /// account any single value is accepted.
    pub(crate) principal: Option<String>,
    /// Whether the record time equals the harness's clock exactly (the emulator with an
    /// injected clock); otherwise record times only fall within the call's window, widened by
    /// `skew_ms` for clock differences.
    pub(crate) exact_times: bool,
    pub(crate) skew_ms: i64,
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// A value the harness knows for one call.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    /// An integer the runtime returned (token counts, latency): compared exactly.
    Int(i64),
    Text(String),
    /// A record time: the instant the harness believes (for grouping) and the window it is in.
    Time { at_ms: i64, lo_ms: i64, hi_ms: i64 },
    /// A value the harness does not know but that is the same for every call.
    Unknown,
}

fn value(call: &CallOutcome, source: &Source, k: &Knowledge) -> Val {
    let Some(usage) = call.usage() else { return Val::Null };
    let time = |floor: i64| {
        // Records carry second-precision timestamps.
        let lo = call.sent_lo_ms / 1000 * 1000;
        let hi = call.sent_hi_ms / 1000 * 1000;
        let (lo, hi) = if k.exact_times { (lo, lo) } else { (lo - k.skew_ms, hi + k.skew_ms) };
        let mid = (call.sent_lo_ms + call.sent_hi_ms) / 2;
        let f = |t: i64| t.div_euclid(floor) * floor;
        Val::Time { at_ms: f(mid / 1000 * 1000), lo_ms: f(lo), hi_ms: f(hi) }
    };
    match source {
        Source::InputTokens => Val::Int(usage.input_tokens as i64),
        Source::OutputTokens => Val::Int(usage.output_tokens as i64),
        Source::TotalTokens => Val::Int((usage.input_tokens + usage.output_tokens) as i64),
        Source::LatencyMs => usage.latency_ms.map_or(Val::Null, Val::Int),
        Source::ModelId => Val::Text(call.model_id.clone()),
        Source::Timestamp => time(1),
        Source::BinHour => time(HOUR_MS),
        Source::BinDay => time(DAY_MS),
        Source::Principal => k.principal.clone().map_or(Val::Unknown, Val::Text),
        Source::Absent => Val::Null,
        Source::Meta(key) => call.metadata.as_ref().and_then(|m| m.get(key)).map_or(Val::Null, |v| Val::Text(v.clone())),
    }
}

fn number(v: &Val) -> Option<f64> {
    match v {
        Val::Int(n) => Some(*n as f64),
        Val::Text(t) => t.parse().ok(),
        Val::Time { at_ms, .. } => Some(*at_ms as f64),
        Val::Null | Val::Unknown => None,
    }
}

fn passes(call: &CallOutcome, filter: &Filter, k: &Knowledge) -> bool {
    match filter {
        Filter::Eq { field, value: want } => matches!(value(call, field, k), Val::Text(t) if &t == want),
        Filter::Contains { field, value: want } => matches!(value(call, field, k), Val::Text(t) if t.contains(want.as_str())),
        Filter::Gt { field, value: bound } => number(&value(call, field, k)).is_some_and(|n| n > *bound),
        Filter::TimeRange { from_ms, to_ms } => match value(call, &Source::Timestamp, k) {
            Val::Time { at_ms, .. } => (*from_ms..*to_ms).contains(&at_ms),
            _ => false,
        },
        Filter::Or { any } => any.iter().any(|f| passes(call, f, k)),
    }
}

fn cell(v: &Val) -> Matcher {
    match v {
        Val::Null => Matcher::Absent,
        Val::Int(n) => Matcher::Int(*n),
        Val::Text(t) => Matcher::Exact(t.clone()),
        Val::Time { lo_ms, hi_ms, .. } => Matcher::Time { lo_ms: *lo_ms, hi_ms: *hi_ms },
        Val::Unknown => Matcher::AnyPresent,
    }
}

/// A group key component as a map key (times group by the instant the harness believes).
fn group_part(v: &Val) -> String {
    match v {
        Val::Null => "\u{0}null".to_owned(),
        Val::Int(n) => n.to_string(),
        Val::Text(t) => format!("t:{t}"),
        Val::Time { at_ms, .. } => format!("time:{at_ms:020}"),
        Val::Unknown => "\u{0}unknown".to_owned(),
    }
}

/// Computes the expectation of one query over the scenario's calls.
pub(crate) fn expected(expect: &Expect, calls: &[CallOutcome], k: &Knowledge) -> Expected {
    match expect {
        Expect::Error { code } => Expected::Error(code.clone()),
        Expect::Events { filter, columns, sort, limit } => {
            let mut rows: Vec<(Option<f64>, ExpectedRow)> = calls
                .iter()
                .filter(|c| c.usage().is_some() && filter.iter().all(|f| passes(c, f, k)))
                .map(|c| {
                    let sort_key = sort.as_ref().and_then(|s| {
                        columns.iter().find(|col| col.name == s.column).and_then(|col| number(&value(c, &col.value, k)))
                    });
                    let cells = columns.iter().map(|col| (col.name.clone(), cell(&value(c, &col.value, k)))).collect();
                    (sort_key, ExpectedRow { cells })
                })
                .collect();
            finish(&mut rows, sort.as_ref().map(|s| (s.column.clone(), s.desc)), *limit)
        }
        Expect::Stats { filter, by, aggregates, sort, limit } => {
            let mut groups: BTreeMap<Vec<String>, (Vec<Val>, Vec<&CallOutcome>)> = BTreeMap::new();
            for c in calls.iter().filter(|c| c.usage().is_some() && filter.iter().all(|f| passes(c, f, k))) {
                let keys: Vec<Val> = by.iter().map(|g| value(c, &g.key, k)).collect();
                let id = keys.iter().map(group_part).collect();
                groups.entry(id).or_insert_with(|| (keys, Vec::new())).1.push(c);
            }
            let mut rows: Vec<(Option<f64>, ExpectedRow)> = groups
                .into_values()
                .map(|(keys, members)| {
                    let mut cells: Vec<(String, Matcher)> =
                        by.iter().zip(&keys).map(|(g, v)| (g.name.clone(), cell(v))).collect();
                    let mut sort_key = None;
                    for a in aggregates {
                        let vals: Vec<Val> = match &a.of {
                            Some(src) => members.iter().map(|c| value(c, src, k)).collect(),
                            None => Vec::new(),
                        };
                        let (m, n) = aggregate(a.agg, a.p, members.len(), &vals, k);
                        if sort.as_ref().is_some_and(|s| s.column == a.name) {
                            sort_key = n;
                        }
                        cells.push((a.name.clone(), m));
                    }
                    if let Some(s) = sort
                        && let Some(i) = by.iter().position(|g| g.name == s.column)
                    {
                        sort_key = number(&keys[i]);
                    }
                    (sort_key, ExpectedRow { cells })
                })
                .collect();
            finish(&mut rows, sort.as_ref().map(|s| (s.column.clone(), s.desc)), *limit)
        }
    }
}

/// One aggregate's matcher and, when it is a plain number, its value (for sorting). Counts, and
/// sums, minima, maxima and exact percentiles of integers are integers, compared exactly; only
/// averages and aggregates of other numbers keep the float tolerance.
fn aggregate(f: AggFn, p: Option<f64>, count: usize, of: &[Val], k: &Knowledge) -> (Matcher, Option<f64>) {
    let int = |x: i64| (Matcher::Int(x), Some(x as f64));
    if f == AggFn::Count {
        return int(count as i64);
    }
    let ints: Option<Vec<i64>> = of
        .iter()
        .filter(|v| !matches!(v, Val::Null))
        .map(|v| match v {
            Val::Int(n) => Some(*n),
            _ => None,
        })
        .collect();
    if let Some(ints) = ints.filter(|i| !i.is_empty())
        && f != AggFn::Avg
        && (f != AggFn::Pct || k.exact_times)
    {
        let mut sorted = ints;
        sorted.sort_unstable();
        let n = sorted.len();
        return match f {
            AggFn::Sum => int(sorted.iter().sum()),
            AggFn::Min => int(sorted[0]),
            AggFn::Max => int(sorted[n - 1]),
            _ => int(sorted[pct_rank(p, n) - 1]),
        };
    }
    let vals: Vec<f64> = of.iter().filter_map(number).collect();
    let num = |x: Option<f64>| (x.map_or(Matcher::Absent, Matcher::Num), x);
    if vals.is_empty() {
        return (Matcher::Absent, None);
    }
    let sum: f64 = vals.iter().sum();
    let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let max = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    match f {
        AggFn::Count => unreachable!(),
        AggFn::Sum => num(Some(sum)),
        AggFn::Avg => num(Some(sum / vals.len() as f64)),
        AggFn::Min => num(Some(min)),
        AggFn::Max => num(Some(max)),
        AggFn::Pct => {
            // Nearest rank on the sorted values; AWS documents pct as approximate, so on a live
            // account any value between the group's min and max is accepted.
            let mut sorted = vals.to_vec();
            sorted.sort_by(f64::total_cmp);
            let v = sorted[pct_rank(p, sorted.len()) - 1];
            if k.exact_times { num(Some(v)) } else { (Matcher::Between(min, max), Some(v)) }
        }
    }
}

/// The nearest rank (1-based) of percentile `p` (default 50) among `n` sorted values.
fn pct_rank(p: Option<f64>, n: usize) -> usize {
    ((p.unwrap_or(50.0) / 100.0 * n as f64).ceil() as usize).clamp(1, n)
}

/// Sorts (nulls last when descending, first when ascending) and applies the limit, keeping the
/// rows tied at the limit as optional.
fn finish(rows: &mut [(Option<f64>, ExpectedRow)], sort: Option<(String, bool)>, limit: Option<usize>) -> Expected {
    if let Some((_, desc)) = &sort {
        let desc = *desc;
        rows.sort_by(|(a, _), (b, _)| {
            let ord = match (a, b) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Less,
                (Some(_), None) => std::cmp::Ordering::Greater,
                (Some(x), Some(y)) => x.total_cmp(y),
            };
            if desc { ord.reverse() } else { ord }
        });
    }
    let n = rows.len();
    match limit {
        Some(l) if l < n => {
            let (required, optional, fill) = if sort.is_some() {
                let boundary = rows[l - 1].0;
                let first_tie = rows.iter().position(|(k, _)| *k == boundary).unwrap_or(l - 1);
                let last_tie = rows.iter().rposition(|(k, _)| *k == boundary).unwrap_or(l - 1);
                let required: Vec<ExpectedRow> = rows[..first_tie].iter().map(|(_, r)| r.clone()).collect();
                let optional = rows[first_tie..=last_tie].iter().map(|(_, r)| r.clone()).collect();
                let fill = l - required.len();
                (required, optional, fill)
            } else {
                (Vec::new(), rows.iter().map(|(_, r)| r.clone()).collect(), l)
            };
            Expected::Rows { required, optional, fill, sort }
        }
        _ => Expected::Rows { required: rows.iter().map(|(_, r)| r.clone()).collect(), optional: Vec::new(), fill: 0, sort },
    }
}

#[cfg(test)]
mod tests {
    use super::super::runner::{CallResult, Usage};
    use super::super::scenario::Operation;
    use super::*;

    fn call(app: &str, input: u64, output: u64, at_ms: i64) -> CallOutcome {
        CallOutcome {
            index: 0,
            operation: Operation::Converse,
            model_id: "m".into(),
            metadata: Some([("application_name".to_owned(), app.to_owned())].into()),
            request_id: None,
            sent_lo_ms: at_ms,
            sent_hi_ms: at_ms,
            result: CallResult::Ok(Usage { input_tokens: input, output_tokens: output, latency_ms: Some(100), text: String::new() }),
        }
    }

    #[test]
    fn stats_by_application_with_sort_and_limit_ties() {
        let spec: Expect = serde_json::from_str(
            r#"{"kind": "stats", "by": [{"name": "App", "key": "meta:application_name"}],
                "aggregates": [{"name": "T", "agg": "sum", "of": "total"}, {"name": "N", "agg": "count"},
                               {"name": "A", "agg": "avg", "of": "output"}, {"name": "X", "agg": "sum", "of": "absent"}],
                "sort": {"column": "T", "desc": true}, "limit": 2}"#,
        )
        .unwrap();
        let calls = vec![call("a", 10, 5, 0), call("a", 5, 5, 0), call("b", 10, 7, 0), call("c", 10, 7, 0)];
        let k = Knowledge { principal: None, exact_times: true, skew_ms: 0 };
        let Expected::Rows { required, optional, fill, .. } = expected(&spec, &calls, &k) else { panic!() };
        assert_eq!(required.len(), 1);
        assert_eq!(required[0].cells[0].1, Matcher::Exact("a".into()));
        // Integers exactly (a sum, a count); the average with the float tolerance.
        assert_eq!(required[0].cells[1].1, Matcher::Int(25));
        assert_eq!(required[0].cells[2].1, Matcher::Int(2));
        assert_eq!(required[0].cells[3].1, Matcher::Num(5.0));
        assert!(!required[0].cells[1].1.matches(Some("25.02")), "within 1e-3, still wrong");
        assert_eq!(required[0].cells[4].1, Matcher::Absent);
        assert_eq!((optional.len(), fill), (2, 1));
    }

    #[test]
    fn hour_bins_and_filters() {
        let spec: Expect = serde_json::from_str(
            r#"{"kind": "stats", "filter": [{"op": "contains", "field": "meta:application_name", "value": "a"}],
                "by": [{"name": "bin(1h)", "key": "bin:1h"}], "aggregates": [{"name": "n", "agg": "count"}]}"#,
        )
        .unwrap();
        let h = 1_764_756_000_000; // 2025-12-03 10:00:00
        let calls = vec![call("a", 1, 1, h + 5_000), call("ab", 1, 1, h + HOUR_MS + 1), call("b", 1, 1, h)];
        let k = Knowledge { principal: None, exact_times: true, skew_ms: 0 };
        let Expected::Rows { required, .. } = expected(&spec, &calls, &k) else { panic!() };
        assert_eq!(required.len(), 2);
        assert_eq!(required[0].cells[0].1.render(), "2025-12-03 10:00:00.000");
    }
}
