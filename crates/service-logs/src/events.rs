//! PutLogEvents (AWS's batch, time and retention rules against the emulator's clock), GetLogEvents
//! (forward/backward tokens `f/<position>/s`, `b/<position>/s`) and GetLogRecord.

use std::collections::BTreeMap;

use aws_protocol::Reply;
use log_store::{EventPtr, InputLogEvent};
use serde_json::Value;

use super::names::{one_group, store_error};
use crate::LogsService;
use crate::model::{
    GetLogEventsRequest, GetLogEventsResponse, GetLogRecordRequest, GetLogRecordResponse, LogsError, OutputLogEvent,
    PutLogEventsRequest, PutLogEventsResponse, RejectedLogEventsInfo,
};

/// PutLogEvents: most bytes per batch (messages plus 26 bytes per event).
pub(crate) const MAX_BATCH_BYTES: usize = 1_048_576;
/// PutLogEvents: bytes counted per event on top of its message.
pub(crate) const EVENT_OVERHEAD_BYTES: usize = 26;
/// PutLogEvents: the most a batch may span.
const MAX_BATCH_SPAN_MS: i64 = 24 * 3_600_000;
/// Events older than this (relative to now) are rejected as too old.
const MAX_AGE_MS: i64 = 14 * 24 * 3_600_000;
/// One day: retention is counted in days.
const DAY_MS: i64 = 24 * 3_600_000;
/// Events newer than this (relative to now) are rejected as too new.
const MAX_AHEAD_MS: i64 = 2 * 3_600_000;
/// GetLogEvents: events per page by default (also bounded by 1 MB).
const DEFAULT_EVENTS_LIMIT: usize = 10_000;
/// GetLogEvents / FilterLogEvents: response bytes per page.
pub(crate) const MAX_PAGE_BYTES: usize = 1_048_576;

pub(super) fn put_log_events(state: &LogsService, req: PutLogEventsRequest) -> Result<Reply, LogsError> {
    let events = &req.log_events;
    if events.windows(2).any(|w| w[1].timestamp < w[0].timestamp) {
        return Err(LogsError::invalid_parameter("Log events in a single PutLogEvents request must be in chronological order."));
    }
    if let (Some(first), Some(last)) = (events.first(), events.last())
        && last.timestamp - first.timestamp > MAX_BATCH_SPAN_MS
    {
        return Err(LogsError::invalid_parameter(
            "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
        ));
    }
    let size: usize = events.iter().map(|e| e.message.len() + EVENT_OVERHEAD_BYTES).sum();
    if size > MAX_BATCH_BYTES {
        return Err(LogsError::invalid_parameter(format!("Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}")));
    }
    // The stream must exist even when every event is rejected.
    state.store.log_stream(&req.log_group_name, &req.log_stream_name).map_err(store_error)?;
    let retention = state.store.effective_retention_days(&req.log_group_name).map_err(store_error)?;

    let now = state.env.now_ms();
    // Chronological order makes the too-old and expired events a prefix, the too-new a suffix.
    let old_end = events.iter().take_while(|e| e.timestamp < now - MAX_AGE_MS).count();
    let expired_end = match retention {
        Some(days) => events.iter().take_while(|e| e.timestamp < now - i64::from(days) * DAY_MS).count().max(old_end),
        None => old_end,
    };
    let new_start = events.iter().position(|e| e.timestamp > now + MAX_AHEAD_MS).unwrap_or(events.len()).max(expired_end);
    let accepted: Vec<InputLogEvent<'_>> =
        events[expired_end..new_start].iter().map(|e| InputLogEvent::new(e.timestamp, &e.message)).collect();
    state.store.put_log_events(&req.log_group_name, &req.log_stream_name, &accepted, now).map_err(store_error)?;

    let rejected = RejectedLogEventsInfo {
        too_new_log_event_start_index: (new_start < events.len()).then_some(new_start),
        too_old_log_event_end_index: (old_end > 0).then_some(old_end),
        expired_log_event_end_index: (expired_end > old_end).then_some(expired_end),
    };
    let any_rejected = rejected.too_new_log_event_start_index.is_some()
        || rejected.too_old_log_event_end_index.is_some()
        || rejected.expired_log_event_end_index.is_some();
    let response = PutLogEventsResponse {
        next_sequence_token: format!("{:056}", now.max(0)),
        rejected_log_events_info: any_rejected.then_some(rejected),
    };
    Ok(Reply::shape("PutLogEventsResponse", response))
}

/// A GetLogEvents position token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// Read forward from this index.
    Forward(usize),
    /// Read backward, ending before this index.
    Backward(usize),
}

fn parse_position(token: &str) -> Result<Position, LogsError> {
    let invalid = || LogsError::invalid_parameter("The specified nextToken is invalid.");
    let (dir, rest) = token.split_at_checked(2).ok_or_else(invalid)?;
    let n: usize = rest.strip_suffix("/s").and_then(|n| n.parse().ok()).ok_or_else(invalid)?;
    match dir {
        "f/" => Ok(Position::Forward(n)),
        "b/" => Ok(Position::Backward(n)),
        _ => Err(invalid()),
    }
}

