//! Evaluation: whether a statement applies to a request (principal, action, resource,
//! conditions), a policy set's [`Decision`] (any matching `Deny` wins, else any matching
//! `Allow`, else the implicit deny), and [`authorize`]: identity policies together with a
//! resource-based policy (an S3 bucket policy, a role's trust policy) as AWS combines them
//! within an account and across accounts.

use iam_policy::Effect;

use crate::compile::{CompiledPolicy, CompiledStatement, PrincipalMatcher};
use crate::context::{Context, Principal};
use crate::pattern::arn_like;
use crate::variables::substitute;

/// One request to evaluate.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub principal: &'a Principal,
    /// `bedrock:InvokeModel` (any case).
    pub action: &'a str,
    /// The ARN authorized against (`*` for actions without resources).
    pub resource: &'a str,
    pub context: &'a Context,
}

/// The result of a set of policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Decision {
    Allow,
    /// No statement allows (nor denies).
    ImplicitDeny,
    /// A statement denies.
    ExplicitDeny,
}

/// How a statement's principal matched the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum PrincipalMatch {
    /// It does not.
    No,
    /// Through the caller's account (`123456789012`, `arn:aws:iam::123456789012:root`): the
    /// account delegates to its identity policies.
    Account,
    /// By the caller's own ARN, its role, its service name, or `*`.
    Specific,
}

/// A role's trust policy or a resource's policy, and the account that owns the resource.
#[derive(Debug, Clone, Copy)]
pub struct ResourcePolicy<'a> {
    pub policy: &'a CompiledPolicy,
    pub owner_account: &'a str,
    /// A trust policy: nothing is allowed without it (a bucket policy is optional).
    pub required: bool,
}

/// Why a request is denied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Denial {
    /// A `Deny` of the identity policy named.
    ExplicitIdentityDeny { policy: String },
    /// A `Deny` of the resource policy.
    ExplicitResourceDeny { policy: String },
    /// No identity policy allows.
    NoIdentityAllow,
    /// The resource policy (a trust policy, or a bucket across accounts) does not allow.
    NoResourceAllow,
}

impl Denial {
    /// The tail of AWS's AccessDenied sentence for this denial.
    pub fn because(&self, action: &str) -> String {
        match self {
            Denial::ExplicitIdentityDeny { .. } => "with an explicit deny in an identity-based policy".to_owned(),
            Denial::ExplicitResourceDeny { .. } => "with an explicit deny in a resource-based policy".to_owned(),
            Denial::NoIdentityAllow => format!("because no identity-based policy allows the {action} action"),
            Denial::NoResourceAllow => format!("because no resource-based policy allows the {action} action"),
        }
    }
}

impl CompiledStatement {
    /// Whether the action element covers `action` (lower-cased).
    pub(crate) fn action_matches(&self, action: &str) -> bool {
        let (not, patterns) = &self.actions;
        patterns.iter().any(|p| p.matches(action)) != *not
    }

    /// Whether the resource element covers `resource` (no element: every resource).
    pub(crate) fn resource_matches(&self, resource: &str, context: &Context) -> bool {
        let Some((not, patterns)) = &self.resources else { return true };
        let any = patterns.iter().any(|p| {
            if p.variables {
                substitute(&p.text, context).is_some_and(|t| arn_like(&t, resource))
            } else {
                arn_like(&p.text, resource)
            }
        });
        any != *not
    }

    /// How the principal element matches (no element: `Specific`, the identity policies' case).
    pub(crate) fn principal_match(&self, principal: &Principal) -> PrincipalMatch {
        let Some((not, matcher)) = &self.principal else { return PrincipalMatch::Specific };
        let m = match_principal(matcher, principal);
        match (not, m) {
            (false, m) => m,
            (true, PrincipalMatch::No) => PrincipalMatch::Specific,
            (true, _) => PrincipalMatch::No,
        }
    }

    /// Whether every condition holds.
    pub(crate) fn conditions_hold(&self, context: &Context) -> bool {
        self.conditions.iter().all(|c| c.holds(context))
    }
}

