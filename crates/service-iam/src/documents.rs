//! Policy documents on their way in: parsed and checked against the grammar (iam-policy), and
//! held to IAM's size quotas, counted as IAM counts them (characters other than whitespace).

use iam_policy::{PolicyKind, parse};

use crate::error::{IamError, IamResult};

/// A trust policy's quota (`ACLSizePerRole`).
pub(crate) const TRUST_POLICY_QUOTA: (&str, usize) = ("ACLSizePerRole", 2048);
/// A managed policy's quota (`PolicySize`).
pub(crate) const MANAGED_POLICY_QUOTA: (&str, usize) = ("PolicySize", 6144);
/// All inline policies of a role together (`RolePolicySize`).
pub(crate) const ROLE_INLINE_QUOTA: (&str, usize) = ("RolePolicySize", 10240);
/// All inline policies of a user together (`UserPolicySize`).
pub(crate) const USER_INLINE_QUOTA: (&str, usize) = ("UserPolicySize", 2048);

/// The characters of `document` IAM counts against a quota.
pub(crate) fn counted(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

/// IAM's `LimitExceeded` when `size` is over `quota`.
pub(crate) fn within(size: usize, (name, limit): (&str, usize)) -> IamResult<()> {
    if size > limit {
        return Err(IamError::LimitExceeded(format!("Cannot exceed quota for {name}: {limit}")));
    }
    Ok(())
}

/// Parses `document` as a policy of `kind`: IAM's `MalformedPolicyDocument` with the grammar's
/// message for the first problem.
pub(crate) fn check(document: &str, kind: PolicyKind<'_>) -> IamResult<()> {
    parse(document, kind).map(drop).map_err(|e| IamError::MalformedPolicyDocument(e.message))
}
