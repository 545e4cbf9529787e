//! `AwsError`: an error as every AWS protocol carries it (code = the error shape's name, HTTP
//! status, message, sender or receiver fault, the awsQuery-compatible code, the Coral namespace
//! of restJson's `x-amzn-ErrorType`, extra members), and the errors the protocol layer itself
//! answers (unknown operation, unreadable body). Rendering is in `wire/`, one file a protocol.

use std::borrow::Cow;

use crate::protocol::Protocol;
use crate::service::{CORAL_FRAMEWORK_NAMESPACE, ServiceId};

/// Who is at fault: the caller (`Sender`, 4xx) or the service (`Receiver`, 5xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

impl Fault {
    /// The awsQuery `<Type>` and `x-amzn-query-error` word.
    pub fn as_str(self) -> &'static str {
        match self {
            Fault::Sender => "Sender",
            Fault::Receiver => "Receiver",
        }
    }

    /// `Receiver` for 5xx statuses, `Sender` otherwise.
    pub fn from_status(status: u16) -> Fault {
        if status >= 500 { Fault::Receiver } else { Fault::Sender }
    }
}

/// An extra member of an error (beside `message`): text, or a JSON value for structured
/// members such as Logs' `queryCompileError`.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorField {
    Text(String),
    Json(serde_json::Value),
}

impl From<String> for ErrorField {
    fn from(s: String) -> Self {
        ErrorField::Text(s)
    }
}

impl From<&str> for ErrorField {
    fn from(s: &str) -> Self {
        ErrorField::Text(s.to_owned())
    }
}

impl From<serde_json::Value> for ErrorField {
    fn from(v: serde_json::Value) -> Self {
        ErrorField::Json(v)
    }
}

/// An error response, independent of the protocol that carries it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct AwsError {
    /// The error shape name (`ValidationException`, `NoSuchKey`).
    pub code: Cow<'static, str>,
    /// The HTTP status.
    pub status: u16,
    pub message: String,
    pub fault: Fault,
    /// The awsQuery error code of an awsQueryCompatible service (`InvalidParameterValue`):
    /// sent as `x-amzn-query-error` in JSON and CBOR, and as `<Code>` in awsQuery.
    pub query_code: Option<Cow<'static, str>>,
    /// The namespace in restJson's `x-amzn-ErrorType`; `None`: the service's.
    pub coral_namespace: Option<&'static str>,
    /// Extra members after `message`, in order.
    pub fields: Vec<(Cow<'static, str>, ErrorField)>,
}

impl AwsError {
    /// An error with `code`, `status` and `message`; the fault follows the status.
    pub fn new(code: impl Into<Cow<'static, str>>, status: u16, message: impl Into<String>) -> AwsError {
        AwsError {
            code: code.into(),
            status,
            message: message.into(),
            fault: Fault::from_status(status),
            query_code: None,
            coral_namespace: None,
            fields: Vec::new(),
        }
    }

    /// Sets the awsQuery-compatible code.
    pub fn with_query_code(mut self, code: impl Into<Cow<'static, str>>) -> AwsError {
        self.query_code = Some(code.into());
        self
    }

    /// Sets the Coral namespace of `x-amzn-ErrorType`.
    pub fn with_coral_namespace(mut self, namespace: &'static str) -> AwsError {
        self.coral_namespace = Some(namespace);
        self
    }

