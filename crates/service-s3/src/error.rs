//! S3's errors: a code, a status, S3's message and the extra members its `<Error>` document
//! carries (`BucketName`, `Key`, `ArgumentName`...), as the protocol layer's `AwsError`.

use aws_protocol::AwsError;
use object_store::BucketStoreError;

/// An S3 error.
#[derive(Debug)]
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

    pub(crate) fn from_store(err: BucketStoreError, bucket: &str) -> Self {
        match err {
            BucketStoreError::InvalidBucketName { .. } => {
                Self::new(400, "InvalidBucketName", "The specified bucket is not valid.").with("BucketName", bucket)
            }
            BucketStoreError::NoSuchBucket(_) => Self::no_such_bucket(bucket),
            other => Self::new(500, "InternalError", other.to_string()),
        }
    }
}
