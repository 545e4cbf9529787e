//! CreateLogStream, DeleteLogStream, DescribeLogStreams (orderBy, descending, limit, pages).

use crate::model::{
    CreateLogStreamRequest, DeleteLogStreamRequest, DescribeLogStreamsRequest, DescribeLogStreamsResponse, LogStream, LogsError,
};

use super::names::{log_group_arn, one_group, store_error};
use super::paging;
use crate::LogsService;
use aws_protocol::Reply;
use service_kit::RequestContext;

const DEFAULT_LIMIT: usize = 50;

pub(super) fn create_log_stream(state: &LogsService, req: CreateLogStreamRequest) -> Result<Reply, LogsError> {
    state.store.create_log_stream(&req.log_group_name, &req.log_stream_name, state.env.now_ms()).map_err(store_error)?;
    Ok(Reply::empty())
}

pub(super) fn delete_log_stream(state: &LogsService, req: DeleteLogStreamRequest) -> Result<Reply, LogsError> {
    state.store.delete_log_stream(&req.log_group_name, &req.log_stream_name).map_err(store_error)?;
    Ok(Reply::empty())
}

pub(super) fn describe_log_streams(
    state: &LogsService,
    ctx: &RequestContext,
    req: DescribeLogStreamsRequest,
) -> Result<Reply, LogsError> {
    let group = one_group(req.log_group_name.as_deref(), req.log_group_identifier.as_deref())?;
    let by_last_event = req.order_by.as_deref() == Some("LastEventTime");
    if by_last_event && req.log_stream_name_prefix.is_some() {
        return Err(LogsError::invalid_parameter("Cannot order by LastEventTime with a logStreamNamePrefix."));
    }
    let descending = req.descending.unwrap_or(false);
    let limit = req.limit.map_or(DEFAULT_LIMIT, |n| n as usize);
    let offset = paging::decode_offset("streams", req.next_token.as_deref())?;

    let mut streams = state.store.log_streams(&group).map_err(store_error)?;
    if let Some(prefix) = &req.log_stream_name_prefix {
        streams.retain(|s| s.name.starts_with(prefix.as_str()));
    }
    if by_last_event {
        // Streams without events sort as if their last event were at time 0.
        streams.sort_by(|a, b| {
            a.last_event_timestamp.unwrap_or(0).cmp(&b.last_event_timestamp.unwrap_or(0)).then_with(|| a.name.cmp(&b.name))
        });
    } else {
        streams.sort_by(|a, b| a.name.cmp(&b.name));
    }
    if descending {
        streams.reverse();
    }
    let page: Vec<_> = streams.iter().skip(offset).take(limit).collect();
    let group_arn = log_group_arn(&ctx.region, &state.env.account_id, &group);
    let log_streams = page
        .iter()
        .map(|s| LogStream {
            log_stream_name: s.name.clone(),
            creation_time: s.creation_time,
            arn: format!("{group_arn}:log-stream:{}", s.name),
            stored_bytes: 0,
            first_event_timestamp: s.first_event_timestamp,
            last_event_timestamp: s.last_event_timestamp,
            last_ingestion_time: s.last_ingestion_time,
        })
        .collect();
    let next = offset + page.len();
    let next_token = (next < streams.len()).then(|| paging::encode("streams", &next.to_string()));
    Ok(Reply::shape("DescribeLogStreamsResponse", DescribeLogStreamsResponse { log_streams, next_token }))
}
