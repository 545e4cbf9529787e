//! Work groups: GetWorkGroup, ListWorkGroups (`primary` always), CreateWorkGroup (its
//! `ResultConfiguration.OutputLocation` is the default output location of its queries, and
//! `EnforceWorkGroupConfiguration` makes it win over the request's), DeleteWorkGroup.

use aws_protocol::Reply;
use serde::Deserialize;
use serde_json::json;
use service_kit::Call;

use crate::AthenaService;
use crate::error::AthenaError;
use crate::input::input;
use crate::shapes::{WorkGroup, WorkGroupConfiguration, WorkGroupSummary, seconds};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GroupInput {
    work_group: Option<String>,
    name: Option<String>,
    configuration: Option<WorkGroupConfiguration>,
    description: Option<String>,
    next_token: Option<String>,
    max_results: Option<usize>,
    recursive_delete_option: Option<bool>,
}

fn missing(name: &str) -> AthenaError {
    AthenaError::InvalidRequest(format!("WorkGroup {name} is not found."))
}

pub(crate) fn get(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: GroupInput = input(call)?;
    let name = i.work_group.unwrap_or_default();
    let st = service.state.lock();
    let g = st.work_groups.get(&name).ok_or_else(|| missing(&name))?;
    Ok(Reply::shape("GetWorkGroupOutput", json!({ "WorkGroup": g })))
}

pub(crate) fn list(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: GroupInput = input(call)?;
    let st = service.state.lock();
    let all: Vec<WorkGroupSummary> = st
        .work_groups
        .values()
        .map(|g| WorkGroupSummary {
            name: g.name.clone(),
            state: g.state.clone(),
            description: g.description.clone(),
            creation_time: g.creation_time,
            engine_version: g.configuration.engine_version.clone(),
        })
        .collect();
    let start = crate::paging::start(i.next_token.as_deref())?;
    let max = i.max_results.unwrap_or(50);
    let next = (start + max < all.len()).then(|| crate::paging::token(start + max));
    let page: Vec<&WorkGroupSummary> = all.iter().skip(start).take(max).collect();
    Ok(Reply::shape("ListWorkGroupsOutput", json!({ "WorkGroups": page, "NextToken": next })))
}

pub(crate) fn create(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: GroupInput = input(call)?;
    let name = i.name.unwrap_or_default();
    let configuration = i.configuration.unwrap_or_default();
    if let Some(loc) = configuration.result_configuration.as_ref().and_then(|r| r.output_location.as_deref()) {
        crate::queries::split_output_location(loc)?;
    }
    let mut st = service.state.lock();
    if st.work_groups.contains_key(&name) {
        return Err(AthenaError::InvalidRequest(format!("WorkGroup is already created: {name}")));
    }
    let group = WorkGroup {
        name: name.clone(),
        state: "ENABLED".to_owned(),
        configuration,
        description: i.description.unwrap_or_default(),
        creation_time: seconds(service.env.now_ms()),
    };
    st.work_groups.insert(name, group);
    service.state.save_work_groups(&st)?;
    Ok(Reply::shape("CreateWorkGroupOutput", json!({})))
}

pub(crate) fn delete(service: &AthenaService, call: Call<'_>) -> Result<Reply, AthenaError> {
    let i: GroupInput = input(call)?;
    let name = i.work_group.unwrap_or_default();
    if name == "primary" {
        return Err(AthenaError::InvalidRequest("Cannot delete primary workgroup".to_owned()));
    }
    let _ = i.recursive_delete_option;
    let mut st = service.state.lock();
    st.work_groups.remove(&name).ok_or_else(|| missing(&name))?;
    service.state.save_work_groups(&st)?;
    Ok(Reply::shape("DeleteWorkGroupOutput", json!({})))
}
