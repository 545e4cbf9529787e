//! The fault engine, for any service the emulator serves: fault rules (`serve --faults FILE`,
//! `/_emulator/faults`) that select calls by service, operation, model id and request metadata,
//! fire always, for the first `count` calls, every `every`th call or with a probability, and
//! answer an error of the operation's model, add latency, or end an event stream early; the
//! record of what was injected; and Bedrock-style quotas (`serve --quotas FILE`) in a sliding
//! minute of the emulator's clock. No HTTP and no clock of its own: the server and Bedrock call
//! it with the call's facts and the instant, and render what it decides (an `AwsError`, an
//! exception frame) through the protocol layer.
//!
//! | file | job |
//! |---|---|
//! | `parse.rs` | a rules document → rules, refusing with a message naming the field |
//! | `rule.rs` | a rule: selectors, trigger, effect, counters; [`Facts`] of a call |
//! | `engine.rs` | [`FaultEngine`]: the rule set, the decision for a call, listing |
//! | `decision.rs` | [`Injection`]: latency, then proceed, fail, or a [`StreamFault`] |
//! | `injected.rs` | the record of recent injections |
//! | `messages.rs` | AWS's message of an injected error when a rule gives none |
//! | `random.rs` | seeded draws for `probability` |
//! | `glob.rs` | `*` and `?` patterns |
//! | `quota/` | [`Quotas`]: per-model requests and tokens per minute, the sliding window |

mod decision;
mod engine;
mod glob;
mod injected;
mod messages;
mod parse;
pub mod quota;
mod random;
mod rule;

pub use decision::{Injection, Outcome, StreamEnd, StreamFault};
pub use engine::{CallId, FaultEngine};
pub use glob::glob_match;
pub use injected::Injected;
pub use parse::{MAX_LATENCY_MS, RuleError, RulesDocument, parse_rules};
pub use quota::{Admission, Quota, QuotaExceeded, Quotas, parse_quotas};
pub use rule::Facts;
