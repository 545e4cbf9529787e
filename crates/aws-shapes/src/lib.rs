//! Request validation driven by the official AWS service models (trimmed botocore
//! `service-2.json` copies that each service embeds): JSON types first (Coral's
//! `SerializationException` texts), then every `required`, `min`/`max` length and range,
//! `pattern` and `enum` constraint and union rule, collected in model order into Coral's
//! `N validation error(s) detected: ...` message. The outcome is a protocol-neutral
//! [`Rejection`]; each service maps it onto its own error codes. No I/O.
//!
//! | file | job |
//! |---|---|
//! | `shapes.rs` | a model's shapes ([`ShapeIndex`]) parsed from its JSON |
//! | `walk.rs` | a JSON value checked against a shape ([`check_body`], [`check_value`]) |
//! | `coral.rs` | Coral's message format ([`Violations`], constraint texts, Java value printing) |
//! | `pattern.rs` | model `pattern`s as whole-string matches with ASCII `\s` |
//! | `json_body.rs` | a request body read as Coral reads it; `null` members dropped |
//! | `rejection.rs` | [`Rejection`]: serialization or validation, with AWS's message |

pub mod coral;
mod json_body;
mod pattern;
mod rejection;
mod shapes;
mod walk;

pub use coral::{Shown, Violations};
pub use json_body::{MALFORMED_JSON_MESSAGE, read_body_object, strip_nulls};
pub use pattern::ModelPattern;
pub use rejection::{Rejection, RejectionKind};
pub use shapes::{Member, Shape, ShapeIndex, ShapeKind};
pub use walk::{PathStyle, UNION_ONE_MEMBER, check_body, check_body_styled, check_value, top_level_mismatch};
