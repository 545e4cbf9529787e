//! Time: periods (`5m`, `1h`), calendar arithmetic in UTC, and AWS's timestamp rendering
//! `YYYY-MM-DD HH:MM:SS.mmm`. No clock is read here.

use std::fmt::Write as _;

/// A `bin()`/`datefloor()` time unit, with every documented spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl TimeUnit {
    /// Parses a unit spelling (`ms`, `s`, `sec`, `m`, `min`, `mins`, `h`, `hr`, `hrs`, `d`,
    /// `w`, `mo`, `mon`, `q`, `qtr`, `y`, `yr`, and the long words, with a plural `s`
    /// on multi-letter forms). Case-insensitive.
    pub fn parse(s: &str) -> Option<TimeUnit> {
        let lower = s.to_ascii_lowercase();
        let base = match lower.as_str() {
            "ms" | "s" | "m" | "h" | "d" | "w" | "mo" | "q" | "y" => lower.as_str(),
            other if other.len() > 2 && other.ends_with('s') => &other[..other.len() - 1],
            other => other,
        };
        Some(match base {
            "ms" | "msec" | "millisecond" => TimeUnit::Millisecond,
            "s" | "sec" | "second" => TimeUnit::Second,
            "m" | "min" | "minute" => TimeUnit::Minute,
            "h" | "hr" | "hour" => TimeUnit::Hour,
            "d" | "day" => TimeUnit::Day,
            "w" | "week" => TimeUnit::Week,
            "mo" | "mon" | "month" => TimeUnit::Month,
            "q" | "qtr" | "quarter" => TimeUnit::Quarter,
            "y" | "yr" | "year" => TimeUnit::Year,
            _ => return None,
        })
    }

    /// The canonical short spelling used when printing.
    pub fn short(self) -> &'static str {
        match self {
            TimeUnit::Millisecond => "ms",
            TimeUnit::Second => "s",
            TimeUnit::Minute => "m",
            TimeUnit::Hour => "h",
            TimeUnit::Day => "d",
            TimeUnit::Week => "w",
            TimeUnit::Month => "mo",
            TimeUnit::Quarter => "q",
            TimeUnit::Year => "y",
        }
    }

    /// The documented cap on a period's amount (`ms` ≤ 1000, `s` ≤ 60, `m` ≤ 60, `h` ≤ 24).
    pub fn cap(self) -> Option<u64> {
        match self {
            TimeUnit::Millisecond => Some(1000),
            TimeUnit::Second | TimeUnit::Minute => Some(60),
            TimeUnit::Hour => Some(24),
            _ => None,
        }
    }
}

/// A checked time period: amount and unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub amount: u64,
    pub unit: TimeUnit,
}

const MS_PER_DAY: i64 = 86_400_000;

impl Period {
    /// Fixed length in ms for units below a month.
    fn fixed_ms(self) -> Option<i64> {
        let unit = match self.unit {
            TimeUnit::Millisecond => 1,
            TimeUnit::Second => 1000,
            TimeUnit::Minute => 60_000,
            TimeUnit::Hour => 3_600_000,
            TimeUnit::Day => MS_PER_DAY,
            TimeUnit::Week => 7 * MS_PER_DAY,
            _ => return None,
        };
        Some(unit * self.amount.max(1) as i64)
    }

    /// Rounds `ms` down to the start of its bucket. Fixed units align to epoch multiples
    /// (weeks therefore start on Thursdays, as epoch day 0 was one); months, quarters and
    /// years align to calendar boundaries in UTC.
    pub fn floor(self, ms: i64) -> i64 {
        if let Some(len) = self.fixed_ms() {
            return ms.div_euclid(len) * len;
        }
        let months_per = match self.unit {
            TimeUnit::Month => 1,
            TimeUnit::Quarter => 3,
            _ => 12,
        } * self.amount.max(1) as i64;
        let (y, m, _) = civil_from_days(ms.div_euclid(MS_PER_DAY));
        let month_index = y * 12 + (m as i64 - 1);
        let floored = month_index.div_euclid(months_per) * months_per;
        days_from_civil(floored.div_euclid(12), (floored.rem_euclid(12) + 1) as u32, 1) * MS_PER_DAY
    }

