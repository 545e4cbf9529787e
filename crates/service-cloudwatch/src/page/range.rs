//! The page's time range: `?start=` (relative `-PT3H` or an ISO 8601 instant) and `?end=` (an
//! instant; empty: now) from the URL, else the dashboard's own `start`/`end`, else the last three
//! hours (the console's default), all on the emulator's clock. Widgets' log queries see the range
//! as StartQuery would (whole seconds, the end second included).

use crate::dashboards::time::{TimeValue, absolute_ms, parse_time};

/// The range when neither the URL nor the dashboard gives one.
pub(crate) const DEFAULT_START: &str = "-PT3H";
/// The relative ranges the page offers.
pub(crate) const PRESETS: &[(&str, &str)] =
    &[("-PT1H", "1h"), ("-PT3H", "3h"), ("-PT12H", "12h"), ("-P1D", "1d"), ("-P3D", "3d"), ("-P1W", "1w")];

/// A resolved range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TimeRange {
    /// First instant, epoch ms (whole second).
    pub(crate) start_ms: i64,
    /// Last instant included, epoch ms (the end second's last millisecond).
    pub(crate) end_ms: i64,
    /// The range as chosen: the relative value, or `start/end` instants.
    pub(crate) label: String,
}

/// The range for a URL's `start`/`end` and the dashboard's; an unreadable URL range falls back
/// to the dashboard's, and says why.
pub(crate) fn resolve(
    url_start: Option<&str>,
    url_end: Option<&str>,
    body_start: Option<&str>,
    body_end: Option<&str>,
    now_ms: i64,
) -> (TimeRange, Option<String>) {
    let url_start = url_start.filter(|s| !s.trim().is_empty());
    let url_end = url_end.filter(|s| !s.trim().is_empty());
    if url_start.is_some() || url_end.is_some() {
        match range(url_start.unwrap_or(DEFAULT_START), url_end, now_ms) {
            Ok(r) => return (r, None),
            Err(e) => return (fallback(body_start, body_end, now_ms), Some(e)),
        }
    }
    (fallback(body_start, body_end, now_ms), None)
}

fn fallback(body_start: Option<&str>, body_end: Option<&str>, now_ms: i64) -> TimeRange {
    range(body_start.unwrap_or(DEFAULT_START), body_end, now_ms)
        .or_else(|_| range(DEFAULT_START, None, now_ms))
        .unwrap_or(TimeRange { start_ms: now_ms - 3 * 3_600_000, end_ms: now_ms, label: DEFAULT_START.into() })
}

fn range(start: &str, end: Option<&str>, now_ms: i64) -> Result<TimeRange, String> {
    let start_value = parse_time(start)
        .ok_or_else(|| format!("start {start:?} is neither a relative duration like -PT3H nor an ISO 8601 instant"))?;
    let end_ms = match end {
        None => now_ms,
        Some(e) => absolute_ms(e.trim()).ok_or_else(|| format!("end {e:?} is not an ISO 8601 instant"))?,
    };
    let start_ms = match start_value {
        TimeValue::Relative(_) if end.is_some() => start_value.at(end_ms),
        other => other.at(now_ms),
    };
    if start_ms >= end_ms {
        return Err(format!("start {start:?} is not before the end"));
    }
    let label = match (start_value, end) {
        (TimeValue::Relative(_), None) => start.trim().to_owned(),
        _ => format!("{} to {}", iso(start_ms), iso(end_ms)),
    };
    Ok(TimeRange { start_ms: start_ms.div_euclid(1000) * 1000, end_ms: end_ms.div_euclid(1000) * 1000 + 999, label })
}

/// An instant as ISO 8601 (UTC, seconds).
pub(crate) fn iso(ms: i64) -> String {
    let t = service_kit::clock::utc_datetime(ms);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_759_284_250; // 2025-12-03T10:54:44.250Z

    #[test]
    fn url_then_dashboard_then_three_hours() {
        let (r, e) = resolve(None, None, None, None, NOW);
        assert_eq!((r.start_ms, r.end_ms, r.label.as_str(), e), (1_764_748_484_000, 1_764_759_284_999, "-PT3H", None));
        let (r, _) = resolve(None, None, Some("-P1D"), None, NOW);
        assert_eq!(r.start_ms, 1_764_672_884_000);
        let (r, _) = resolve(Some("-PT1H"), None, Some("-P1D"), None, NOW);
        assert_eq!(r.start_ms, 1_764_755_684_000);
        let (r, e) = resolve(Some("2025-12-03T08:00:00Z"), Some("2025-12-03T11:00:00Z"), None, None, NOW);
        assert_eq!((r.start_ms, r.end_ms, e), (1_764_748_800_000, 1_764_759_600_999, None));
        assert_eq!(r.label, "2025-12-03T08:00:00Z to 2025-12-03T11:00:00Z");
    }

    #[test]
    fn an_unreadable_url_range_falls_back_and_says_why() {
        let (r, e) = resolve(Some("yesterday"), None, Some("-PT1H"), None, NOW);
        assert_eq!(r.label, "-PT1H");
        assert!(e.unwrap().contains("yesterday"));
        let (_, e) = resolve(Some("2025-12-03T12:00:00Z"), Some("2025-12-03T11:00:00Z"), None, None, NOW);
        assert!(e.unwrap().contains("not before"));
    }
}
