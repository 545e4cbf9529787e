//! CreateLogGroup, DeleteLogGroup, DescribeLogGroups.

use crate::model::{
    CreateLogGroupRequest, DeleteLogGroupRequest, DescribeLogGroupsRequest, DescribeLogGroupsResponse, LogGroup, LogsError,
};

use super::names::{check_creatable_group_name, log_group_arn, name_from_identifier, store_error};
use super::paging;
use crate::LogsService;
use aws_protocol::Reply;
use service_kit::RequestContext;

const DEFAULT_LIMIT: usize = 50;

pub(super) fn create_log_group(state: &LogsService, req: CreateLogGroupRequest) -> Result<Reply, LogsError> {
    check_creatable_group_name(&req.log_group_name)?;
    state.store.create_log_group(&req.log_group_name, state.env.now_ms()).map_err(store_error)?;
    Ok(Reply::empty())
}

pub(super) fn delete_log_group(state: &LogsService, req: DeleteLogGroupRequest) -> Result<Reply, LogsError> {
    state.store.delete_log_group(&req.log_group_name).map_err(store_error)?;
    crate::metric_filters::forget_group(state, &req.log_group_name);
    Ok(Reply::empty())
}

pub(super) fn describe_log_groups(
    state: &LogsService,
    ctx: &RequestContext,
    req: DescribeLogGroupsRequest,
) -> Result<Reply, LogsError> {
    if req.log_group_name_prefix.is_some() && req.log_group_name_pattern.is_some() {
        return Err(LogsError::invalid_parameter(
            "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.",
        ));
    }
    if req.log_group_identifiers.is_some() && (req.log_group_name_prefix.is_some() || req.log_group_name_pattern.is_some()) {
        return Err(LogsError::invalid_parameter(
            "LogGroupIdentifiers cannot be combined with LogGroupNamePrefix or LogGroupNamePattern.",
        ));
    }
    let wanted: Option<Vec<String>> =
        req.log_group_identifiers.as_ref().map(|ids| ids.iter().map(|id| name_from_identifier(id)).collect());
    let class_ok = match req.log_group_class.as_deref() {
        None | Some("STANDARD") => true,
        Some(_) => false, // every emulated group is STANDARD
    };
    let start_after = req.next_token.as_deref().map(|t| paging::decode("groups", t)).transpose()?;
    let limit = req.limit.map_or(DEFAULT_LIMIT, |n| n as usize);

    let mut groups = state.store.log_groups();
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    let mut selected = groups.into_iter().filter(|g| {
        class_ok
            && req.log_group_name_prefix.as_deref().is_none_or(|p| g.name.starts_with(p))
            && req.log_group_name_pattern.as_deref().is_none_or(|p| g.name.to_lowercase().contains(&p.to_lowercase()))
            && wanted.as_ref().is_none_or(|w| w.contains(&g.name))
            && start_after.as_deref().is_none_or(|after| g.name.as_str() > after)
    });
    let page: Vec<_> = selected.by_ref().take(limit).collect();
    let more = selected.next().is_some();

    let (region, account) = (&ctx.region, &state.env.account_id);
    let default_retention = state.store.default_retention_days();
    let log_groups = page
        .iter()
        .map(|g| {
            let arn = log_group_arn(region, account, &g.name);
            LogGroup {
                log_group_name: g.name.clone(),
                creation_time: g.creation_time,
                // AWS omits `retentionInDays` for a group whose events never expire.
                retention_in_days: g.retention_in_days.or(default_retention),
                metric_filter_count: 0,
                arn: format!("{arn}:*"),
                stored_bytes: g.stored_bytes,
                log_group_class: "STANDARD",
                log_group_arn: arn,
                deletion_protection_enabled: false,
            }
        })
        .collect();
    let next_token = page.last().filter(|_| more).map(|last| paging::encode("groups", &last.name));
    Ok(Reply::shape("DescribeLogGroupsResponse", DescribeLogGroupsResponse { log_groups, next_token }))
}
