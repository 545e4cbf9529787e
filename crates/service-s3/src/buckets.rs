//! Buckets: ListBuckets, CreateBucket (S3's location-constraint rules), DeleteBucket,
//! HeadBucket, GetBucketLocation.

use aws_protocol::{Reply, Timestamp};
use object_store::Created;
use serde::{Deserialize, Serialize};
use service_kit::Call;

use crate::S3Service;
use crate::body;
use crate::error::S3Error;
use crate::shapes::Owner;

/// The region whose endpoint takes buckets without a location constraint.
const US_EAST_1: &str = "us-east-1";

/// `ListAllMyBucketsResult`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListAllMyBucketsResult {
    owner: Owner,
    buckets: Buckets,
}

/// The wrapped `Buckets` list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Buckets {
    bucket: Vec<Bucket>,
}

/// `Bucket`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Bucket {
    name: String,
    creation_date: Timestamp,
    bucket_region: String,
}

/// ListBuckets: every bucket, with its creation date and region.
pub(crate) fn list_buckets(state: &S3Service) -> Result<Reply, S3Error> {
    let buckets = state.store.list_buckets().map_err(|e| S3Error::from_store(e, ""))?;
    let bucket = buckets
        .into_iter()
        .map(|(name, info)| Bucket {
            name,
            creation_date: Timestamp::from_epoch_millis(info.created_ms),
            bucket_region: info.region.unwrap_or_else(|| state.env.default_region.clone()),
        })
        .collect();
    let result = ListAllMyBucketsResult { owner: Owner::of(state), buckets: Buckets { bucket } };
    Ok(Reply::shape("ListAllMyBucketsResult", result))
}

/// The region a bucket is in.
pub(crate) fn region_of(state: &S3Service, bucket: &str) -> Result<String, S3Error> {
    let info = state.store.bucket_info(bucket).map_err(|e| S3Error::from_store(e, bucket))?;
    Ok(info.region.unwrap_or_else(|| state.env.default_region.clone()))
}

/// HeadBucket: 200 with the bucket's region, or `NoSuchBucket` (no body: a HEAD).
pub(crate) fn head_bucket(state: &S3Service, bucket: &str) -> Result<Reply, S3Error> {
    let region = region_of(state, bucket)?;
    Ok(Reply::empty().with_header("x-amz-bucket-region", region))
}

/// `CreateBucketConfiguration`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateBucketConfiguration {
    location_constraint: Option<String>,
}

/// CreateBucket. The location constraint must name the region of the endpoint the request was
/// sent to (signed for), except at us-east-1, which takes none or any other region and refuses
/// `us-east-1` spelled out. Re-creating a bucket one owns answers 200 in us-east-1 (S3's legacy
/// behaviour) and `BucketAlreadyOwnedByYou` elsewhere.
pub(crate) fn create_bucket(state: &S3Service, bucket: &str, call: &Call<'_>) -> Result<Reply, S3Error> {
    let body = &call.request.body.bytes;
    let config: CreateBucketConfiguration = if body.iter().all(u8::is_ascii_whitespace) {
        CreateBucketConfiguration::default()
    } else {
        body::xml_unchecked("CreateBucketConfiguration", body)?
    };
    let endpoint = call.ctx.region.as_str();
    let constraint = config.location_constraint.filter(|c| !c.is_empty());
    let invalid = |c: &str| {
        S3Error::new(400, "InvalidLocationConstraint", "The specified location-constraint is not valid")
            .with("LocationConstraint", c)
    };
    if let Some(c) = constraint.as_deref()
        && !body::enum_values("BucketLocationConstraint").iter().any(|v| v == c)
        && endpoint != c
    {
        return Err(invalid(c));
    }
    let region = match (endpoint, constraint.as_deref()) {
        (US_EAST_1, Some(US_EAST_1)) => return Err(invalid(US_EAST_1)),
        (US_EAST_1, None) => US_EAST_1.to_owned(),
        (US_EAST_1, Some(other)) => other.to_owned(),
        (_, None) => {
            return Err(S3Error::new(
                400,
                "IllegalLocationConstraintException",
                "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
            ));
        }
        (endpoint, Some(c)) if c != endpoint => {
            return Err(S3Error::new(
                400,
                "IllegalLocationConstraintException",
                format!("The {c} location constraint is incompatible for the region specific endpoint this request was sent to."),
            ));
        }
        (endpoint, Some(_)) => endpoint.to_owned(),
    };
    match state.store.create_bucket(bucket, Some(&region), state.env.now_ms()).map_err(|e| S3Error::from_store(e, bucket))? {
        Created::New => {}
        Created::Existed(_) if endpoint == US_EAST_1 => {}
        Created::Existed(_) => {
            return Err(S3Error::new(
                409,
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
            )
            .with("BucketName", bucket));
        }
    }
    Ok(Reply::empty().with_header("location", format!("/{bucket}")))
}

/// DeleteBucket: an empty bucket goes, with its configuration (204); `BucketNotEmpty` otherwise.
pub(crate) fn delete_bucket(state: &S3Service, bucket: &str) -> Result<Reply, S3Error> {
    state.store.delete_bucket(bucket).map_err(|e| S3Error::from_store(e, bucket))?;
    Ok(Reply::empty().with_status(204))
}

/// GetBucketLocation: `<LocationConstraint>` with the region, empty for us-east-1.
pub(crate) fn get_bucket_location(state: &S3Service, bucket: &str) -> Result<Reply, S3Error> {
    let region = region_of(state, bucket)?;
    let text = if region == US_EAST_1 { String::new() } else { region };
    Ok(Reply::shape("LocationConstraint", text))
}
