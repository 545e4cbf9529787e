//! S3's XML request bodies (`CreateBucketConfiguration`, `PublicAccessBlockConfiguration`,
//! `OwnershipControls`, `Delete`, `CompleteMultipartUpload`) read with the protocol layer's
//! `xml_to_json` against the trimmed S3 model (`models/s3.json`) and validated there; anything
//! that does not read, or breaks the model, is S3's `MalformedXML`.

use std::sync::LazyLock;

use aws_protocol::xml_to_json;
use aws_shapes::{ShapeIndex, check_body};
use serde::de::DeserializeOwned;

use crate::error::S3Error;

/// The shapes of the bodies S3 reads.
static S3: LazyLock<ShapeIndex> = LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/s3.json")));

/// The body `bytes` as an instance of `shape`, read as `T`; `MalformedXML` otherwise.
pub(crate) fn xml<T: DeserializeOwned>(shape: &str, bytes: &[u8]) -> Result<T, S3Error> {
    let value = xml_to_json(&S3, shape, bytes).map_err(|_| S3Error::malformed_xml())?;
    let violations = check_body(&S3, shape, &value).map_err(|_| S3Error::malformed_xml())?;
    violations.into_result().map_err(|_| S3Error::malformed_xml())?;
    serde_json::from_value(value).map_err(|_| S3Error::malformed_xml())
}

/// The body as an instance of `shape` without checking the model's constraints (the caller
/// answers them with its own errors); `MalformedXML` when it does not read.
pub(crate) fn xml_unchecked<T: DeserializeOwned>(shape: &str, bytes: &[u8]) -> Result<T, S3Error> {
    let value = xml_to_json(&S3, shape, bytes).map_err(|_| S3Error::malformed_xml())?;
    serde_json::from_value(value).map_err(|_| S3Error::malformed_xml())
}

/// The values the model allows for the enum shape `shape`.
pub(crate) fn enum_values(shape: &str) -> &'static [String] {
    S3.get(shape).enum_values.as_deref().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_is_closed() {
        assert_eq!(S3.dangling_references(), Vec::<String>::new());
    }
}
