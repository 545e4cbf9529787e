//! A policy document compiled for evaluation ([`CompiledPolicy`]): action patterns lower-cased,
//! wildcard-free elements kept as plain strings, conditions parsed into operators, and a flag
//! on every element that holds policy variables. Compiled once per document and cached by
//! whoever evaluates (the emulator keeps them per principal).

use iam_policy::{Effect, PolicyDocument, PolicyError, PolicyKind, PolicyVersion, PrincipalType, Principals};

use crate::condition::CompiledCondition;
use crate::pattern::Pattern;
use crate::variables::has_variables;

/// A statement's `Principal` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrincipalMatcher {
    /// `"*"` or `{"AWS": "*"}`.
    Any,
    /// AWS accounts and ARNs, service names.
    Named { aws: Vec<String>, services: Vec<String> },
}

/// A `Resource` / `NotResource` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResourcePattern {
    pub(crate) text: String,
    pub(crate) variables: bool,
}

/// One compiled statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompiledStatement {
    pub(crate) sid: Option<String>,
    pub(crate) effect: Effect,
    /// `(is NotPrincipal, matcher)`.
    pub(crate) principal: Option<(bool, PrincipalMatcher)>,
    /// `(is NotAction, patterns)`.
    pub(crate) actions: (bool, Vec<Pattern>),
    /// `(is NotResource, patterns)`; `None` in trust policies (every resource).
    pub(crate) resources: Option<(bool, Vec<ResourcePattern>)>,
    pub(crate) conditions: Vec<CompiledCondition>,
}

/// A policy ready to evaluate, named by where it comes from (a managed policy's ARN,
/// `inline:{name}`, `bucket-policy:{bucket}`, `trust:{role}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledPolicy {
    pub source: String,
    pub(crate) statements: Vec<CompiledStatement>,
}

impl CompiledPolicy {
    /// Compiles a parsed document.
    pub fn compile(source: impl Into<String>, doc: &PolicyDocument) -> CompiledPolicy {
        let variables = doc.version == PolicyVersion::V2012_10_17;
        let statements = doc
            .statements
            .iter()
            .map(|s| CompiledStatement {
                sid: s.sid.clone(),
                effect: s.effect,
                principal: s.principal.as_ref().map(|p| (p.is_not(), principal_matcher(p.values()))),
                actions: (s.action.is_not(), s.action.values().iter().map(|a| Pattern::new(a, true)).collect()),
                resources: s.resource.as_ref().map(|r| {
                    let patterns = r
                        .values()
                        .iter()
                        .map(|t| ResourcePattern { text: t.clone(), variables: variables && has_variables(t) })
                        .collect();
                    (r.is_not(), patterns)
                }),
                conditions: s
                    .conditions
                    .iter()
                    .map(|c| CompiledCondition::new(&c.operator, &c.key, &c.values, variables))
                    .collect(),
            })
            .collect();
        CompiledPolicy { source: source.into(), statements }
    }

    /// Parses (iam-policy's grammar for `kind`) and compiles `text`.
    pub fn parse(source: impl Into<String>, text: &str, kind: PolicyKind<'_>) -> Result<CompiledPolicy, PolicyError> {
        Ok(CompiledPolicy::compile(source, &iam_policy::parse(text, kind)?))
    }

    /// How many statements it has.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// `true` without statements (never, for a parsed document).
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

fn principal_matcher(p: &Principals) -> PrincipalMatcher {
    match p {
        Principals::Any => PrincipalMatcher::Any,
        Principals::Typed(typed) => {
            let mut aws = Vec::new();
            let mut services = Vec::new();
            for (kind, values) in typed {
                match kind {
                    PrincipalType::Aws if values.iter().any(|v| v == "*") => return PrincipalMatcher::Any,
                    PrincipalType::Aws => aws.extend(values.iter().cloned()),
                    PrincipalType::Service => services.extend(values.iter().cloned()),
                    PrincipalType::Federated | PrincipalType::CanonicalUser => {}
                }
            }
            PrincipalMatcher::Named { aws, services }
        }
    }
}
