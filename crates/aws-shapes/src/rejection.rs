//! The protocol-neutral outcome of a failed check: which of Coral's two framework failures it is
//! and AWS's message. Each service maps it onto its own error codes (Bedrock:
//! `SerializationException` / `ValidationException`; CloudWatch Logs: `SerializationException` /
//! `InvalidParameterException`), and the protocol layer renders those.

/// Which kind of failure a [`Rejection`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectionKind {
    /// The body is not JSON, or a member has the wrong JSON type (Coral's deserializer).
    Serialization,
    /// One or more model constraints are violated (Coral's `N validation error(s) detected`).
    Validation,
}

/// A request the model rejects, with AWS's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Rejection {
    /// Serialization or validation.
    pub kind: RejectionKind,
    /// The message AWS sends.
    pub message: String,
}

impl Rejection {
    /// A JSON syntax or type failure.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self { kind: RejectionKind::Serialization, message: message.into() }
    }

    /// A constraint failure.
    pub fn validation(message: impl Into<String>) -> Self {
        Self { kind: RejectionKind::Validation, message: message.into() }
    }
}
