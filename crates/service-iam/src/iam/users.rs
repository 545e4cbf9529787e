//! Users: CreateUser, GetUser, DeleteUser, ListUsers. A request without `UserName` (GetUser,
//! and the access-key operations) means the calling user.

use iam_store::User as StoredUser;
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::IamService;
use crate::error::{IamError, IamResult};
use crate::model::{IAM, input};
use crate::names;
use crate::paging::page;
use crate::shapes::{Tag, User};

/// IAM's answer for a user that does not exist.
pub(crate) fn no_such_user(name: &str) -> IamError {
    IamError::NoSuchEntity(format!("The user with name {name} cannot be found."))
}

/// The user a request names, or the calling user (IAM's `ValidationError` when the caller is not
/// a user: a role session).
pub(crate) fn named_or_caller(svc: &IamService, call: &Call<'_>, named: Option<String>) -> IamResult<String> {
    if let Some(name) = named {
        return Ok(name);
    }
    let caller = svc.env.caller(call.ctx);
    let resource = caller.arn.splitn(6, ':').nth(5).unwrap_or_default().to_owned();
    match resource.strip_prefix("user/") {
        Some(path_and_name) => Ok(path_and_name.rsplit('/').next().unwrap_or(path_and_name).to_owned()),
        None => Err(IamError::Validation("Must specify userName when calling with non-User credentials".to_owned())),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateUserRequest {
    user_name: String,
    path: Option<String>,
    tags: Option<Vec<Tag>>,
}

/// `CreateUserResponse`, `GetUserResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct UserResponse {
    user: User,
}

pub(crate) fn create_user(svc: &IamService, call: &Call<'_>) -> IamResult<UserResponse> {
    let req: CreateUserRequest = input(&IAM, "CreateUserRequest", call)?;
    let path = names::path_or_root(req.path);
    let seed = svc.seed();
    let now = svc.env.now_ms();
    let account = svc.env.account_id.clone();
    let tags: Vec<iam_store::Tag> = req.tags.unwrap_or_default().into_iter().map(Tag::into_stored).collect();
    if tags.len() > crate::iam::roles::MAX_TAGS {
        return Err(IamError::LimitExceeded("The number of tags has reached the maximum limit of 50.".to_owned()));
    }
    svc.store.update(|state| {
        let key = req.user_name.to_lowercase();
        if state.users.contains_key(&key) {
            return Err(IamError::EntityAlreadyExists(format!("User with name {} already exists.", req.user_name)));
        }
        let user = StoredUser {
            arn: names::arn(&account, "user", &path, &req.user_name),
            id: iam_store::ids::unique_id("AIDA", &seed),
            name: req.user_name.clone(),
            path: path.clone(),
            created_ms: now,
            inline_policies: Default::default(),
            attached_policies: Vec::new(),
            tags,
        };
        let out = UserResponse { user: User::from_stored(&user) };
        state.users.insert(key, user);
        Ok(out)
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OptionalUserRequest {
    user_name: Option<String>,
}

pub(crate) fn get_user(svc: &IamService, call: &Call<'_>) -> IamResult<UserResponse> {
    let req: OptionalUserRequest = input(&IAM, "GetUserRequest", call)?;
    let name = named_or_caller(svc, call, req.user_name)?;
    let state = svc.store.read();
    let user = state.user(&name).ok_or_else(|| no_such_user(&name))?;
    Ok(UserResponse { user: User::from_stored(user) })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserNameRequest {
    user_name: String,
}

pub(crate) fn delete_user(svc: &IamService, call: &Call<'_>) -> IamResult<()> {
    let req: UserNameRequest = input(&IAM, "DeleteUserRequest", call)?;
    svc.store.update(|state| {
        let key = req.user_name.to_lowercase();
        let user = state.users.get(&key).ok_or_else(|| no_such_user(&req.user_name))?;
        let conflict = |what: &str| Err(IamError::DeleteConflict(format!("Cannot delete entity, must {what} first.")));
        if !user.inline_policies.is_empty() {
            return conflict("delete policies");
        }
        if !user.attached_policies.is_empty() {
            return conflict("detach all policies");
        }
        if state.access_keys.values().any(|k| k.user_name.eq_ignore_ascii_case(&req.user_name)) {
            return conflict("delete access keys");
        }
        state.users.remove(&key);
        Ok(())
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListUsersRequest {
    path_prefix: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// `ListUsersResponse`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListUsersResponse {
    users: Vec<User>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

pub(crate) fn list_users(svc: &IamService, call: &Call<'_>) -> IamResult<ListUsersResponse> {
    let req: ListUsersRequest = input(&IAM, "ListUsersRequest", call)?;
    let state = svc.store.read();
    let prefix = req.path_prefix.unwrap_or_else(|| "/".to_owned());
    let items = state
        .users
        .iter()
        .filter(|(_, u)| u.path.starts_with(&prefix))
        .map(|(k, u)| {
            let mut user = User::from_stored(u);
            user.tags = None;
            (k.clone(), user)
        })
        .collect();
    let p = page(items, req.marker.as_deref(), req.max_items)?;
    Ok(ListUsersResponse { users: p.items, is_truncated: p.is_truncated, marker: p.marker })
}
