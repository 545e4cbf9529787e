//! CloudWatch's and SNS's errors, and how each is written: CloudWatch is awsQueryCompatible, so
//! an error carries its shape name (`__type` in JSON and CBOR) and its awsQuery code (`<Code>`,
//! and `x-amzn-query-error` for the clients of JSON and CBOR, which match errors by it). SNS
//! speaks awsQuery only and is known by its query codes.

use aws_protocol::AwsError;
use aws_shapes::{Rejection, RejectionKind};

use crate::dashboards::validate::ValidationMessage;

/// A CloudWatch error (the model's error shapes, reference §1.3).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudWatchError {
    /// `InvalidParameterValueException` / `InvalidParameterValue` (400).
    #[error("InvalidParameterValue: {0}")]
    InvalidParameterValue(String),
    /// `MissingRequiredParameterException` / `MissingParameter` (400).
    #[error("MissingParameter: {0}")]
    MissingParameter(String),
    /// `InvalidParameterCombinationException` / `InvalidParameterCombination` (400).
    #[error("InvalidParameterCombination: {0}")]
    InvalidParameterCombination(String),
    /// `ValidationException` / `ValidationError` (400): model constraints and alarm rules.
    #[error("ValidationError: {0}")]
    Validation(String),
    /// `ResourceNotFound` (404).
    #[error("ResourceNotFound: {0}")]
    ResourceNotFound(String),
    /// `InvalidNextToken` (400).
    #[error("InvalidNextToken: {0}")]
    InvalidNextToken(String),
    /// `InvalidFormatFault` / `InvalidFormat` (400): `StateReasonData` that is not JSON.
    #[error("InvalidFormat: {0}")]
    InvalidFormat(String),
    /// `LimitExceededFault` / `LimitExceeded` (400).
    #[error("LimitExceeded: {0}")]
    LimitExceeded(String),
    /// Coral's `SerializationException`: a body or parameter of the wrong type.
    #[error("SerializationException: {0}")]
    Serialization(String),
    /// `DashboardInvalidInputError` / `InvalidParameterInput` (400): a dashboard name or body
    /// CloudWatch refuses, with the body's validation messages.
    #[error("InvalidParameterInput: {message}")]
    DashboardInvalidInput { message: String, messages: Vec<ValidationMessage> },
    /// `DashboardNotFoundError` / `ResourceNotFound` (404).
    #[error("ResourceNotFound: {0}")]
    DashboardNotFound(String),
    /// `InternalServiceFault` / `InternalServiceError` (500).
    #[error("InternalServiceError: {0}")]
    Internal(String),
}

impl CloudWatchError {
    /// The protocol layer's form: shape name, status, query code.
    pub fn to_aws(&self) -> AwsError {
        let (shape, query, status, message) = match self {
            Self::InvalidParameterValue(m) => ("InvalidParameterValueException", "InvalidParameterValue", 400, m),
            Self::MissingParameter(m) => ("MissingRequiredParameterException", "MissingParameter", 400, m),
            Self::InvalidParameterCombination(m) => {
                ("InvalidParameterCombinationException", "InvalidParameterCombination", 400, m)
            }
            Self::Validation(m) => ("ValidationException", "ValidationError", 400, m),
            Self::ResourceNotFound(m) => ("ResourceNotFound", "ResourceNotFound", 404, m),
            Self::InvalidNextToken(m) => ("InvalidNextToken", "InvalidNextToken", 400, m),
            Self::InvalidFormat(m) => ("InvalidFormatFault", "InvalidFormat", 400, m),
            Self::LimitExceeded(m) => ("LimitExceededFault", "LimitExceeded", 400, m),
            Self::Serialization(m) => return AwsError::serialization(m.clone()),
            Self::DashboardInvalidInput { message, messages } => {
                let error =
                    AwsError::new("DashboardInvalidInputError", 400, message.clone()).with_query_code("InvalidParameterInput");
                if messages.is_empty() {
                    return error;
                }
                let list = serde_json::to_value(messages).unwrap_or_default();
                return error.with_field("dashboardValidationMessages", list);
            }
            Self::DashboardNotFound(m) => ("DashboardNotFoundError", "ResourceNotFound", 404, m),
            Self::Internal(m) => ("InternalServiceFault", "InternalServiceError", 500, m),
        };
        AwsError::new(shape, status, message.clone()).with_query_code(query)
    }

    /// A model check that failed.
    pub(crate) fn from_rejection(rejection: Rejection) -> Self {
        match rejection.kind {
            RejectionKind::Serialization => Self::Serialization(rejection.message),
            RejectionKind::Validation => Self::Validation(rejection.message),
        }
    }

    /// `InvalidParameterValue` "The value X for parameter P is invalid."
    pub(crate) fn invalid_value(parameter: &str, value: impl std::fmt::Display) -> Self {
        Self::InvalidParameterValue(format!("The value {value} for parameter {parameter} is invalid."))
    }
}

/// An SNS error (awsQuery codes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnsError {
    /// `InvalidParameter` (400).
    #[error("InvalidParameter: {0}")]
    InvalidParameter(String),
    /// `NotFound` (404).
    #[error("NotFound: {0}")]
    NotFound(String),
    /// `InternalError` (500).
    #[error("InternalError: {0}")]
    Internal(String),
}

impl SnsError {
    /// The protocol layer's form.
    pub fn to_aws(&self) -> AwsError {
        let (code, status, message) = match self {
            Self::InvalidParameter(m) => ("InvalidParameter", 400, m),
            Self::NotFound(m) => ("NotFound", 404, m),
            Self::Internal(m) => ("InternalError", 500, m),
        };
        AwsError::new(code, status, message.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_codes_ride_along() {
        let e = CloudWatchError::invalid_value("Period", 7).to_aws();
        assert_eq!(
            (e.code.as_ref(), e.wire_query_code(), e.status),
            ("InvalidParameterValueException", "InvalidParameterValue", 400)
        );
        assert_eq!(e.message, "The value 7 for parameter Period is invalid.");
        let e = CloudWatchError::Validation("x".into()).to_aws();
        assert_eq!(e.wire_query_code(), "ValidationError");
        assert_eq!(SnsError::NotFound("Topic does not exist".into()).to_aws().status, 404);
    }

    #[test]
    fn an_invalid_dashboard_carries_its_messages_in_the_models_member_names() {
        let messages = vec![ValidationMessage::new("/widgets/0", "Should have required property 'type'")];
        let e = CloudWatchError::DashboardInvalidInput { message: "The dashboard body is invalid".into(), messages }.to_aws();
        assert_eq!(
            (e.code.as_ref(), e.wire_query_code(), e.status),
            ("DashboardInvalidInputError", "InvalidParameterInput", 400)
        );
        assert_eq!(
            e.fields[0],
            (
                "dashboardValidationMessages".into(),
                serde_json::json!([{"DataPath": "/widgets/0", "Message": "Should have required property 'type'"}]).into()
            )
        );
        let e = CloudWatchError::DashboardNotFound("Dashboard x does not exist".into()).to_aws();
        assert_eq!((e.code.as_ref(), e.wire_query_code(), e.status), ("DashboardNotFoundError", "ResourceNotFound", 404));
    }
}
