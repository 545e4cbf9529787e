//! CloudWatch Logs filter patterns (FilterLogEvents `filterPattern`, PutMetricFilter
//! `filterPattern`): term patterns (`ERROR`, `"two words"`, `-excluded`, `?either ?or`), JSON
//! patterns (`{ $.requestMetadata.tenant_id = "tenant-*" && $.input.inputTokenCount > 100 }`
//! with `=`, `!=`, `<`, `<=`, `>`, `>=`, `IS NULL`, `NOT EXISTS`, `EXISTS`, `IS TRUE`,
//! `IS FALSE`, `&&`, `||`, parentheses, `*` wildcards in string values, `[n]` array indexes) and
//! regular expressions (`%...%`). Space-delimited patterns (`[a, b, ...]`) are refused with an
//! error naming them.
//!
//! Matching is case-sensitive; a term matches anywhere in the message (see ARCHITECTURE.md).
//! Metric filters compile the same patterns and pull their values out with [`JsonPath`]s:
//!
//! ```
//! use logs_filter::{FilterPattern, JsonPath};
//!
//! let pattern = FilterPattern::parse("{ $.input.inputTokenCount > 0 }")?;
//! let value = JsonPath::parse("$.input.inputTokenCount")?;
//! let record = r#"{"modelId":"m","input":{"inputTokenCount":120}}"#;
//! assert!(pattern.matches(record));
//! assert_eq!(pattern.select(record, &value), Some(serde_json::json!(120)));
//! assert!(!pattern.matches("Permissions are correctly set for Amazon Bedrock logs."));
//! # Ok::<(), logs_filter::FilterPatternError>(())
//! ```
//!
//! No I/O. Parsing and matching never panic; errors carry a stable [`ErrorCode`] (`codes.rs`).

mod codes;
mod error;
mod eval;
mod json;
mod lexer;
mod matched;
mod path;
mod pattern;
mod print;
mod regex;
mod term;
mod wildcard;

pub use codes::ErrorCode;
pub use error::FilterPatternError;
pub use json::{CmpOp, JsonExpr, Literal, MAX_DEPTH, Test};
pub use matched::Matched;
pub use path::{JsonPath, Step};
pub use pattern::FilterPattern;
pub use regex::RegexPattern;
pub use term::TermPattern;
