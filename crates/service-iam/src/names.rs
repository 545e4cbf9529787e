//! IAM's names, paths and ARNs: the ARN of a user, role or policy from its path and name, and the
//! parts of an ARN a request names (a managed policy, a role to assume). The model's patterns
//! already checked names and paths; these are the rules it cannot express.

use crate::error::{IamError, IamResult};

/// `arn:aws:iam::{account}:{kind}{path}{name}` (`path` starts and ends with `/`).
pub(crate) fn arn(account: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:{kind}{path}{name}")
}

/// The path given, or `/`.
pub(crate) fn path_or_root(path: Option<String>) -> String {
    path.unwrap_or_else(|| "/".to_owned())
}

/// A managed policy ARN: `arn:aws:iam::{account|aws}:policy{path}{name}`; IAM's `InvalidInput`
/// for anything else.
pub(crate) fn check_policy_arn(arn: &str) -> IamResult<()> {
    let invalid = || IamError::InvalidInput(format!("ARN {arn} is not valid."));
    let rest = arn.strip_prefix("arn:aws:iam::").ok_or_else(invalid)?;
    let (account, resource) = rest.split_once(':').ok_or_else(invalid)?;
    let account_ok = account == "aws" || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
    let name = resource.strip_prefix("policy/").map(|p| p.rsplit('/').next().unwrap_or(p));
    match name {
        Some(name) if account_ok && !name.is_empty() => Ok(()),
        _ => Err(invalid()),
    }
}

/// The account and name of a role ARN (`arn:aws:iam::{account}:role{path}{name}`).
pub(crate) fn role_arn_parts(arn: &str) -> Option<(&str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
    (!account.is_empty() && !name.is_empty()).then_some((account, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns() {
        assert_eq!(arn("1", "role", "/app/", "r"), "arn:aws:iam::1:role/app/r");
        assert!(check_policy_arn("arn:aws:iam::123456789012:policy/p").is_ok());
        assert!(check_policy_arn("arn:aws:iam::aws:policy/AdministratorAccess").is_ok());
        assert!(check_policy_arn("arn:aws:iam::123456789012:policy/").is_err());
        assert!(check_policy_arn("arn:aws:iam::123456789012:role/p").is_err());
        assert_eq!(role_arn_parts("arn:aws:iam::123456789012:role/a/b/Name"), Some(("123456789012", "Name")));
        assert_eq!(role_arn_parts("arn:aws:iam::123456789012:user/u"), None);
    }
}