fn match_principal(matcher: &PrincipalMatcher, principal: &Principal) -> PrincipalMatch {
    let PrincipalMatcher::Named { aws, services } = matcher else { return PrincipalMatch::Specific };
    match principal {
        Principal::Service(name) => {
            if services.iter().any(|s| s.eq_ignore_ascii_case(name)) {
                PrincipalMatch::Specific
            } else {
                PrincipalMatch::No
            }
        }
        Principal::Anonymous => PrincipalMatch::No,
        Principal::Aws { arn, account, role_arn } => {
            let mut best = PrincipalMatch::No;
            for named in aws {
                if named == arn || role_arn.as_deref() == Some(named.as_str()) {
                    return PrincipalMatch::Specific;
                }
                if named == account || *named == format!("arn:aws:iam::{account}:root") {
                    best = PrincipalMatch::Account;
                }
            }
            best
        }
    }
}

/// The statement's verdict on a request, when it applies: its effect and how its principal matched.
fn applies(s: &CompiledStatement, req: &Request<'_>, action: &str) -> Option<(Effect, PrincipalMatch)> {
    if !s.action_matches(action) {
        return None;
    }
    let principal = s.principal_match(req.principal);
    if principal == PrincipalMatch::No || !s.resource_matches(req.resource, req.context) || !s.conditions_hold(req.context) {
        return None;
    }
    Some((s.effect, principal))
}

/// The decision of `policies` on `req`, and the best principal match of an allowing statement.
/// With the deny, the policy that denied.
pub(crate) fn decide<'p>(policies: &[&'p CompiledPolicy], req: &Request<'_>) -> (Decision, PrincipalMatch, Option<&'p str>) {
    let action = req.action.to_ascii_lowercase();
    let mut allowed = PrincipalMatch::No;
    for policy in policies {
        for s in &policy.statements {
            match applies(s, req, &action) {
                Some((Effect::Deny, _)) => return (Decision::ExplicitDeny, PrincipalMatch::No, Some(&policy.source)),
                Some((Effect::Allow, m)) => allowed = allowed.max(m),
                None => {}
            }
        }
    }
    let decision = if allowed == PrincipalMatch::No { Decision::ImplicitDeny } else { Decision::Allow };
    (decision, allowed, None)
}

/// The decision of a set of identity policies (or any policies read alone) on `req`.
pub fn evaluate(policies: &[&CompiledPolicy], req: &Request<'_>) -> Decision {
    decide(policies, req).0
}

/// Identity policies and a resource-based policy together, as AWS combines them:
/// an explicit deny in either wins; within the resource's account, a resource policy allowing
/// the caller by name (or a service, or everyone) is enough, one allowing the account needs an
/// identity policy that allows too, and without a resource policy the identity policies decide;
/// across accounts both must allow. A trust policy is required: a role no trust policy lets the
/// caller assume cannot be assumed.
pub fn authorize(identity: &[&CompiledPolicy], resource: Option<ResourcePolicy<'_>>, req: &Request<'_>) -> Result<(), Denial> {
    let (id, _, denied_by) = decide(identity, req);
    if id == Decision::ExplicitDeny {
        return Err(Denial::ExplicitIdentityDeny { policy: denied_by.unwrap_or_default().to_owned() });
    }
    let id_allows = id == Decision::Allow;
    let Some(rp) = resource else {
        return if id_allows { Ok(()) } else { Err(Denial::NoIdentityAllow) };
    };
    let (rd, how, _) = decide(&[rp.policy], req);
    if rd == Decision::ExplicitDeny {
        return Err(Denial::ExplicitResourceDeny { policy: rp.policy.source.clone() });
    }
    let same_account = match req.principal {
        Principal::Aws { account, .. } => account == rp.owner_account,
        // A service acting for the account, and anonymous callers, have no identity policies.
        Principal::Service(_) | Principal::Anonymous => true,
    };
    let rp_allows = rd == Decision::Allow;
    match (rp_allows, how, same_account) {
        (true, PrincipalMatch::Specific, true) => Ok(()),
        (true, _, _) if id_allows => Ok(()),
        (true, _, _) => Err(Denial::NoIdentityAllow),
        (false, _, true) if !rp.required && id_allows => Ok(()),
        // A service has no identity policies: only the resource's policy could have allowed it.
        (false, _, true) if !rp.required && !matches!(req.principal, Principal::Service(_)) => Err(Denial::NoIdentityAllow),
        (false, _, _) => Err(Denial::NoResourceAllow),
    }
}
