//! PutRetentionPolicy and DeleteRetentionPolicy: a log group's retention, kept by the log store
//! (which deletes expired segment files), shown by DescribeLogGroups as `retentionInDays`.
//! Groups without a policy follow the emulator's default (`serve --retention-days`), if any.

use aws_shapes::coral::text::enum_set;
use aws_shapes::{Shown, Violations};

use aws_protocol::Reply;

use crate::LogsService;
use crate::model::{DeleteRetentionPolicyRequest, LogsError, PutRetentionPolicyRequest};
use crate::names::store_error;

/// The values `retentionInDays` may take (the logs model's `Days` documentation).
pub const ALLOWED_RETENTION_DAYS: [u32; 22] =
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// `days` if CloudWatch allows it, else the `InvalidParameterException` it answers: Coral's
/// enum sentence (AWS checks the value set though the model only documents it).
pub fn check_retention_days(days: i64) -> Result<u32, LogsError> {
    if let Some(allowed) = ALLOWED_RETENTION_DAYS.iter().find(|d| i64::from(**d) == days) {
        return Ok(*allowed);
    }
    let values: Vec<String> = ALLOWED_RETENTION_DAYS.iter().map(u32::to_string).collect();
    let mut violations = Violations::default();
    violations.push(Shown::Quoted(days.to_string()), "retentionInDays", &enum_set(&values));
    match violations.into_result() {
        Err(rejection) => Err(LogsError::invalid_parameter(rejection.message)),
        Ok(()) => unreachable!("one violation was pushed"),
    }
}

pub(crate) fn put_retention_policy(state: &LogsService, req: PutRetentionPolicyRequest) -> Result<Reply, LogsError> {
    let days = check_retention_days(i64::from(req.retention_in_days))?;
    state.store.put_retention_policy(&req.log_group_name, days).map_err(store_error)?;
    Ok(Reply::empty())
}

pub(crate) fn delete_retention_policy(state: &LogsService, req: DeleteRetentionPolicyRequest) -> Result<Reply, LogsError> {
    state.store.delete_retention_policy(&req.log_group_name).map_err(store_error)?;
    Ok(Reply::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_values_are_allowed() {
        assert_eq!(check_retention_days(1).unwrap(), 1);
        assert_eq!(check_retention_days(3653).unwrap(), 3653);
        let err = check_retention_days(2).unwrap_err();
        assert_eq!(err.code, crate::model::LogsErrorCode::InvalidParameterException);
        assert_eq!(
            err.message,
            "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must \
             satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, \
             2557, 2922, 3288, 3653]"
        );
        for bad in [0, -1, 4, 366, 3654, i64::from(i32::MAX)] {
            assert!(check_retention_days(bad).is_err(), "{bad}");
        }
    }
}
