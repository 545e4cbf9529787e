//! The environment every service is given: one clock, one request-id generator, the account, the
//! default region, the resolver of callers' identities and the authorizer. Handlers never read the wall clock or
//! randomness directly; tests inject a manual clock and sequential ids here.

use std::sync::Arc;

use crate::{
    Identity, NoEnforcement, PrincipalIdentities, RequestContext, SharedAuthorizer, SharedClock, SharedIdentities, SharedIds,
    StartedClock, ids::RandomIds,
};

/// The account id written in records and ARNs when none is configured.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// The region of unsigned requests when none is configured.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The emulated account's environment.
#[derive(Debug, Clone)]
pub struct Environment {
    /// The clock every timestamp comes from.
    pub clock: SharedClock,
    /// The request-id generator.
    pub ids: SharedIds,
    /// The account id (records, ARNs).
    pub account_id: String,
    /// The region for unsigned requests (signed ones use their credential scope's region).
    pub default_region: String,
    /// Access key → the caller's identity (the account's IAM users and STS sessions, the
    /// `--principals` map, the default user).
    pub identities: SharedIdentities,
    /// The account's authorizer (service roles and resource policies under `--enforce-iam`;
    /// [`NoEnforcement`] otherwise).
    pub authorizer: SharedAuthorizer,
}

impl Default for Environment {
    /// Real time, random ids, the default account and region, no principal map.
    fn default() -> Self {
        Self {
            clock: Arc::new(StartedClock::system()),
            ids: Arc::new(RandomIds),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            default_region: DEFAULT_REGION.to_owned(),
            identities: Arc::new(PrincipalIdentities {
                principals: crate::Principals::default(),
                account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            }),
            authorizer: Arc::new(NoEnforcement),
        }
    }
}

impl Environment {
    /// The current instant, epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The identity of the caller of `ctx`.
    pub fn caller(&self, ctx: &RequestContext) -> Identity {
        self.identities.identify(ctx.access_key.as_deref())
    }

    /// The principal ARN of the caller of `ctx` (`identity.arn` of Bedrock's records).
    pub fn principal_arn(&self, ctx: &RequestContext) -> String {
        self.caller(ctx).arn
    }
}