    /// Appends an extra member.
    pub fn with_field(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<ErrorField>) -> AwsError {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Overrides the fault.
    pub fn with_fault(mut self, fault: Fault) -> AwsError {
        self.fault = fault;
        self
    }

    /// The code the awsQuery protocol sends (`query_code`, else `code`).
    pub fn wire_query_code(&self) -> &str {
        self.query_code.as_deref().unwrap_or(&self.code)
    }

    /// The lowerCamel member name of an event-stream exception (`throttlingException`).
    pub fn event_stream_name(&self) -> String {
        let mut chars = self.code.chars();
        let mut out = String::with_capacity(self.code.len());
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_lowercase());
        }
        out.extend(chars);
        out
    }

    /// The "not implemented" error in `protocol`'s idiom, naming the operation and the service:
    /// restJson `UnknownOperationException` 404 (Coral's), awsJson 400, RPC v2 CBOR 404 (as
    /// smithy-rs' server router), awsQuery `InvalidAction` 400, restXml `NotImplemented` 501.
    pub fn unknown_operation(service: ServiceId, protocol: Protocol, operation: &str) -> AwsError {
        Self::unknown_operation_of(service.full_name(), protocol, operation)
    }

    /// [`AwsError::unknown_operation`] for a service the emulator does not know by name (an
    /// unknown `X-Amz-Target` prefix or CBOR service).
    pub fn unknown_operation_of(service_name: &str, protocol: Protocol, operation: &str) -> AwsError {
        let message = format!("The operation {operation} of {service_name} is not implemented by this emulator");
        match protocol {
            Protocol::RestJson1 => {
                AwsError::new("UnknownOperationException", 404, message).with_coral_namespace(CORAL_FRAMEWORK_NAMESPACE)
            }
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => AwsError::new("UnknownOperationException", 400, message),
            Protocol::RpcV2Cbor => AwsError::new("UnknownOperationException", 404, message),
            Protocol::AwsQuery => AwsError::new("InvalidAction", 400, message),
            Protocol::RestXml => AwsError::new("NotImplemented", 501, message),
        }
    }

    /// An IAM denial (403) in the words of `service`: `AccessDeniedException` for the JSON
    /// services (CloudWatch with the awsQuery code `AccessDenied`), `AccessDenied` for IAM, STS
    /// and S3, `AuthorizationError` for SNS.
    pub fn access_denied(service: ServiceId, message: impl Into<String>) -> AwsError {
        match service {
            ServiceId::Iam | ServiceId::Sts | ServiceId::S3 => AwsError::new("AccessDenied", 403, message),
            ServiceId::Sns => AwsError::new("AuthorizationError", 403, message),
            ServiceId::CloudWatch => AwsError::new("AccessDeniedException", 403, message).with_query_code("AccessDenied"),
            ServiceId::Bedrock | ServiceId::BedrockRuntime | ServiceId::Logs | ServiceId::Athena => {
                AwsError::new("AccessDeniedException", 403, message)
            }
        }
    }

    /// Coral's framework error for a body or parameter that does not decode (400).
    pub fn serialization(message: impl Into<String>) -> AwsError {
        AwsError::new("SerializationException", 400, message).with_coral_namespace(CORAL_FRAMEWORK_NAMESPACE)
    }

    /// An internal failure of the emulator (500), with the code the service's clients know:
    /// Bedrock's `InternalServerException`, S3's `InternalError`, else AWS's common
    /// `InternalFailure`.
    pub fn internal(service: Option<ServiceId>, message: impl Into<String>) -> AwsError {
        let code = match service {
            Some(ServiceId::Bedrock | ServiceId::BedrockRuntime) => "InternalServerException",
            Some(ServiceId::S3) => "InternalError",
            _ => "InternalFailure",
        };
        AwsError::new(code, 500, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_and_names() {
        let e = AwsError::new("ThrottlingException", 429, "slow down");
        assert_eq!(e.fault, Fault::Sender);
        assert_eq!(e.event_stream_name(), "throttlingException");
        assert_eq!(e.to_string(), "ThrottlingException: slow down");
        assert_eq!(AwsError::new("X", 503, "").fault, Fault::Receiver);
        let q = AwsError::new("InvalidParameterValueException", 400, "bad").with_query_code("InvalidParameterValue");
        assert_eq!(q.wire_query_code(), "InvalidParameterValue");
        assert_eq!(AwsError::new("X", 400, "").wire_query_code(), "X");
    }

    #[test]
    fn unknown_operation_per_protocol() {
        let e = AwsError::unknown_operation(ServiceId::Bedrock, Protocol::RestJson1, "ListFoundationModels");
        assert_eq!(e.message, "The operation ListFoundationModels of Amazon Bedrock is not implemented by this emulator");
        assert_eq!((e.code.as_ref(), e.status), ("UnknownOperationException", 404));
        let cases = [
            (Protocol::AwsJson1_1, "UnknownOperationException", 400),
            (Protocol::RpcV2Cbor, "UnknownOperationException", 404),
            (Protocol::AwsQuery, "InvalidAction", 400),
            (Protocol::RestXml, "NotImplemented", 501),
        ];
        for (p, code, status) in cases {
            let e = AwsError::unknown_operation(ServiceId::S3, p, "Op");
            assert_eq!((e.code.as_ref(), e.status), (code, status), "{p}");
        }
    }
}
