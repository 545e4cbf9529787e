//! The service's entry point: the IAM and STS operations it answers and, for one call, the
//! operation's handler. A caller whose temporary credentials have expired gets `ExpiredToken`
//! from every operation, as from AWS.

use std::sync::Arc;

use aws_protocol::{Reply, ServiceId};
use serde::Serialize;
use service_kit::{Call, CallFuture, Service};

use crate::IamService;
use crate::error::{IamError, IamResult};
use crate::iam::inline::Owner;
use crate::iam::{attach, inline, keys, managed, roles, users};
use crate::sts::{assume_role, caller, session_token};

/// The operations answered, per model.
const OPERATIONS: &[(ServiceId, &str)] = &[
    (ServiceId::Sts, "GetCallerIdentity"),
    (ServiceId::Sts, "AssumeRole"),
    (ServiceId::Sts, "GetSessionToken"),
    (ServiceId::Iam, "CreateRole"),
    (ServiceId::Iam, "GetRole"),
    (ServiceId::Iam, "DeleteRole"),
    (ServiceId::Iam, "ListRoles"),
    (ServiceId::Iam, "UpdateAssumeRolePolicy"),
    (ServiceId::Iam, "TagRole"),
    (ServiceId::Iam, "UntagRole"),
    (ServiceId::Iam, "ListRoleTags"),
    (ServiceId::Iam, "PutRolePolicy"),
    (ServiceId::Iam, "GetRolePolicy"),
    (ServiceId::Iam, "DeleteRolePolicy"),
    (ServiceId::Iam, "ListRolePolicies"),
    (ServiceId::Iam, "PutUserPolicy"),
    (ServiceId::Iam, "GetUserPolicy"),
    (ServiceId::Iam, "DeleteUserPolicy"),
    (ServiceId::Iam, "ListUserPolicies"),
    (ServiceId::Iam, "CreatePolicy"),
    (ServiceId::Iam, "GetPolicy"),
    (ServiceId::Iam, "DeletePolicy"),
    (ServiceId::Iam, "ListPolicies"),
    (ServiceId::Iam, "GetPolicyVersion"),
    (ServiceId::Iam, "AttachRolePolicy"),
    (ServiceId::Iam, "DetachRolePolicy"),
    (ServiceId::Iam, "ListAttachedRolePolicies"),
    (ServiceId::Iam, "AttachUserPolicy"),
    (ServiceId::Iam, "DetachUserPolicy"),
    (ServiceId::Iam, "ListAttachedUserPolicies"),
    (ServiceId::Iam, "CreateUser"),
    (ServiceId::Iam, "GetUser"),
    (ServiceId::Iam, "DeleteUser"),
    (ServiceId::Iam, "ListUsers"),
    (ServiceId::Iam, "CreateAccessKey"),
    (ServiceId::Iam, "ListAccessKeys"),
    (ServiceId::Iam, "DeleteAccessKey"),
    (ServiceId::Iam, "UpdateAccessKey"),
];

impl Service for IamService {
    fn operations(&self) -> &'static [(ServiceId, &'static str)] {
        OPERATIONS
    }

    fn call<'a>(self: Arc<Self>, call: Call<'a>) -> CallFuture<'a> {
        Box::pin(async move { answer(&self, &call).map_err(|err| err.to_aws_error()) })
    }

    fn authorization(&self, call: &Call<'_>) -> service_kit::Authorization {
        crate::authorization::authorization(self, call)
    }
}

/// A typed output in a reply (the name is the model's output shape; awsQuery wraps the members
/// in `<{Op}Result>` whatever it is).
fn shape<T: Serialize + Send + Sync + 'static>(name: &'static str, result: IamResult<T>) -> IamResult<Reply> {
    result.map(|value| Reply::shape(name, value))
}

fn empty(result: IamResult<()>) -> IamResult<Reply> {
    result.map(|()| Reply::empty())
}

