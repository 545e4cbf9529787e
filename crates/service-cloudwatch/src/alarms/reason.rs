//! The words CloudWatch writes when an alarm changes state: `StateReason`
//! (`Threshold Crossed: 1 out of the last 1 datapoints [12000.0 (03/12/25 10:00:00)] was greater
//! than the threshold (10000.0) (minimum 1 datapoint for OK -> ALARM transition).`,
//! `Insufficient Data: 1 datapoint was unknown.`), `StateReasonData` (JSON with the query date,
//! start date, statistic, period, recent datapoints, threshold, evaluated datapoints), and the
//! history item of a transition.

use serde_json::{Value, json};

use super::model::StateValue;

/// A double as Java prints it (`2.0`, `12000.0`, `0.5`, `1.0E10`).
pub(crate) fn java_double(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e7 {
        format!("{v:.1}")
    } else if v.abs() >= 1e7 || (v != 0.0 && v.abs() < 1e-3) {
        let s = format!("{v:E}");
        let (mantissa, exp) = s.split_once('E').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_owned() } else { format!("{mantissa}.0") };
        format!("{mantissa}E{exp}")
    } else {
        format!("{v}")
    }
}

/// `dd/MM/yy HH:mm:ss` in UTC, as inside the reason's brackets.
pub(crate) fn short_date(ms: i64) -> String {
    let t = service_kit::clock::utc_datetime(ms);
    format!("{:02}/{:02}/{:02} {:02}:{:02}:{:02}", t.day(), u8::from(t.month()), t.year() % 100, t.hour(), t.minute(), t.second())
}

/// `2019-11-18T07:03:51.700+0000`, as in `StateReasonData` and alarm notifications.
pub(crate) fn long_date(ms: i64) -> String {
    let t = service_kit::clock::utc_datetime(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+0000",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// The comparison's words (`greater than`, `less than or equal to`).
pub(crate) fn operator_words(op: &str) -> &'static str {
    match op {
        "GreaterThanOrEqualToThreshold" => "greater than or equal to",
        "GreaterThanThreshold" => "greater than",
        "LessThanThreshold" => "less than",
        "LessThanOrEqualToThreshold" => "less than or equal to",
        _ => "outside",
    }
}

/// One evaluated period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub(crate) at_ms: i64,
    pub(crate) value: Option<f64>,
    pub(crate) sample_count: Option<f64>,
}

/// What an evaluation found, for the reason texts.
#[derive(Debug, Clone)]
pub(crate) struct Finding<'a> {
    pub(crate) new_state: StateValue,
    /// The evaluated periods, oldest first.
    pub(crate) points: &'a [Point],
    /// Datapoints that counted toward `new_state` (breaching for ALARM, not breaching for OK).
    pub(crate) counted: usize,
    pub(crate) evaluation_periods: i64,
    pub(crate) datapoints_to_alarm: i64,
    pub(crate) operator: &'a str,
    pub(crate) threshold: f64,
    pub(crate) statistic: Option<String>,
    pub(crate) period: i64,
    pub(crate) unit: Option<String>,
    pub(crate) query_ms: i64,
    /// Every period was missing and `TreatMissingData` decided (`Breaching`/`NonBreaching`).
    pub(crate) all_missing_treated_as: Option<&'static str>,
}

/// `StateReason`.
pub(crate) fn state_reason(f: &Finding<'_>) -> String {
    let present: Vec<&Point> = f.points.iter().rev().filter(|p| p.value.is_some()).collect();
    match f.new_state {
        StateValue::InsufficientData => {
            let unknown = f.points.iter().filter(|p| p.value.is_none()).count().max(1);
            if unknown == 1 {
                "Insufficient Data: 1 datapoint was unknown.".to_owned()
            } else {
                format!("Insufficient Data: {unknown} datapoints were unknown.")
            }
        }
        _ if f.all_missing_treated_as.is_some() => {
            let n = f.points.len();
            let (periods, were) = if n == 1 { ("period", "was") } else { ("periods", "were") };
            format!(
                "Threshold Crossed: no datapoints were received for {n} {periods} and {n} missing datapoint{} {were} treated as [{}].",
                if n == 1 { "" } else { "s" },
                f.all_missing_treated_as.unwrap_or_default()
            )
        }
        state => {
            let shown: Vec<String> = present
                .iter()
                .map(|p| format!("{} ({})", java_double(p.value.unwrap_or_default()), short_date(p.at_ms)))
                .collect();
            let verb = if f.counted == 1 { "was" } else { "were" };
            let not = if state == StateValue::Ok { "not " } else { "" };
            let m = f.datapoints_to_alarm;
            let transition = if state == StateValue::Alarm { "OK -> ALARM" } else { "ALARM -> OK" };
            format!(
                "Threshold Crossed: {} out of the last {} datapoints [{}] {verb} {not}{} the threshold ({}) (minimum {m} datapoint{} for {transition} transition).",
                f.counted,
                f.evaluation_periods,
                shown.join(", "),
                operator_words(f.operator),
                java_double(f.threshold),
                if m == 1 { "" } else { "s" }
            )
        }
    }
}

