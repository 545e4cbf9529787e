//! Who an access key belongs to ([`KeyOwner`]: an IAM user's key, or STS credentials of an
//! assumed role or of a caller's own session) and which identity policies apply to it, as the
//! caller resolution of every request and the policy evaluation of the next step read them.

use crate::entities::{IamState, KeyStatus, SessionPrincipal};

/// What kind of identity owns a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerKind {
    /// A long-term key of the IAM user `name`.
    User { name: String },
    /// AssumeRole credentials: a session of `role_name`.
    AssumedRole { role_name: String, session_name: String },
    /// GetSessionToken credentials: the caller's own identity.
    Session,
}

/// The identity behind an access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOwner {
    /// `arn:aws:iam::{account}:user/{name}`, `arn:aws:sts::{account}:assumed-role/{role}/{session}`.
    pub arn: String,
    /// `AIDA…`, `AROA…:{session}`.
    pub user_id: String,
    pub kind: OwnerKind,
    /// Temporary credentials: when they expire (epoch ms).
    pub expires_ms: Option<i64>,
    /// A long-term key set `Inactive`.
    pub inactive: bool,
}

impl KeyOwner {
    /// Whether temporary credentials have expired at `now_ms`.
    pub fn expired(&self, now_ms: i64) -> bool {
        self.expires_ms.is_some_and(|t| now_ms >= t)
    }
}

/// A policy document that applies to an identity, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedPolicy<'a> {
    /// A managed policy's ARN, or `inline:{policy name}`.
    pub source: String,
    pub document: &'a str,
}

impl IamState {
    /// The owner of `access_key`: an IAM user's key or STS credentials; `None` for keys the
    /// account did not issue.
    pub fn owner_of_key(&self, access_key: &str) -> Option<KeyOwner> {
        if let Some(key) = self.access_keys.get(access_key) {
            let user = self.user(&key.user_name)?;
            return Some(KeyOwner {
                arn: user.arn.clone(),
                user_id: user.id.clone(),
                kind: OwnerKind::User { name: user.name.clone() },
                expires_ms: None,
                inactive: key.status == KeyStatus::Inactive,
            });
        }
        let session = self.sessions.get(access_key)?;
        let (arn, user_id, kind) = match &session.principal {
            SessionPrincipal::AssumedRole { role_name, role_id, session_name, arn, .. } => (
                arn.clone(),
                format!("{role_id}:{session_name}"),
                OwnerKind::AssumedRole { role_name: role_name.clone(), session_name: session_name.clone() },
            ),
            SessionPrincipal::Caller { arn, user_id } => (arn.clone(), user_id.clone(), OwnerKind::Session),
        };
        Some(KeyOwner { arn, user_id, kind, expires_ms: Some(session.expires_ms), inactive: false })
    }

    /// The identity policies of `owner`: inline policies, then attached managed policies' default
    /// versions. A session of a role has the role's; a caller's own session the user's.
    pub fn identity_policies(&self, owner: &KeyOwner) -> Vec<AppliedPolicy<'_>> {
        let (inline, attached) = match &owner.kind {
            OwnerKind::User { name } => match self.user(name) {
                Some(u) => (&u.inline_policies, &u.attached_policies),
                None => return Vec::new(),
            },
            OwnerKind::AssumedRole { role_name, .. } => match self.role(role_name) {
                Some(r) => (&r.inline_policies, &r.attached_policies),
                None => return Vec::new(),
            },
            OwnerKind::Session => match self.users.values().find(|u| u.arn == owner.arn) {
                Some(u) => (&u.inline_policies, &u.attached_policies),
                None => return Vec::new(),
            },
        };
        let inline = inline.values().map(|p| AppliedPolicy { source: format!("inline:{}", p.name), document: &p.document });
        let managed = attached.iter().filter_map(|arn| {
            let doc = self.policy(arn)?.default_document()?;
            Some(AppliedPolicy { source: arn.clone(), document: doc })
        });
        inline.chain(managed).collect()
    }
}
