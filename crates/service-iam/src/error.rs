//! IAM's and STS's errors with their awsQuery codes and statuses, and the protocol layer's
//! `AwsError` they become.

use aws_protocol::AwsError;
use iam_store::IamStoreError;

/// An IAM or STS error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum IamError {
    /// `NoSuchEntity` (404).
    #[error("{0}")]
    NoSuchEntity(String),
    /// `EntityAlreadyExists` (409).
    #[error("{0}")]
    EntityAlreadyExists(String),
    /// `DeleteConflict` (409).
    #[error("{0}")]
    DeleteConflict(String),
    /// `MalformedPolicyDocument` (400).
    #[error("{0}")]
    MalformedPolicyDocument(String),
    /// `InvalidInput` (400).
    #[error("{0}")]
    InvalidInput(String),
    /// `LimitExceeded` (409).
    #[error("{0}")]
    LimitExceeded(String),
    /// `ValidationError` (400): the model's constraints, and rules IAM and STS state in words.
    #[error("{0}")]
    Validation(String),
    /// `AccessDenied` (403).
    #[error("{0}")]
    AccessDenied(String),
    /// `ExpiredToken` (403): the caller's temporary credentials have expired.
    #[error("The security token included in the request is expired")]
    ExpiredToken,
    /// A body the protocol layer decoded but that does not read as the input shape.
    #[error("{0}")]
    Serialization(String),
    /// The store could not save (`ServiceFailure`, 500).
    #[error("{0}")]
    Store(#[from] IamStoreError),
}

impl IamError {
    /// The error as the protocol layer renders it (awsQuery `<Code>` = the code here).
    pub(crate) fn to_aws_error(&self) -> AwsError {
        let message = self.to_string();
        let (code, status) = match self {
            IamError::NoSuchEntity(_) => ("NoSuchEntity", 404),
            IamError::EntityAlreadyExists(_) => ("EntityAlreadyExists", 409),
            IamError::DeleteConflict(_) => ("DeleteConflict", 409),
            IamError::MalformedPolicyDocument(_) => ("MalformedPolicyDocument", 400),
            IamError::InvalidInput(_) => ("InvalidInput", 400),
            IamError::LimitExceeded(_) => ("LimitExceeded", 409),
            IamError::Validation(_) => ("ValidationError", 400),
            IamError::AccessDenied(_) => ("AccessDenied", 403),
            IamError::ExpiredToken => ("ExpiredToken", 403),
            IamError::Serialization(_) => ("ValidationError", 400),
            IamError::Store(_) => ("ServiceFailure", 500),
        };
        AwsError::new(code, status, message)
    }
}

/// What a handler returns.
pub(crate) type IamResult<T> = Result<T, IamError>;
