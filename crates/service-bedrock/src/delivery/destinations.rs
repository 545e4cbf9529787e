//! One invocation's record, split into what each configured destination receives: the
//! CloudWatch record (media and large bodies moved to `largeDataDeliveryS3Config` when set) and
//! the S3 record (media and large bodies moved under `s3Config`). `invocation_log.rs` appends the first and
//! hands the second to [`queue_s3`] (or holds both for a delivery delay).

use std::collections::BTreeSet;

use bedrock_model::error::ServiceError;
use bedrock_model::logging::{LoggingConfig, S3Config};
use bedrock_model::record::ModelInvocationLog;

use crate::delivery::held::HeldS3;
use crate::delivery::large_body::{self, DataLocation, S3Target};
use crate::delivery::media::{self, MediaDestination};
use crate::delivery::keys as names;
use crate::BedrockService;

/// The versions of one record, per destination.
#[derive(Debug)]
pub(crate) struct Destinations {
    /// For the CloudWatch log group, when one is configured.
    pub(crate) cloud_watch: Option<ModelInvocationLog>,
    /// For the S3 bucket, when `s3Config` is set.
    s3: Option<(DataLocation, ModelInvocationLog)>,
    /// The record's instant (epoch ms), which times its S3 batch.
    at_ms: i64,
}

/// The bucket and normalized prefix of an `S3Config` (validated at PUT).
pub(crate) fn target(cfg: &S3Config) -> Result<S3Target, ServiceError> {
    let prefix = names::normalize_key_prefix(cfg.key_prefix.as_deref()).map_err(ServiceError::internal)?;
    Ok(S3Target { bucket: cfg.bucket_name.clone(), prefix })
}

/// Splits `record` per destination, writing the media and large bodies' `data/` objects:
/// media first (a body without its bytes may fit the record), then bodies still over 100 KB.
pub(crate) fn prepare(
    state: &BedrockService,
    cfg: &LoggingConfig,
    record: ModelInvocationLog,
    now_ms: i64,
) -> Result<Destinations, ServiceError> {
    let account = &state.env.account_id;
    let store = state.s3.store();
    let mut written = BTreeSet::new();
    let at_ms = (record.context.timestamp.unix_timestamp_nanos() / 1_000_000) as i64;
    let region = record.context.region.clone();
    let location = |s3: &S3Config| {
        let target = target(s3)?;
        let hour_dir = names::hour_dir(&target.prefix, account, &region, at_ms);
        Ok::<_, ServiceError>(DataLocation { target, hour_dir })
    };
    // One destination's version of the record, given its S3 location (if any).
    let mut version = |mut record: ModelInvocationLog, location: Option<&DataLocation>| {
        let dest = MediaDestination { store, location, now_ms };
        media::offload(&dest, cfg, &mut record, &mut written)
            .map_err(|err| ServiceError::internal(format!("failed to deliver media to Amazon S3: {err}")))?;
        if let Some(location) = location {
            large_body::offload(store, location, &mut record, now_ms, &mut written)
                .map_err(|err| ServiceError::internal(format!("failed to deliver a large body to Amazon S3: {err}")))?;
        }
        Ok::<_, ServiceError>(record)
    };
    let s3 = match &cfg.s3_config {
        Some(s3) => {
            let location = location(s3)?;
            let copy = version(record.clone(), Some(&location))?;
            Some((location, copy))
        }
        None => None,
    };
    let cloud_watch = match cfg.log_group_name() {
        Some(_) => {
            let large = cfg.large_data_s3().map(location).transpose()?;
            Some(version(record, large.as_ref())?)
        }
        None => None,
    };
    Ok(Destinations { cloud_watch, s3, at_ms })
}

impl Destinations {
    /// The S3 version as it is queued: bucket, hour directory, instant and the record's line.
    pub(crate) fn s3_entry(&self) -> Option<HeldS3> {
        self.s3.as_ref().map(|(location, record)| HeldS3 {
            bucket: location.target.bucket.clone(),
            dir: location.hour_dir.clone(),
            at_ms: self.at_ms,
            line: record.to_json_string(),
        })
    }
}

/// Queues an S3 record (journaled before this returns).
pub(crate) fn queue_s3(state: &BedrockService, request_id: &str, entry: HeldS3) -> Result<(), ServiceError> {
    state
        .s3
        .enqueue(&entry.bucket, &entry.dir, entry.at_ms, request_id, entry.line)
        .map_err(|err| ServiceError::internal(format!("failed to queue the invocation log record for Amazon S3: {err}")))
}

/// At PUT of the logging configuration: checks every S3 location, creates its bucket (the
/// emulator stands in for the setup scripts that create it on AWS) and writes the
/// permission-check marker, as Bedrock does when it validates its access.
pub(crate) fn prepare_locations(state: &BedrockService, cfg: &LoggingConfig) -> Result<(), ServiceError> {
    let locations = cfg.s3_config.iter().chain(cfg.large_data_s3());
    for s3 in locations {
        let bucket = &s3.bucket_name;
        let invalid = |reason: String| {
            ServiceError::validation(format!("Failed to validate permissions for S3 bucket: {bucket}. {reason}."))
        };
        object_store::validate_bucket_name(bucket).map_err(|r| invalid(format!("The bucket name is not valid: {r}")))?;
        let prefix = names::normalize_key_prefix(s3.key_prefix.as_deref())
            .map_err(|r| invalid(format!("The key prefix is not valid: {r}")))?;
        let store = state.s3.store();
        let now_ms = state.env.now_ms();
        store
            .ensure_bucket(bucket, now_ms)
            .and_then(|()| store.put_object(bucket, &names::permission_check_key(&prefix, &state.env.account_id), b"", now_ms))
            .map_err(|err| ServiceError::internal(format!("cannot prepare S3 bucket {bucket}: {err}")))?;
    }
    Ok(())
}
