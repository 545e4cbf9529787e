//! AWS error codes Bedrock sends and the typed `ServiceError` every validation returns.
//!
//! One place knows each code's HTTP status, whether it is a fault, and the `x-amzn-ErrorType`
//! header value real Bedrock sends (`Code:http://internal.amazon.com/coral/<namespace>/`).

use std::fmt;

/// The error type names Bedrock (runtime and control plane) puts in `x-amzn-ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    ValidationException,
    AccessDeniedException,
    ResourceNotFoundException,
    ThrottlingException,
    ModelTimeoutException,
    ModelNotReadyException,
    ModelErrorException,
    ModelStreamErrorException,
    ServiceQuotaExceededException,
    ConflictException,
    InternalServerException,
    ServiceUnavailableException,
    /// Coral's framework error for a body that is not JSON or has a wrong JSON type.
    SerializationException,
    /// Coral's framework error for a request that maps to no operation.
    UnknownOperationException,
}

impl ErrorCode {
    /// Every code, for tables and tests.
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::ValidationException,
        ErrorCode::AccessDeniedException,
        ErrorCode::ResourceNotFoundException,
        ErrorCode::ThrottlingException,
        ErrorCode::ModelTimeoutException,
        ErrorCode::ModelNotReadyException,
        ErrorCode::ModelErrorException,
        ErrorCode::ModelStreamErrorException,
        ErrorCode::ServiceQuotaExceededException,
        ErrorCode::ConflictException,
        ErrorCode::InternalServerException,
        ErrorCode::ServiceUnavailableException,
        ErrorCode::SerializationException,
        ErrorCode::UnknownOperationException,
    ];

    /// The shape name, as in the service model and the `x-amzn-ErrorType` header.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorCode::ValidationException => "ValidationException",
            ErrorCode::AccessDeniedException => "AccessDeniedException",
            ErrorCode::ResourceNotFoundException => "ResourceNotFoundException",
            ErrorCode::ThrottlingException => "ThrottlingException",
            ErrorCode::ModelTimeoutException => "ModelTimeoutException",
            ErrorCode::ModelNotReadyException => "ModelNotReadyException",
            ErrorCode::ModelErrorException => "ModelErrorException",
            ErrorCode::ModelStreamErrorException => "ModelStreamErrorException",
            ErrorCode::ServiceQuotaExceededException => "ServiceQuotaExceededException",
            ErrorCode::ConflictException => "ConflictException",
            ErrorCode::InternalServerException => "InternalServerException",
            ErrorCode::ServiceUnavailableException => "ServiceUnavailableException",
            ErrorCode::SerializationException => "SerializationException",
            ErrorCode::UnknownOperationException => "UnknownOperationException",
        }
    }

    /// Parses a shape name (the part of `x-amzn-ErrorType` before `:`).
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        let name = name.split(':').next().unwrap_or(name);
        let name = name.rsplit('#').next().unwrap_or(name);
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// HTTP status from the `httpStatusCode` traits of the bedrock-runtime model
    /// (`ServiceQuotaExceededException` is 400 there, `ModelErrorException` 424).
    pub fn http_status(&self) -> u16 {
        match self {
            ErrorCode::ValidationException
            | ErrorCode::ServiceQuotaExceededException
            | ErrorCode::ConflictException
            | ErrorCode::SerializationException => 400,
            ErrorCode::AccessDeniedException => 403,
            ErrorCode::ResourceNotFoundException | ErrorCode::UnknownOperationException => 404,
            ErrorCode::ModelTimeoutException => 408,
            ErrorCode::ThrottlingException | ErrorCode::ModelNotReadyException => 429,
            ErrorCode::ModelErrorException | ErrorCode::ModelStreamErrorException => 424,
            ErrorCode::InternalServerException => 500,
            ErrorCode::ServiceUnavailableException => 503,
        }
    }

    /// `true` for server faults (5xx), `false` for client errors.
    pub fn is_fault(&self) -> bool {
        self.http_status() >= 500
    }

    /// The full `x-amzn-ErrorType` header value, e.g.
    /// `ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/`.
    /// Framework errors (`SerializationException`, `UnknownOperationException`) carry Coral's
    /// own namespace `com.amazon.coral.service`.
    pub fn error_type_header(&self) -> String {
        let namespace = match self {
            ErrorCode::SerializationException | ErrorCode::UnknownOperationException => "com.amazon.coral.service",
            _ => "com.amazon.bedrock",
        };
        format!("{}:http://internal.amazon.com/coral/{namespace}/", self.as_str())
    }

    /// The lowerCamel member name used as `:exception-type` in event-stream exception frames.
    pub fn event_stream_name(&self) -> String {
        let s = self.as_str();
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_lowercase());
        }
        out.extend(chars);
        out
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error as AWS sends it: a code (type, status) and the `{"message": ...}` text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServiceError {
    pub code: ErrorCode,
    pub message: String,
}

impl ServiceError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ServiceError { code, message: message.into() }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ValidationException, message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::SerializationException, message)
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::AccessDeniedException, message)
    }

    pub fn resource_not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFoundException, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InternalServerException, message)
    }

    /// Real text (iOfficeAI/AionCore PR #377) for a well-formed but unknown model id.
    pub fn invalid_model_identifier() -> Self {
        Self::validation("The provided model identifier is invalid.")
    }

    /// Real text Bedrock sends when throttling a request.
    pub fn throttling() -> Self {
        Self::new(ErrorCode::ThrottlingException, "Too many requests, please wait before trying again.")
    }

    /// Real text of InternalServerException (aws/aws-sdk-go-v2 #3382).
    pub fn internal_unexpected() -> Self {
        Self::internal("The system encountered an unexpected error during processing. Try your request again.")
    }

    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    /// The JSON body AWS sends: `{"message":"..."}`.
    pub fn body_json(&self) -> String {
        serde_json::json!({ "message": self.message }).to_string()
    }
}

impl From<aws_shapes::Rejection> for ServiceError {
    /// Coral's two framework failures, as Bedrock names them.
    fn from(rejection: aws_shapes::Rejection) -> Self {
        match rejection.kind {
            aws_shapes::RejectionKind::Serialization => ServiceError::serialization(rejection.message),
            aws_shapes::RejectionKind::Validation => ServiceError::validation(rejection.message),
        }
    }
}
