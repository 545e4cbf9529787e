//! CloudWatch Logs error codes and the error value the emulator turns into
//! `{"__type": ..., "message": ...}` (plus `queryCompileError` for malformed queries).

use serde::Serialize;

/// The `__type` of a CloudWatch Logs error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogsErrorCode {
    InvalidParameterException,
    ResourceNotFoundException,
    ResourceAlreadyExistsException,
    MalformedQueryException,
    LimitExceededException,
    InvalidOperationException,
    ServiceUnavailableException,
    /// Coral's framework error for a body that is not JSON or has a wrong JSON type.
    SerializationException,
    /// Coral's framework error for an operation name the service does not have.
    UnknownOperationException,
}

impl LogsErrorCode {
    /// The shape name sent as `__type`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogsErrorCode::InvalidParameterException => "InvalidParameterException",
            LogsErrorCode::ResourceNotFoundException => "ResourceNotFoundException",
            LogsErrorCode::ResourceAlreadyExistsException => "ResourceAlreadyExistsException",
            LogsErrorCode::MalformedQueryException => "MalformedQueryException",
            LogsErrorCode::LimitExceededException => "LimitExceededException",
            LogsErrorCode::InvalidOperationException => "InvalidOperationException",
            LogsErrorCode::ServiceUnavailableException => "ServiceUnavailableException",
            LogsErrorCode::SerializationException => "SerializationException",
            LogsErrorCode::UnknownOperationException => "UnknownOperationException",
        }
    }

    /// HTTP status: 400 for client errors, 503 for `ServiceUnavailableException` (a fault).
    pub fn http_status(self) -> u16 {
        match self {
            LogsErrorCode::ServiceUnavailableException => 503,
            _ => 400,
        }
    }
}

/// `MalformedQueryException.queryCompileError`: where the query failed to compile, in
/// characters from the start of the query string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryCompileError {
    pub location: QueryCompileErrorLocation,
    pub message: String,
}

/// `QueryCompileErrorLocation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryCompileErrorLocation {
    pub start_char_offset: u64,
    pub end_char_offset: u64,
}

/// A CloudWatch Logs error response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", code.as_str())]
pub struct LogsError {
    pub code: LogsErrorCode,
    pub message: String,
    pub query_compile_error: Option<QueryCompileError>,
}

impl LogsError {
    pub fn new(code: LogsErrorCode, message: impl Into<String>) -> LogsError {
        LogsError { code, message: message.into(), query_compile_error: None }
    }

    /// `InvalidParameterException`.
    pub fn invalid_parameter(message: impl Into<String>) -> LogsError {
        LogsError::new(LogsErrorCode::InvalidParameterException, message)
    }

    /// `ResourceNotFoundException`.
    pub fn not_found(message: impl Into<String>) -> LogsError {
        LogsError::new(LogsErrorCode::ResourceNotFoundException, message)
    }

    /// `MalformedQueryException` with its compile error location (character offsets).
    pub fn malformed_query(message: impl Into<String>, start: u64, end: u64) -> LogsError {
        let message = message.into();
        LogsError {
            code: LogsErrorCode::MalformedQueryException,
            query_compile_error: Some(QueryCompileError {
                location: QueryCompileErrorLocation { start_char_offset: start, end_char_offset: end },
                message: message.clone(),
            }),
            message,
        }
    }

    /// The JSON body AWS sends for this error.
    pub fn to_body(&self) -> String {
        let mut body = serde_json::json!({ "__type": self.code.as_str(), "message": self.message });
        if let Some(qce) = &self.query_compile_error {
            body["queryCompileError"] = serde_json::to_value(qce).expect("plain struct serializes");
        }
        body.to_string()
    }
}
