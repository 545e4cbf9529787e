//! Request bodies as the service must read them: S3 `aws-chunked` framing removed (chunk and
//! trailer signatures kept, trailing checksum headers returned, every checksum sent verified),
//! and for every other service
//! the request compression (`Content-Encoding: gzip`) undone under a size cap. An S3 object's
//! own `Content-Encoding` is data, not a coding to undo: it is handed back to S3 to store.

mod aws_chunked;
mod checksum;
mod gzip;

pub use checksum::{Checksum, ChecksumAlgorithm};

use bytes::Bytes;
use http::HeaderMap;

use crate::error::AwsError;
use crate::headers;
use crate::protocol::Protocol;

/// What the codings of a body mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// An S3 request: only `aws-chunked` is undone; the other codings describe the object.
    S3Object,
    /// Any other service: every coding is request compression and is undone.
    Request,
}

/// The largest body decoding may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    pub max_decoded_bytes: usize,
}

impl Default for BodyLimits {
    /// 64 MiB: well above CloudWatch's 1 MB PutMetricData and Bedrock's request sizes.
    fn default() -> Self {
        BodyLimits { max_decoded_bytes: 64 * 1024 * 1024 }
    }
}

/// A request body, decoded.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DecodedBody {
    pub bytes: Bytes,
    /// S3: the `Content-Encoding` left once `aws-chunked` is removed (the object's, to store).
    pub content_encoding: Option<String>,
    /// `aws-chunked`: the trailing headers (names lower-cased), e.g. `x-amz-checksum-crc32`.
    pub trailers: Vec<(String, String)>,
    /// `aws-chunked`: each chunk's `chunk-signature`, in order (verified by `sigv4::verify`).
    pub chunk_signatures: Vec<String>,
    /// `aws-chunked`: each chunk's data length, in order, the final empty chunk included.
    pub chunk_lengths: Vec<usize>,
    /// `aws-chunked`: `x-amz-trailer-signature` (verified by `sigv4::verify`).
    pub trailer_signature: Option<String>,
    /// S3: the flexible checksum the request carried (header or trailer), verified.
    pub checksum: Option<Checksum>,
}

