//! The expected result of each query, computed by the harness from what it sent (model,
//! metadata, when) and what the runtime returned (usage, latency): never from the target's
//! records. Grouping, filters and aggregates follow the query's own description in the scenario
//! file (`scenario::Expect`).
//!
//! The harness's model of AWS: the log group holds one record per successful call, and the
//! line Bedrock writes when a logging configuration with a CloudWatch destination is put
//! (`Permissions are correctly set for Amazon Bedrock logs.`): not JSON, so it has `@timestamp`
//! and no record field. Queries over the scenario's window see it as any event: `fields` rows
//! with only a time, a `count(*)` of one in its hour, a group with no key where `stats ... by`
//! groups on a field.

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

/// What the scenario's window of the log group holds, as the harness models it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Delivered<'a> {
    pub(crate) calls: &'a [CallOutcome],
    /// When the logging PUT was sent and answered (epoch ms), if it succeeded.
    pub(crate) logging_put: Option<(i64, i64)>,
}

/// One event of the log group.
#[derive(Debug, Clone, Copy)]
enum Event<'a> {
    /// The record of a successful call.
    Record(&'a CallOutcome),
    /// Bedrock's permission-check line, written between these instants.
    PermissionLine { lo_ms: i64, hi_ms: i64 },
}

impl<'a> Delivered<'a> {
    fn events(&self) -> impl Iterator<Item = Event<'a>> + '_ {
        let records = self.calls.iter().filter(|c| c.usage().is_some()).map(Event::Record);
        let line = self.logging_put.map(|(lo_ms, hi_ms)| Event::PermissionLine { lo_ms, hi_ms });
        line.into_iter().chain(records)
    }
}

/// A time value for an event sent between `lo` and `hi`, floored to `floor`; `second`: the
/// event carries second precision (records do, the permission line is a plain log event).
fn time_value(lo: i64, hi: i64, floor: i64, second: bool, k: &Knowledge) -> Val {
    let precision = |t: i64| if second { t / 1000 * 1000 } else { t };
    let (lo_t, hi_t) = (precision(lo), precision(hi));
    let (lo_t, hi_t) = if k.exact_times { (lo_t, lo_t) } else { (lo_t - k.skew_ms, hi_t + k.skew_ms) };
    let mid = precision((lo + hi) / 2);
    let f = |t: i64| t.div_euclid(floor) * floor;
    Val::Time { at_ms: f(mid), lo_ms: f(lo_t), hi_ms: f(hi_t) }
}

/// A value the harness knows for one event.
fn event_value(e: Event<'_>, source: &Source, k: &Knowledge) -> Val {
    match e {
        Event::Record(call) => value(call, source, k),
        Event::PermissionLine { lo_ms, hi_ms } => match source {
            Source::Timestamp => time_value(lo_ms, hi_ms, 1, false, k),
            Source::BinHour => time_value(lo_ms, hi_ms, HOUR_MS, false, k),
            Source::BinDay => time_value(lo_ms, hi_ms, DAY_MS, false, k),
            _ => Val::Null,
        },
    }
}

/// A value the harness knows for one call.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    /// An integer the runtime returned (token counts, latency): compared exactly.
    Int(i64),
    Text(String),
    /// A record time: the instant the harness believes (for grouping) and the window it is in.
    Time {
        at_ms: i64,
        lo_ms: i64,
        hi_ms: i64,
    },
    /// A value the harness does not know but that is the same for every call.
    Unknown,
}

