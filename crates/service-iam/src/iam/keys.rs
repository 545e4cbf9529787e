//! Access keys: CreateAccessKey, ListAccessKeys, DeleteAccessKey, UpdateAccessKey. At most two
//! per user (IAM's quota); the secret is shown once, at creation.

use aws_protocol::Timestamp;
use iam_store::{AccessKey as StoredKey, KeyStatus};
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::IamService;
use crate::error::{IamError, IamResult};
use crate::iam::users::{named_or_caller, no_such_user};
use crate::model::{IAM, input};
use crate::paging::page;

/// IAM's quota of access keys per user.
const KEYS_PER_USER: usize = 2;

fn no_such_key(id: &str) -> IamError {
    IamError::NoSuchEntity(format!("The Access Key with id {id} cannot be found."))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserRequest {
    user_name: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `AccessKey`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AccessKey {
    user_name: String,
    access_key_id: String,
    status: &'static str,
    secret_access_key: String,
    create_date: Timestamp,
}

/// `CreateAccessKeyResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CreateAccessKeyResponse {
    access_key: AccessKey,
}

pub(crate) fn create_access_key(svc: &IamService, call: &Call<'_>) -> IamResult<CreateAccessKeyResponse> {
    let req: UserRequest = input(&IAM, "CreateAccessKeyRequest", call)?;
    let name = named_or_caller(svc, call, req.user_name)?;
    let seed = svc.seed();
    let now = svc.env.now_ms();
    svc.store.update(|state| {
        let user = state.user(&name).ok_or_else(|| no_such_user(&name))?.name.clone();
        let owned = state.access_keys.values().filter(|k| k.user_name == user).count();
        if owned >= KEYS_PER_USER {
            return Err(IamError::LimitExceeded(format!("Cannot exceed quota for AccessKeysPerUser: {KEYS_PER_USER}")));
        }
        let key = StoredKey {
            id: iam_store::ids::access_key_id("AKIA", &seed),
            secret: iam_store::ids::secret(&seed),
            user_name: user,
            status: KeyStatus::Active,
            created_ms: now,
        };
        let out = AccessKey {
            user_name: key.user_name.clone(),
            access_key_id: key.id.clone(),
            status: key.status.as_str(),
            secret_access_key: key.secret.clone(),
            create_date: Timestamp::from_epoch_millis(now),
        };
        state.access_keys.insert(key.id.clone(), key);
        Ok(CreateAccessKeyResponse { access_key: out })
    })
}

/// `AccessKeyMetadata`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AccessKeyMetadata {
    user_name: String,
    access_key_id: String,
    status: &'static str,
    create_date: Timestamp,
}

/// `ListAccessKeysResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListAccessKeysResponse {
    access_key_metadata: Vec<AccessKeyMetadata>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

pub(crate) fn list_access_keys(svc: &IamService, call: &Call<'_>) -> IamResult<ListAccessKeysResponse> {
    let req: UserRequest = input(&IAM, "ListAccessKeysRequest", call)?;
    let name = named_or_caller(svc, call, req.user_name)?;
    let state = svc.store.read();
    let user = state.user(&name).ok_or_else(|| no_such_user(&name))?;
    let items = state
        .access_keys
        .values()
        .filter(|k| k.user_name == user.name)
        .map(|k| {
            let meta = AccessKeyMetadata {
                user_name: k.user_name.clone(),
                access_key_id: k.id.clone(),
                status: k.status.as_str(),
                create_date: Timestamp::from_epoch_millis(k.created_ms),
            };
            (format!("{:020}{}", k.created_ms, k.id), meta)
        })
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let p = page(items, req.marker.as_deref(), req.max_items)?;
    Ok(ListAccessKeysResponse { access_key_metadata: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeyRequest {
    user_name: Option<String>,
    access_key_id: String,
    status: Option<String>,
}

/// The key a Delete/UpdateAccessKey names, checked to belong to the named (or calling) user.
fn owned_key(svc: &IamService, call: &Call<'_>, req: &KeyRequest) -> IamResult<String> {
    let name = named_or_caller(svc, call, req.user_name.clone())?;
    let state = svc.store.read();
    let user = state.user(&name).ok_or_else(|| no_such_user(&name))?;
    match state.access_keys.get(&req.access_key_id) {
        Some(k) if k.user_name == user.name => Ok(k.id.clone()),
        _ => Err(no_such_key(&req.access_key_id)),
    }
}

pub(crate) fn delete_access_key(svc: &IamService, call: &Call<'_>) -> IamResult<()> {
    let req: KeyRequest = input(&IAM, "DeleteAccessKeyRequest", call)?;
    let id = owned_key(svc, call, &req)?;
    svc.store.update(|state| state.access_keys.remove(&id).map(drop).ok_or_else(|| no_such_key(&id)))
}

pub(crate) fn update_access_key(svc: &IamService, call: &Call<'_>) -> IamResult<()> {
    let req: KeyRequest = input(&IAM, "UpdateAccessKeyRequest", call)?;
    let status = match req.status.as_deref() {
        Some("Active") => KeyStatus::Active,
        Some("Inactive") => KeyStatus::Inactive,
        other => {
            return Err(IamError::Validation(format!(
                "1 validation error detected: Value '{}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]",
                other.unwrap_or_default()
            )));
        }
    };
    let id = owned_key(svc, call, &req)?;
    svc.store.update(|state| {
        let key = state.access_keys.get_mut(&id).ok_or_else(|| no_such_key(&id))?;
        key.status = status;
        Ok(())
    })
}
