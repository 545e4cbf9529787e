//! One invocation's record, split into what each configured destination receives: the
//! CloudWatch record (media and large bodies moved to `largeDataDeliveryS3Config` when set) and
//! the S3 record (media and large bodies moved under `s3Config`), each as its JSON line.
//! `invocation_log.rs` appends the first and hands the second to [`queue_s3`] (or holds both for
//! a delivery delay).
//!
//! Nearly every record has nothing to move (no media `source`, under 100 KB in all): then both
//! destinations log the record as built, serialized once, and share that one line (no copy)
//! unless the record is held for a delivery delay.

use std::collections::BTreeSet;

use bedrock_model::error::ServiceError;
use bedrock_model::logging::{LoggingConfig, S3Config};
use bedrock_model::record::ModelInvocationLog;

use crate::BedrockService;
use crate::delivery::held::{HeldCloudWatch, HeldRecord, HeldS3};
use crate::delivery::keys as names;
use crate::delivery::large_body::{self, DataLocation, S3Target};
use crate::delivery::media::{self, MediaDestination};

/// The versions of one record, per destination, as JSON lines.
#[derive(Debug)]
pub(crate) struct Destinations {
    /// For the CloudWatch log group, when one is configured.
    cloud_watch: Option<String>,
    /// For the S3 bucket, when `s3Config` is set.
    s3: Option<(DataLocation, S3Line)>,
    /// The record's instant (epoch ms), which times its S3 batch.
    at_ms: i64,
    /// The CloudWatch event timestamp (the record's second).
    event_timestamp_ms: i64,
    request_id: String,
}

/// Whether delivering `line` (a record's JSON) can move nothing: no key `source` (compact JSON
/// escapes the quotes inside strings, so `"source":` is only ever a key: no media block to
/// move or drop), and the whole record, so each body, within the large-body limit.
fn nothing_to_move(line: &str) -> bool {
    line.len() <= large_body::LARGE_BODY_BYTES && !line.contains("\"source\":")
}

/// The S3 version's line.
#[derive(Debug)]
enum S3Line {
    /// The CloudWatch version's line, byte for byte.
    SameAsCloudWatch,
    Own(String),
}

/// The S3 version of a record, ready to queue.
#[derive(Debug, Clone, Copy)]
pub(crate) struct S3Entry<'a> {
    pub(crate) bucket: &'a str,
    /// `…/YYYY/MM/DD/HH/`.
    pub(crate) dir: &'a str,
    /// The record's instant (epoch ms), which times its batch.
    pub(crate) at_ms: i64,
    pub(crate) line: &'a str,
}

impl Destinations {
    /// Whether there is a CloudWatch version.
    pub(crate) fn has_cloud_watch(&self) -> bool {
        self.cloud_watch.is_some()
    }

    /// The CloudWatch version's line and event timestamp.
    pub(crate) fn cloud_watch(&self) -> Option<(&str, i64)> {
        self.cloud_watch.as_deref().map(|line| (line, self.event_timestamp_ms))
    }

    /// The S3 version.
    pub(crate) fn s3(&self) -> Option<S3Entry<'_>> {
        let (location, line) = self.s3.as_ref()?;
        let line = match line {
            S3Line::SameAsCloudWatch => self.cloud_watch.as_deref()?,
            S3Line::Own(line) => line,
        };
        Some(S3Entry { bucket: &location.target.bucket, dir: &location.hour_dir, at_ms: self.at_ms, line })
    }

    /// Drops the CloudWatch version (its group refused the delivery); an S3 version sharing its
    /// line keeps it.
    pub(crate) fn drop_cloud_watch(&mut self) {
        let line = self.cloud_watch.take();
        if let (Some((_, shared @ S3Line::SameAsCloudWatch)), Some(line)) = (&mut self.s3, line) {
            *shared = S3Line::Own(line);
        }
    }

    /// Drops the S3 version (its bucket refused the delivery).
    pub(crate) fn drop_s3(&mut self) {
        self.s3 = None;
    }
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
    let event_timestamp_ms = record.event_timestamp_ms();
    let request_id = record.context.request_id.clone();
    let region = record.context.region.clone();
    let location = |s3: &S3Config| {
        let target = target(s3)?;
        let hour_dir = names::hour_dir(&target.prefix, account, &region, at_ms);
        Ok::<_, ServiceError>(DataLocation { target, hour_dir })
    };
    let s3_location = cfg.s3_config.as_ref().map(location).transpose()?;
    let to_cloud_watch = cfg.log_group_name().is_some();
    let line = record.to_json_string();
    if nothing_to_move(&line) {
        let (cloud_watch, s3) = match (s3_location, to_cloud_watch) {
            (Some(location), true) => (Some(line), Some((location, S3Line::SameAsCloudWatch))),
            (Some(location), false) => (None, Some((location, S3Line::Own(line)))),
            (None, _) => (to_cloud_watch.then_some(line), None),
        };
        return Ok(Destinations { cloud_watch, s3, at_ms, event_timestamp_ms, request_id });
    }
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
    let s3 = match s3_location {
        Some(location) => {
            let copy = version(record.clone(), Some(&location))?;
            Some((location, S3Line::Own(copy.to_json_string())))
        }
        None => None,
    };
    let cloud_watch = match to_cloud_watch {
        true => {
            let large = cfg.large_data_s3().map(location).transpose()?;
            Some(version(record, large.as_ref())?.to_json_string())
        }
        false => None,
    };
    Ok(Destinations { cloud_watch, s3, at_ms, event_timestamp_ms, request_id })
}

