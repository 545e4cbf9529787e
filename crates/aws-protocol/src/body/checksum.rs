//! S3's request checksums: the `x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}` value the
//! SDKs send as a header or as an `aws-chunked` trailer (boto3, the aws CLI and aws-sdk-rust add
//! one by default), and `Content-MD5`. Each is checked against the decoded bytes: a mismatch is
//! S3's `BadDigest`, a value that is not base64 of the right length `InvalidRequest` (S3's
//! `InvalidDigest` for `Content-MD5`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::HeaderMap;

use super::BodyError;

/// A flexible-checksum algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecksumAlgorithm {
    Crc32,
    Crc32c,
    Crc64Nvme,
    Sha1,
    Sha256,
}

impl ChecksumAlgorithm {
    /// Every algorithm, in the order their headers are looked for.
    pub const ALL: [ChecksumAlgorithm; 5] = [
        ChecksumAlgorithm::Crc32,
        ChecksumAlgorithm::Crc32c,
        ChecksumAlgorithm::Crc64Nvme,
        ChecksumAlgorithm::Sha1,
        ChecksumAlgorithm::Sha256,
    ];

    /// The header (and trailer) name, lower case.
    pub fn header(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "x-amz-checksum-crc32",
            ChecksumAlgorithm::Crc32c => "x-amz-checksum-crc32c",
            ChecksumAlgorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
            ChecksumAlgorithm::Sha1 => "x-amz-checksum-sha1",
            ChecksumAlgorithm::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The name S3 uses in messages and in `x-amz-sdk-checksum-algorithm` (`CRC32`, `CRC64NVME`).
    pub fn name(self) -> &'static str {
        match self {
            ChecksumAlgorithm::Crc32 => "CRC32",
            ChecksumAlgorithm::Crc32c => "CRC32C",
            ChecksumAlgorithm::Crc64Nvme => "CRC64NVME",
            ChecksumAlgorithm::Sha1 => "SHA1",
            ChecksumAlgorithm::Sha256 => "SHA256",
        }
    }

    /// The algorithm of an `x-amz-checksum-algorithm` / `x-amz-sdk-checksum-algorithm` value.
    pub fn from_name(name: &str) -> Option<ChecksumAlgorithm> {
        Self::ALL.into_iter().find(|a| a.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The checksum of `bytes`, base64 as the headers carry it.
    pub fn compute(self, bytes: &[u8]) -> String {
        use sha1::Digest as _;
        let raw: Vec<u8> = match self {
            ChecksumAlgorithm::Crc32 => {
                (crc_fast::checksum(crc_fast::CrcAlgorithm::Crc32IsoHdlc, bytes) as u32).to_be_bytes().to_vec()
            }
            ChecksumAlgorithm::Crc32c => {
                (crc_fast::checksum(crc_fast::CrcAlgorithm::Crc32Iscsi, bytes) as u32).to_be_bytes().to_vec()
            }
            ChecksumAlgorithm::Crc64Nvme => crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Nvme, bytes).to_be_bytes().to_vec(),
            ChecksumAlgorithm::Sha1 => sha1::Sha1::digest(bytes).to_vec(),
            ChecksumAlgorithm::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
        };
        STANDARD.encode(raw)
    }

    /// The length of the raw checksum, in bytes.
    fn raw_len(self) -> usize {
        match self {
            ChecksumAlgorithm::Crc32 | ChecksumAlgorithm::Crc32c => 4,
            ChecksumAlgorithm::Crc64Nvme => 8,
            ChecksumAlgorithm::Sha1 => 20,
            ChecksumAlgorithm::Sha256 => 32,
        }
    }
}

/// A checksum the request carried and that matched its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    pub algorithm: ChecksumAlgorithm,
    /// Base64, as sent.
    pub value: String,
}

/// Checks every checksum `headers` and `trailers` (lower-case names) carry against `bytes`.
/// Returns the flexible checksum that was sent (the first found), if any.
pub(crate) fn verify(headers: &HeaderMap, trailers: &[(String, String)], bytes: &[u8]) -> Result<Option<Checksum>, BodyError> {
    if let Some(md5) = headers.get("content-md5") {
        let sent = md5.to_str().ok().and_then(|v| STANDARD.decode(v.trim()).ok()).filter(|d| d.len() == 16);
        let Some(sent) = sent else { return Err(BodyError::InvalidContentMd5) };
        use md5::Digest as _;
        if md5::Md5::digest(bytes).as_slice() != sent.as_slice() {
            return Err(BodyError::ContentMd5Mismatch);
        }
    }
    let mut found = None;
    for algorithm in ChecksumAlgorithm::ALL {
        let name = algorithm.header();
        let header = headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}").trim().to_owned());
        let trailer = trailers.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_owned());
        for value in header.into_iter().chain(trailer) {
            let valid = STANDARD.decode(&value).is_ok_and(|raw| raw.len() == algorithm.raw_len());
            if !valid {
                return Err(BodyError::InvalidChecksum { header: name });
            }
            if algorithm.compute(bytes) != value {
                return Err(BodyError::ChecksumMismatch { algorithm: algorithm.name() });
            }
            found.get_or_insert(Checksum { algorithm, value });
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn known_values() {
        // botocore's and aws-sdk-rust's values for "abc" and "".
        assert_eq!(ChecksumAlgorithm::Crc32.compute(b"abc"), "NSRBwg==");
        assert_eq!(ChecksumAlgorithm::Crc32c.compute(b"abc"), "Nks/tw==");
        assert_eq!(ChecksumAlgorithm::Crc64Nvme.compute(b""), "AAAAAAAAAAA=");
        assert_eq!(ChecksumAlgorithm::Sha256.compute(b""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert_eq!(ChecksumAlgorithm::Sha1.compute(b""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
        assert_eq!(ChecksumAlgorithm::from_name("crc64nvme"), Some(ChecksumAlgorithm::Crc64Nvme));
    }

    #[test]
    fn headers_and_trailers_are_checked() {
        let mut h = HeaderMap::new();
        h.insert("x-amz-checksum-crc32", HeaderValue::from_static("NSRBwg=="));
        assert_eq!(verify(&h, &[], b"abc").unwrap().map(|c| c.algorithm), Some(ChecksumAlgorithm::Crc32));
        assert_eq!(verify(&h, &[], b"abd"), Err(BodyError::ChecksumMismatch { algorithm: "CRC32" }));
        h.insert("x-amz-checksum-crc32", HeaderValue::from_static("not base64!"));
        assert_eq!(verify(&h, &[], b"abc"), Err(BodyError::InvalidChecksum { header: "x-amz-checksum-crc32" }));
        let trailer = [("x-amz-checksum-crc32c".to_owned(), "Nks/tw==".to_owned())];
        assert!(verify(&HeaderMap::new(), &trailer, b"abc").unwrap().is_some());
        assert!(verify(&HeaderMap::new(), &trailer, b"ab").is_err());
        let mut md5 = HeaderMap::new();
        md5.insert("content-md5", HeaderValue::from_static("kAFQmDzST7DWlj99KOF/cg=="));
        assert_eq!(verify(&md5, &[], b"abc"), Ok(None));
        assert_eq!(verify(&md5, &[], b"abd"), Err(BodyError::ContentMd5Mismatch));
        md5.insert("content-md5", HeaderValue::from_static("xx"));
        assert_eq!(verify(&md5, &[], b"abc"), Err(BodyError::InvalidContentMd5));
    }
}