impl DecodedBody {
    /// A trailing header by (lower-case) name.
    pub fn trailer(&self, name: &str) -> Option<&str> {
        self.trailers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Why a body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("The request body is not valid gzip: {0}")]
    CorruptGzip(String),
    #[error("The decoded request body exceeds the maximum of {limit} bytes.")]
    TooLarge { limit: usize },
    #[error("The aws-chunked request body is malformed: {0}.")]
    Chunked(&'static str),
    #[error("The aws-chunked request body decodes to {actual} bytes, but x-amz-decoded-content-length is {declared}.")]
    DecodedLengthMismatch { declared: u64, actual: usize },
    #[error("Content-Encoding {0} is not supported.")]
    UnsupportedEncoding(String),
    #[error("The {algorithm} you specified did not match the calculated checksum.")]
    ChecksumMismatch { algorithm: &'static str },
    #[error("Value for {header} header is invalid.")]
    InvalidChecksum { header: &'static str },
    #[error("The Content-MD5 you specified did not match what we received.")]
    ContentMd5Mismatch,
    #[error("The Content-MD5 you specified was invalid.")]
    InvalidContentMd5,
}

impl BodyError {
    /// The error the service answers, in `protocol`'s idiom: S3's `EntityTooLarge`,
    /// `IncompleteBody` and `InvalidRequest`; elsewhere `RequestEntityTooLarge` (413) and
    /// Coral's `SerializationException`.
    pub fn to_aws_error(&self, protocol: Protocol) -> AwsError {
        let message = self.to_string();
        match (protocol, self) {
            (Protocol::RestXml, BodyError::TooLarge { limit }) => {
                AwsError::new("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size")
                    .with_field("MaxSizeAllowed", limit.to_string())
            }
            (Protocol::RestXml, BodyError::DecodedLengthMismatch { .. }) => AwsError::new("IncompleteBody", 400, message),
            (Protocol::RestXml, BodyError::ChecksumMismatch { .. } | BodyError::ContentMd5Mismatch) => {
                AwsError::new("BadDigest", 400, message)
            }
            (Protocol::RestXml, BodyError::InvalidContentMd5) => AwsError::new("InvalidDigest", 400, message),
            (Protocol::RestXml, _) => AwsError::new("InvalidRequest", 400, message),
            (_, BodyError::TooLarge { .. }) => AwsError::new("RequestEntityTooLarge", 413, message),
            (_, _) => AwsError::serialization(message),
        }
    }
}

/// Decodes `body` according to its headers.
pub fn decode_body(kind: BodyKind, headers: &HeaderMap, body: Bytes, limits: BodyLimits) -> Result<DecodedBody, BodyError> {
    let mut codings: Vec<String> = headers
        .get_all(headers::CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    let streaming =
        headers.get(headers::X_AMZ_CONTENT_SHA256).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("STREAMING-"));
    let chunked = codings.iter().any(|c| c == "aws-chunked") || streaming;
    codings.retain(|c| c != "aws-chunked");
    let mut out = DecodedBody { bytes: body, ..DecodedBody::default() };
    if chunked {
        let d = aws_chunked::dechunk(&out.bytes)?;
        let declared = headers
            .get(headers::X_AMZ_DECODED_CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(declared) = declared
            && u64::try_from(d.data.len()).ok() != Some(declared)
        {
            return Err(BodyError::DecodedLengthMismatch { declared, actual: d.data.len() });
        }
        out.bytes = Bytes::from(d.data);
        out.chunk_signatures = d.chunk_signatures;
        out.chunk_lengths = d.chunk_lengths;
        out.trailers = d.trailers;
        out.trailer_signature = d.trailer_signature;
    }
    match kind {
        BodyKind::S3Object => {
            out.content_encoding = (!codings.is_empty()).then(|| codings.join(","));
            out.checksum = checksum::verify(headers, &out.trailers, &out.bytes)?;
        }
        BodyKind::Request => {
            for coding in codings.iter().rev() {
                match coding.as_str() {
                    "gzip" | "x-gzip" => out.bytes = Bytes::from(gzip::gunzip(&out.bytes, limits.max_decoded_bytes)?),
                    other => return Err(BodyError::UnsupportedEncoding(other.to_owned())),
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn gz(data: &[u8]) -> Bytes {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        Bytes::from(e.finish().unwrap())
    }

    #[test]
    fn request_compression_is_undone() {
        let h = headers(&[("content-encoding", "gzip")]);
        let d = decode_body(BodyKind::Request, &h, gz(b"{\"Namespace\":\"X\"}"), BodyLimits::default()).unwrap();
        assert_eq!(d.bytes.as_ref(), b"{\"Namespace\":\"X\"}");
        let small = BodyLimits { max_decoded_bytes: 4 };
        assert_eq!(decode_body(BodyKind::Request, &h, gz(b"12345"), small), Err(BodyError::TooLarge { limit: 4 }));
        let err = decode_body(BodyKind::Request, &h, Bytes::from_static(b"nope"), BodyLimits::default()).unwrap_err();
        let aws = err.to_aws_error(Protocol::AwsJson1_0);
        assert_eq!((aws.code.as_ref(), aws.status), ("SerializationException", 400));
        let br = headers(&[("content-encoding", "br")]);
        assert!(matches!(
            decode_body(BodyKind::Request, &br, Bytes::new(), BodyLimits::default()),
            Err(BodyError::UnsupportedEncoding(_))
        ));
        let plain = decode_body(BodyKind::Request, &HeaderMap::new(), Bytes::from_static(b"x"), BodyLimits::default()).unwrap();
        assert_eq!(plain.bytes.as_ref(), b"x");
    }

    #[test]
    fn s3_keeps_the_object_encoding_and_removes_chunking() {
        let h = headers(&[
            ("content-encoding", "aws-chunked,gzip"),
            ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            ("x-amz-decoded-content-length", "3"),
            ("x-amz-trailer", "x-amz-checksum-crc32"),
        ]);
        let body = Bytes::from_static(b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n");
        let d = decode_body(BodyKind::S3Object, &h, body, BodyLimits::default()).unwrap();
        assert_eq!(d.bytes.as_ref(), b"abc");
        assert_eq!(d.content_encoding.as_deref(), Some("gzip"));
        assert_eq!(d.trailer("x-amz-checksum-crc32"), Some("NSRBwg=="));
        // The streaming hash alone means aws-chunked.
        let h = headers(&[("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), ("x-amz-decoded-content-length", "4")]);
        let body = Bytes::from_static(b"3;chunk-signature=s1\r\nabc\r\n0;chunk-signature=s2\r\n\r\n");
        let err = decode_body(BodyKind::S3Object, &h, body, BodyLimits::default()).unwrap_err();
        assert_eq!(err, BodyError::DecodedLengthMismatch { declared: 4, actual: 3 });
        assert_eq!(err.to_aws_error(Protocol::RestXml).code, "IncompleteBody");
        // An S3 object stored gzip-encoded stays gzip.
        let h = headers(&[("content-encoding", "gzip")]);
        let d = decode_body(BodyKind::S3Object, &h, Bytes::from_static(b"\x1f\x8b raw"), BodyLimits::default()).unwrap();
        assert_eq!(d.bytes.as_ref(), b"\x1f\x8b raw");
    }
}
