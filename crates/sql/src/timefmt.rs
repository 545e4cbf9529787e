//! Timestamps as text, both ways: ISO 8601 and Hive's `yyyy-MM-dd HH:mm:ss[.fff]` read into
//! epoch milliseconds (the JsonSerDe's timestamp columns, `from_iso8601_timestamp`), and
//! epoch milliseconds written as Trino prints them (`2025-01-02 03:04:05.678`).

use time::{Date, Month, OffsetDateTime};

/// Epoch milliseconds of `yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]][Z|±HH[:MM]]`; `None` when the
/// text is not such a timestamp. A missing offset is UTC.
pub fn parse_timestamp_ms(text: &str) -> Option<i64> {
    let s = text.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if s.get(4) != Some(&b'-') || s.get(7) != Some(&b'-') {
        return None;
    }
    let date = Date::from_calendar_date(
        i32::try_from(year).ok()?,
        Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let days = i64::from(date.to_julian_day() - 2_440_588);
    let mut ms = days * 86_400_000;
    let mut i = 10;
    if i < s.len() {
        if s[i] != b' ' && s[i] != b'T' {
            return None;
        }
        let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
        if s.get(i + 3) != Some(&b':') || h > 23 || m > 59 {
            return None;
        }
        ms += (h * 3600 + m * 60) * 1000;
        i += 6;
        if s.get(i) == Some(&b':') {
            let sec = num(i + 1, 2)?;
            if sec > 60 {
                return None;
            }
            ms += sec * 1000;
            i += 3;
            if s.get(i) == Some(&b'.') || s.get(i) == Some(&b',') {
                i += 1;
                let start = i;
                while i < s.len() && s[i].is_ascii_digit() {
                    i += 1;
                }
                let digits = &s[start..i];
                if digits.is_empty() {
                    return None;
                }
                let frac = digits.iter().take(3).fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
                ms += frac * 10i64.pow(3 - digits.len().min(3) as u32);
            }
        }
        match s.get(i) {
            None => {}
            Some(b'Z' | b'z') if i + 1 == s.len() => {}
            Some(&sign @ (b'+' | b'-')) => {
                let oh = num(i + 1, 2)?;
                let om = match s.len() - (i + 3) {
                    0 => 0,
                    3 if s[i + 3] == b':' => num(i + 4, 2)?,
                    2 => num(i + 3, 2)?,
                    _ => return None,
                };
                let offset = (oh * 60 + om) * 60_000;
                ms -= if sign == b'+' { offset } else { -offset };
            }
            _ => return None,
        }
    }
    Some(ms)
}

/// Days since the epoch of `yyyy-MM-dd`.
pub fn parse_date_days(text: &str) -> Option<i32> {
    let t = text.trim();
    if t.len() != 10 {
        return None;
    }
    i32::try_from(parse_timestamp_ms(t)? / 86_400_000).ok()
}

/// The UTC date-time of epoch milliseconds.
pub fn datetime_of_ms(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// `2025-01-02 03:04:05.678`, Trino's `timestamp(3)`.
pub fn format_timestamp_ms(ms: i64) -> String {
    match datetime_of_ms(ms) {
        Some(t) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        ),
        None => ms.to_string(),
    }
}

/// `2025-01-02`.
pub fn format_date_days(days: i32) -> String {
    let ms = i64::from(days) * 86_400_000;
    format_timestamp_ms(ms)[..10].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_hive_forms() {
        assert_eq!(parse_timestamp_ms("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_timestamp_ms("1970-01-01 00:00:01.5"), Some(1500));
        assert_eq!(parse_timestamp_ms("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_timestamp_ms("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_timestamp_ms("2025-13-01"), None);
        assert_eq!(parse_timestamp_ms("hello"), None);
        assert_eq!(format_timestamp_ms(1_735_787_045_678), "2025-01-02 03:04:05.678");
        assert_eq!(format_date_days(1), "1970-01-02");
    }
}