fn value(call: &CallOutcome, source: &Source, k: &Knowledge) -> Val {
    let Some(usage) = call.usage() else { return Val::Null };
    // Records carry second-precision timestamps.
    let time = |floor: i64| time_value(call.sent_lo_ms, call.sent_hi_ms, floor, true, k);
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

fn passes(e: Event<'_>, filter: &Filter, k: &Knowledge) -> bool {
    match filter {
        Filter::Eq { field, value: want } => matches!(event_value(e, field, k), Val::Text(t) if &t == want),
        Filter::Contains { field, value: want } => {
            matches!(event_value(e, field, k), Val::Text(t) if t.contains(want.as_str()))
        }
        Filter::Gt { field, value: bound } => number(&event_value(e, field, k)).is_some_and(|n| n > *bound),
        Filter::TimeRange { from_ms, to_ms } => match event_value(e, &Source::Timestamp, k) {
            Val::Time { at_ms, .. } => (*from_ms..*to_ms).contains(&at_ms),
            _ => false,
        },
        Filter::Or { any } => any.iter().any(|f| passes(e, f, k)),
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

/// Computes the expectation of one query over what the scenario's window holds.
pub(crate) fn expected(expect: &Expect, delivered: &Delivered<'_>, k: &Knowledge) -> Expected {
    match expect {
        Expect::Error { code } => Expected::Error(code.clone()),
        Expect::Events { filter, columns, sort, limit } => {
            let mut rows: Vec<(Option<f64>, ExpectedRow)> = delivered
                .events()
                .filter(|e| filter.iter().all(|f| passes(*e, f, k)))
                .map(|e| {
                    let sort_key = sort.as_ref().and_then(|s| {
                        columns.iter().find(|col| col.name == s.column).and_then(|col| number(&event_value(e, &col.value, k)))
                    });
                    let cells = columns.iter().map(|col| (col.name.clone(), cell(&event_value(e, &col.value, k)))).collect();
                    (sort_key, ExpectedRow { cells })
                })
                .collect();
            finish(&mut rows, sort.as_ref().map(|s| (s.column.clone(), s.desc)), *limit)
        }
        Expect::Stats { filter, by, aggregates, sort, limit } => {
            let mut groups: BTreeMap<Vec<String>, (Vec<Val>, Vec<Event<'_>>)> = BTreeMap::new();
            for e in delivered.events().filter(|e| filter.iter().all(|f| passes(*e, f, k))) {
                let keys: Vec<Val> = by.iter().map(|g| event_value(e, &g.key, k)).collect();
                let id = keys.iter().map(group_part).collect();
                groups.entry(id).or_insert_with(|| (keys, Vec::new())).1.push(e);
            }
            let mut rows: Vec<(Option<f64>, ExpectedRow)> = groups
                .into_values()
                .map(|(keys, members)| {
                    let mut cells: Vec<(String, Matcher)> =
                        by.iter().zip(&keys).map(|(g, v)| (g.name.clone(), cell(v))).collect();
                    let mut sort_key = None;
                    for a in aggregates {
                        // The values the group's events have (the permission-check line has none).
                        let vals: Vec<Val> = match &a.of {
                            Some(src) => {
                                members.iter().map(|e| event_value(*e, src, k)).filter(|v| !matches!(v, Val::Null)).collect()
                            }
                            None => Vec::new(),
                        };
                        // count(*) counts every event of the group, count(field) the ones that have it.
                        let count = if a.of.is_some() { vals.len() } else { members.len() };
                        let (m, n) = aggregate(a.agg, a.p, count, &vals, k);
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

/// The `AWS/Bedrock` sums the harness expects per `ModelId` (the id as invoked), from its own
/// calls: `Invocations` counts successful calls (a call refused at validation is a client error,
/// not an invocation: ARCHITECTURE.md), the token counts sum the usage the runtime returned.
pub(crate) fn bedrock_metric_sums(calls: &[CallOutcome], metric: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for c in calls {
        let Some(u) = c.usage() else { continue };
        let v = match metric {
            "Invocations" => 1.0,
            "InputTokenCount" => u.input_tokens as f64,
            "OutputTokenCount" => u.output_tokens as f64,
            _ => continue,
        };
        *out.entry(c.model_id.clone()).or_insert(0.0) += v;
    }
    out
}

/// The input tokens of the successful calls whose metadata `key` is `value`: what a metric
/// filter on `$.input.inputTokenCount` with that dimension sums.
pub(crate) fn input_tokens_where(calls: &[CallOutcome], key: &str, value: &str) -> Vec<u64> {
    calls
        .iter()
        .filter(|c| c.metadata.as_ref().and_then(|m| m.get(key)).map(String::as_str) == Some(value))
        .filter_map(|c| c.usage().map(|u| u.input_tokens))
        .collect()
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
            result: CallResult::Ok(Usage {
                input_tokens: input,
                output_tokens: output,
                cache_read_tokens: 0,
                cache_write_tokens: 0,
                latency_ms: Some(100),
                text: String::new(),
            }),
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
        let delivered = Delivered { calls: &calls, logging_put: None };
        let Expected::Rows { required, optional, fill, .. } = expected(&spec, &delivered, &k) else { panic!() };
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
        let delivered = Delivered { calls: &calls, logging_put: None };
        let Expected::Rows { required, .. } = expected(&spec, &delivered, &k) else { panic!() };
        assert_eq!(required.len(), 2);
        assert_eq!(required[0].cells[0].1.render(), "2025-12-03 10:00:00.000");
    }

    #[test]
    fn the_permission_line_is_an_event_without_fields() {
        let h = 1_764_756_000_000;
        let calls = vec![call("a", 10, 5, h + 5_000)];
        let delivered = Delivered { calls: &calls, logging_put: Some((h, h)) };
        let k = Knowledge { principal: None, exact_times: true, skew_ms: 0 };
        // stats by a field: a group without key, counted, with no sum.
        let by_app: Expect = serde_json::from_str(
            r#"{"kind": "stats", "by": [{"name": "App", "key": "meta:application_name"}],
                "aggregates": [{"name": "T", "agg": "sum", "of": "total"}, {"name": "N", "agg": "count"}]}"#,
        )
        .unwrap();
        let Expected::Rows { required, .. } = expected(&by_app, &delivered, &k) else { panic!() };
        assert_eq!(required.len(), 2);
        let keyless = required.iter().find(|r| r.cells[0].1 == Matcher::Absent).unwrap();
        assert_eq!((&keyless.cells[1].1, &keyless.cells[2].1), (&Matcher::Absent, &Matcher::Int(1)));
        // count(*) by hour counts it; a filter on a record field drops it.
        let per_hour: Expect = serde_json::from_str(
            r#"{"kind": "stats", "by": [{"name": "bin(1h)", "key": "bin:1h"}], "aggregates": [{"name": "n", "agg": "count"}]}"#,
        )
        .unwrap();
        let Expected::Rows { required, .. } = expected(&per_hour, &delivered, &k) else { panic!() };
        assert_eq!(required[0].cells[1].1, Matcher::Int(2));
        let filtered: Expect = serde_json::from_str(
            r#"{"kind": "events", "filter": [{"op": "gt", "field": "input", "value": 0}], "columns": [{"name": "@timestamp", "value": "timestamp"}]}"#,
        )
        .unwrap();
        let Expected::Rows { required, .. } = expected(&filtered, &delivered, &k) else { panic!() };
        assert_eq!(required.len(), 1);
    }
}
