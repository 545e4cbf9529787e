//! Log group names, identifiers and ARNs, and the mapping of log-store errors to CloudWatch
//! Logs errors (with the service's own sentences).

use crate::model::{LogsError, LogsErrorCode};
use log_store::StoreError;

/// `ResourceNotFoundException` text for a missing log group (real service text).
pub(crate) const GROUP_NOT_FOUND: &str = "The specified log group does not exist.";
/// `ResourceNotFoundException` text for a missing log stream (real service text).
pub(crate) const STREAM_NOT_FOUND: &str = "The specified log stream does not exist.";

/// `arn:aws:logs:<region>:<account>:log-group:<name>` (`logGroupArn`); `arn` adds `:*`.
pub(crate) fn log_group_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:logs:{region}:{account}:log-group:{name}")
}

/// A log group name from a `logGroupIdentifier`: the name itself or its ARN (with or without
/// the trailing `:*`).
pub(crate) fn name_from_identifier(id: &str) -> String {
    match id.split_once(":log-group:") {
        Some((prefix, rest)) if prefix.starts_with("arn:") => rest.strip_suffix(":*").unwrap_or(rest).to_owned(),
        _ => id.to_owned(),
    }
}

/// The one log group of a request that takes `logGroupName` or `logGroupIdentifier`.
pub(crate) fn one_group(name: Option<&str>, identifier: Option<&str>) -> Result<String, LogsError> {
    match (name, identifier) {
        (Some(name), None) => Ok(name.to_owned()),
        (None, Some(id)) => Ok(name_from_identifier(id)),
        (Some(_), Some(_)) => {
            Err(LogsError::invalid_parameter("LogGroupName and LogGroupIdentifier are mutually exclusive parameters."))
        }
        (None, None) => Err(LogsError::invalid_parameter("Either LogGroupName or LogGroupIdentifier must be specified.")),
    }
}

/// Refuses names the service reserves for itself (`aws/...`), which the model's pattern allows.
pub(crate) fn check_creatable_group_name(name: &str) -> Result<(), LogsError> {
    if name.starts_with("aws/") {
        return Err(LogsError::invalid_parameter(format!(
            "Log group name {name} is invalid: log group names cannot start with 'aws/'."
        )));
    }
    Ok(())
}

/// Maps a log-store error to the CloudWatch Logs error a client sees.
pub(crate) fn store_error(err: StoreError) -> LogsError {
    match err {
        StoreError::GroupNotFound(_) => LogsError::not_found(GROUP_NOT_FOUND),
        StoreError::StreamNotFound { .. } => LogsError::not_found(STREAM_NOT_FOUND),
        StoreError::GroupAlreadyExists(_) => {
            LogsError::new(LogsErrorCode::ResourceAlreadyExistsException, "The specified log group already exists")
        }
        StoreError::StreamAlreadyExists { .. } => {
            LogsError::new(LogsErrorCode::ResourceAlreadyExistsException, "The specified log stream already exists")
        }
        StoreError::InvalidName { name, reason } => LogsError::invalid_parameter(format!("Invalid name {name}: {reason}")),
        StoreError::EventTooLarge { len, max, .. } => {
            LogsError::invalid_parameter(format!("Log event too large: {len} bytes exceeds limit of {max}"))
        }
        StoreError::TooManyOpenFiles { .. } => LogsError::new(
            LogsErrorCode::ServiceUnavailableException,
            "The emulator is out of file descriptors; it released its idle files, try the request again.",
        ),
        other => LogsError::new(LogsErrorCode::ServiceUnavailableException, format!("The log store failed: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_names_or_arns() {
        assert_eq!(name_from_identifier("/aws/bedrock/x"), "/aws/bedrock/x");
        assert_eq!(name_from_identifier("arn:aws:logs:us-east-1:123:log-group:/aws/bedrock/x:*"), "/aws/bedrock/x");
        assert_eq!(name_from_identifier("arn:aws:logs:us-east-1:123:log-group:g"), "g");
        assert!(one_group(Some("a"), Some("b")).is_err());
        assert!(one_group(None, None).is_err());
        assert!(check_creatable_group_name("aws/x").is_err());
        assert!(check_creatable_group_name("/aws/x").is_ok());
    }
}
