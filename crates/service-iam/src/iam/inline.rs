//! Inline policies of roles and users: Put/Get/Delete/List RolePolicy and UserPolicy. Both
//! kinds share one implementation over [`Owner`].

use std::collections::BTreeMap;

use iam_policy::PolicyKind;
use iam_store::{IamState, InlinePolicy};
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::IamService;
use crate::documents::{self, ROLE_INLINE_QUOTA, USER_INLINE_QUOTA};
use crate::error::{IamError, IamResult};
use crate::iam::roles::no_such_role;
use crate::iam::users::no_such_user;
use crate::model::{IAM, input};
use crate::paging::page;
use crate::shapes::encoded_document;

/// Whose inline policies an operation reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    Role,
    User,
}

impl Owner {
    /// The request member naming the owner, and the operation's shape prefix.
    fn member(self) -> &'static str {
        match self {
            Owner::Role => "Role",
            Owner::User => "User",
        }
    }

    fn missing(self, name: &str) -> IamError {
        match self {
            Owner::Role => no_such_role(name),
            Owner::User => no_such_user(name),
        }
    }

    fn quota(self) -> (&'static str, usize) {
        match self {
            Owner::Role => ROLE_INLINE_QUOTA,
            Owner::User => USER_INLINE_QUOTA,
        }
    }

    fn policies<'s>(self, state: &'s IamState, name: &str) -> IamResult<&'s BTreeMap<String, InlinePolicy>> {
        match self {
            Owner::Role => state.role(name).map(|r| &r.inline_policies),
            Owner::User => state.user(name).map(|u| &u.inline_policies),
        }
        .ok_or_else(|| self.missing(name))
    }

    fn policies_mut<'s>(self, state: &'s mut IamState, name: &str) -> IamResult<&'s mut BTreeMap<String, InlinePolicy>> {
        let key = name.to_lowercase();
        match self {
            Owner::Role => state.roles.get_mut(&key).map(|r| &mut r.inline_policies),
            Owner::User => state.users.get_mut(&key).map(|u| &mut u.inline_policies),
        }
        .ok_or_else(|| self.missing(name))
    }

    /// The owner's name in a request document (`RoleName` / `UserName`).
    fn name_of(self, value: &serde_json::Value) -> String {
        value.get(format!("{}Name", self.member())).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
    }
}

/// IAM's answer for an inline policy that does not exist.
fn no_such_policy(owner: Owner, name: &str) -> IamError {
    let kind = match owner {
        Owner::Role => "role",
        Owner::User => "user",
    };
    IamError::NoSuchEntity(format!("The {kind} policy with name {name} cannot be found."))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyRequest {
    policy_name: String,
    policy_document: Option<String>,
}

pub(crate) fn put(svc: &IamService, call: &Call<'_>, owner: Owner) -> IamResult<()> {
    let shape = format!("Put{}PolicyRequest", owner.member());
    let value: serde_json::Value = input(&IAM, &shape, call)?;
    let name = owner.name_of(&value);
    let req: PolicyRequest = serde_json::from_value(value).map_err(|e| IamError::Validation(e.to_string()))?;
    let document = req.policy_document.unwrap_or_default();
    owner.policies(&svc.store.read(), &name)?;
    documents::check(&document, PolicyKind::Identity)?;
    svc.store.update(|state| {
        let policies = owner.policies_mut(state, &name)?;
        let key = req.policy_name.to_lowercase();
        let others: usize = policies.iter().filter(|(k, _)| **k != key).map(|(_, p)| documents::counted(&p.document)).sum();
        documents::within(others + documents::counted(&document), owner.quota())?;
        let policy_name = policies.get(&key).map_or(req.policy_name.clone(), |p| p.name.clone());
        policies.insert(key, InlinePolicy { name: policy_name, document });
        Ok(())
    })
}

/// `GetRolePolicyResponse` / `GetUserPolicyResponse`: the owner's name member differs, so the
/// members are written in order by hand.
#[derive(Serialize)]
pub(crate) struct GetPolicyResponse {
    #[serde(rename = "RoleName", skip_serializing_if = "Option::is_none")]
    role_name: Option<String>,
    #[serde(rename = "UserName", skip_serializing_if = "Option::is_none")]
    user_name: Option<String>,
    #[serde(rename = "PolicyName")]
    policy_name: String,
    #[serde(rename = "PolicyDocument")]
    policy_document: String,
}

pub(crate) fn get(svc: &IamService, call: &Call<'_>, owner: Owner) -> IamResult<GetPolicyResponse> {
    let shape = format!("Get{}PolicyRequest", owner.member());
    let value: serde_json::Value = input(&IAM, &shape, call)?;
    let name = owner.name_of(&value);
    let req: PolicyRequest = serde_json::from_value(value).map_err(|e| IamError::Validation(e.to_string()))?;
    let state = svc.store.read();
    let owner_name = match owner {
        Owner::Role => state.role(&name).map(|r| r.name.clone()),
        Owner::User => state.user(&name).map(|u| u.name.clone()),
    }
    .ok_or_else(|| owner.missing(&name))?;
    let policy = owner
        .policies(&state, &name)?
        .get(&req.policy_name.to_lowercase())
        .ok_or_else(|| no_such_policy(owner, &req.policy_name))?;
    Ok(GetPolicyResponse {
        role_name: (owner == Owner::Role).then(|| owner_name.clone()),
        user_name: (owner == Owner::User).then_some(owner_name),
        policy_name: policy.name.clone(),
        policy_document: encoded_document(&policy.document),
    })
}

pub(crate) fn delete(svc: &IamService, call: &Call<'_>, owner: Owner) -> IamResult<()> {
    let shape = format!("Delete{}PolicyRequest", owner.member());
    let value: serde_json::Value = input(&IAM, &shape, call)?;
    let name = owner.name_of(&value);
    let req: PolicyRequest = serde_json::from_value(value).map_err(|e| IamError::Validation(e.to_string()))?;
    svc.store.update(|state| {
        let policies = owner.policies_mut(state, &name)?;
        policies.remove(&req.policy_name.to_lowercase()).ok_or_else(|| no_such_policy(owner, &req.policy_name))?;
        Ok(())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListRequest {
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `ListRolePoliciesResponse` / `ListUserPoliciesResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListPoliciesResponse {
    policy_names: Vec<String>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

pub(crate) fn list(svc: &IamService, call: &Call<'_>, owner: Owner) -> IamResult<ListPoliciesResponse> {
    let shape = format!("List{}PoliciesRequest", owner.member());
    let value: serde_json::Value = input(&IAM, &shape, call)?;
    let name = owner.name_of(&value);
    let req: ListRequest = serde_json::from_value(value).map_err(|e| IamError::Validation(e.to_string()))?;
    let state = svc.store.read();
    let items = owner.policies(&state, &name)?.iter().map(|(k, p)| (k.clone(), p.name.clone())).collect();
    let p = page(items, req.marker.as_deref(), req.max_items)?;
    Ok(ListPoliciesResponse { policy_names: p.items, is_truncated: p.is_truncated, marker: p.marker })
}