    /// Rounds `ms` up to a bucket boundary (a boundary itself stays put).
    pub fn ceil(self, ms: i64) -> i64 {
        let floor = self.floor(ms);
        if floor == ms {
            return ms;
        }
        if let Some(len) = self.fixed_ms() {
            return floor + len;
        }
        // The next calendar boundary: floor of a point safely past this bucket.
        let months = match self.unit {
            TimeUnit::Month => 1,
            TimeUnit::Quarter => 3,
            _ => 12,
        } * self.amount.max(1) as i64;
        let (y, m, _) = civil_from_days(floor.div_euclid(MS_PER_DAY));
        let idx = y * 12 + (m as i64 - 1) + months;
        days_from_civil(idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32, 1) * MS_PER_DAY
    }
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31). Howard Hinnant's algorithm.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Broken-down UTC time of epoch milliseconds.
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) milli: u32,
    /// 0 = Sunday.
    pub(crate) weekday: u32,
    /// 1-based day of the year.
    pub(crate) yday: u32,
}

pub(crate) fn civil(ms: i64) -> Civil {
    let days = ms.div_euclid(MS_PER_DAY);
    let rem = ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3_600_000) as u32,
        minute: (rem / 60_000 % 60) as u32,
        second: (rem / 1000 % 60) as u32,
        milli: (rem % 1000) as u32,
        weekday: (days + 4).rem_euclid(7) as u32,
        yday: (days - days_from_civil(year, 1, 1) + 1) as u32,
    }
}

/// Renders epoch milliseconds as AWS does: `2024-12-03 10:30:15.123`, UTC.
pub fn format_timestamp(ms: i64) -> String {
    let c = civil(ms);
    let mut s = String::with_capacity(23);
    let _ = write!(s, "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", c.year, c.month, c.day, c.hour, c.minute, c.second, c.milli);
    s
}

/// Parses ISO-8601 / RFC 3339 date-times (`2022-01-14T13:18:31.000-08:00`, `2025-12-03T10:54:44Z`,
/// `2024-12-03 10:30:15.123`, `2024-12-03`) to epoch ms. A missing zone means UTC.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(r)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0..4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = num(5..7)? as u32;
    let day = num(8..10)? as u32;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut ms = days_from_civil(year, month, day) * MS_PER_DAY;
    if b.len() == 10 {
        return Some(ms);
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) || b.get(13) != Some(&b':') {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut sec = 0;
    if b.get(i) == Some(&b':') {
        sec = num(17..19)?;
        i = 19;
    }
    ms += h * 3_600_000 + mi * 60_000 + sec * 1000;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j == start {
            return None;
        }
        let frac = &b[start..j.min(start + 3)];
        let mut v = 0i64;
        for (k, d) in frac.iter().enumerate() {
            v += (d - b'0') as i64 * [100, 10, 1][k];
        }
        ms += v;
        i = j;
    }
    match b.get(i) {
        None => Some(ms),
        Some(b'Z' | b'z') if i + 1 == b.len() => Some(ms),
        Some(sign @ (b'+' | b'-')) => {
            let oh = num(i + 1..i + 3)?;
            let om = if b.get(i + 3) == Some(&b':') { num(i + 4..i + 6)? } else { num(i + 3..i + 5).unwrap_or(0) };
            let offset = (oh * 60 + om) * 60_000;
            Some(if *sign == b'+' { ms - offset } else { ms + offset })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(format_timestamp(1_764_759_284_000), "2025-12-03 10:54:44.000");
        assert_eq!(format_timestamp(1_733_011_200_000), "2024-12-01 00:00:00.000");
        assert_eq!(parse_iso8601("2022-01-14T13:18:31.000-08:00"), Some(1_642_195_111_000));
        assert_eq!(parse_iso8601("2025-12-03T10:54:44Z"), Some(1_764_759_284_000));
        assert_eq!(format_timestamp(-1), "1969-12-31 23:59:59.999");
    }

    #[test]
    fn calendar_buckets() {
        let p = Period { amount: 1, unit: TimeUnit::Month };
        let t = parse_iso8601("2024-02-29T12:00:00Z").unwrap();
        assert_eq!(format_timestamp(p.floor(t)), "2024-02-01 00:00:00.000");
        assert_eq!(format_timestamp(p.ceil(t)), "2024-03-01 00:00:00.000");
        let q = Period { amount: 1, unit: TimeUnit::Quarter };
        assert_eq!(format_timestamp(q.floor(t)), "2024-01-01 00:00:00.000");
        let h = Period { amount: 1, unit: TimeUnit::Hour };
        assert_eq!(format_timestamp(h.floor(1_764_759_284_000)), "2025-12-03 10:00:00.000");
        assert_eq!(TimeUnit::parse("hrs"), Some(TimeUnit::Hour));
        assert_eq!(TimeUnit::parse("mins"), Some(TimeUnit::Minute));
        assert_eq!(TimeUnit::parse("ms"), Some(TimeUnit::Millisecond));
        assert_eq!(TimeUnit::parse("parsecs"), None);
    }
}
