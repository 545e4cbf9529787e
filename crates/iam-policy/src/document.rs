//! A policy document as evaluation reads it: the version, and each statement's effect,
//! principal block, action block, resource block and conditions, with every single-string
//! element normalised to a list.

/// The policy language version (`Version`); a document without one is `2008-10-17`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyVersion {
    V2008_10_17,
    V2012_10_17,
}

impl PolicyVersion {
    /// The version as written.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyVersion::V2008_10_17 => "2008-10-17",
            PolicyVersion::V2012_10_17 => "2012-10-17",
        }
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// An element and its `Not` form (`Action` / `NotAction`, `Resource` / `NotResource`,
/// `Principal` / `NotPrincipal`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Negatable<T> {
    Is(T),
    Not(T),
}

impl<T> Negatable<T> {
    /// The values, whichever form.
    pub fn values(&self) -> &T {
        match self {
            Negatable::Is(v) | Negatable::Not(v) => v,
        }
    }

    /// `true` for the `Not` form.
    pub fn is_not(&self) -> bool {
        matches!(self, Negatable::Not(_))
    }
}

/// The kinds of principal a `Principal` object names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalType {
    /// `"AWS"`: accounts, users, roles, assumed-role sessions.
    Aws,
    /// `"Service"`: AWS service principals (`bedrock.amazonaws.com`).
    Service,
    /// `"Federated"`: identity providers.
    Federated,
    /// `"CanonicalUser"`: S3 canonical user ids.
    CanonicalUser,
}

impl PrincipalType {
    /// The type's key in a `Principal` object.
    pub fn key(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }

    pub(crate) fn from_key(key: &str) -> Option<PrincipalType> {
        [PrincipalType::Aws, PrincipalType::Service, PrincipalType::Federated, PrincipalType::CanonicalUser]
            .into_iter()
            .find(|t| t.key() == key)
    }
}

/// A `Principal` value: `"*"`, or principals by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principals {
    /// `"*"`: everyone.
    Any,
    /// `{"AWS": [...], "Service": [...]}`, in document order.
    Typed(Vec<(PrincipalType, Vec<String>)>),
}

/// One condition: `{"<operator>": {"<key>": <values>}}` (booleans and numbers as their text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// `StringEquals`, `ForAnyValue:StringLike`, `ArnLikeIfExists`, ...
    pub operator: String,
    /// `aws:SourceAccount`, ...
    pub key: String,
    pub values: Vec<String>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// `Principal` / `NotPrincipal` (trust and resource policies).
    pub principal: Option<Negatable<Principals>>,
    /// `Action` / `NotAction`.
    pub action: Negatable<Vec<String>>,
    /// `Resource` / `NotResource` (absent in trust policies).
    pub resource: Option<Negatable<Vec<String>>>,
    pub conditions: Vec<Condition>,
}

/// A parsed, grammar-checked policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    pub version: PolicyVersion,
    /// `Id`.
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}
