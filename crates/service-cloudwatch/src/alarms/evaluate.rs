//! Alarm evaluation on the emulator's clock. A metric alarm of period P evaluated at `now` looks
//! at its last `EvaluationPeriods` complete periods, aligned on multiples of P
//! (`[b - N·P, b)` with `b = ⌊now / P⌋·P`): each period's statistic (or the metric-math query it
//! returns) is a datapoint, compared with the threshold. `TreatMissingData` decides what missing
//! periods mean (all missing: `missing` → INSUFFICIENT_DATA, `breaching` → ALARM,
//! `notBreaching` → OK, `ignore` → unchanged; otherwise `breaching`/`notBreaching` fill them and
//! `missing`/`ignore` skip them); `DatapointsToAlarm` breaching datapoints make ALARM, fewer OK.
//! A percentile alarm with `EvaluateLowSampleCountPercentile` `ignore` keeps its state while the
//! newest period has fewer than 10 / (1 − p) samples. Composite alarms follow their rule
//! (TRUE → ALARM, FALSE → OK) once their children are evaluated.
//!
//! [`evaluate`] runs every alarm (`POST /_emulator/alarms/evaluate`) or only those with a period
//! boundary passed since their last evaluation (the background tick, every 10 s of real time).

use metric_store::{Statistic, StatsQuery, Unit};
use serde::Serialize;

use super::model::{AlarmKind, MetricConfig, StateValue};
use super::reason::{Finding, Point, state_reason, state_reason_data};
use super::rule::Rule;
use super::transition::transition;
use crate::CloudWatchService;
use crate::error::CloudWatchError;
use crate::math::eval::{Evaluator, Value, Window};
use crate::metrics::convert::key;

/// One state change an evaluation made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub alarm_name: String,
    pub old_state: String,
    pub new_state: String,
}

/// What an evaluation did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationReport {
    /// The emulator's clock at the evaluation, epoch ms.
    pub now_ms: i64,
    /// Alarms evaluated.
    pub evaluated: usize,
    pub transitions: Vec<Transition>,
}

/// Evaluates the alarms (all of them, or only those with a new period boundary).
pub(crate) fn evaluate(service: &CloudWatchService, only_due: bool) -> Result<EvaluationReport, CloudWatchError> {
    let now = service.env.now_ms();
    let mut alarms = service.alarms.lock();
    let mut report = EvaluationReport { now_ms: now, ..EvaluationReport::default() };
    let names: Vec<String> = alarms.alarms.keys().cloned().collect();
    for name in &names {
        let Some(AlarmKind::Metric(config)) = alarms.alarms.get(name).map(|a| a.kind.clone()) else { continue };
        let period_ms = config.evaluation_period().max(1) * 1000;
        let boundary = now.div_euclid(period_ms) * period_ms;
        if only_due && alarms.evaluated_boundary.get(name).is_some_and(|b| *b >= boundary) {
            continue;
        }
        alarms.evaluated_boundary.insert(name.clone(), boundary);
        report.evaluated += 1;
        let Some((state, reason, data)) = decide(service, &config, boundary, now)? else { continue };
        let old = alarms.alarms[name].state.value;
        if transition(service, &mut alarms, name, state, reason, Some(data), now) {
            report.transitions.push(Transition {
                alarm_name: name.clone(),
                old_state: old.as_str().into(),
                new_state: state.as_str().into(),
            });
        }
    }
    // Composite alarms, until they settle (a composite may name another).
    for _ in 0..5 {
        let mut changed = false;
        for name in &names {
            let Some(AlarmKind::Composite { rule }) = alarms.alarms.get(name).map(|a| a.kind.clone()) else { continue };
            let Ok(rule) = Rule::parse(&rule) else { continue };
            let lookup = |r: &str| alarms.alarms.values().find(|a| a.name == r || a.arn == r).map(|a| a.state.value);
            if rule.references().iter().any(|r| lookup(r).is_none()) {
                continue;
            }
            report.evaluated += 1;
            let value = rule.eval(&lookup);
            let children: Vec<serde_json::Value> = rule
                .references()
                .iter()
                .filter_map(|r| alarms.alarms.values().find(|a| a.name == *r || a.arn == *r))
                .map(|a| serde_json::json!({"arn": a.arn, "state": {"value": a.state.value.as_str(), "timestamp": super::reason::long_date(a.state.updated_ms)}}))
                .collect();
            let (state, reason) = if value {
                (StateValue::Alarm, "Alarm rule evaluated to TRUE".to_owned())
            } else {
                (StateValue::Ok, "Alarm rule evaluated to FALSE".to_owned())
            };
            let data = serde_json::json!({"triggeringAlarms": children}).to_string();
            let old = alarms.alarms[name].state.value;
            if transition(service, &mut alarms, name, state, reason, Some(data), now) {
                changed = true;
                report.transitions.push(Transition {
                    alarm_name: name.clone(),
                    old_state: old.as_str().into(),
                    new_state: state.as_str().into(),
                });
            }
        }
        if !changed {
            break;
        }
    }
    if !report.transitions.is_empty() {
        service.alarms.save(&alarms).map_err(|e| CloudWatchError::Internal(e.to_string()))?;
    }
    Ok(report)
}

