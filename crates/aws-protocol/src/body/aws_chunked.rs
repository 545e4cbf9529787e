//! S3's `aws-chunked` bodies (SigV4 streaming uploads, and the SDKs' trailing checksums):
//! `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` … `0[;chunk-signature=…]\r\n`, then trailing
//! headers (`x-amz-checksum-crc32:…`, `x-amz-trailer-signature:…`) and `\r\n`. The data is
//! joined; signatures and chunk lengths are kept for `sigv4::verify`, not checked here.

use super::BodyError;

/// A de-chunked body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Dechunked {
    pub(crate) data: Vec<u8>,
    pub(crate) chunk_signatures: Vec<String>,
    /// Each chunk's data length, in order, the final empty chunk included.
    pub(crate) chunk_lengths: Vec<usize>,
    /// Trailing headers, names lower-cased, `x-amz-trailer-signature` excluded.
    pub(crate) trailers: Vec<(String, String)>,
    pub(crate) trailer_signature: Option<String>,
}

/// Longest chunk-size line accepted (hex size, signature extension and then some).
const MAX_LINE: usize = 4096;

/// De-chunks `input`.
pub(crate) fn dechunk(input: &[u8]) -> Result<Dechunked, BodyError> {
    let mut out = Dechunked::default();
    let mut rest = input;
    loop {
        let (line, after) = take_line(rest).ok_or(BodyError::Chunked("a chunk header is not terminated by CRLF"))?;
        rest = after;
        let line = std::str::from_utf8(line).map_err(|_| BodyError::Chunked("a chunk header is not text"))?;
        let (size, extensions) = line.split_once(';').unwrap_or((line, ""));
        let size = size.trim();
        if size.is_empty() || size.len() > 16 {
            return Err(BodyError::Chunked("a chunk size is not a hexadecimal number"));
        }
        let size = usize::from_str_radix(size, 16).map_err(|_| BodyError::Chunked("a chunk size is not a hexadecimal number"))?;
        for ext in extensions.split(';') {
            if let Some(sig) = ext.trim().strip_prefix("chunk-signature=") {
                out.chunk_signatures.push(sig.to_owned());
            }
        }
        out.chunk_lengths.push(size);
        if size == 0 {
            break;
        }
        let data = rest.get(..size).ok_or(BodyError::Chunked("the body ends inside a chunk"))?;
        out.data.extend_from_slice(data);
        rest = rest.get(size..).unwrap_or(&[]);
        rest = rest.strip_prefix(b"\r\n").ok_or(BodyError::Chunked("a chunk is not followed by CRLF"))?;
    }
    // Trailing headers until an empty line or the end of the body.
    while !rest.is_empty() {
        let (line, after) = match take_line(rest) {
            Some(split) => split,
            None => (rest, &[][..]),
        };
        rest = after;
        if line.is_empty() {
            break;
        }
        let line = std::str::from_utf8(line).map_err(|_| BodyError::Chunked("a trailing header is not text"))?;
        let (name, value) = line.split_once(':').ok_or(BodyError::Chunked("a trailing header has no colon"))?;
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim().to_owned();
        if name == "x-amz-trailer-signature" {
            out.trailer_signature = Some(value);
        } else {
            out.trailers.push((name, value));
        }
    }
    Ok(out)
}

/// The bytes before the next CRLF and the bytes after it.
fn take_line(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let window = &input[..input.len().min(MAX_LINE + 2)];
    let at = window.windows(2).position(|w| w == b"\r\n")?;
    Some((&input[..at], &input[at + 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_chunks() {
        let body = b"5;chunk-signature=aaa\r\nhello\r\n6;chunk-signature=bbb\r\n world\r\n0;chunk-signature=ccc\r\n\r\n";
        let d = dechunk(body).unwrap();
        assert_eq!(d.data, b"hello world");
        assert_eq!(d.chunk_signatures, vec!["aaa", "bbb", "ccc"]);
        assert!(d.trailers.is_empty());
    }

    #[test]
    fn unsigned_trailer() {
        let body = b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\nx-amz-trailer-signature:sig\r\n\r\n";
        let d = dechunk(body).unwrap();
        assert_eq!(d.data, b"abc");
        assert_eq!(d.trailers, vec![("x-amz-checksum-crc32".to_owned(), "NSRBwg==".to_owned())]);
        assert_eq!(d.trailer_signature.as_deref(), Some("sig"));
        // Some clients end right after the last trailer.
        assert_eq!(dechunk(b"0\r\nx-amz-checksum-crc32:AA==").unwrap().trailers.len(), 1);
        assert_eq!(dechunk(b"0\r\n").unwrap().data, b"");
    }

    #[test]
    fn malformed() {
        assert!(dechunk(b"").is_err());
        assert!(dechunk(b"zz\r\n").is_err());
        assert!(dechunk(b"5\r\nabc").is_err());
        assert!(dechunk(b"3\r\nabcX").is_err());
        assert!(dechunk(b"ffffffffffffffffff\r\n").is_err());
        assert!(dechunk(b"0\r\nno-colon\r\n\r\n").is_err());
    }
}
