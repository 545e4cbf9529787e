//! Athena's errors: `InvalidRequestException` (400, with `AthenaErrorCode` when we know it),
//! `MetadataException` (400), `ResourceNotFoundException` (400), `InternalServerException`
//! (500); a model check that fails is an `InvalidRequestException` with Coral's text, a body
//! that is not JSON Coral's `SerializationException`.

use aws_protocol::AwsError;
use aws_shapes::{Rejection, RejectionKind};

/// An Athena error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AthenaError {
    #[error("InvalidRequestException: {0}")]
    InvalidRequest(String),
    #[error("MetadataException: {0}")]
    Metadata(String),
    #[error("ResourceNotFoundException: {0}")]
    ResourceNotFound(String),
    #[error("SerializationException: {0}")]
    Serialization(String),
    #[error("InternalServerException: {0}")]
    Internal(String),
}

impl AthenaError {
    /// The protocol layer's form.
    pub fn to_aws(&self) -> AwsError {
        match self {
            Self::InvalidRequest(m) => AwsError::new("InvalidRequestException", 400, m.clone()),
            Self::Metadata(m) => AwsError::new("MetadataException", 400, m.clone()),
            Self::ResourceNotFound(m) => AwsError::new("ResourceNotFoundException", 400, m.clone()),
            Self::Serialization(m) => AwsError::serialization(m.clone()),
            Self::Internal(m) => AwsError::new("InternalServerException", 500, m.clone()),
        }
    }

    /// A model check that failed.
    pub(crate) fn from_rejection(r: Rejection) -> Self {
        match r.kind {
            RejectionKind::Serialization => Self::Serialization(r.message),
            RejectionKind::Validation => Self::InvalidRequest(r.message),
        }
    }
}
