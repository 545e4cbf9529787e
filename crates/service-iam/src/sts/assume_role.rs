//! AssumeRole: the role must exist in this account and its trust policy must allow the caller;
//! the answer is `ASIA…` credentials for `arn:aws:sts::{account}:assumed-role/{role}/{session}`,
//! valid `DurationSeconds` (900 up to the role's maximum; one hour when a role session assumes
//! a role, AWS's role-chaining limit).

use iam_policy::PolicyKind;
use iam_store::{OwnerKind, SessionPrincipal};
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::IamService;
use crate::documents;
use crate::error::{IamError, IamResult};
use crate::model::{STS, input};
use crate::names::role_arn_parts;
use crate::sts::credentials::{Credentials, issue};
use crate::sts::trust::{TrustCaller, allows};

/// AWS's limit for a role session assuming another role (seconds).
const ROLE_CHAINING_LIMIT_S: i64 = 3600;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssumeRoleRequest {
    role_arn: String,
    role_session_name: String,
    duration_seconds: Option<i64>,
    policy: Option<String>,
}

/// `AssumedRoleUser`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AssumedRoleUser {
    assumed_role_id: String,
    arn: String,
}

/// `AssumeRoleResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AssumeRoleResponse {
    credentials: Credentials,
    assumed_role_user: AssumedRoleUser,
}

pub(crate) fn assume_role(svc: &IamService, call: &Call<'_>) -> IamResult<AssumeRoleResponse> {
    let req: AssumeRoleRequest = input(&STS, "AssumeRoleRequest", call)?;
    let caller = svc.env.caller(call.ctx);
    let denied = || {
        IamError::AccessDenied(format!(
            "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
            caller.arn, req.role_arn
        ))
    };
    if let Some(policy) = &req.policy {
        documents::check(policy, PolicyKind::Identity)?;
    }
    let (account, name) = role_arn_parts(&req.role_arn).ok_or_else(denied)?;
    let (role, chained) = {
        let state = svc.store.read();
        let role = state.role(name).filter(|r| account == svc.env.account_id && r.arn == req.role_arn).cloned();
        let role = role.ok_or_else(denied)?;
        let owner = call.ctx.access_key.as_deref().and_then(|k| state.owner_of_key(k));
        let mut trust_caller = TrustCaller::new(&caller.arn, &caller.account);
        let chained = match owner.as_ref().map(|o| &o.kind) {
            Some(OwnerKind::AssumedRole { role_name, .. }) => {
                if let Some(source_role) = state.role(role_name) {
                    trust_caller.arns.push(source_role.arn.clone());
                }
                true
            }
            Some(_) => false,
            None => caller.arn.contains(":assumed-role/"),
        };
        let policy = iam_policy::parse(&role.assume_role_policy, PolicyKind::Trust)
            .map_err(|e| IamError::MalformedPolicyDocument(e.message))?;
        if !allows(&policy, &trust_caller) {
            return Err(denied());
        }
        (role, chained)
    };
    let duration = req.duration_seconds.unwrap_or(3600);
    if chained && duration > ROLE_CHAINING_LIMIT_S {
        return Err(IamError::Validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.".to_owned(),
        ));
    }
    if duration > role.max_session_duration {
        return Err(IamError::Validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.".to_owned(),
        ));
    }
    let arn = format!("arn:aws:sts::{}:assumed-role/{}/{}", svc.env.account_id, role.name, req.role_session_name);
    let principal = SessionPrincipal::AssumedRole {
        role_name: role.name.clone(),
        role_arn: role.arn.clone(),
        role_id: role.id.clone(),
        session_name: req.role_session_name.clone(),
        arn: arn.clone(),
    };
    let credentials = issue(svc, principal, &caller.arn, duration)?;
    let now = svc.env.now_ms();
    let region = call.ctx.region.clone();
    svc.store.update(|state| {
        if let Some(r) = state.roles.get_mut(&role.name.to_lowercase()) {
            r.last_used = Some((now, region));
        }
        Ok::<_, IamError>(())
    })?;
    Ok(AssumeRoleResponse {
        credentials,
        assumed_role_user: AssumedRoleUser { assumed_role_id: format!("{}:{}", role.id, req.role_session_name), arn },
    })
}