fn breaches(op: &str, value: f64, threshold: f64) -> bool {
    match op {
        "GreaterThanOrEqualToThreshold" => value >= threshold,
        "GreaterThanThreshold" => value > threshold,
        "LessThanThreshold" => value < threshold,
        "LessThanOrEqualToThreshold" => value <= threshold,
        _ => false,
    }
}

/// The periods of the alarm ending at `boundary`, oldest first; `None` to keep the state
/// (a low-sample percentile under `ignore`).
fn points(service: &CloudWatchService, c: &MetricConfig, boundary: i64, now: i64) -> Result<Option<Vec<Point>>, CloudWatchError> {
    let period = c.evaluation_period();
    let n = c.evaluation_periods.max(1);
    let start = boundary - n * period * 1000;
    let mut points: Vec<Point> =
        (0..n).map(|i| Point { at_ms: start + i * period * 1000, value: None, sample_count: None }).collect();
    if c.metrics.is_empty() {
        let (Some(ns), Some(name)) = (&c.namespace, &c.metric_name) else { return Ok(Some(points)) };
        let stat_text = c.statistic.as_deref().or(c.extended_statistic.as_deref()).unwrap_or("Average");
        let stat = Statistic::parse(stat_text).map_err(|_| CloudWatchError::Internal(format!("bad statistic {stat_text}")))?;
        let metric = key(ns, name, &c.dimensions);
        let unit = c.unit.as_deref().and_then(Unit::parse);
        let q = StatsQuery {
            key: &metric,
            start_ms: start,
            end_ms: boundary,
            period_s: period,
            unit,
            need_distribution: !stat.is_basic(),
        };
        let periods = service.metrics.query(&q, now).map_err(|e| CloudWatchError::Internal(e.to_string()))?;
        for p in periods {
            let agg = p.merged(!stat.is_basic());
            if let Some(slot) = points.iter_mut().find(|pt| pt.at_ms == p.start_ms) {
                slot.value = stat.compute(&agg).filter(|v| v.is_finite());
                slot.sample_count = Some(agg.sample_count);
            }
        }
        if let (Some(pct), Some("ignore")) = (stat.percentile(), c.evaluate_low_sample_count_percentile.as_deref()) {
            let needed = 10.0 / (1.0 - pct / 100.0).max(1e-9);
            let newest = points.iter().rev().find(|p| p.sample_count.is_some());
            if newest.is_some_and(|p| p.sample_count.unwrap_or(0.0) < needed) {
                return Ok(None);
            }
        }
    } else {
        let window = Window { start_ms: start, end_ms: boundary, now_ms: now };
        let mut ev = Evaluator::new(&service.metrics, window, &c.metrics);
        let Some(returned) = c.metrics.iter().find(|q| q.return_data != Some(false)) else { return Ok(Some(points)) };
        // A metric-math alarm that cannot be evaluated has no datapoints.
        if let Ok(Value::Series(s)) = ev.value_of(&returned.id) {
            for slot in &mut points {
                slot.value = s.points.get(&slot.at_ms).copied();
            }
        }
    }
    Ok(Some(points))
}

/// The state the alarm should be in, with its reason and reason data; `None` to keep it.
fn decide(
    service: &CloudWatchService,
    c: &MetricConfig,
    boundary: i64,
    now: i64,
) -> Result<Option<(StateValue, String, String)>, CloudWatchError> {
    let Some(points) = points(service, c, boundary, now)? else { return Ok(None) };
    let threshold = c.threshold.unwrap_or(0.0);
    let m = c.datapoints_to_alarm().max(1) as usize;
    let all_missing = points.iter().all(|p| p.value.is_none());
    let treat = c.treat_missing_data.as_str();
    let treated = match (all_missing, treat) {
        (true, "breaching") => Some("Breaching"),
        (true, "notBreaching") => Some("NonBreaching"),
        _ => None,
    };
    let (state, counted) = if all_missing {
        match treat {
            "breaching" => (StateValue::Alarm, points.len()),
            "notBreaching" => (StateValue::Ok, points.len()),
            "ignore" => return Ok(None),
            _ => (StateValue::InsufficientData, 0),
        }
    } else {
        let mut breaching = 0;
        let mut fine = 0;
        for p in &points {
            match p.value {
                Some(v) if breaches(&c.comparison_operator, v, threshold) => breaching += 1,
                Some(_) => fine += 1,
                None if treat == "breaching" => breaching += 1,
                None if treat == "notBreaching" => fine += 1,
                None => {}
            }
        }
        if breaching >= m { (StateValue::Alarm, breaching) } else { (StateValue::Ok, fine) }
    };
    let finding = Finding {
        new_state: state,
        points: &points,
        counted,
        evaluation_periods: c.evaluation_periods,
        datapoints_to_alarm: c.datapoints_to_alarm(),
        operator: &c.comparison_operator,
        threshold,
        statistic: c.statistic.clone().or_else(|| c.extended_statistic.clone()),
        period: c.evaluation_period(),
        unit: c.unit.clone(),
        query_ms: now,
        all_missing_treated_as: treated,
    };
    Ok(Some((state, state_reason(&finding), state_reason_data(&finding))))
}
