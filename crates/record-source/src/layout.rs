//! The key layout of delivered invocation logs, used to skip objects without reading them:
//! `{prefix}/AWSLogs/{account}/BedrockModelInvocationLogs/{region}/YYYY/MM/DD/HH/{name}.json.gz`.
//!
//! An object under hour `H` was delivered during that hour, so it holds records whose own
//! `timestamp` is before `H + 1h`; delivery lags the call by minutes, so records from the
//! previous hour can be there too. [`may_hold`] keeps an object when `[H - 1h, H + 1h)`
//! meets the query's range: a choice (AWS documents no bound on the lag) that errs towards
//! reading an object too many, never one too few for lags under an hour.

const HOUR_MS: i64 = 3_600_000;

/// The start (epoch ms) of the delivery hour a key's `YYYY/MM/DD/HH/` names, if it has one.
pub fn delivery_hour(key: &str) -> Option<i64> {
    let segs: Vec<&str> = key.split('/').collect();
    let i = segs.iter().position(|s| *s == "BedrockModelInvocationLogs")?;
    let parts = segs.get(i + 2..i + 6)?;
    let lens = [4, 2, 2, 2];
    if parts.iter().zip(lens).any(|(p, n)| p.len() != n || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let text = format!("{}-{}-{}T{}:00:00Z", parts[0], parts[1], parts[2], parts[3]);
    logs_insights::time::parse_iso8601(&text)
}

/// Whether an object delivered in hour `hour_ms` can hold records in `[start_ms, end_ms]`.
pub fn may_hold(hour_ms: i64, start_ms: i64, end_ms: i64) -> bool {
    hour_ms.saturating_add(HOUR_MS) > start_ms && hour_ms.saturating_sub(HOUR_MS) <= end_ms
}

/// Whether a key names a record batch: a `.json.gz` (or plain `.json`/`.jsonl`) object, not
/// an offloaded body under `data/` and not the permission-check marker.
pub fn is_record_object(key: &str) -> bool {
    let (dir, name) = key.rsplit_once('/').unwrap_or(("", key));
    if dir == "data" || dir.ends_with("/data") {
        return false;
    }
    name.ends_with(".json.gz") || name.ends_with(".json") || name.ends_with(".jsonl") || name.ends_with(".jsonl.gz")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_come_from_the_key_and_prune_with_an_hour_of_slack() {
        let key = "logs/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2024/12/01/05/20241201T050312345Z_0123456789abcdef.json.gz";
        let h = delivery_hour(key).unwrap();
        assert_eq!(h, logs_insights::time::parse_iso8601("2024-12-01T05:00:00Z").unwrap());
        assert_eq!(delivery_hour("AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2024/12/x/05/a.json.gz"), None);
        assert_eq!(delivery_hour("random/key.json.gz"), None);
        assert!(may_hold(h, h, h));
        assert!(may_hold(h, h + HOUR_MS - 1, i64::MAX), "records of its own hour");
        assert!(!may_hold(h, h + HOUR_MS, i64::MAX), "nothing from after its hour");
        assert!(may_hold(h, i64::MIN, h - HOUR_MS), "records delivered up to an hour late");
        assert!(!may_hold(h, i64::MIN, h - HOUR_MS - 1));
        assert!(is_record_object(key));
        assert!(!is_record_object("p/AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2024/12/01/05/data/r_input.json.gz"));
        assert!(!is_record_object("p/AWSLogs/1/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check"));
    }
}
