//! Roles: CreateRole, GetRole, DeleteRole, ListRoles, UpdateAssumeRolePolicy, TagRole,
//! UntagRole, ListRoleTags.

use iam_policy::PolicyKind;
use iam_store::Role as StoredRole;
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::IamService;
use crate::documents::{self, TRUST_POLICY_QUOTA};
use crate::error::{IamError, IamResult};
use crate::model::{IAM, input};
use crate::names;
use crate::paging::page;
use crate::shapes::{Role, Tag};

/// The most tags an IAM entity carries.
pub(crate) const MAX_TAGS: usize = 50;

/// IAM's answer for a role that does not exist.
pub(crate) fn no_such_role(name: &str) -> IamError {
    IamError::NoSuchEntity(format!("The role with name {name} cannot be found."))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateRoleRequest {
    role_name: String,
    assume_role_policy_document: String,
    path: Option<String>,
    description: Option<String>,
    max_session_duration: Option<i64>,
    tags: Option<Vec<Tag>>,
}

/// `CreateRoleResponse`, `GetRoleResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RoleResponse {
    role: Role,
}

pub(crate) fn create_role(svc: &IamService, call: &Call<'_>) -> IamResult<RoleResponse> {
    let req: CreateRoleRequest = input(&IAM, "CreateRoleRequest", call)?;
    documents::within(documents::counted(&req.assume_role_policy_document), TRUST_POLICY_QUOTA)?;
    documents::check(&req.assume_role_policy_document, PolicyKind::Trust)?;
    let tags = checked_tags(req.tags.unwrap_or_default(), &[])?;
    let path = names::path_or_root(req.path);
    let seed = svc.seed();
    let now = svc.env.now_ms();
    let account = svc.env.account_id.clone();
    svc.store.update(|state| {
        let key = req.role_name.to_lowercase();
        if state.roles.contains_key(&key) {
            return Err(IamError::EntityAlreadyExists(format!("Role with name {} already exists.", req.role_name)));
        }
        let role = StoredRole {
            arn: names::arn(&account, "role", &path, &req.role_name),
            id: iam_store::ids::unique_id("AROA", &seed),
            name: req.role_name.clone(),
            path: path.clone(),
            created_ms: now,
            description: req.description.clone(),
            max_session_duration: req.max_session_duration.unwrap_or(3600),
            assume_role_policy: req.assume_role_policy_document.clone(),
            inline_policies: Default::default(),
            attached_policies: Vec::new(),
            tags,
            last_used: None,
        };
        let out = RoleResponse { role: Role::from_stored(&role, false) };
        state.roles.insert(key, role);
        Ok(out)
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct RoleNameRequest {
    pub(crate) role_name: String,
}

pub(crate) fn get_role(svc: &IamService, call: &Call<'_>) -> IamResult<RoleResponse> {
    let req: RoleNameRequest = input(&IAM, "GetRoleRequest", call)?;
    let state = svc.store.read();
    let role = state.role(&req.role_name).ok_or_else(|| no_such_role(&req.role_name))?;
    Ok(RoleResponse { role: Role::from_stored(role, true) })
}

pub(crate) fn delete_role(svc: &IamService, call: &Call<'_>) -> IamResult<()> {
    let req: RoleNameRequest = input(&IAM, "DeleteRoleRequest", call)?;
    svc.store.update(|state| {
        let key = req.role_name.to_lowercase();
        let role = state.roles.get(&key).ok_or_else(|| no_such_role(&req.role_name))?;
        if !role.inline_policies.is_empty() {
            return Err(IamError::DeleteConflict("Cannot delete entity, must delete policies first.".to_owned()));
        }
        if !role.attached_policies.is_empty() {
            return Err(IamError::DeleteConflict("Cannot delete entity, must detach all policies first.".to_owned()));
        }
        state.roles.remove(&key);
        Ok(())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListRolesRequest {
    path_prefix: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `ListRolesResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListRolesResponse {
    roles: Vec<Role>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

pub(crate) fn list_roles(svc: &IamService, call: &Call<'_>) -> IamResult<ListRolesResponse> {
    let req: ListRolesRequest = input(&IAM, "ListRolesRequest", call)?;
    let state = svc.store.read();
    let prefix = req.path_prefix.unwrap_or_else(|| "/".to_owned());
    let items = state
        .roles
        .iter()
        .filter(|(_, r)| r.path.starts_with(&prefix))
        .map(|(k, r)| {
            let mut role = Role::from_stored(r, false);
            role.tags = None;
            (k.clone(), role)
        })
        .collect();
    let p = page(items, req.marker.as_deref(), req.max_items)?;
    Ok(ListRolesResponse { roles: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateAssumeRolePolicyRequest {
    role_name: String,
    policy_document: String,
}

pub(crate) fn update_assume_role_policy(svc: &IamService, call: &Call<'_>) -> IamResult<()> {
    let req: UpdateAssumeRolePolicyRequest = input(&IAM, "UpdateAssumeRolePolicyRequest", call)?;
    if svc.store.read().role(&req.role_name).is_none() {
        return Err(no_such_role(&req.role_name));
    }
    documents::within(documents::counted(&req.policy_document), TRUST_POLICY_QUOTA)?;
    documents::check(&req.policy_document, PolicyKind::Trust)?;
    svc.store.update(|state| {
        let role = state.roles.get_mut(&req.role_name.to_lowercase()).ok_or_else(|| no_such_role(&req.role_name))?;
        role.assume_role_policy = req.policy_document.clone();
        Ok(())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagRoleRequest {
    role_name: String,
    tags: Vec<Tag>,
}

/// Tags after adding `new` to `existing` (a key already there takes the new value; keys compare
/// without regard to case, as IAM's do); IAM's errors for duplicates and the quota.
fn checked_tags(new: Vec<Tag>, existing: &[iam_store::Tag]) -> IamResult<Vec<iam_store::Tag>> {
    let mut seen = std::collections::BTreeSet::new();
    for t in &new {
        if !seen.insert(t.key.to_lowercase()) {
            return Err(IamError::InvalidInput(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.".to_owned(),
            ));
        }
    }
    let mut out: Vec<iam_store::Tag> = existing.to_vec();
    for t in new {
        match out.iter_mut().find(|e| e.key.eq_ignore_ascii_case(&t.key)) {
            Some(e) => e.value = t.value,
            None => out.push(t.into_stored()),
        }
    }
    if out.len() > MAX_TAGS {
        return Err(IamError::LimitExceeded(format!("The number of tags has reached the maximum limit of {MAX_TAGS}.")));
    }
    Ok(out)
}

pub(crate) fn tag_role(svc: &IamService, call: &Call<'_>) -> IamResult<()> {
    let req: TagRoleRequest = input(&IAM, "TagRoleRequest", call)?;
    svc.store.update(|state| {
        let role = state.roles.get_mut(&req.role_name.to_lowercase()).ok_or_else(|| no_such_role(&req.role_name))?;
        role.tags = checked_tags(req.tags, &role.tags)?;
        Ok(())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UntagRoleRequest {
    role_name: String,
    tag_keys: Vec<String>,
}

pub(crate) fn untag_role(svc: &IamService, call: &Call<'_>) -> IamResult<()> {
    let req: UntagRoleRequest = input(&IAM, "UntagRoleRequest", call)?;
    svc.store.update(|state| {
        let role = state.roles.get_mut(&req.role_name.to_lowercase()).ok_or_else(|| no_such_role(&req.role_name))?;
        role.tags.retain(|t| !req.tag_keys.iter().any(|k| k.eq_ignore_ascii_case(&t.key)));
        Ok(())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListRoleTagsRequest {
    role_name: String,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `ListRoleTagsResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListRoleTagsResponse {
    tags: Vec<Tag>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

pub(crate) fn list_role_tags(svc: &IamService, call: &Call<'_>) -> IamResult<ListRoleTagsResponse> {
    let req: ListRoleTagsRequest = input(&IAM, "ListRoleTagsRequest", call)?;
    let state = svc.store.read();
    let role = state.role(&req.role_name).ok_or_else(|| no_such_role(&req.role_name))?;
    let items = role.tags.iter().enumerate().map(|(i, t)| (format!("{i:08}"), Tag::from_stored(t))).collect();
    let p = page(items, req.marker.as_deref(), req.max_items)?;
    Ok(ListRoleTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}
