//! The CloudWatch Logs API (awsJson1.1, `Logs_20140328`) requests the emulator serves: the
//! operation names, the typed requests, their validation against the official logs model
//! (embedded trimmed copy `models/logs.api.json`, made by `cargo xtask trim-model`, checked by
//! aws-shapes), and the service's
//! error codes.
//!
//! A body that is not a JSON object, or has a member of the wrong JSON type, is Coral's
//! `SerializationException`; constraint violations are one `InvalidParameterException` with
//! Coral's `N validation error(s) detected: ...` message (CloudWatch Logs reports model
//! constraints with that code, not `ValidationException`).

mod error;
mod requests;
mod responses;

pub use error::{LogsError, LogsErrorCode, QueryCompileError};
pub use requests::*;
pub use responses::*;

use serde::de::DeserializeOwned;

use std::sync::LazyLock;

use aws_shapes::{Rejection, RejectionKind, ShapeIndex, check_body, read_body_object, strip_nulls};

/// Shapes reachable from the CloudWatch Logs operations the emulator serves (logs 2014-03-28).
pub(crate) static LOGS: LazyLock<ShapeIndex> =
    LazyLock::new(|| ShapeIndex::from_json(include_str!("../../models/logs.api.json")));

/// An operation of the CloudWatch Logs API that the emulator answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogsOperation {
    CreateLogGroup,
    DeleteLogGroup,
    DescribeLogGroups,
    CreateLogStream,
    DeleteLogStream,
    DescribeLogStreams,
    PutLogEvents,
    GetLogEvents,
    FilterLogEvents,
    StartQuery,
    GetQueryResults,
    StopQuery,
    DescribeQueries,
    GetLogRecord,
    PutMetricFilter,
    DescribeMetricFilters,
    DeleteMetricFilter,
    TestMetricFilter,
    PutRetentionPolicy,
    DeleteRetentionPolicy,
}

impl LogsOperation {
    /// Every operation served.
    pub const ALL: [LogsOperation; 20] = [
        LogsOperation::CreateLogGroup,
        LogsOperation::DeleteLogGroup,
        LogsOperation::DescribeLogGroups,
        LogsOperation::CreateLogStream,
        LogsOperation::DeleteLogStream,
        LogsOperation::DescribeLogStreams,
        LogsOperation::PutLogEvents,
        LogsOperation::GetLogEvents,
        LogsOperation::FilterLogEvents,
        LogsOperation::StartQuery,
        LogsOperation::GetQueryResults,
        LogsOperation::StopQuery,
        LogsOperation::DescribeQueries,
        LogsOperation::GetLogRecord,
        LogsOperation::PutMetricFilter,
        LogsOperation::DescribeMetricFilters,
        LogsOperation::DeleteMetricFilter,
        LogsOperation::TestMetricFilter,
        LogsOperation::PutRetentionPolicy,
        LogsOperation::DeleteRetentionPolicy,
    ];

    /// The operation name, as after `Logs_20140328.` in `X-Amz-Target`.
    pub const fn name(self) -> &'static str {
        match self {
            LogsOperation::CreateLogGroup => "CreateLogGroup",
            LogsOperation::DeleteLogGroup => "DeleteLogGroup",
            LogsOperation::DescribeLogGroups => "DescribeLogGroups",
            LogsOperation::CreateLogStream => "CreateLogStream",
            LogsOperation::DeleteLogStream => "DeleteLogStream",
            LogsOperation::DescribeLogStreams => "DescribeLogStreams",
            LogsOperation::PutLogEvents => "PutLogEvents",
            LogsOperation::GetLogEvents => "GetLogEvents",
            LogsOperation::FilterLogEvents => "FilterLogEvents",
            LogsOperation::StartQuery => "StartQuery",
            LogsOperation::GetQueryResults => "GetQueryResults",
            LogsOperation::StopQuery => "StopQuery",
            LogsOperation::DescribeQueries => "DescribeQueries",
            LogsOperation::GetLogRecord => "GetLogRecord",
            LogsOperation::PutMetricFilter => "PutMetricFilter",
            LogsOperation::DescribeMetricFilters => "DescribeMetricFilters",
            LogsOperation::DeleteMetricFilter => "DeleteMetricFilter",
            LogsOperation::TestMetricFilter => "TestMetricFilter",
            LogsOperation::PutRetentionPolicy => "PutRetentionPolicy",
            LogsOperation::DeleteRetentionPolicy => "DeleteRetentionPolicy",
        }
    }

    /// Finds an operation by name.
    pub fn from_name(name: &str) -> Option<LogsOperation> {
        Self::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The model's input shape name.
    pub(crate) fn input_shape(self) -> String {
        format!("{}Request", self.name())
    }
}

/// Reads and validates the body of `op` and returns its typed request.
pub fn parse_logs_request<T: DeserializeOwned>(op: LogsOperation, body: &[u8]) -> Result<T, LogsError> {
    let value = read_body_object(body).map_err(LogsError::from_model)?;
    check_body(&LOGS, &op.input_shape(), &value).map_err(LogsError::from_model)?.into_result().map_err(LogsError::from_model)?;
    // Types were checked above; unknown members are ignored, as by Coral.
    serde_json::from_value(strip_nulls(value)).map_err(|e| LogsError::new(LogsErrorCode::SerializationException, e.to_string()))
}

impl LogsError {
    /// Maps the shared Coral validation outcome to CloudWatch Logs' codes.
    fn from_model(rejection: Rejection) -> LogsError {
        let code = match rejection.kind {
            RejectionKind::Serialization => LogsErrorCode::SerializationException,
            RejectionKind::Validation => LogsErrorCode::InvalidParameterException,
        };
        LogsError::new(code, rejection.message)
    }
}

#[cfg(test)]
mod tests;
