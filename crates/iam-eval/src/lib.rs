//! IAM policy evaluation, as an enforcing emulator needs it: identity policies, role trust
//! policies and S3 bucket policies (parsed by iam-policy) compiled once ([`CompiledPolicy`]) and
//! evaluated against a [`Request`] (a [`Principal`], an action, a resource ARN and the condition
//! keys of a [`Context`]). Any matching `Deny` wins, then any matching `Allow`, else the
//! implicit deny ([`evaluate`]); [`authorize`] adds a resource-based policy as AWS combines it
//! with identity policies; [`explain`] says, statement by statement, why. No I/O, no HTTP.
//!
//! | file | job |
//! |---|---|
//! | `pattern.rs` | `*` / `?` wildcards; ARN matching component by component |
//! | `context.rs` | [`Principal`], [`Context`] (condition keys, case-insensitive names) |
//! | `variables.rs` | policy variables (`${aws:username}`) in resources and condition values |
//! | `condition.rs` | the condition operators, `IfExists`, `ForAnyValue:` / `ForAllValues:` |
//! | `compile.rs` | [`CompiledPolicy`]: a document ready to evaluate |
//! | `evaluate.rs` | statement matching, [`Decision`], [`authorize`] with resource policies, [`Denial`] |
//! | `explain.rs` | [`Explanation`]: every statement's outcome, for denials |

mod compile;
mod condition;
mod context;
mod evaluate;
mod explain;
mod pattern;
mod variables;

pub use compile::CompiledPolicy;
pub use context::{Context, Principal};
pub use evaluate::{Decision, Denial, PrincipalMatch, Request, ResourcePolicy, authorize, evaluate};
pub use explain::{ConditionTrace, Explanation, StatementTrace, explain};
