//! What a cost report groups by (`--by`): any record field by its flattened path
//! (`requestMetadata.tenant_id`, `modelId`, `identity.arn`), or `bin(<period>)` of the record's
//! `timestamp` (`bin(1d)`, `bin(1h)`, `bin(1mo)`: Insights' periods, floored in UTC). A group's
//! key is read from the record's bytes into a reusable buffer, so finding an existing group
//! allocates nothing.

use std::fmt;
use std::str::FromStr;

use logs_insights::FieldValues;
use logs_insights::time::{Period, TimeUnit};

/// One `--by` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// A record field by its flattened path.
    Field(String),
    /// The record's time floored to a period.
    Bin(Period),
}

/// A `--by` that is neither a field path nor `bin(<period>)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--by {text:?}: {why}")]
pub struct GroupByError {
    pub text: String,
    pub why: String,
}

impl FromStr for GroupBy {
    type Err = GroupByError;

    fn from_str(text: &str) -> Result<GroupBy, GroupByError> {
        let fail = |why: &str| GroupByError { text: text.to_owned(), why: why.to_owned() };
        if let Some(inner) = text.strip_prefix("bin(").and_then(|r| r.strip_suffix(')')) {
            let inner = inner.trim();
            let split = inner.find(|c: char| !c.is_ascii_digit()).unwrap_or(inner.len());
            let (amount, unit) = inner.split_at(split);
            let amount: u64 =
                amount.parse().map_err(|_| fail("a period is a whole number and a unit: bin(1d), bin(6h), bin(1mo)"))?;
            let unit = TimeUnit::parse(unit).ok_or_else(|| fail("units are ms, s, m, h, d, w, mo, q, y"))?;
            if amount == 0 {
                return Err(fail("the period must be positive"));
            }
            return Ok(GroupBy::Bin(Period { amount, unit }));
        }
        let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '@' | '$');
        if text.is_empty() || text.split('.').any(|seg| seg.is_empty() || !seg.chars().all(ok)) {
            return Err(fail("expected a record field path (requestMetadata.tenant_id, modelId) or bin(<period>)"));
        }
        Ok(GroupBy::Field(text.to_owned()))
    }
}

impl fmt::Display for GroupBy {
    /// The column name: the path as given, `bin(1d)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupBy::Field(path) => f.write_str(path),
            GroupBy::Bin(p) => write!(f, "bin({}{})", p.amount, p.unit.short()),
        }
    }
}

/// One part of a group's key, owned by the group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyPart {
    /// The record has no such field (or it is null, an object or an array).
    Absent,
    Text(String),
    /// A bin's start, epoch ms.
    Time(i64),
}

impl KeyPart {
    /// The value as shown: text as it is, a bin as Insights renders `bin()` (`2025-12-03
    /// 00:00:00.000`), nothing for an absent field.
    pub fn shown(&self) -> Option<String> {
        match self {
            KeyPart::Absent => None,
            KeyPart::Text(t) => Some(t.clone()),
            KeyPart::Time(ms) => Some(logs_insights::time::format_timestamp(*ms)),
        }
    }
}

/// Writes the key of one record into `buf` (cleared first): a tag, then the value's bytes
/// with their length, part after part. `slot(i)` is the scanner slot of the i-th field key.
pub(crate) fn encode_key(by: &[GroupBy], slots: &[usize], values: &FieldValues<'_, '_>, timestamp: i64, buf: &mut Vec<u8>) {
    buf.clear();
    for (key, slot) in by.iter().zip(slots) {
        match key {
            GroupBy::Field(_) => match values.text(*slot) {
                None => buf.push(0),
                Some(text) => {
                    buf.push(1);
                    buf.extend_from_slice(&(text.len() as u32).to_le_bytes());
                    buf.extend_from_slice(text.as_bytes());
                }
            },
            GroupBy::Bin(period) => {
                buf.push(2);
                buf.extend_from_slice(&period.floor(timestamp).to_le_bytes());
            }
        }
    }
}

/// The parts of a key [`encode_key`] wrote (for a new group).
pub(crate) fn decode_key(mut bytes: &[u8]) -> Vec<KeyPart> {
    let mut parts = Vec::new();
    while let Some((&tag, rest)) = bytes.split_first() {
        match tag {
            1 => {
                let (len, rest) = rest.split_at(4);
                let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
                parts.push(KeyPart::Text(String::from_utf8_lossy(&rest[..len]).into_owned()));
                bytes = &rest[len..];
            }
            2 => {
                let (ms, rest) = rest.split_at(8);
                parts.push(KeyPart::Time(i64::from_le_bytes(ms.try_into().unwrap_or_default())));
                bytes = rest;
            }
            _ => {
                parts.push(KeyPart::Absent);
                bytes = rest;
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use logs_insights::FieldScanner;

    #[test]
    fn fields_and_bins_parse_and_name_their_column() {
        let by: GroupBy = "requestMetadata.tenant_id".parse().unwrap();
        assert_eq!(by, GroupBy::Field("requestMetadata.tenant_id".into()));
        assert_eq!("bin(1d)".parse::<GroupBy>().unwrap().to_string(), "bin(1d)");
        assert_eq!("bin(1month)".parse::<GroupBy>().unwrap().to_string(), "bin(1mo)");
        for bad in ["", "a..b", "bin(0d)", "bin(1x)", "bin(d)", "tenant id"] {
            assert!(bad.parse::<GroupBy>().is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_round_trip_through_the_buffer() {
        let by: Vec<GroupBy> =
            ["requestMetadata.tenant_id", "bin(1d)", "missing", "n"].iter().map(|s| s.parse().unwrap()).collect();
        let scanner = FieldScanner::new(&["requestMetadata.tenant_id", "missing", "n"]);
        let slots = [0, 0, 1, 2];
        let msg = br#"{"requestMetadata":{"tenant_id":"t\u00e9-1"},"n":12}"#;
        let mut buf = Vec::new();
        let ts = 1_764_756_615_000; // 2025-12-03 10:10:15
        scanner.with_values(msg, |v| encode_key(&by, &slots, v, ts, &mut buf));
        let parts = decode_key(&buf);
        assert_eq!(
            parts,
            [KeyPart::Text("té-1".into()), KeyPart::Time(1_764_720_000_000), KeyPart::Absent, KeyPart::Text("12".into())]
        );
        assert_eq!(parts[1].shown().as_deref(), Some("2025-12-03 00:00:00.000"));
        assert_eq!(parts[2].shown(), None);
    }
}
