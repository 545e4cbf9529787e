//! Validation of CloudWatch Logs requests against the embedded logs model.

use super::*;

#[test]
fn every_operation_has_its_input_shape() {
    for op in LogsOperation::ALL {
        assert_eq!(LogsOperation::from_name(op.name()), Some(op));
        assert!(LOGS.names().any(|n| n == op.input_shape()), "{} has no input shape", op.name());
    }
    assert_eq!(LogsOperation::from_name("PutAccountPolicy"), None);
}

#[test]
fn every_embedded_shape_resolves() {
    assert_eq!(LOGS.dangling_references(), Vec::<String>::new());
}

#[test]
fn a_valid_request_parses() {
    let req: StartQueryRequest = parse_logs_request(
        LogsOperation::StartQuery,
        br#"{"logGroupName":"/aws/bedrock/modelinvocations","startTime":1,"endTime":2,"queryString":"fields @message","limit":5}"#,
    )
    .unwrap();
    assert_eq!(req.log_group_name.as_deref(), Some("/aws/bedrock/modelinvocations"));
    assert_eq!(req.limit, Some(5));
}

#[test]
fn constraint_violations_are_invalid_parameter_with_coral_text() {
    let err = parse_logs_request::<CreateLogGroupRequest>(LogsOperation::CreateLogGroup, br#"{"logGroupName":"bad name"}"#)
        .unwrap_err();
    assert_eq!(err.code, LogsErrorCode::InvalidParameterException);
    assert_eq!(
        err.message,
        "1 validation error detected: Value 'bad name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+"
    );
    let err =
        parse_logs_request::<StartQueryRequest>(LogsOperation::StartQuery, br#"{"queryString":"x","limit":0}"#).unwrap_err();
    assert_eq!(err.code, LogsErrorCode::InvalidParameterException);
    assert!(err.message.starts_with("3 validation errors detected: "), "{}", err.message);
    assert!(err.message.contains("Value null at 'startTime' failed to satisfy constraint: Member must not be null"));
    assert!(
        err.message
            .contains("Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
    );
}

#[test]
fn wrong_types_and_malformed_json_are_serialization_exceptions() {
    let err = parse_logs_request::<StartQueryRequest>(LogsOperation::StartQuery, br#"{"startTime":"soon"}"#).unwrap_err();
    assert_eq!(err.code, LogsErrorCode::SerializationException);
    let err = parse_logs_request::<StartQueryRequest>(LogsOperation::StartQuery, b"{not json").unwrap_err();
    assert_eq!(err.code, LogsErrorCode::SerializationException);
}

#[test]
fn malformed_query_body_carries_the_compile_error() {
    let body = LogsError::malformed_query("unexpected symbol", 3, 5).to_body();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["__type"], "MalformedQueryException");
    assert_eq!(v["queryCompileError"]["location"]["startCharOffset"], 3);
    assert_eq!(v["queryCompileError"]["location"]["endCharOffset"], 5);
}
