//! gzip in and out (flate2), as S3 delivery writes every object. Compression is deterministic:
//! the header carries no time or name, so the same records make the same bytes. It runs at
//! level 1: delivery compresses every record (tens of MB/s at full load), and on invocation-log
//! JSON level 6 costs about six times the CPU (133 against 819 MB/s here) for objects about 30%
//! smaller.

use std::io::{Read, Write};

/// gzip of `bytes` at level 1 (fast).
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 4 + 64), flate2::Compression::fast());
    enc.write_all(bytes).expect("writing to a Vec cannot fail");
    enc.finish().expect("writing to a Vec cannot fail")
}

/// The bytes of a gzip stream (every member, as `gunzip` reads concatenated members).
pub fn decompress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_deterministic() {
        let data = b"{\"a\":1}\n{\"b\":2}\n".repeat(100);
        let gz = super::compress(&data);
        assert_eq!(gz, super::compress(&data));
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        assert_eq!(super::decompress(&gz).unwrap(), data);
        assert!(super::decompress(b"not gzip").is_err());
    }
}