/// One call's answer.
fn answer(svc: &IamService, call: &Call<'_>) -> IamResult<Reply> {
    if let Some(key) = call.ctx.access_key.as_deref()
        && svc.store.read().owner_of_key(key).is_some_and(|o| o.expired(svc.env.now_ms()))
    {
        return Err(IamError::ExpiredToken);
    }
    match call.operation() {
        "GetCallerIdentity" => shape("GetCallerIdentityResponse", caller::get_caller_identity(svc, call)),
        "AssumeRole" => shape("AssumeRoleResponse", assume_role::assume_role(svc, call)),
        "GetSessionToken" => shape("GetSessionTokenResponse", session_token::get_session_token(svc, call)),
        "CreateRole" => shape("CreateRoleResponse", roles::create_role(svc, call)),
        "GetRole" => shape("GetRoleResponse", roles::get_role(svc, call)),
        "DeleteRole" => empty(roles::delete_role(svc, call)),
        "ListRoles" => shape("ListRolesResponse", roles::list_roles(svc, call)),
        "UpdateAssumeRolePolicy" => empty(roles::update_assume_role_policy(svc, call)),
        "TagRole" => empty(roles::tag_role(svc, call)),
        "UntagRole" => empty(roles::untag_role(svc, call)),
        "ListRoleTags" => shape("ListRoleTagsResponse", roles::list_role_tags(svc, call)),
        "PutRolePolicy" => empty(inline::put(svc, call, Owner::Role)),
        "GetRolePolicy" => shape("GetRolePolicyResponse", inline::get(svc, call, Owner::Role)),
        "DeleteRolePolicy" => empty(inline::delete(svc, call, Owner::Role)),
        "ListRolePolicies" => shape("ListRolePoliciesResponse", inline::list(svc, call, Owner::Role)),
        "PutUserPolicy" => empty(inline::put(svc, call, Owner::User)),
        "GetUserPolicy" => shape("GetUserPolicyResponse", inline::get(svc, call, Owner::User)),
        "DeleteUserPolicy" => empty(inline::delete(svc, call, Owner::User)),
        "ListUserPolicies" => shape("ListUserPoliciesResponse", inline::list(svc, call, Owner::User)),
        "CreatePolicy" => shape("CreatePolicyResponse", managed::create_policy(svc, call)),
        "GetPolicy" => shape("GetPolicyResponse", managed::get_policy(svc, call)),
        "DeletePolicy" => empty(managed::delete_policy(svc, call)),
        "ListPolicies" => shape("ListPoliciesResponse", managed::list_policies(svc, call)),
        "GetPolicyVersion" => shape("GetPolicyVersionResponse", managed::get_policy_version(svc, call)),
        "AttachRolePolicy" => empty(attach::attach(svc, call, Owner::Role)),
        "DetachRolePolicy" => empty(attach::detach(svc, call, Owner::Role)),
        "ListAttachedRolePolicies" => shape("ListAttachedRolePoliciesResponse", attach::list(svc, call, Owner::Role)),
        "AttachUserPolicy" => empty(attach::attach(svc, call, Owner::User)),
        "DetachUserPolicy" => empty(attach::detach(svc, call, Owner::User)),
        "ListAttachedUserPolicies" => shape("ListAttachedUserPoliciesResponse", attach::list(svc, call, Owner::User)),
        "CreateUser" => shape("CreateUserResponse", users::create_user(svc, call)),
        "GetUser" => shape("GetUserResponse", users::get_user(svc, call)),
        "DeleteUser" => empty(users::delete_user(svc, call)),
        "ListUsers" => shape("ListUsersResponse", users::list_users(svc, call)),
        "CreateAccessKey" => shape("CreateAccessKeyResponse", keys::create_access_key(svc, call)),
        "ListAccessKeys" => shape("ListAccessKeysResponse", keys::list_access_keys(svc, call)),
        "DeleteAccessKey" => empty(keys::delete_access_key(svc, call)),
        "UpdateAccessKey" => empty(keys::update_access_key(svc, call)),
        other => Err(IamError::Validation(format!("The operation {other} is not implemented by this emulator"))),
    }
}
