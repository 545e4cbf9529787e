//! The CloudWatch Logs Insights query language: lexer, parser, checker, streaming evaluator.
//! No I/O, no dependency on other workspace crates.
//!
//! ```
//! use logs_insights::{compile, CheckOptions, LogEvent};
//!
//! let plan = compile(
//!     "stats sum(input.inputTokenCount) as tokens, count(*) as calls by modelId | sort tokens desc",
//!     &CheckOptions::default(),
//! ).unwrap();
//! let messages = [
//!     r#"{"modelId": "m1", "input": {"inputTokenCount": 10}}"#,
//!     r#"{"modelId": "m2", "input": {"inputTokenCount": 5}}"#,
//!     r#"{"modelId": "m1", "input": {"inputTokenCount": 7}}"#,
//! ];
//! let events = messages.iter().enumerate().map(|(i, m)| LogEvent {
//!     timestamp: 1_733_011_200_000 + i as i64,
//!     ingestion_time: 1_733_011_200_000 + i as i64,
//!     message: m.as_bytes(),
//!     log_stream: "s",
//!     log_group: "g",
//!     ptr: "p",
//! });
//! let result = plan.run(events);
//! assert_eq!(result.columns, ["modelId", "tokens", "calls"]);
//! assert_eq!(result.get(0, "tokens"), Some("17"));
//! assert_eq!(result.get(1, "modelId"), Some("m2"));
//! ```

pub mod ast;
mod check;
mod choices;
mod diagnostic;
mod eval;
mod field_scanner;
mod functions;
mod lexer;
mod parser;
mod plan;
mod print;
mod result;
mod span;
pub mod time;
mod value;

pub use check::{CheckOptions, Schema, check};
pub use diagnostic::{CharOffsets, Code, Diagnostic, Label, Severity, render};
pub use eval::Partial;
pub use field_scanner::{FieldScanner, FieldValues};
pub use parser::parse;
pub use plan::Plan;
pub use print::{dump, dump_expr};
pub use result::{LogEvent, QueryResult, ResultField, Statistics};
pub use span::Span;

/// Parses and checks in one step.
pub fn compile(src: &str, opts: &CheckOptions) -> Result<Plan, Vec<Diagnostic>> {
    let query = parse(src)?;
    check(&query, opts)
}

/// Every supported function as `(name, documentation group)`, for support matrices and
/// completion. Groups: general, numeric, datetime, string, ip, json, aggregate.
pub fn functions() -> Vec<(&'static str, &'static str)> {
    functions::REGISTRY.iter().map(|d| (d.name, d.group.name())).collect()
}
