//! Who a caller is: [`Identities`] turns a request's access key into an [`Identity`] (ARN, user
//! id, account). The emulator implements it over the account's IAM store and the `--principals`
//! map; [`PrincipalIdentities`] is the map alone (tests, services built without IAM). Bedrock
//! writes the ARN as the record's `identity.arn`; STS answers GetCallerIdentity with all three.

use std::sync::Arc;

use crate::Principals;

/// A caller as AWS names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `arn:aws:iam::{account}:user/{name}`, `arn:aws:sts::{account}:assumed-role/{role}/{session}`, ...
    pub arn: String,
    /// `aws:userid`: `AIDA…` for a user, `AROA…:{session}` for a role session, the account for root.
    pub user_id: String,
    /// The account the identity belongs to.
    pub account: String,
}

impl Identity {
    /// The identity an ARN names, with a user id derived from it (for principals the account
    /// does not store: the `--principals` map and the default user). `default_account` serves
    /// ARNs without an account field.
    pub fn from_arn(arn: &str, default_account: &str) -> Identity {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let account = parts.get(4).filter(|a| !a.is_empty()).map_or(default_account, |a| *a).to_owned();
        let resource = parts.get(5).copied().unwrap_or_default();
        let user_id = if resource == "root" {
            account.clone()
        } else if let Some(rest) = resource.strip_prefix("assumed-role/") {
            let (role, session) = rest.rsplit_once('/').unwrap_or((rest, ""));
            format!("{}:{session}", derived_id("AROA", &format!("arn:aws:iam::{account}:role/{role}")))
        } else if resource.starts_with("role/") {
            derived_id("AROA", arn)
        } else {
            derived_id("AIDA", arn)
        };
        Identity { arn: arn.to_owned(), user_id, account }
    }
}

/// A stable 21-character id (`prefix` + 17 of IAM's characters) derived from `seed` with
/// FNV-1a, for principals that have no stored id.
fn derived_id(prefix: &str, seed: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut out = String::from(prefix);
    for round in 0..17u64 {
        for b in seed.bytes().chain(round.to_le_bytes()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.push(ALPHABET[(hash % 32) as usize] as char);
    }
    out
}

/// Resolves callers.
pub trait Identities: Send + Sync + std::fmt::Debug {
    /// The identity behind `access_key` (`None`: an unsigned request). Never fails: keys nobody
    /// issued get the default identity.
    fn identify(&self, access_key: Option<&str>) -> Identity;
}

/// Shared handle to a resolver.
pub type SharedIdentities = Arc<dyn Identities>;

/// The `--principals` map alone, over an account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrincipalIdentities {
    pub principals: Principals,
    pub account_id: String,
}

impl Identities for PrincipalIdentities {
    fn identify(&self, access_key: Option<&str>) -> Identity {
        Identity::from_arn(&self.principals.arn_for(access_key, &self.account_id), &self.account_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_arn_kind() {
        let user = Identity::from_arn("arn:aws:iam::123456789012:user/bedrock-emulator", "1");
        assert!(user.user_id.starts_with("AIDA") && user.user_id.len() == 21, "{}", user.user_id);
        assert_eq!(user.account, "123456789012");
        let session = Identity::from_arn("arn:aws:sts::123456789012:assumed-role/PlatformTeam/ci-session", "1");
        assert!(session.user_id.starts_with("AROA") && session.user_id.ends_with(":ci-session"), "{}", session.user_id);
        let role = Identity::from_arn("arn:aws:iam::123456789012:role/PlatformTeam", "1");
        assert_eq!(role.user_id, session.user_id.split(':').next().unwrap());
        assert_eq!(Identity::from_arn("arn:aws:iam::111122223333:root", "1").user_id, "111122223333");
        assert_eq!(Identity::from_arn("nonsense", "999").account, "999");
        let map = PrincipalIdentities { principals: Principals::default(), account_id: "999".into() };
        assert_eq!(map.identify(None).arn, "arn:aws:iam::999:user/bedrock-emulator");
    }
}
