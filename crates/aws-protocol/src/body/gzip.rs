//! `Content-Encoding: gzip` request bodies (the SDKs gzip CloudWatch PutMetricData bodies of
//! 10 KiB and more): decompressed with flate2, never past a size cap.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::BodyError;

/// Decompresses `bytes` (one or more gzip members), refusing output over `limit` bytes.
pub(crate) fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(limit));
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    MultiGzDecoder::new(bytes).take(cap).read_to_end(&mut out).map_err(|e| BodyError::CorruptGzip(e.to_string()))?;
    if out.len() > limit {
        return Err(BodyError::TooLarge { limit });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::Compression;
    use flate2::write::GzEncoder;

    use super::*;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn round_trip_cap_and_corruption() {
        let data = vec![b'a'; 50_000];
        assert_eq!(gunzip(&gz(&data), 50_000).unwrap(), data);
        assert_eq!(gunzip(&gz(&data), 49_999), Err(BodyError::TooLarge { limit: 49_999 }));
        assert!(matches!(gunzip(b"not gzip", 100), Err(BodyError::CorruptGzip(_))));
        let mut truncated = gz(b"hello world");
        truncated.truncate(truncated.len() - 4);
        assert!(matches!(gunzip(&truncated, 100), Err(BodyError::CorruptGzip(_))));
    }
}
