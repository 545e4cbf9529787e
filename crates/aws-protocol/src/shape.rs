//! The two Smithy types serde has no word for: `timestamp` and `blob`. Their `Serialize` is a
//! newtype struct with a reserved name, so the CBOR and XML serializers of this crate recognise
//! them (CBOR tag 1 and a byte string; ISO 8601 and base64 text), while serde_json writes what
//! the JSON protocols send (epoch seconds as a number; base64 text).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The newtype-struct name of [`Timestamp`]'s `Serialize`.
pub const TIMESTAMP_TOKEN: &str = "$aws_protocol::Timestamp";
/// The newtype-struct name of [`Blob`]'s `Serialize`.
pub const BLOB_TOKEN: &str = "$aws_protocol::Blob";

/// A Smithy `timestamp`, to the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    epoch_millis: i64,
}

/// A timestamp outside what the wire formats can write (years 1 to 9999... as `time` allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("timestamp {0} ms since the epoch is out of range")]
pub struct TimestampRangeError(pub i64);

impl Timestamp {
    /// From milliseconds since the Unix epoch.
    pub fn from_epoch_millis(epoch_millis: i64) -> Timestamp {
        Timestamp { epoch_millis }
    }

    /// From (possibly fractional) seconds since the epoch, rounded to the millisecond.
    pub fn from_epoch_seconds(seconds: f64) -> Option<Timestamp> {
        let millis = (seconds * 1000.0).round();
        (millis.is_finite() && millis.abs() < 9.0e15).then_some(Timestamp { epoch_millis: millis as i64 })
    }

    /// Milliseconds since the epoch.
    pub fn epoch_millis(self) -> i64 {
        self.epoch_millis
    }

    /// Seconds since the epoch (fractional).
    pub fn epoch_seconds(self) -> f64 {
        self.epoch_millis as f64 / 1000.0
    }

    fn datetime(self) -> Result<OffsetDateTime, TimestampRangeError> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.epoch_millis) * 1_000_000)
            .map_err(|_| TimestampRangeError(self.epoch_millis))
    }

    /// `2025-12-03T10:54:44.250Z`: ISO 8601 with milliseconds, as awsQuery and restXml write it.
    pub fn to_iso8601(self) -> Result<String, TimestampRangeError> {
        let t = self.datetime()?;
        Ok(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        ))
    }

    /// `Wed, 03 Dec 2025 10:54:44 GMT` (RFC 7231), as HTTP date headers.
    pub fn to_http_date(self) -> Result<String, TimestampRangeError> {
        let fmt = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        self.datetime()?.format(fmt).map_err(|_| TimestampRangeError(self.epoch_millis))
    }

    /// Parses RFC 3339 / ISO 8601 text (`2025-12-03T10:54:44.250Z`).
    pub fn parse_iso8601(text: &str) -> Option<Timestamp> {
        let t = OffsetDateTime::parse(text, &Rfc3339).ok()?;
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok().map(Timestamp::from_epoch_millis)
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        let millis = t.unix_timestamp_nanos() / 1_000_000;
        Timestamp { epoch_millis: i64::try_from(millis).unwrap_or(if millis < 0 { i64::MIN } else { i64::MAX }) }
    }
}

/// Epoch seconds: an integer when whole, else a float.
struct EpochSeconds(i64);

impl Serialize for EpochSeconds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 1000 == 0 { s.serialize_i64(self.0 / 1000) } else { s.serialize_f64(self.0 as f64 / 1000.0) }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(TIMESTAMP_TOKEN, &EpochSeconds(self.epoch_millis))
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("epoch seconds or an ISO 8601 date-time")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                v.checked_mul(1000).map(Timestamp::from_epoch_millis).ok_or_else(|| E::custom("timestamp out of range"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                i64::try_from(v).map_err(|_| E::custom("timestamp out of range")).and_then(|v| self.visit_i64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Timestamp::from_epoch_seconds(v).ok_or_else(|| E::custom("timestamp out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                match v.parse::<f64>() {
                    Ok(secs) => self.visit_f64(secs),
                    Err(_) => Timestamp::parse_iso8601(v).ok_or_else(|| E::custom(format!("invalid timestamp {v:?}"))),
                }
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Timestamp, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V)
    }
}

/// A Smithy `blob`: base64 text in JSON and XML, a byte string in CBOR.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Blob(pub Bytes);

impl Blob {
    /// The blob's base64 text.
    pub fn to_base64(&self) -> String {
        BASE64.encode(&self.0)
    }
}

impl From<Vec<u8>> for Blob {
    fn from(v: Vec<u8>) -> Self {
        Blob(Bytes::from(v))
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(BLOB_TOKEN, &self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Blob;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("base64 text or bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Blob, E> {
                BASE64.decode(v).map(Blob::from).map_err(|e| E::custom(format!("invalid base64: {e}")))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Blob, E> {
                Ok(Blob(Bytes::copy_from_slice(v)))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Blob, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_forms() {
        let t = Timestamp::from_epoch_millis(1_764_759_284_250);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1764759284.25");
        assert_eq!(serde_json::to_string(&Timestamp::from_epoch_millis(1_764_759_284_000)).unwrap(), "1764759284");
        assert_eq!(serde_json::to_string(&Blob::from(b"hi".to_vec())).unwrap(), "\"aGk=\"");
        assert_eq!(serde_json::from_str::<Timestamp>("1764759284.25").unwrap(), t);
        assert_eq!(serde_json::from_str::<Timestamp>("\"2025-12-03T10:54:44.250Z\"").unwrap(), t);
        assert_eq!(serde_json::from_str::<Blob>("\"aGk=\"").unwrap(), Blob::from(b"hi".to_vec()));
        assert!(serde_json::from_str::<Blob>("\"!!\"").is_err());
        assert!(serde_json::from_str::<Timestamp>("1e300").is_err());
    }

    #[test]
    fn text_forms() {
        let t = Timestamp::from_epoch_millis(1_764_759_284_250);
        assert_eq!(t.to_iso8601().unwrap(), "2025-12-03T10:54:44.250Z");
        assert_eq!(t.to_http_date().unwrap(), "Wed, 03 Dec 2025 10:54:44 GMT");
        assert!(Timestamp::from_epoch_millis(i64::MAX).to_iso8601().is_err());
    }
}