pub(super) fn get_log_events(state: &LogsService, req: GetLogEventsRequest) -> Result<Reply, LogsError> {
    let group = one_group(req.log_group_name.as_deref(), req.log_group_identifier.as_deref())?;
    state.store.log_stream(&group, &req.log_stream_name).map_err(store_error)?;
    let start = req.start_time.unwrap_or(i64::MIN);
    // endTime is exclusive: "events with a timestamp equal to or later than this time are not included".
    let end = req.end_time.map_or(i64::MAX, |t| t.saturating_sub(1));
    let mut all: Vec<(i64, i64, String)> = Vec::new();
    let segments = state.store.segments(&group, Some(&[req.log_stream_name.as_str()]), start, end).map_err(store_error)?;
    for seg in segments {
        let data = seg.read().map_err(store_error)?;
        for ev in data.events().filter(|e| e.timestamp >= start && e.timestamp <= end) {
            all.push((ev.timestamp, ev.ingestion_time, String::from_utf8_lossy(ev.message).into_owned()));
        }
    }
    all.sort_by_key(|e| e.0);
    let limit = req.limit.map_or(DEFAULT_EVENTS_LIMIT, |n| n as usize);
    let position = match req.next_token.as_deref() {
        Some(t) => parse_position(t)?,
        None if req.start_from_head.unwrap_or(false) => Position::Forward(0),
        None => Position::Backward(all.len()),
    };
    let (from, to) = match position {
        Position::Forward(p) => {
            let from = p.min(all.len());
            (from, from + page_len(all[from..].iter(), limit))
        }
        Position::Backward(p) => {
            let to = p.min(all.len());
            (to - page_len(all[..to].iter().rev(), limit), to)
        }
    };
    let events = all[from..to]
        .iter()
        .map(|(ts, ing, msg)| OutputLogEvent { timestamp: *ts, message: msg.clone(), ingestion_time: *ing })
        .collect();
    let response = GetLogEventsResponse {
        events,
        next_forward_token: format!("f/{to:056}/s"),
        next_backward_token: format!("b/{from:056}/s"),
    };
    Ok(Reply::shape("GetLogEventsResponse", response))
}

/// How many events from `events` fit one page: at most `limit` and 1 MB.
fn page_len<'a>(events: impl Iterator<Item = &'a (i64, i64, String)>, limit: usize) -> usize {
    let mut bytes = 0;
    let mut n = 0;
    for (_, _, msg) in events {
        bytes += msg.len() + EVENT_OVERHEAD_BYTES;
        if n == limit || (n > 0 && bytes > MAX_PAGE_BYTES) {
            break;
        }
        n += 1;
    }
    n
}

pub(super) fn get_log_record(state: &LogsService, req: GetLogRecordRequest) -> Result<Reply, LogsError> {
    let ptr: EventPtr =
        req.log_record_pointer.parse().map_err(|_| LogsError::invalid_parameter("The specified logRecordPointer is invalid."))?;
    let event = state
        .store
        .get_event(&ptr)
        .map_err(store_error)?
        .ok_or_else(|| LogsError::not_found("The specified log record does not exist."))?;
    let message = String::from_utf8_lossy(&event.message).into_owned();
    let mut record = BTreeMap::new();
    if let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(&message) {
        for (k, v) in fields {
            flatten(&k, v, &mut record);
        }
    }
    record.insert("@timestamp".into(), event.timestamp.to_string());
    record.insert("@ingestionTime".into(), event.ingestion_time.to_string());
    record.insert("@log".into(), format!("{}:{}", state.env.account_id, event.group));
    record.insert("@logStream".into(), event.stream.clone());
    record.insert("@message".into(), message);
    Ok(Reply::shape("GetLogRecordResponse", GetLogRecordResponse { log_record: record }))
}

/// Discovered fields as Insights names them: nested keys joined by `.`, array items by index;
/// every value a string.
fn flatten(path: &str, value: Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&format!("{path}.{k}"), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.into_iter().enumerate() {
                flatten(&format!("{path}.{i}"), v, out);
            }
        }
        Value::Null => {}
        Value::String(s) => {
            out.insert(path.to_owned(), s);
        }
        other => {
            out.insert(path.to_owned(), other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_parse_and_refuse_garbage() {
        assert_eq!(parse_position(&format!("f/{:056}/s", 7)).unwrap(), Position::Forward(7));
        assert_eq!(parse_position("b/3/s").unwrap(), Position::Backward(3));
        for bad in ["", "f/", "x/1/s", "f/1", "f/-1/s", "f/1/s/"] {
            assert!(parse_position(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn pages_respect_limit_and_size() {
        let small: Vec<(i64, i64, String)> = (0..5).map(|i| (i, i, "x".into())).collect();
        assert_eq!(page_len(small.iter(), 3), 3);
        assert_eq!(page_len(small.iter(), 10), 5);
        let big: Vec<(i64, i64, String)> = (0..3).map(|i| (i, i, "y".repeat(600_000))).collect();
        assert_eq!(page_len(big.iter(), 10), 1);
    }

    #[test]
    fn flatten_names_fields_like_insights() {
        let mut out = BTreeMap::new();
        let v: Value = serde_json::from_str(r#"{"b":{"c":1,"d":[true,"s"]},"n":null}"#).unwrap();
        flatten("a", v, &mut out);
        assert_eq!(out["a.b.c"], "1");
        assert_eq!(out["a.b.d.0"], "true");
        assert_eq!(out["a.b.d.1"], "s");
        assert!(!out.contains_key("a.n"));
    }
}
