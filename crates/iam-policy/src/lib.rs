//! The IAM JSON policy language, as far as a service must read it before storing a document:
//! identity policies (inline and managed), role trust policies and S3 bucket policies parsed
//! into typed statements ([`PolicyDocument`]) and checked against the policy grammar
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>), with
//! the message AWS gives for the first problem ([`PolicyError`]: IAM's `MalformedPolicyDocument`
//! texts, S3's `MalformedPolicy` texts). The typed statements are what policy evaluation reads.
//! No I/O; depends on no workspace crate.
//!
//! | file | job |
//! |---|---|
//! | `document.rs` | the typed document: statements, effects, principals, action/resource blocks, conditions |
//! | `parse.rs` | JSON → document, with the syntax rules (element names, value types) |
//! | `rules.rs` | the grammar rules past syntax, per kind of policy (principals, actions, resources, Sids, versions) |
//! | `error.rs` | [`PolicyError`] and the messages of each service |

mod document;
mod error;
mod parse;
mod rules;

pub use document::{Condition, Effect, Negatable, PolicyDocument, PolicyVersion, PrincipalType, Principals, Statement};
pub use error::{PolicyError, Problem};

/// Which kind of document is read: the rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind<'a> {
    /// An identity-based policy (inline user or role policy, managed policy): no principal,
    /// resources required.
    Identity,
    /// A role's trust policy (`AssumeRolePolicyDocument`): a principal required, no resources.
    Trust,
    /// An S3 bucket policy for the named bucket: a principal required, `s3:` actions on that
    /// bucket's ARNs.
    Bucket(&'a str),
}

/// Parses `text` as a policy of `kind` and checks it against the grammar; the first problem
/// found is the error, in the words of the service that owns that kind of policy.
pub fn parse(text: &str, kind: PolicyKind<'_>) -> Result<PolicyDocument, PolicyError> {
    let document = parse::document(text).map_err(|problem| PolicyError::new(problem, kind))?;
    rules::check(&document, kind).map_err(|problem| PolicyError::new(problem, kind))?;
    Ok(document)
}
