//! A dashboard's `start` and `end` values (and the page's own time range): a relative value is
//! a negative ISO 8601 duration (`-PT3H`, `-P7D`, `-P1W`, `-P3M`; CloudWatch's minutes `M`
//! after `T`, months `M` before it), an absolute one an ISO 8601 instant (`2025-12-03T10:00:00Z`).

/// Milliseconds in a unit of the date part (a month counts 30 days, a year 365).
const DAY_MS: i64 = 86_400_000;

/// A time value of a dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeValue {
    /// That long before now, ms (positive).
    Relative(i64),
    /// That instant, epoch ms.
    Absolute(i64),
}

impl TimeValue {
    /// The instant this value names at `now_ms`.
    pub(crate) fn at(self, now_ms: i64) -> i64 {
        match self {
            TimeValue::Relative(ms) => now_ms.saturating_sub(ms),
            TimeValue::Absolute(ms) => ms,
        }
    }
}

/// Reads a `start` value (relative or absolute).
pub(crate) fn parse_time(text: &str) -> Option<TimeValue> {
    let text = text.trim();
    if let Some(duration) = text.strip_prefix('-') {
        return relative_ms(duration).map(TimeValue::Relative);
    }
    absolute_ms(text).map(TimeValue::Absolute)
}

/// An ISO 8601 instant (RFC 3339; a date alone is its midnight UTC).
pub(crate) fn absolute_ms(text: &str) -> Option<i64> {
    if let Ok(ms) = service_kit::clock::parse_rfc3339_ms(text) {
        return Some(ms);
    }
    let date = time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() * 1000)
}

/// A positive duration `P[nY][nM][nW][nD][T[nH][nM][n.nS]]` in ms (at least one part, at most
/// 100 years).
pub(crate) fn relative_ms(text: &str) -> Option<i64> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((_, "")) => return None,
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut total = 0f64;
    let mut any = false;
    let mut read = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        let mut next = 0;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let at = units.iter().position(|(u, _)| *u == c).filter(|i| *i >= next)?;
            total += number.parse::<f64>().ok()? * units[at].1;
            number.clear();
            next = at + 1;
            any = true;
        }
        number.is_empty().then_some(())
    };
    let day = DAY_MS as f64;
    read(date, &[('Y', 365.0 * day), ('M', 30.0 * day), ('W', 7.0 * day), ('D', day)])?;
    if let Some(time) = time {
        read(time, &[('H', 3_600_000.0), ('M', 60_000.0), ('S', 1000.0)])?;
    }
    (any && total > 0.0 && total <= 100.0 * 365.0 * day).then_some(total.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_absolute_values() {
        assert_eq!(parse_time("-PT3H"), Some(TimeValue::Relative(3 * 3_600_000)));
        assert_eq!(parse_time("-PT15M"), Some(TimeValue::Relative(15 * 60_000)));
        assert_eq!(parse_time("-P1W"), Some(TimeValue::Relative(7 * DAY_MS)));
        assert_eq!(parse_time("-P3M"), Some(TimeValue::Relative(90 * DAY_MS)));
        assert_eq!(parse_time("-P1DT12H"), Some(TimeValue::Relative(36 * 3_600_000)));
        assert_eq!(parse_time("2025-12-03T10:00:00Z"), Some(TimeValue::Absolute(1_764_756_000_000)));
        assert_eq!(parse_time("2025-12-03"), Some(TimeValue::Absolute(1_764_720_000_000)));
        for bad in ["PT3H", "-PT", "-P", "-PT3X", "-PTH", "-P1000Y", "soon", "", "-PT0S"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(TimeValue::Relative(1000).at(5000), 4000);
    }
}
