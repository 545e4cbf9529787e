//! The records Bedrock wrote, read back from the log store.

use log_store::{LogStore, StoreError};

/// Every record in `group`'s `aws/bedrock/modelinvocations` stream, parsed, in append order (the
/// permission-check line Bedrock writes at each logging PUT is not a record and is left out). A
/// group that does not exist has none; any other store error, or a record that is not JSON, is
/// an error (a test must not pass on an empty list it could not read).
pub fn read_records(store: &LogStore, group: &str) -> Result<Vec<serde_json::Value>, ReadError> {
    let segments = match store.segments(group, Some(&["aws/bedrock/modelinvocations"]), i64::MIN, i64::MAX) {
        Ok(segments) => segments,
        Err(StoreError::GroupNotFound(_) | StoreError::StreamNotFound { .. }) => return Ok(Vec::new()),
        Err(err) => return Err(ReadError::Store(err)),
    };
    let mut out = Vec::new();
    for segment in segments {
        let data = segment.read().map_err(ReadError::Store)?;
        for event in data.events() {
            if event.message == bedrock_emulator::PERMISSION_CHECK_MESSAGE.as_bytes() {
                continue;
            }
            out.push(serde_json::from_slice(event.message).map_err(ReadError::NotJson)?);
        }
    }
    Ok(out)
}

/// Why records could not be read back.
#[derive(Debug)]
pub enum ReadError {
    /// The store failed.
    Store(StoreError),
    /// A record is not JSON.
    NotJson(serde_json::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Store(err) => write!(f, "log store: {err}"),
            ReadError::NotJson(err) => write!(f, "a record is not JSON: {err}"),
        }
    }
}

impl std::error::Error for ReadError {}
