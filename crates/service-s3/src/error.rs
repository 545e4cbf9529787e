//! S3's errors: a code, a status, S3's message and the extra members its `<Error>` document
//! carries (`BucketName`, `Key`, `ArgumentName`...), as the protocol layer's `AwsError`.

use aws_protocol::AwsError;
use object_store::BucketStoreError;

/// An S3 error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct S3Error(pub(crate) AwsError);

impl S3Error {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self(AwsError::new(code, status, message))
    }

    /// Adds an extra member of the error document.
    pub(crate) fn with(self, tag: &'static str, value: impl Into<String>) -> Self {
        Self(self.0.with_field(tag, value.into()))
    }

    pub(crate) fn no_such_bucket(bucket: &str) -> Self {
        Self::new(404, "NoSuchBucket", "The specified bucket does not exist").with("BucketName", bucket)
    }

    pub(crate) fn no_such_key(key: &str) -> Self {
        Self::new(404, "NoSuchKey", "The specified key does not exist.").with("Key", key)
    }

    pub(crate) fn invalid_argument(name: &str, value: &str, message: impl Into<String>) -> Self {
        Self::new(400, "InvalidArgument", message).with("ArgumentName", name).with("ArgumentValue", value)
    }

    pub(crate) fn invalid_uri() -> Self {
        Self::new(400, "InvalidURI", "Couldn't parse the specified URI.")
    }

    /// A part of an operation this emulator does not serve (a header, a parameter).
    pub(crate) fn not_implemented(what: &str) -> Self {
        Self::new(501, "NotImplemented", format!("{what} is not supported by this emulator"))
    }

    /// S3's answer to an XML body that does not read as its shape.
    pub(crate) fn malformed_xml() -> Self {
        Self::new(
            400,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
        )
    }

    pub(crate) fn no_such_upload(upload_id: &str) -> Self {
        Self::new(
            404,
            "NoSuchUpload",
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
        )
        .with("UploadId", upload_id)
    }

    pub(crate) fn from_store(err: BucketStoreError, bucket: &str) -> Self {
        match err {
            BucketStoreError::InvalidBucketName { .. } => {
                Self::new(400, "InvalidBucketName", "The specified bucket is not valid.").with("BucketName", bucket)
            }
            BucketStoreError::NoSuchBucket(_) => Self::no_such_bucket(bucket),
            BucketStoreError::BucketNotEmpty(_) => {
                Self::new(409, "BucketNotEmpty", "The bucket you tried to delete is not empty").with("BucketName", bucket)
            }
            BucketStoreError::NoSuchUpload(id) => Self::no_such_upload(&id),
            BucketStoreError::NoSuchPart { upload, part } => Self::invalid_part(&upload, part, ""),
            other => Self::new(500, "InternalError", other.to_string()),
        }
    }

    /// A part a completion names that was not uploaded (or whose ETag differs).
    pub(crate) fn invalid_part(upload_id: &str, part: u32, etag: &str) -> Self {
        Self::new(
            400,
            "InvalidPart",
            "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        )
        .with("UploadId", upload_id)
        .with("PartNumber", part.to_string())
        .with("ETag", etag)
    }
}
