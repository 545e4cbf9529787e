//! The identities of the account as stored: users, roles, customer managed policies and their
//! versions, inline policies, attachments, tags, access keys and STS sessions. Policy documents
//! are kept as the caller sent them (IAM returns them byte for byte); evaluation parses them with
//! iam-policy. Names are unique without regard to case, as IAM's are: maps are keyed by the
//! lower-cased name and each entity keeps its name as created.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// An inline policy of a user or role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: String,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub path: String,
    /// `AIDA…`.
    pub id: String,
    pub arn: String,
    pub created_ms: i64,
    /// Inline policies by lower-cased name.
    pub inline_policies: BTreeMap<String, InlinePolicy>,
    /// Attached managed policy ARNs, in attachment order.
    pub attached_policies: Vec<String>,
    pub tags: Vec<Tag>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub path: String,
    /// `AROA…`.
    pub id: String,
    pub arn: String,
    pub created_ms: i64,
    pub description: Option<String>,
    /// Seconds (3600 to 43200).
    pub max_session_duration: i64,
    /// The trust policy, as sent.
    pub assume_role_policy: String,
    pub inline_policies: BTreeMap<String, InlinePolicy>,
    pub attached_policies: Vec<String>,
    pub tags: Vec<Tag>,
    /// The last AssumeRole of this role (epoch ms, region).
    pub last_used: Option<(i64, String)>,
}

/// One version of a managed policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// `v1`, `v2`, ...
    pub id: String,
    pub document: String,
    pub created_ms: i64,
}

/// A managed policy (customer managed, or one of AWS's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: String,
    /// `ANPA…`.
    pub id: String,
    pub arn: String,
    pub description: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub default_version: String,
    pub versions: Vec<PolicyVersion>,
    pub tags: Vec<Tag>,
}

impl ManagedPolicy {
    /// The version named `id`.
    pub fn version(&self, id: &str) -> Option<&PolicyVersion> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The default version's document.
    pub fn default_document(&self) -> Option<&str> {
        self.version(&self.default_version).map(|v| v.document.as_str())
    }

    /// `true` for AWS managed policies (`arn:aws:iam::aws:policy/...`).
    pub fn is_aws_managed(&self) -> bool {
        self.arn.starts_with("arn:aws:iam::aws:")
    }
}

/// `Active` or `Inactive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    /// IAM's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

/// A user's long-term access key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessKey {
    /// `AKIA…`.
    pub id: String,
    pub secret: String,
    /// The owning user's name, as created.
    pub user_name: String,
    pub status: KeyStatus,
    pub created_ms: i64,
}

/// Whose temporary credentials a session is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionPrincipal {
    /// AssumeRole: a session of a role.
    AssumedRole {
        role_name: String,
        role_arn: String,
        role_id: String,
        session_name: String,
        /// `arn:aws:sts::{account}:assumed-role/{role}/{session}`.
        arn: String,
    },
    /// GetSessionToken: the caller's own identity, with temporary keys.
    Caller { arn: String, user_id: String },
}

/// Temporary credentials issued by STS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// `ASIA…`.
    pub access_key_id: String,
    pub secret: String,
    pub token: String,
    pub created_ms: i64,
    pub expires_ms: i64,
    pub principal: SessionPrincipal,
    /// The ARN of the identity that asked for the session.
    pub source_arn: String,
}

/// Everything the account holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IamState {
    /// By lower-cased name.
    pub users: BTreeMap<String, User>,
    /// By lower-cased name.
    pub roles: BTreeMap<String, Role>,
    /// Customer managed policies by ARN.
    pub policies: BTreeMap<String, ManagedPolicy>,
    /// By access key id.
    pub access_keys: BTreeMap<String, AccessKey>,
    /// By access key id.
    pub sessions: BTreeMap<String, Session>,
}

impl IamState {
    /// The user named `name` (any case).
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.get(&name.to_lowercase())
    }

    /// The role named `name` (any case).
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(&name.to_lowercase())
    }

    /// A managed policy by ARN: the account's, or one of AWS's.
    pub fn policy(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.policies.get(arn).or_else(|| crate::aws_managed::policies().iter().find(|p| p.arn == arn))
    }

    /// How many users and roles a managed policy is attached to.
    pub fn attachment_count(&self, arn: &str) -> usize {
        let users = self.users.values().filter(|u| u.attached_policies.iter().any(|a| a == arn)).count();
        let roles = self.roles.values().filter(|r| r.attached_policies.iter().any(|a| a == arn)).count();
        users + roles
    }
}
