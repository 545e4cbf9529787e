//! Result labels: the default label (a `MetricStat`'s metric name; a search result's dimension
//! values joined by a space, or its metric name when it has none; an expression's id) and
//! dynamic labels in a `Label`: `${PROP('MetricName')}`, `${PROP('Namespace')}`,
//! `${PROP('Dim.<name>')}`, `${PROP('Period')}`, `${PROP('Stat')}`, `${SUM}`, `${AVG}`, `${MIN}`,
//! `${MAX}`, `${FIRST}`, `${LAST}`, `${DATAPOINT_COUNT}`, `${MIN_TIME}`, `${MAX_TIME}`,
//! `${FIRST_TIME}`, `${LAST_TIME}` (ISO 8601 in `LabelOptions.Timezone`), `${LABEL}`.

use super::eval::Series;

/// `LabelOptions.Timezone` (`+0130`, `-0500`) as minutes east of UTC; `None` when malformed.
pub(crate) fn parse_timezone(text: &str) -> Option<i32> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    (h <= 23 && m <= 59).then_some(sign * (h * 60 + m))
}

/// The label of a result with no `Label` of its own.
pub(crate) fn default_label(series: &Series, id: &str, from_search: bool) -> String {
    match &series.key {
        Some(key) if from_search && !key.dimensions().is_empty() => {
            key.dimensions().iter().map(|d| d.value.as_str()).collect::<Vec<_>>().join(" ")
        }
        Some(key) => key.name.clone(),
        None => id.to_owned(),
    }
}

/// `template` with its dynamic parts filled in for `series`.
pub(crate) fn render(template: &str, series: &Series, default: &str, tz_minutes: i32) -> String {
    if !template.contains("${") {
        return template.to_owned();
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let token = &rest[start + 2..start + end];
        match value(token.trim(), series, default, tz_minutes) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + end + 1]),
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

fn time(ms: i64, tz_minutes: i32) -> String {
    let at = service_kit::clock::utc_datetime(ms + i64::from(tz_minutes) * 60_000);
    let sign = if tz_minutes < 0 { '-' } else { '+' };
    let tz = tz_minutes.abs();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        tz / 60,
        tz % 60
    )
}

fn value(token: &str, s: &Series, default: &str, tz: i32) -> Option<String> {
    let values: Vec<f64> = s.points.values().copied().collect();
    let min_by = |f: fn(f64, f64) -> bool| {
        s.points.iter().fold(None::<(i64, f64)>, |acc, (t, v)| match acc {
            Some((_, best)) if !f(*v, best) => acc,
            _ => Some((*t, *v)),
        })
    };
    if let Some(prop) = token.strip_prefix("PROP(").and_then(|p| p.strip_suffix(')')) {
        let prop = prop.trim().trim_matches(|c| c == '\'' || c == '"');
        let key = s.key.as_ref();
        return match prop {
            "MetricName" => key.map(|k| k.name.clone()),
            "Namespace" => key.map(|k| k.namespace.clone()),
            "Period" => Some(s.period_s.to_string()),
            "Stat" => s.stat.clone(),
            other => other.strip_prefix("Dim.").and_then(|d| key.and_then(|k| k.dimension(d)).map(str::to_owned)),
        };
    }
    Some(match token {
        "LABEL" => default.to_owned(),
        "SUM" => number(values.iter().sum()),
        "AVG" if !values.is_empty() => number(values.iter().sum::<f64>() / values.len() as f64),
        "MIN" => number(min_by(|a, b| a < b)?.1),
        "MAX" => number(min_by(|a, b| a > b)?.1),
        "FIRST" => number(*s.points.values().next()?),
        "LAST" => number(*s.points.values().next_back()?),
        "DATAPOINT_COUNT" => values.len().to_string(),
        "MIN_TIME" => time(min_by(|a, b| a < b)?.0, tz),
        "MAX_TIME" => time(min_by(|a, b| a > b)?.0, tz),
        "FIRST_TIME" => time(*s.points.keys().next()?, tz),
        "LAST_TIME" => time(*s.points.keys().next_back()?, tz),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use metric_store::{Dimension, MetricKey};

    use super::*;

    #[test]
    fn dynamic_labels() {
        let s = Series {
            key: Some(MetricKey::new("AWS/Bedrock", "Invocations", vec![Dimension::new("ModelId", "m")])),
            stat: Some("Sum".into()),
            period_s: 60,
            label: None,
            points: [(0, 2.0), (60_000, 5.0)].into_iter().collect(),
        };
        assert_eq!(
            render("${PROP('Dim.ModelId')} ${SUM} max ${MAX} at ${MAX_TIME}", &s, "x", 90),
            "m 7 max 5 at 1970-01-01T01:31:00+01:30"
        );
        assert_eq!(render("${LABEL} (${DATAPOINT_COUNT})", &s, "Invocations", 0), "Invocations (2)");
        assert_eq!(render("${NOPE}", &s, "x", 0), "${NOPE}");
        assert_eq!(default_label(&s, "m1", true), "m");
        assert_eq!(default_label(&s, "m1", false), "Invocations");
        assert_eq!(parse_timezone("+0130"), Some(90));
        assert_eq!(parse_timezone("-0500"), Some(-300));
        assert_eq!(parse_timezone("0130"), None);
    }
}
