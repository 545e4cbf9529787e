//! Bedrock's errors (`bedrock_model::ServiceError`: a code of the Bedrock models and AWS's
//! message) as the protocol layer's `AwsError`: the code, its HTTP status from the models'
//! `httpStatusCode`, and the Coral namespace of `x-amzn-ErrorType` (Coral's framework errors
//! carry `com.amazon.coral.service`, Bedrock's own the service's).

use aws_protocol::AwsError;
use bedrock_model::error::{ErrorCode, ServiceError};

/// Coral's framework namespace.
const CORAL_FRAMEWORK: &str = "com.amazon.coral.service";

/// The protocol layer's form of a Bedrock error.
pub(crate) fn to_aws_error(err: &ServiceError) -> AwsError {
    let aws = AwsError::new(err.code.as_str(), err.code.http_status(), err.message.clone());
    match err.code {
        ErrorCode::SerializationException | ErrorCode::UnknownOperationException => aws.with_coral_namespace(CORAL_FRAMEWORK),
        _ => aws,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_statuses_and_namespaces() {
        let err = to_aws_error(&ServiceError::validation("bad"));
        assert_eq!((err.code.as_ref(), err.status, err.message.as_str()), ("ValidationException", 400, "bad"));
        assert_eq!(err.coral_namespace, None, "the service's own namespace (com.amazon.bedrock)");
        let err = to_aws_error(&ServiceError::serialization("x"));
        assert_eq!(err.coral_namespace, Some(CORAL_FRAMEWORK));
        assert_eq!(to_aws_error(&ServiceError::new(ErrorCode::ModelErrorException, "m")).status, 424);
    }
}
