//! What every emulated AWS service is given, and nothing more: the [`Environment`] (the
//! injectable clock, the request-id generator, the account, the default region, the resolver of
//! callers' identities), the [`RequestContext`] of one call, and opaque paging tokens. Services share
//! stores through their own crates (log-store, object-store); they never reach into each other
//! or into the server.
//!
//! | file | job |
//! |---|---|
//! | `env.rs` | [`Environment`]: clock, ids, account, default region, the identity resolver |
//! | `context.rs` | [`RequestContext`]: request id, caller's access key, region |
//! | `identity.rs` | [`Identities`]: access key → [`Identity`] (ARN, user id, account); [`PrincipalIdentities`] over the map |
//! | `principals.rs` | [`Principals`]: the `--principals` map, access key → principal ARN |
//! | `clock.rs` | [`Clock`]: real, started-at, manual, adjustable (forward only); epoch ms ↔ UTC; ISO 8601 durations |
//! | `ids.rs` | [`IdGen`]: random UUIDs or sequential test ids |
//! | `opaque.rs` | opaque continuation tokens (hex of a position) |
//! | `service.rs` | [`Service`]: what a service implements; [`Call`]: what it is handed |
//! | `authorize.rs` | [`Authorization`] (what a call needs), [`Authorizer`] (service roles, resource policies), [`Enforcement`] |
//! | `wait.rs` | [`Sleeper`]: waiting on the emulator's time (real time, or by moving the clock in tests) |

mod authorize;
pub mod clock;
mod context;
mod env;
mod identity;
pub mod ids;
pub mod opaque;
mod principals;
mod service;
pub mod wait;

pub use authorize::{
    Authorization, Authorizer, Enforcement, NoEnforcement, Permission, ResourcePolicy, ResourcePolicyKind, RoleRefusal,
    SharedAuthorizer, action_prefix,
};
pub use clock::{AdjustableClock, Clock, ClockError, ManualClock, SharedClock, StartedClock};
pub use context::RequestContext;
pub use env::{DEFAULT_ACCOUNT_ID, DEFAULT_REGION, Environment};
pub use identity::{Identities, Identity, PrincipalIdentities, SharedIdentities};
pub use ids::{IdGen, RandomIds, SequentialIds, SharedIds};
pub use principals::Principals;
pub use service::{Call, CallFuture, Service};
pub use wait::{AdvanceClock, RealTime, SharedSleeper, Sleeper};
