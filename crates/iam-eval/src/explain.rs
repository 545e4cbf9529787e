//! Why a request was decided as it was, statement by statement ([`Explanation`]): for every
//! statement of every policy looked at, whether its effect, principal, action, resource and each
//! condition matched. Computed only for denials (the fast path does not build it), served by the
//! emulator's `GET /_emulator/iam/denials` and written to its log.

use iam_policy::Effect;
use serde::Serialize;

use crate::compile::CompiledPolicy;
use crate::evaluate::{PrincipalMatch, Request};

/// One condition's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionTrace {
    pub operator: String,
    pub key: String,
    pub holds: bool,
}

/// One statement's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementTrace {
    /// The policy's source (`inline:name`, a managed policy ARN, `bucket-policy:b`, `trust:role`).
    pub policy: String,
    /// The statement's index in the policy.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub effect: &'static str,
    /// `null` when the statement has no principal element (identity policies).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<PrincipalMatch>,
    pub action: bool,
    pub resource: bool,
    pub conditions: Vec<ConditionTrace>,
    /// The statement applies to the request (everything matched).
    pub applies: bool,
    /// The reason in one sentence.
    pub reason: String,
}

/// Every statement looked at for one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub statements: Vec<StatementTrace>,
}

/// Traces every statement of `policies` against `req`.
pub fn explain(policies: &[&CompiledPolicy], req: &Request<'_>) -> Explanation {
    let action = req.action.to_ascii_lowercase();
    let mut statements = Vec::new();
    for policy in policies {
        for (index, s) in policy.statements.iter().enumerate() {
            let principal = s.principal.as_ref().map(|_| s.principal_match(req.principal));
            let action_ok = s.action_matches(&action);
            let resource_ok = s.resource_matches(req.resource, req.context);
            let conditions: Vec<ConditionTrace> = s
                .conditions
                .iter()
                .map(|c| ConditionTrace { operator: c.operator.clone(), key: c.key.clone(), holds: c.holds(req.context) })
                .collect();
            let principal_ok = principal.is_none_or(|m| m != PrincipalMatch::No);
            let conditions_ok = conditions.iter().all(|c| c.holds);
            let applies = principal_ok && action_ok && resource_ok && conditions_ok;
            let effect = if s.effect == Effect::Allow { "Allow" } else { "Deny" };
            let reason = if applies {
                format!("{effect}s {} on {}", req.action, req.resource)
            } else if !principal_ok {
                format!("its principal does not name {}", req.principal.arn())
            } else if !action_ok {
                format!("its {} does not cover {}", if s.actions.0 { "NotAction" } else { "Action" }, req.action)
            } else if !resource_ok {
                let element = if s.resources.as_ref().is_some_and(|r| r.0) { "NotResource" } else { "Resource" };
                format!("its {element} does not cover {}", req.resource)
            } else {
                let failed: Vec<String> =
                    conditions.iter().filter(|c| !c.holds).map(|c| format!("{} {}", c.operator, c.key)).collect();
                format!("its condition {} does not hold", failed.join(", "))
            };
            statements.push(StatementTrace {
                policy: policy.source.clone(),
                index,
                sid: s.sid.clone(),
                effect,
                principal,
                action: action_ok,
                resource: resource_ok,
                conditions,
                applies,
                reason,
            });
        }
    }
    Explanation { statements }
}
