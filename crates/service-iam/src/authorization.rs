//! What each IAM and STS operation is authorized against under `--enforce-iam`: `iam:{Op}` on
//! the role, user or managed policy it names (`arn:aws:iam::{account}:role{path}{name}`, the path
//! of the stored entity or the request's `Path`; the calling user when `UserName` is absent),
//! `*` for the listings; `sts:AssumeRole` on the role's ARN under its trust policy (a required
//! resource policy: without a statement trusting the caller, nobody assumes it);
//! GetCallerIdentity and GetSessionToken need no permission (AWS documents both).

use service_kit::{Authorization, Call, ResourcePolicy, ResourcePolicyKind};

use crate::IamService;
use crate::names::{arn, role_arn_parts};

/// The authorization of one call.
pub(crate) fn authorization(svc: &IamService, call: &Call<'_>) -> Authorization {
    let op = call.operation();
    let account = &svc.env.account_id;
    let param = |name: &str| call.request.form_param(name).map(str::to_owned);
    let state = svc.store.read();
    let role = |name: &str| match state.role(name) {
        Some(r) => r.arn.clone(),
        None => arn(account, "role", "/", name),
    };
    let user = |name: Option<String>| match name {
        Some(name) => state.user(&name).map_or_else(|| arn(account, "user", "/", &name), |u| u.arn.clone()),
        None => svc.env.caller(call.ctx).arn,
    };
    let action = format!("iam:{op}");
    match op {
        "GetCallerIdentity" | "GetSessionToken" => Authorization::none(),
        "AssumeRole" => {
            let role_arn = param("RoleArn").unwrap_or_default();
            let trust = role_arn_parts(&role_arn).and_then(|(_, name)| state.role(name)).map(|r| ResourcePolicy {
                source: format!("trust:{}", r.name),
                kind: ResourcePolicyKind::Trust,
                document: r.assume_role_policy.clone(),
                owner_account: account.clone(),
            });
            Authorization::action("sts:AssumeRole", role_arn).under(trust)
        }
        "ListRoles" | "ListUsers" | "ListPolicies" => Authorization::action(action, "*"),
        "CreateRole" => {
            let name = param("RoleName").unwrap_or_default();
            let path = param("Path").unwrap_or_else(|| "/".to_owned());
            Authorization::action(action, arn(account, "role", &path, &name))
        }
        "CreateUser" => {
            let name = param("UserName").unwrap_or_default();
            let path = param("Path").unwrap_or_else(|| "/".to_owned());
            Authorization::action(action, arn(account, "user", &path, &name))
        }
        "CreatePolicy" => {
            let name = param("PolicyName").unwrap_or_default();
            let path = param("Path").unwrap_or_else(|| "/".to_owned());
            Authorization::action(action, arn(account, "policy", &path, &name))
        }
        "GetPolicy" | "DeletePolicy" | "GetPolicyVersion" => {
            Authorization::action(action, param("PolicyArn").unwrap_or_default())
        }
        _ if op.contains("Role") => {
            let auth = Authorization::action(action, role(&param("RoleName").unwrap_or_default()));
            match param("PolicyArn") {
                Some(policy) => auth.key("iam:PolicyARN", policy),
                None => auth,
            }
        }
        _ => {
            let auth = Authorization::action(action, user(param("UserName")));
            match param("PolicyArn") {
                Some(policy) => auth.key("iam:PolicyARN", policy),
                None => auth,
            }
        }
    }
}
