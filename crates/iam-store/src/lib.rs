//! The emulated account's identities, stored in the data directory: IAM users, roles, customer
//! managed policies (and AWS's, built in), inline policies, attachments, tags, access keys and STS
//! sessions. IAM and STS change it (service-iam); the server resolves each request's caller from
//! it; policy evaluation reads the policies that apply to a caller from it. No HTTP.
//!
//! | file | job |
//! |---|---|
//! | `entities.rs` | [`IamState`] and its entities, names unique without regard to case |
//! | `store.rs` | [`IamStore`]: the state in memory, saved atomically to `<data-dir>/iam/state.json` after each change |
//! | `lookup.rs` | access key → [`KeyOwner`]; an owner's identity policies |
//! | `aws_managed.rs` | the AWS managed policies (`data/aws-managed-policies.json`) |
//! | `ids.rs` | ids, keys, secrets and tokens derived from a caller-supplied seed |

pub mod aws_managed;
pub mod entities;
pub mod ids;
mod lookup;
mod store;

pub use entities::{
    AccessKey, IamState, InlinePolicy, KeyStatus, ManagedPolicy, PolicyVersion, Role, Session, SessionPrincipal, Tag, User,
};
pub use lookup::{AppliedPolicy, KeyOwner, OwnerKind};
pub use store::{IamStore, IamStoreError};
