//! AWS IAM and AWS STS (both awsQuery) over the account's identities in iam-store: one service
//! answering two models, as Bedrock answers its runtime and control plane. Requests are read
//! against trimmed copies of the official models (`models/`), policy documents against the
//! policy grammar (iam-policy); replies are typed outputs named after the models' output shapes,
//! which the protocol layer wraps in `<{Op}Response><{Op}Result>`.
//!
//! | file | job |
//! |---|---|
//! | `api.rs` | the [`Service`](service_kit::Service) impl: the operations of both models, a call → its handler |
//! | `iam/roles.rs` | CreateRole, GetRole, DeleteRole, ListRoles, UpdateAssumeRolePolicy, Tag/Untag/ListRoleTags |
//! | `iam/inline.rs` | inline role and user policies: Put/Get/Delete/List |
//! | `iam/managed.rs` | managed policies: Create/Get/Delete/List, GetPolicyVersion |
//! | `iam/attach.rs` | Attach/Detach/ListAttached Role and User policies |
//! | `iam/users.rs` | CreateUser, GetUser, DeleteUser, ListUsers; "the calling user" |
//! | `iam/keys.rs` | access keys: Create/List/Delete/Update |
//! | `sts/caller.rs` | GetCallerIdentity |
//! | `sts/assume_role.rs`, `sts/trust.rs` | AssumeRole and the trust-policy check |
//! | `sts/session_token.rs`, `sts/credentials.rs` | GetSessionToken; temporary credentials issued as stored sessions |
//! | `model.rs` | request parameters → the input shape's JSON, validated (`ValidationError`) |
//! | `documents.rs` | policy documents: grammar (`MalformedPolicyDocument`) and size quotas |
//! | `shapes.rs` | shared output shapes; documents URL-encoded as IAM sends them |
//! | `names.rs`, `paging.rs` | ARNs from paths and names; `Marker`/`MaxItems` |
//! | `error.rs` | IAM's and STS's error codes and statuses |
//! | `authorization.rs` | each operation's IAM action and role/user/policy ARN; AssumeRole under the trust policy (`--enforce-iam`) |

mod api;
mod authorization;
mod documents;
mod error;
mod iam;
mod model;
mod names;
mod paging;
mod shapes;
mod sts;

use std::sync::Arc;

use iam_store::IamStore;
use service_kit::Environment;

/// IAM and STS over the account's identities.
#[derive(Debug)]
pub struct IamService {
    env: Environment,
    store: Arc<IamStore>,
}

impl IamService {
    /// The service over `store`.
    pub fn new(env: Environment, store: Arc<IamStore>) -> Self {
        Self { env, store }
    }

    /// A fresh seed for the ids, keys and secrets of one new entity.
    fn seed(&self) -> String {
        self.env.ids.request_id()
    }
}
