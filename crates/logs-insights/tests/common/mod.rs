//! Shared test helpers: fixture paths and the `fixtures/events/*.jsonl` loader.
//!
//! An events file holds one CloudWatch-shaped event per line:
//! `{"timestamp": ms, "ingestionTime": ms, "logStream": "...", "message": <object or string>}`.
//! An object message is stored as its compact JSON text (key order kept), as CloudWatch
//! stores a JSON log line.

#![allow(dead_code)]

use logs_insights::LogEvent;
use std::path::PathBuf;

pub(crate) fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").canonicalize().expect("fixtures/ exists")
}

/// Owned events; [`EventStore::events`] lends them as [`LogEvent`]s.
pub(crate) struct EventStore {
    rows: Vec<(i64, i64, String, String, String)>,
}

pub(crate) const LOG_GROUP: &str = "/aws/bedrock/modelinvocations";

impl EventStore {
    pub(crate) fn events(&self) -> Vec<LogEvent<'_>> {
        self.rows
            .iter()
            .map(|(ts, ing, msg, stream, ptr)| LogEvent {
                timestamp: *ts,
                ingestion_time: *ing,
                message: msg.as_bytes(),
                log_stream: stream,
                log_group: LOG_GROUP,
                ptr,
            })
            .collect()
    }
}

pub(crate) fn parse_events(text: &str) -> EventStore {
    let rows = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            let v: serde_json::Value = serde_json::from_str(line).expect("fixture event is JSON");
            let ts = v["timestamp"].as_i64().expect("timestamp");
            let ing = v["ingestionTime"].as_i64().unwrap_or(ts);
            let msg = match &v["message"] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let stream = v["logStream"].as_str().unwrap_or("stream").to_string();
            (ts, ing, msg, stream, format!("ptr-{i}"))
        })
        .collect();
    EventStore { rows }
}

pub(crate) fn load_events(name: &str) -> EventStore {
    parse_events(&std::fs::read_to_string(fixtures_dir().join("events").join(name)).expect("events fixture"))
}
