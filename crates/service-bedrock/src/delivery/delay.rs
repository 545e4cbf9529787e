//! `serve --delivery-delay`: how long each record is held before it becomes visible in
//! CloudWatch and joins its S3 batch. A fixed delay (`2m`) or a range (`1m..5m`), each record's
//! delay in the range drawn from an FNV-1a hash of the seed and its request id, so a run with
//! the same request ids holds each record the same time. Durations: `500ms`, `90s`, `2m`, `1h`,
//! or ISO 8601 (`PT2M`).

use crate::fnv::fnv1a64;

/// The longest delay accepted (a day).
const MAX_DELAY_MS: u64 = 86_400_000;

/// A delivery delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryDelay {
    pub min_ms: u64,
    pub max_ms: u64,
    /// Seeds the draw within the range.
    pub seed: u64,
}

impl DeliveryDelay {
    /// Parses `2m` or `1m..5m`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (min, max) = match text.split_once("..") {
            Some((lo, hi)) => (duration_ms(lo)?, duration_ms(hi)?),
            None => {
                let d = duration_ms(text)?;
                (d, d)
            }
        };
        if min > max {
            return Err(format!("the delay range {text:?} ends before it starts"));
        }
        Ok(Self { min_ms: min, max_ms: max, seed: 0 })
    }

    /// The delay of the record of `request_id`.
    pub fn for_request(&self, request_id: &str) -> u64 {
        let span = self.max_ms - self.min_ms;
        if span == 0 {
            return self.min_ms;
        }
        let draw = fnv1a64(&[&self.seed.to_be_bytes(), request_id.as_bytes()]);
        self.min_ms + draw % (span + 1)
    }
}

/// `500ms`, `90s`, `2m`, `1h`, `PT2M`.
fn duration_ms(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let bad = || format!("invalid delay {text:?} (expected e.g. 90s, 2m, 1m..5m, PT2M)");
    let ms = if text.starts_with('P') {
        u64::try_from(service_kit::clock::parse_iso8601_duration_ms(text)?).map_err(|_| bad())?
    } else {
        let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (number, unit) = text.split_at(split);
        let n: u64 = number.parse().map_err(|_| bad())?;
        let scale = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return Err(bad()),
        };
        n.checked_mul(scale).ok_or_else(bad)?
    };
    if ms > MAX_DELAY_MS {
        return Err(format!("the delay {text:?} is longer than a day"));
    }
    Ok(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_delays_ranges_and_errors() {
        assert_eq!(DeliveryDelay::parse("2m"), Ok(DeliveryDelay { min_ms: 120_000, max_ms: 120_000, seed: 0 }));
        assert_eq!(DeliveryDelay::parse("PT90S").map(|d| d.min_ms), Ok(90_000));
        let range = DeliveryDelay::parse("1m..5m").unwrap();
        let delays: Vec<u64> = (0..100).map(|i| range.for_request(&format!("req-{i}"))).collect();
        assert!(delays.iter().all(|d| (60_000..=300_000).contains(d)));
        assert!(delays.iter().any(|d| *d != delays[0]), "drawn within the range");
        assert_eq!(range.for_request("req-1"), range.for_request("req-1"));
        for bad in ["", "2", "2 weeks", "5m..1m", "2d", "-1s", "999999h"] {
            assert!(DeliveryDelay::parse(bad).is_err(), "{bad}");
        }
    }
}