impl Destinations {
    /// The record's versions as they are delivered or held: the CloudWatch line for `group`
    /// (when one is configured) and the S3 line with its bucket and hour directory, due at
    /// `due_ms`.
    pub(crate) fn into_held(self, group: Option<&str>, due_ms: i64) -> HeldRecord {
        let s3 = self.s3().map(|e| HeldS3 {
            bucket: e.bucket.to_owned(),
            dir: e.dir.to_owned(),
            at_ms: e.at_ms,
            line: e.line.to_owned(),
        });
        let Self { cloud_watch, event_timestamp_ms, request_id, .. } = self;
        HeldRecord {
            request_id,
            due_ms,
            cloud_watch: group.zip(cloud_watch).map(|(group, message)| HeldCloudWatch {
                group: group.to_owned(),
                timestamp_ms: event_timestamp_ms,
                message,
            }),
            s3,
        }
    }
}

impl HeldS3 {
    /// The entry to queue.
    pub(crate) fn entry(&self) -> S3Entry<'_> {
        S3Entry { bucket: &self.bucket, dir: &self.dir, at_ms: self.at_ms, line: &self.line }
    }
}

/// Queues an S3 record (journaled before this returns).
pub(crate) fn queue_s3(state: &BedrockService, request_id: &str, entry: S3Entry<'_>) -> Result<(), ServiceError> {
    state
        .s3
        .enqueue(entry.bucket, entry.dir, entry.at_ms, request_id, entry.line)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn both(line: &str) -> Destinations {
        let location = DataLocation {
            target: S3Target { bucket: "logs".into(), prefix: String::new() },
            hour_dir: "AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2025/12/03/10/".into(),
        };
        Destinations {
            cloud_watch: Some(line.into()),
            s3: Some((location, S3Line::SameAsCloudWatch)),
            at_ms: 1_000,
            event_timestamp_ms: 1_000,
            request_id: "r1".into(),
        }
    }

    /// Both destinations share one line; dropping the CloudWatch version (its group refused
    /// the record) leaves the S3 version its line, and a held record gets a copy for each.
    #[test]
    fn a_shared_line_outlives_the_cloud_watch_version() {
        let mut d = both("{\"n\":1}");
        assert_eq!(d.s3().unwrap().line, "{\"n\":1}");
        let held = both("{\"n\":1}").into_held(Some("/g"), 5);
        assert_eq!((held.cloud_watch.unwrap().message, held.s3.unwrap().line), ("{\"n\":1}".into(), "{\"n\":1}".into()));
        d.drop_cloud_watch();
        assert!(d.cloud_watch().is_none());
        let s3 = d.s3().unwrap();
        assert_eq!((s3.bucket, s3.line, s3.at_ms), ("logs", "{\"n\":1}", 1_000));
        d.drop_s3();
        assert!(d.s3().is_none());
    }

    #[test]
    fn only_a_source_key_or_a_large_record_can_move_something() {
        assert!(nothing_to_move(r#"{"input":{"inputBodyJson":{"messages":[{"content":[{"text":"the \"source\": field"}]}]}}}"#));
        assert!(!nothing_to_move(r#"{"content":[{"image":{"format":"png","source":{"bytes":"iVBOR"}}}]}"#));
        let large = format!(r#"{{"text":"{}"}}"#, "x".repeat(crate::delivery::large_body::LARGE_BODY_BYTES));
        assert!(!nothing_to_move(&large));
    }
}
