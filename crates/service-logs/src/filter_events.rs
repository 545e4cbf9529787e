//! FilterLogEvents: events of a log group (all streams, named ones, or a name prefix) in a time
//! range (both ends inclusive) that match a filter pattern, oldest first, paged by `nextToken`
//! (at most `limit` events, default 10,000, and 1 MB per page).

use aws_protocol::Reply;

use crate::model::{FilterLogEventsRequest, FilterLogEventsResponse, FilteredLogEvent, LogsError};

use super::events::{EVENT_OVERHEAD_BYTES, MAX_PAGE_BYTES};
use super::names::{one_group, store_error};
use super::paging;
use crate::LogsService;
use logs_filter::FilterPattern;

const DEFAULT_LIMIT: usize = 10_000;

pub(super) fn filter_log_events(state: &LogsService, req: FilterLogEventsRequest) -> Result<Reply, LogsError> {
    let group = one_group(req.log_group_name.as_deref(), req.log_group_identifier.as_deref())?;
    if req.log_stream_names.is_some() && req.log_stream_name_prefix.is_some() {
        return Err(LogsError::invalid_parameter("You cannot specify both LogStreamNames and LogStreamNamePrefix."));
    }
    let pattern = FilterPattern::parse(req.filter_pattern.as_deref().unwrap_or(""))
        .map_err(|e| LogsError::invalid_parameter(format!("Invalid filter pattern: {e}")))?;
    let start = req.start_time.unwrap_or(i64::MIN);
    let end = req.end_time.unwrap_or(i64::MAX);
    let limit = req.limit.map_or(DEFAULT_LIMIT, |n| n as usize);
    let offset = paging::decode_offset("filter", req.next_token.as_deref())?;

    let streams: Option<Vec<String>> = match (&req.log_stream_names, &req.log_stream_name_prefix) {
        (Some(names), _) => Some(names.clone()),
        (None, Some(prefix)) => Some(
            state
                .store
                .log_streams(&group)
                .map_err(store_error)?
                .into_iter()
                .map(|s| s.name)
                .filter(|n| n.starts_with(prefix.as_str()))
                .collect(),
        ),
        (None, None) => None,
    };
    let stream_refs: Option<Vec<&str>> = streams.as_ref().map(|v| v.iter().map(String::as_str).collect());
    let segments = state.store.segments(&group, stream_refs.as_deref(), start, end).map_err(store_error)?;

    let mut matched = Vec::new();
    for seg in &segments {
        let data = seg.read().map_err(store_error)?;
        for ev in data.events().filter(|e| e.timestamp >= start && e.timestamp <= end) {
            let message = String::from_utf8_lossy(ev.message);
            if pattern.matches(&message) {
                matched.push((
                    ev.timestamp,
                    seg.stream().to_owned(),
                    ev.ingestion_time,
                    message.into_owned(),
                    ev.ptr.to_string(),
                ));
            }
        }
    }
    // Interleaved across streams, oldest first; ties keep stream and append order.
    matched.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));

    let mut bytes = 0;
    let mut events = Vec::new();
    for (ts, stream, ingestion, message, id) in matched.iter().skip(offset) {
        bytes += message.len() + EVENT_OVERHEAD_BYTES;
        if events.len() == limit || (!events.is_empty() && bytes > MAX_PAGE_BYTES) {
            break;
        }
        events.push(FilteredLogEvent {
            log_stream_name: stream.clone(),
            timestamp: *ts,
            message: message.clone(),
            ingestion_time: *ingestion,
            event_id: id.clone(),
        });
    }
    let next = offset + events.len();
    // searchedLogStreams has been an empty list since 2020 (model documentation).
    let next_token = (next < matched.len()).then(|| paging::encode("filter", &next.to_string()));
    let response = FilterLogEventsResponse { events, searched_log_streams: Vec::new(), next_token };
    Ok(Reply::shape("FilterLogEventsResponse", response))
}
