//! What a request is evaluated against: who asks ([`Principal`]), and the condition keys of the
//! request context ([`Context`]: names compared without regard to case, each with one or more
//! values, as IAM's single- and multivalued keys).

use std::collections::BTreeMap;

/// The caller as policies name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An IAM identity (user, role session, root): its ARN and account. `role_arn` is the role of
    /// an assumed-role session (a resource policy naming the role names its sessions).
    Aws { arn: String, account: String, role_arn: Option<String> },
    /// An AWS service acting for the account (`bedrock.amazonaws.com` delivering logs).
    Service(String),
    /// An unsigned request (S3 anonymous access).
    Anonymous,
}

impl Principal {
    /// An IAM identity by ARN; the account is the ARN's fifth field, the role of an
    /// `assumed-role/{role}/{session}` ARN is derived.
    pub fn aws(arn: &str) -> Principal {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let account = parts.get(4).copied().unwrap_or_default().to_owned();
        let role_arn = parts.get(5).and_then(|r| r.strip_prefix("assumed-role/")).map(|rest| {
            let role = rest.rsplit_once('/').map_or(rest, |(role, _)| role);
            format!("arn:aws:iam::{account}:role/{role}")
        });
        Principal::Aws { arn: arn.to_owned(), account, role_arn }
    }

    /// The ARN the denial message names (`anonymous` for unsigned requests).
    pub fn arn(&self) -> &str {
        match self {
            Principal::Aws { arn, .. } => arn,
            Principal::Service(name) => name,
            Principal::Anonymous => "anonymous",
        }
    }

    /// The account, for an IAM identity.
    pub fn account(&self) -> Option<&str> {
        match self {
            Principal::Aws { account, .. } => Some(account),
            _ => None,
        }
    }
}

/// The request's condition keys (`aws:SourceAccount`, `aws:PrincipalArn`,
/// `bedrock:InferenceProfileArn`...), looked up without regard to the key's case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    keys: BTreeMap<String, Vec<String>>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// Sets `key` to one value.
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Context {
        self.keys.insert(key.to_ascii_lowercase(), vec![value.into()]);
        self
    }

    /// Sets a multivalued key.
    pub fn set_all(&mut self, key: &str, values: Vec<String>) -> &mut Context {
        self.keys.insert(key.to_ascii_lowercase(), values);
        self
    }

    /// Builder form of [`Context::set`].
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Context {
        self.set(key, value);
        self
    }

    /// The values of `key`, if the request has it.
    pub fn get(&self, key: &str) -> Option<&[String]> {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            self.keys.get(&key.to_ascii_lowercase()).map(Vec::as_slice)
        } else {
            self.keys.get(key).map(Vec::as_slice)
        }
    }

    /// Every key, lower-cased, with its values.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.keys.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_sessions_know_their_role() {
        let c = Context::new().with("aws:SourceAccount", "1");
        assert_eq!(c.get("AWS:sourceaccount"), Some(&["1".to_owned()][..]));
        let Principal::Aws { role_arn, account, .. } = Principal::aws("arn:aws:sts::123:assumed-role/R/s") else { panic!() };
        assert_eq!((role_arn.as_deref(), account.as_str()), (Some("arn:aws:iam::123:role/R"), "123"));
    }
}
