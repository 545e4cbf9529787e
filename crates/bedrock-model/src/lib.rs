//! Wire shapes of Amazon Bedrock (runtime and logging control plane), their constraint
//! validation with AWS's error messages, Bedrock's error codes, and the `ModelInvocationLog`
//! record. Pure data: no I/O.
//!
//! Validation is driven by the official service models (embedded trimmed copies under
//! `models/`, checked by the aws-shapes crate): JSON type errors become Coral's
//! `SerializationException`, constraint violations Coral's `N validation error(s) detected: ...`
//! `ValidationException`, and Bedrock's own semantic rules (conversation order, blank text, ...)
//! its documented sentences.

pub mod converse;
pub mod error;
pub mod invoke;
pub mod logging;
pub mod metadata;
pub mod model_id;
pub mod record;

mod models;

pub use error::{ErrorCode, ServiceError};
