//! Managed policies attached to roles and users: Attach/Detach/ListAttached RolePolicies and
//! UserPolicies, over [`Owner`].

use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::IamService;
use crate::error::{IamError, IamResult};
use crate::iam::inline::Owner;
use crate::iam::roles::no_such_role;
use crate::iam::users::no_such_user;
use crate::model::{IAM, input};
use crate::names;
use crate::paging::page;
use crate::shapes::AttachedPolicy;

/// The most managed policies attached to one role or user (IAM's default quota).
const MAX_ATTACHED: usize = 10;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AttachRequest {
    role_name: Option<String>,
    user_name: Option<String>,
    policy_arn: String,
}

fn owner_name(owner: Owner, role: Option<String>, user: Option<String>) -> String {
    match owner {
        Owner::Role => role,
        Owner::User => user,
    }
    .unwrap_or_default()
}

fn attached_mut<'s>(state: &'s mut iam_store::IamState, owner: Owner, name: &str) -> IamResult<&'s mut Vec<String>> {
    let key = name.to_lowercase();
    match owner {
        Owner::Role => state.roles.get_mut(&key).map(|r| &mut r.attached_policies).ok_or_else(|| no_such_role(name)),
        Owner::User => state.users.get_mut(&key).map(|u| &mut u.attached_policies).ok_or_else(|| no_such_user(name)),
    }
}

fn shape(owner: Owner, op: &str) -> String {
    match owner {
        Owner::Role => format!("{op}RolePolicyRequest"),
        Owner::User => format!("{op}UserPolicyRequest"),
    }
}

pub(crate) fn attach(svc: &IamService, call: &Call<'_>, owner: Owner) -> IamResult<()> {
    let req: AttachRequest = input(&IAM, &shape(owner, "Attach"), call)?;
    names::check_policy_arn(&req.policy_arn)?;
    let name = owner_name(owner, req.role_name, req.user_name);
    svc.store.update(|state| {
        if state.policy(&req.policy_arn).is_none() {
            return Err(IamError::NoSuchEntity(format!("Policy {} does not exist or is not attachable.", req.policy_arn)));
        }
        let attached = attached_mut(state, owner, &name)?;
        if attached.contains(&req.policy_arn) {
            return Ok(());
        }
        if attached.len() >= MAX_ATTACHED {
            let quota = match owner {
                Owner::Role => "PoliciesPerRole",
                Owner::User => "PoliciesPerUser",
            };
            return Err(IamError::LimitExceeded(format!("Cannot exceed quota for {quota}: {MAX_ATTACHED}")));
        }
        attached.push(req.policy_arn.clone());
        Ok(())
    })
}

pub(crate) fn detach(svc: &IamService, call: &Call<'_>, owner: Owner) -> IamResult<()> {
    let req: AttachRequest = input(&IAM, &shape(owner, "Detach"), call)?;
    names::check_policy_arn(&req.policy_arn)?;
    let name = owner_name(owner, req.role_name, req.user_name);
    svc.store.update(|state| {
        let attached = attached_mut(state, owner, &name)?;
        let before = attached.len();
        attached.retain(|a| a != &req.policy_arn);
        if attached.len() == before {
            return Err(IamError::NoSuchEntity(format!("Policy {} was not found.", req.policy_arn)));
        }
        Ok(())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListRequest {
    role_name: Option<String>,
    user_name: Option<String>,
    path_prefix: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `ListAttachedRolePoliciesResponse` / `ListAttachedUserPoliciesResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListAttachedResponse {
    attached_policies: Vec<AttachedPolicy>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

pub(crate) fn list(svc: &IamService, call: &Call<'_>, owner: Owner) -> IamResult<ListAttachedResponse> {
    let op_shape = match owner {
        Owner::Role => "ListAttachedRolePoliciesRequest",
        Owner::User => "ListAttachedUserPoliciesRequest",
    };
    let req: ListRequest = input(&IAM, op_shape, call)?;
    let name = owner_name(owner, req.role_name, req.user_name);
    let state = svc.store.read();
    let attached = match owner {
        Owner::Role => state.role(&name).map(|r| &r.attached_policies).ok_or_else(|| no_such_role(&name))?,
        Owner::User => state.user(&name).map(|u| &u.attached_policies).ok_or_else(|| no_such_user(&name))?,
    };
    let prefix = req.path_prefix.unwrap_or_else(|| "/".to_owned());
    let items = attached
        .iter()
        .enumerate()
        .filter_map(|(i, arn)| {
            let p = state.policy(arn)?;
            p.path
                .starts_with(&prefix)
                .then(|| (format!("{i:08}"), AttachedPolicy { policy_name: p.name.clone(), policy_arn: p.arn.clone() }))
        })
        .collect();
    let p = page(items, req.marker.as_deref(), req.max_items)?;
    Ok(ListAttachedResponse { attached_policies: p.items, is_truncated: p.is_truncated, marker: p.marker })
}
