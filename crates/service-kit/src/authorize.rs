//! Authorization as a service sees it. Each service names what a call needs
//! ([`Authorization`]: one or more [`Permission`]s, an action on resource ARNs, under a
//! resource-based policy when the service holds one, and the request's service condition keys)
//! through [`Service::authorization`](crate::Service::authorization); the server evaluates it
//! for the caller before the call, under `--enforce-iam`. The [`Authorizer`] (implemented by the
//! emulator over the account's IAM store and iam-eval) also answers what a service checks on its
//! own: whether a service principal may use a role (Bedrock's logging role) or write under a
//! resource policy (Bedrock's S3 delivery).

use std::sync::Arc;

/// Whether IAM is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Enforcement {
    /// No signature is verified, no policy evaluated (the default).
    #[default]
    Off,
    /// Signatures verified and policies evaluated; denials are logged and listed, and the request
    /// goes through.
    Soft,
    /// Denials are answered.
    Strict,
}

impl Enforcement {
    /// `true` unless `Off`.
    pub fn is_on(self) -> bool {
        self != Enforcement::Off
    }
}

/// What kind of resource-based policy a permission is under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourcePolicyKind {
    /// An S3 bucket policy of the named bucket (optional within the account).
    Bucket(String),
    /// A role's trust policy (required: no trust, no AssumeRole).
    Trust,
}

/// A resource-based policy document, as the service stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePolicy {
    /// Where it comes from (`bucket-policy:logs`, `trust:BedrockLoggingRole`).
    pub source: String,
    pub kind: ResourcePolicyKind,
    pub document: String,
    /// The account that owns the resource.
    pub owner_account: String,
}

/// One permission: `action` on every one of `resources`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    /// `bedrock:InvokeModel`.
    pub action: String,
    /// ARNs (`*` for actions without a resource); each must be allowed, in this order (the
    /// first denied is the one the AccessDenied message names).
    pub resources: Vec<String>,
    /// The resource's own policy, when the service has one.
    pub resource_policy: Option<ResourcePolicy>,
}

/// What a call needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Authorization {
    /// Every permission must be allowed; empty: nothing to check (GetCallerIdentity).
    pub permissions: Vec<Permission>,
    /// Service condition keys of the request (`bedrock:InferenceProfileArn`, `s3:prefix`...),
    /// beside the global keys the server adds.
    pub keys: Vec<(String, Vec<String>)>,
}

impl Authorization {
    /// Nothing to check.
    pub fn none() -> Authorization {
        Authorization::default()
    }

    /// One action on one resource.
    pub fn action(action: impl Into<String>, resource: impl Into<String>) -> Authorization {
        Authorization::default().and(action, vec![resource.into()])
    }

    /// Adds a permission.
    pub fn and(mut self, action: impl Into<String>, resources: Vec<String>) -> Authorization {
        self.permissions.push(Permission { action: action.into(), resources, resource_policy: None });
        self
    }

    /// Puts the last permission under a resource-based policy.
    pub fn under(mut self, policy: Option<ResourcePolicy>) -> Authorization {
        if let Some(last) = self.permissions.last_mut() {
            last.resource_policy = policy;
        }
        self
    }

    /// Adds a condition key.
    pub fn key(mut self, key: impl Into<String>, value: impl Into<String>) -> Authorization {
        self.keys.push((key.into(), vec![value.into()]));
        self
    }
}

/// Why a service principal may not use a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleRefusal {
    #[error("the role {0} does not exist")]
    NoSuchRole(String),
    #[error("the trust policy of {role} does not let {service} assume it")]
    NotTrusted { role: String, service: String },
    #[error("the role {role} does not allow {action} on {resource}")]
    NotAllowed { role: String, action: String, resource: String },
}

/// The account's authorizer, as services use it.
pub trait Authorizer: Send + Sync + std::fmt::Debug {
    /// Whether IAM is enforced.
    fn enforcement(&self) -> Enforcement;

    /// Whether `service` (`bedrock.amazonaws.com`) may assume `role_arn` (its trust policy, with
    /// the condition keys `keys`) and then do each `(action, resource)` with the role's policies.
    fn service_role(
        &self,
        role_arn: &str,
        service: &str,
        keys: &[(String, Vec<String>)],
        permissions: &[(&str, &str)],
    ) -> Result<(), RoleRefusal>;

    /// Whether `policy` lets `service` do `action` on `resource` (with the condition keys `keys`).
    fn resource_policy_allows(
        &self,
        policy: &ResourcePolicy,
        service: &str,
        action: &str,
        resource: &str,
        keys: &[(String, Vec<String>)],
    ) -> bool;
}

/// Shared handle to an authorizer.
pub type SharedAuthorizer = Arc<dyn Authorizer>;

/// The authorizer of an emulator that does not enforce IAM: everything is allowed.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEnforcement;

impl Authorizer for NoEnforcement {
    fn enforcement(&self) -> Enforcement {
        Enforcement::Off
    }

    fn service_role(&self, _: &str, _: &str, _: &[(String, Vec<String>)], _: &[(&str, &str)]) -> Result<(), RoleRefusal> {
        Ok(())
    }

    fn resource_policy_allows(&self, _: &ResourcePolicy, _: &str, _: &str, _: &str, _: &[(String, Vec<String>)]) -> bool {
        true
    }
}

/// The IAM action prefix of a service's operations (`bedrock`, `logs`, `s3`, `iam`, `sts`,
/// `cloudwatch`, `athena`, `sns`).
pub fn action_prefix(service: aws_protocol::ServiceId) -> &'static str {
    use aws_protocol::ServiceId;
    match service {
        ServiceId::Bedrock | ServiceId::BedrockRuntime => "bedrock",
        ServiceId::Logs => "logs",
        ServiceId::S3 => "s3",
        ServiceId::Iam => "iam",
        ServiceId::Sts => "sts",
        ServiceId::CloudWatch => "cloudwatch",
        ServiceId::Athena => "athena",
        ServiceId::Sns => "sns",
    }
}
