//! What S3 keeps beside an object's bytes: its content headers, user metadata, the ETag of a
//! multipart upload and the checksum it was sent with. Written as `<object>%meta` (JSON) only
//! when there is something to keep: objects written without any (Bedrock's deliveries) are
//! their bytes alone.

use serde::{Deserialize, Serialize};

/// An object's metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_disposition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// `x-amz-meta-*`, names lower-cased, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user: Vec<(String, String)>,
    /// The ETag when it is not the MD5 of the bytes (a multipart upload's `"<md5>-<parts>"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The checksum the object was written with: (algorithm, base64 value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<(String, String)>,
}

impl ObjectMeta {
    /// Whether there is nothing to keep.
    pub fn is_empty(&self) -> bool {
        *self == ObjectMeta::default()
    }
}
