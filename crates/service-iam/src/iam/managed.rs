//! Managed policies: CreatePolicy, GetPolicy, DeletePolicy, ListPolicies, GetPolicyVersion. The
//! account's policies sit beside AWS's (built into iam-store); AWS's cannot be deleted.

use aws_protocol::Timestamp;
use iam_policy::PolicyKind;
use iam_store::{ManagedPolicy, PolicyVersion as StoredVersion};
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::IamService;
use crate::documents::{self, MANAGED_POLICY_QUOTA};
use crate::error::{IamError, IamResult};
use crate::model::{IAM, input};
use crate::names;
use crate::paging::page;
use crate::shapes::{Policy, Tag, encoded_document};

/// IAM's answer for a managed policy that does not exist.
pub(crate) fn no_such_policy(arn: &str) -> IamError {
    IamError::NoSuchEntity(format!("Policy {arn} was not found."))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreatePolicyRequest {
    policy_name: String,
    path: Option<String>,
    policy_document: String,
    description: Option<String>,
    tags: Option<Vec<Tag>>,
}

/// `CreatePolicyResponse`, `GetPolicyResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PolicyResponse {
    policy: Policy,
}

pub(crate) fn create_policy(svc: &IamService, call: &Call<'_>) -> IamResult<PolicyResponse> {
    let req: CreatePolicyRequest = input(&IAM, "CreatePolicyRequest", call)?;
    documents::within(documents::counted(&req.policy_document), MANAGED_POLICY_QUOTA)?;
    documents::check(&req.policy_document, PolicyKind::Identity)?;
    let path = names::path_or_root(req.path);
    let arn = names::arn(&svc.env.account_id, "policy", &path, &req.policy_name);
    let seed = svc.seed();
    let now = svc.env.now_ms();
    svc.store.update(|state| {
        let taken = state.policies.values().any(|p| p.name.eq_ignore_ascii_case(&req.policy_name) && p.path == path);
        if taken {
            return Err(IamError::EntityAlreadyExists(format!(
                "A policy called {} already exists. Duplicate names are not allowed.",
                req.policy_name
            )));
        }
        let policy = ManagedPolicy {
            name: req.policy_name.clone(),
            path: path.clone(),
            id: iam_store::ids::unique_id("ANPA", &seed),
            arn: arn.clone(),
            description: req.description.clone(),
            created_ms: now,
            updated_ms: now,
            default_version: "v1".to_owned(),
            versions: vec![StoredVersion { id: "v1".to_owned(), document: req.policy_document.clone(), created_ms: now }],
            tags: req.tags.clone().unwrap_or_default().into_iter().map(Tag::into_stored).collect(),
        };
        let out = PolicyResponse { policy: Policy::from_stored(&policy, 0, false) };
        state.policies.insert(arn.clone(), policy);
        Ok(out)
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyArnRequest {
    policy_arn: String,
    version_id: Option<String>,
}

pub(crate) fn get_policy(svc: &IamService, call: &Call<'_>) -> IamResult<PolicyResponse> {
    let req: PolicyArnRequest = input(&IAM, "GetPolicyRequest", call)?;
    names::check_policy_arn(&req.policy_arn)?;
    let state = svc.store.read();
    let policy = state.policy(&req.policy_arn).ok_or_else(|| no_such_policy(&req.policy_arn))?;
    Ok(PolicyResponse { policy: Policy::from_stored(policy, state.attachment_count(&policy.arn), true) })
}

pub(crate) fn delete_policy(svc: &IamService, call: &Call<'_>) -> IamResult<()> {
    let req: PolicyArnRequest = input(&IAM, "DeletePolicyRequest", call)?;
    names::check_policy_arn(&req.policy_arn)?;
    svc.store.update(|state| {
        if !state.policies.contains_key(&req.policy_arn) {
            return Err(no_such_policy(&req.policy_arn));
        }
        if state.attachment_count(&req.policy_arn) > 0 {
            return Err(IamError::DeleteConflict("Cannot delete a policy attached to entities.".to_owned()));
        }
        state.policies.remove(&req.policy_arn);
        Ok(())
    })
}

/// `PolicyVersion`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PolicyVersion {
    document: String,
    version_id: String,
    is_default_version: bool,
    create_date: Timestamp,
}

/// `GetPolicyVersionResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct GetPolicyVersionResponse {
    policy_version: PolicyVersion,
}

pub(crate) fn get_policy_version(svc: &IamService, call: &Call<'_>) -> IamResult<GetPolicyVersionResponse> {
    let req: PolicyArnRequest = input(&IAM, "GetPolicyVersionRequest", call)?;
    names::check_policy_arn(&req.policy_arn)?;
    let version_id = req.version_id.unwrap_or_default();
    let state = svc.store.read();
    let policy = state.policy(&req.policy_arn).ok_or_else(|| no_such_policy(&req.policy_arn))?;
    let version = policy.version(&version_id).ok_or_else(|| {
        IamError::NoSuchEntity(format!("Policy {} version {version_id} does not exist or is not attachable.", req.policy_arn))
    })?;
    Ok(GetPolicyVersionResponse {
        policy_version: PolicyVersion {
            document: encoded_document(&version.document),
            version_id: version.id.clone(),
            is_default_version: version.id == policy.default_version,
            create_date: Timestamp::from_epoch_millis(version.created_ms),
        },
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListPoliciesRequest {
    scope: Option<String>,
    only_attached: Option<bool>,
    path_prefix: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `ListPoliciesResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListPoliciesResponse {
    policies: Vec<Policy>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

pub(crate) fn list_policies(svc: &IamService, call: &Call<'_>) -> IamResult<ListPoliciesResponse> {
    let req: ListPoliciesRequest = input(&IAM, "ListPoliciesRequest", call)?;
    let state = svc.store.read();
    let scope = req.scope.as_deref().unwrap_or("All");
    let prefix = req.path_prefix.unwrap_or_else(|| "/".to_owned());
    let local = state.policies.values().filter(|_| scope != "AWS");
    let aws = iam_store::aws_managed::policies().iter().filter(|_| scope != "Local");
    let items = aws
        .chain(local)
        .filter(|p| p.path.starts_with(&prefix))
        .filter_map(|p| {
            let count = state.attachment_count(&p.arn);
            if req.only_attached == Some(true) && count == 0 {
                return None;
            }
            let mut policy = Policy::from_stored(p, count, false);
            policy.tags = None;
            Some((format!("{}{}", p.name.to_lowercase(), p.arn), policy))
        })
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let p = page(items, req.marker.as_deref(), req.max_items)?;
    Ok(ListPoliciesResponse { policies: p.items, is_truncated: p.is_truncated, marker: p.marker })
}