/// `StateReasonData` (a JSON string).
pub(crate) fn state_reason_data(f: &Finding<'_>) -> String {
    let recent: Vec<Value> = f.points.iter().rev().filter_map(|p| p.value).map(|v| json!(v)).collect();
    let evaluated: Vec<Value> = f
        .points
        .iter()
        .rev()
        .filter_map(|p| {
            let mut item = json!({"timestamp": long_date(p.at_ms)});
            if let Some(n) = p.sample_count {
                item["sampleCount"] = json!(n);
            }
            item["value"] = json!(p.value?);
            Some(item)
        })
        .collect();
    let start = f.points.first().map_or(f.query_ms, |p| p.at_ms);
    let mut data = json!({
        "version": "1.0",
        "queryDate": long_date(f.query_ms),
        "startDate": long_date(start),
    });
    if let Some(s) = &f.statistic {
        data["statistic"] = json!(s);
    }
    if let Some(u) = &f.unit {
        data["unit"] = json!(u);
    }
    data["period"] = json!(f.period);
    data["recentDatapoints"] = Value::Array(recent);
    data["threshold"] = json!(f.threshold);
    if !evaluated.is_empty() {
        data["evaluatedDatapoints"] = Value::Array(evaluated);
    }
    data.to_string()
}

/// A `StateUpdate` history item's `HistoryData`.
pub(crate) fn state_history_data(old: (StateValue, &str, Option<&str>), new: (StateValue, &str, Option<&str>)) -> String {
    let state = |(value, reason, data): (StateValue, &str, Option<&str>)| {
        let mut s = json!({"stateValue": value.as_str(), "stateReason": reason});
        if let Some(d) = data.and_then(|d| serde_json::from_str::<Value>(d).ok()) {
            s["stateReasonData"] = d;
        }
        s
    };
    json!({"version": "1.0", "oldState": state(old), "newState": state(new)}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_doubles_and_dates() {
        assert_eq!(java_double(2.0), "2.0");
        assert_eq!(java_double(12000.0), "12000.0");
        assert_eq!(java_double(0.5), "0.5");
        assert_eq!(java_double(1.5e10), "1.5E10");
        assert_eq!(short_date(1_764_759_284_250), "03/12/25 10:54:44");
        assert_eq!(long_date(1_764_759_284_250), "2025-12-03T10:54:44.250+0000");
    }

    #[test]
    fn reasons_read_as_cloudwatch_writes_them() {
        let points = [Point { at_ms: 1_764_756_000_000, value: Some(12000.0), sample_count: Some(3.0) }];
        let f = Finding {
            new_state: StateValue::Alarm,
            points: &points,
            counted: 1,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
            operator: "GreaterThanThreshold",
            threshold: 10000.0,
            statistic: Some("Sum".into()),
            period: 3600,
            unit: None,
            query_ms: 1_764_763_200_000,
            all_missing_treated_as: None,
        };
        assert_eq!(
            state_reason(&f),
            "Threshold Crossed: 1 out of the last 1 datapoints [12000.0 (03/12/25 10:00:00)] was greater than the threshold (10000.0) (minimum 1 datapoint for OK -> ALARM transition)."
        );
        let data: Value = serde_json::from_str(&state_reason_data(&f)).unwrap();
        assert_eq!(data["recentDatapoints"], json!([12000.0]));
        assert_eq!(data["startDate"], "2025-12-03T10:00:00.000+0000");
        let ok = Finding { new_state: StateValue::Ok, counted: 1, ..f.clone() };
        assert!(
            state_reason(&ok)
                .contains("was not greater than the threshold (10000.0) (minimum 1 datapoint for ALARM -> OK transition)")
        );
        let none = Finding {
            new_state: StateValue::InsufficientData,
            points: &[Point { at_ms: 0, value: None, sample_count: None }],
            ..f
        };
        assert_eq!(state_reason(&none), "Insufficient Data: 1 datapoint was unknown.");
        let treated = Finding { new_state: StateValue::Ok, all_missing_treated_as: Some("NonBreaching"), ..none };
        assert_eq!(
            state_reason(&treated),
            "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching]."
        );
    }
}
