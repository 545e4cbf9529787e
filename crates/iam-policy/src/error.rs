//! What can be wrong with a policy ([`Problem`]) and the message each service gives for it
//! ([`PolicyError`]): IAM's `MalformedPolicyDocument` texts for identity and trust policies, S3's
//! `MalformedPolicy` texts for bucket policies.

use crate::PolicyKind;

/// The first problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not JSON.
    InvalidJson,
    /// A document whose first non-blank byte is not `{` (`valid_json`: it is JSON all the same).
    NotAnObject { valid_json: bool },
    /// An element that is not in the grammar, or a value of the wrong JSON type.
    Syntax(String),
    /// A `Version` other than `2008-10-17` and `2012-10-17`.
    UnknownVersion(String),
    /// A required element is missing (`Statement`, `Effect`, `Principal`).
    MissingField(&'static str),
    /// `"Statement": []`.
    EmptyStatement,
    /// An `Effect` other than `Allow` and `Deny` (`case_only`: `allow`, `DENY`).
    InvalidEffect { effect: String, case_only: bool },
    /// An element the kind of policy must not have (`Principal` in an identity policy,
    /// `Resource` in a trust policy).
    Prohibited(&'static str),
    /// No `Action` / `NotAction`, or an empty one.
    NoActions,
    /// No `Resource` / `NotResource`, or an empty one.
    NoResources,
    /// Two statements with the same `Sid`.
    DuplicateSid(String),
    /// An action without a `vendor:` prefix.
    ActionWithoutVendor(String),
    /// An action with more than one `:`.
    ActionColons(String),
    /// An action whose vendor has characters other than letters, digits, `-` and `.`.
    InvalidVendor(String),
    /// A resource that is neither `*` nor an ARN.
    ResourceNotArn(String),
    /// Policy variables (`${aws:username}`) in a document older than `2012-10-17`.
    VariablesNeedVersion,
    /// A bucket policy action outside `s3:`.
    InvalidAction(String),
    /// A bucket policy resource outside the bucket.
    InvalidResource(String),
    /// A principal that is not `*`, an account, an ARN or a service.
    InvalidPrincipal(String),
    /// A bucket action that applies to no resource of the statement (`s3:GetObject` on the
    /// bucket ARN).
    ActionResourceMismatch,
}

/// A malformed policy, with the message of the service the policy was sent to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PolicyError {
    pub problem: Problem,
    pub message: String,
}

impl PolicyError {
    pub(crate) fn new(problem: Problem, kind: PolicyKind<'_>) -> PolicyError {
        let message = match kind {
            PolicyKind::Bucket(_) => s3_message(&problem),
            PolicyKind::Identity | PolicyKind::Trust => iam_message(&problem),
        };
        PolicyError { problem, message }
    }
}

/// IAM's `MalformedPolicyDocument` messages.
fn iam_message(problem: &Problem) -> String {
    match problem {
        Problem::InvalidJson | Problem::NotAnObject { valid_json: false } => "This policy contains invalid Json".into(),
        Problem::NotAnObject { valid_json: true } | Problem::Syntax(_) | Problem::UnknownVersion(_) | Problem::EmptyStatement => {
            "Syntax errors in policy.".into()
        }
        Problem::MissingField("Statement") => "Syntax errors in policy.".into(),
        Problem::MissingField(field) => format!("Missing required field {field}"),
        Problem::InvalidEffect { case_only: true, .. } => "The policy failed legacy parsing".into(),
        Problem::InvalidEffect { .. } => "Syntax errors in policy.".into(),
        Problem::Prohibited("Principal") => "Policy document should not specify a principal.".into(),
        Problem::Prohibited(field) => format!("Has prohibited field {field}"),
        Problem::NoActions => "Policy statement must contain actions.".into(),
        Problem::NoResources => "Policy statement must contain resources.".into(),
        Problem::DuplicateSid(_) => "Statement IDs (SID) in a single policy must be unique.".into(),
        Problem::ActionWithoutVendor(_) => "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.".into(),
        Problem::ActionColons(_) => "Actions/Condition can contain only one colon.".into(),
        Problem::InvalidVendor(vendor) => format!("Vendor {vendor} is not valid"),
        Problem::ResourceNotArn(resource) => format!("Resource {resource} must be in ARN format or \"*\"."),
        Problem::VariablesNeedVersion => "Policy document must be version 2012-10-17 or greater.".into(),
        Problem::InvalidAction(_) | Problem::InvalidResource(_) | Problem::ActionResourceMismatch => {
            "Syntax errors in policy.".into()
        }
        Problem::InvalidPrincipal(principal) => format!("Invalid principal in policy: {principal}"),
    }
}

/// S3's `MalformedPolicy` messages.
fn s3_message(problem: &Problem) -> String {
    match problem {
        Problem::InvalidJson => "This policy contains invalid Json".into(),
        Problem::NotAnObject { .. } => "Policies must be valid JSON and the first byte must be '{'".into(),
        Problem::Syntax(what) => format!("Invalid policy syntax: {what}"),
        Problem::UnknownVersion(version) => format!("Invalid policy version: {version}"),
        Problem::MissingField(field) => format!("Missing required field {field}"),
        Problem::EmptyStatement => "Could not parse the policy: Statement is empty!".into(),
        Problem::InvalidEffect { effect, .. } => format!("Invalid effect: {effect}"),
        Problem::Prohibited(field) => format!("Has prohibited field {field}"),
        Problem::NoActions => "Missing required field Action".into(),
        Problem::NoResources => "Missing required field Resource".into(),
        Problem::DuplicateSid(_) => "Statement IDs (SID) in a single policy must be unique.".into(),
        Problem::ActionWithoutVendor(_) | Problem::ActionColons(_) | Problem::InvalidVendor(_) | Problem::InvalidAction(_) => {
            "Policy has invalid action".into()
        }
        Problem::ResourceNotArn(_) | Problem::InvalidResource(_) => "Policy has invalid resource".into(),
        Problem::VariablesNeedVersion => "Policy document must be version 2012-10-17 or greater.".into(),
        Problem::InvalidPrincipal(_) => "Invalid principal in policy".into(),
        Problem::ActionResourceMismatch => "Action does not apply to any resource(s) in statement".into(),
    }
}
