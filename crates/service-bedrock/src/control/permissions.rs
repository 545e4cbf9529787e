//! Bedrock's checks of its logging destinations under `--enforce-iam`, at
//! PutModelInvocationLoggingConfiguration and again before each delivery: the CloudWatch role
//! exists, trusts `bedrock.amazonaws.com` (its `aws:SourceAccount` / `aws:SourceArn`
//! conditions evaluated) and allows `logs:CreateLogStream` and `logs:PutLogEvents` on Bedrock's
//! stream of the log group, which must exist; each S3 bucket exists and its policy lets
//! `bedrock.amazonaws.com` `s3:PutObject` under the delivery prefix (a large-data bucket may
//! instead be allowed by the role). Failures are Bedrock's `ValidationException` texts.

use bedrock_model::error::ServiceError;
use bedrock_model::logging::{LoggingConfig, S3Config};
use service_kit::{ResourcePolicy, ResourcePolicyKind};

use crate::BedrockService;
use crate::delivery::invocation_log::LOG_STREAM;
use crate::delivery::keys as names;

/// The service principal Bedrock delivers as.
pub(crate) const BEDROCK_PRINCIPAL: &str = "bedrock.amazonaws.com";

/// Why a destination may not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refused {
    LogGroup { group: String, role: String, reason: String },
    Bucket { bucket: String, reason: String },
}

impl Refused {
    /// Bedrock's `ValidationException` for it.
    pub(crate) fn to_service_error(&self) -> ServiceError {
        match self {
            Refused::LogGroup { group, role, .. } => ServiceError::validation(format!(
                "Failed to validate permissions for log group: {group}, with role: {role}. Verify the IAM role permissions are correct."
            )),
            Refused::Bucket { bucket, .. } => ServiceError::validation(format!(
                "Failed to validate permissions for bucket: {bucket}. Verify the S3 bucket policy allows bedrock.amazonaws.com to write under the delivery prefix."
            )),
        }
    }

    /// Why, in a sentence (the emulator's log and `/_emulator/deliveries`).
    pub(crate) fn reason(&self) -> String {
        match self {
            Refused::LogGroup { reason, .. } | Refused::Bucket { reason, .. } => reason.clone(),
        }
    }
}

/// The condition keys Bedrock's requests carry: `aws:SourceAccount` and `aws:SourceArn`
/// (`arn:aws:bedrock:{region}:{account}:model-invocation-logging`, our choice: AWS does not
/// document the ARN; the documented `arn:aws:bedrock:{region}:{account}:*` pattern matches it).
pub(crate) fn source_keys(account: &str, region: &str) -> Vec<(String, Vec<String>)> {
    vec![
        ("aws:SourceAccount".to_owned(), vec![account.to_owned()]),
        ("aws:SourceArn".to_owned(), vec![format!("arn:aws:bedrock:{region}:{account}:model-invocation-logging")]),
    ]
}

/// Bedrock's stream of `group`: `arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:aws/bedrock/modelinvocations`.
pub(crate) fn stream_arn(region: &str, account: &str, group: &str) -> String {
    format!("arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:{LOG_STREAM}")
}

/// Every destination of `cfg` (the checks of a PUT).
pub(crate) fn check_all(state: &BedrockService, cfg: &LoggingConfig, region: &str) -> Result<(), Refused> {
    if let Some(cw) = &cfg.cloud_watch_config {
        check_log_group(state, &cw.log_group_name, &cw.role_arn, region, &["logs:CreateLogStream", "logs:PutLogEvents"])?;
        if let Some(large) = &cw.large_data_delivery_s3_config {
            check_bucket(state, large, region, Some(&cw.role_arn))?;
        }
    }
    if let Some(s3) = &cfg.s3_config {
        check_bucket(state, s3, region, None)?;
    }
    Ok(())
}

/// The log group exists and the role lets Bedrock do `actions` on its stream.
pub(crate) fn check_log_group(
    state: &BedrockService,
    group: &str,
    role: &str,
    region: &str,
    actions: &[&str],
) -> Result<(), Refused> {
    let refused = |reason: String| Refused::LogGroup { group: group.to_owned(), role: role.to_owned(), reason };
    if state.logs.log_group(group).is_none() {
        return Err(refused(format!(
            "the log group {group} does not exist (Bedrock's role can write to a group, not create one)"
        )));
    }
    let account = &state.env.account_id;
    let resource = stream_arn(region, account, group);
    let permissions: Vec<(&str, &str)> = actions.iter().map(|a| (*a, resource.as_str())).collect();
    state
        .env
        .authorizer
        .service_role(role, BEDROCK_PRINCIPAL, &source_keys(account, region), &permissions)
        .map_err(|r| refused(r.to_string()))
}

/// The bucket exists and lets Bedrock write its permission-check object (through its policy,
/// or, for a large-data bucket, through `role`).
pub(crate) fn check_bucket(state: &BedrockService, s3: &S3Config, region: &str, role: Option<&str>) -> Result<(), Refused> {
    let bucket = &s3.bucket_name;
    let refused = |reason: String| Refused::Bucket { bucket: bucket.clone(), reason };
    let store = state.s3.store();
    if !store.bucket_exists(bucket).unwrap_or(false) {
        return Err(refused(format!("the bucket {bucket} does not exist")));
    }
    let account = &state.env.account_id;
    let prefix = names::normalize_key_prefix(s3.key_prefix.as_deref()).map_err(refused)?;
    let resource = format!("arn:aws:s3:::{bucket}/{}", names::permission_check_key(&prefix, account));
    let keys = source_keys(account, region);
    let authorizer = &state.env.authorizer;
    let by_policy = store.bucket_config(bucket, object_store::BUCKET_POLICY).ok().flatten().and_then(|bytes| {
        let policy = ResourcePolicy {
            source: format!("bucket-policy:{bucket}"),
            kind: ResourcePolicyKind::Bucket(bucket.clone()),
            document: String::from_utf8(bytes).ok()?,
            owner_account: account.clone(),
        };
        Some(authorizer.resource_policy_allows(&policy, BEDROCK_PRINCIPAL, "s3:PutObject", &resource, &keys))
    });
    if by_policy == Some(true) {
        return Ok(());
    }
    if let Some(role) = role
        && authorizer.service_role(role, BEDROCK_PRINCIPAL, &keys, &[("s3:PutObject", &resource)]).is_ok()
    {
        return Ok(());
    }
    Err(refused(match by_policy {
        None => format!("the bucket {bucket} has no policy letting {BEDROCK_PRINCIPAL} s3:PutObject on {resource}"),
        Some(_) => format!("the policy of {bucket} does not let {BEDROCK_PRINCIPAL} s3:PutObject on {resource}"),
    }))
}
