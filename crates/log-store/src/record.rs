//! Record framing inside a segment file.
//!
//! ```text
//! offset  size  field
//! 0       4     message length, u32 little-endian
//! 4       4     CRC-32 (IEEE, crc32fast) of bytes 0..4 and 8..24+len
//! 8       8     event timestamp, i64 LE, epoch ms
//! 16      8     ingestion time, i64 LE, epoch ms
//! 24      len   message, raw bytes as received (no escaping, no terminator)
//! ```
//!
//! A record is valid when its header fits, its length is at most [`MAX_MESSAGE_BYTES`], its
//! message fits in the buffer and its checksum matches. Decoding never panics on any input.

/// Size of the fixed record header.
pub(crate) const HEADER_LEN: usize = 24;
/// Largest message the store accepts (CloudWatch's own limit is 1 MiB; the server enforces that).
pub(crate) const MAX_MESSAGE_BYTES: usize = 16 << 20;

/// One decoded record, borrowing its message from the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Record<'a> {
    pub(crate) timestamp: i64,
    pub(crate) ingestion_time: i64,
    pub(crate) message: &'a [u8],
}

/// Outcome of decoding at an offset.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decoded<'a> {
    /// A valid record and the offset just past it.
    Record(Record<'a>, usize),
    /// Nothing left: the offset is the end of the buffer.
    End,
    /// The buffer ends inside a record (a torn tail, or a length corrupted upward).
    Incomplete,
    /// The record is complete but its length is impossible or its checksum does not match.
    /// Carries the offset where the record would end (clamped to the buffer).
    Corrupt(usize),
}

/// Appends one encoded record to `out`. Callers check the message length first.
pub(crate) fn encode(out: &mut Vec<u8>, timestamp: i64, ingestion_time: i64, message: &[u8]) {
    debug_assert!(message.len() <= MAX_MESSAGE_BYTES);
    let start = out.len();
    out.extend_from_slice(&(message.len() as u32).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&timestamp.to_le_bytes());
    out.extend_from_slice(&ingestion_time.to_le_bytes());
    out.extend_from_slice(message);
    let crc = checksum(&out[start..]);
    out[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
}

/// Encoded size of a record with a message of `len` bytes.
pub(crate) const fn encoded_len(len: usize) -> usize {
    HEADER_LEN + len
}

/// CRC of a whole encoded record (the checksum field itself is skipped).
fn checksum(record: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&record[0..4]);
    h.update(&record[8..]);
    h.finalize()
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn le_i64(b: &[u8]) -> i64 {
    let mut a = [0; 8];
    a.copy_from_slice(&b[..8]);
    i64::from_le_bytes(a)
}

/// Parsed fixed header: message length, stored checksum, timestamp, ingestion time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header {
    pub(crate) len: usize,
    pub(crate) crc: u32,
    pub(crate) timestamp: i64,
    pub(crate) ingestion_time: i64,
}

impl Header {
    pub(crate) fn parse(b: &[u8; HEADER_LEN]) -> Header {
        Header {
            len: le_u32(&b[0..4]) as usize,
            crc: le_u32(&b[4..8]),
            timestamp: le_i64(&b[8..16]),
            ingestion_time: le_i64(&b[16..24]),
        }
    }

    /// Whether `message` (of `self.len` bytes) matches the checksum in this header.
    pub(crate) fn verify(&self, raw_header: &[u8; HEADER_LEN], message: &[u8]) -> bool {
        let mut h = crc32fast::Hasher::new();
        h.update(&raw_header[0..4]);
        h.update(&raw_header[8..]);
        h.update(message);
        h.finalize() == self.crc
    }
}

/// Decodes the record at `off`. With `verify == false` the checksum is not checked
/// (lengths still are, so a bad file can never cause an out-of-bounds slice).
pub(crate) fn decode_at(buf: &[u8], off: usize, verify: bool) -> Decoded<'_> {
    let Some(rest) = buf.get(off..) else {
        return Decoded::Incomplete;
    };
    if rest.is_empty() {
        return Decoded::End;
    }
    let Some(raw) = rest.first_chunk::<HEADER_LEN>() else {
        return Decoded::Incomplete;
    };
    let h = Header::parse(raw);
    if h.len > MAX_MESSAGE_BYTES {
        return Decoded::Corrupt(buf.len());
    }
    let end = HEADER_LEN + h.len;
    let Some(message) = rest.get(HEADER_LEN..end) else {
        return Decoded::Incomplete;
    };
    if verify && !h.verify(raw, message) {
        return Decoded::Corrupt(off + end);
    }
    let record = Record { timestamp: h.timestamp, ingestion_time: h.ingestion_time, message };
    Decoded::Record(record, off + end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decode_all(buf: &[u8]) -> (Vec<(i64, i64, Vec<u8>)>, Decoded<'_>) {
        let mut out = Vec::new();
        let mut off = 0;
        loop {
            match decode_at(buf, off, true) {
                Decoded::Record(r, next) => {
                    out.push((r.timestamp, r.ingestion_time, r.message.to_vec()));
                    off = next;
                }
                other => return (out, other),
            }
        }
    }

    #[test]
    fn layout_is_as_documented() {
        let mut buf = Vec::new();
        encode(&mut buf, 5, 7, b"hi");
        assert_eq!(buf.len(), encoded_len(2));
        assert_eq!(&buf[0..4], &2u32.to_le_bytes());
        assert_eq!(&buf[8..16], &5i64.to_le_bytes());
        assert_eq!(&buf[16..24], &7i64.to_le_bytes());
        assert_eq!(&buf[24..], b"hi");
    }

    #[test]
    fn flipped_bit_is_corrupt() {
        let mut buf = Vec::new();
        encode(&mut buf, 1, 2, b"hello");
        let n = buf.len();
        for i in 0..n {
            if (4..8).contains(&i) {
                continue;
            }
            let mut b = buf.clone();
            b[i] ^= 0x10;
            assert!(!matches!(decode_at(&b, 0, true), Decoded::Record(..)), "byte {i}");
        }
    }

    proptest! {
        #[test]
        fn framing_round_trips(events in proptest::collection::vec(
            (any::<i64>(), any::<i64>(), proptest::collection::vec(any::<u8>(), 0..300)), 0..20)) {
            let mut buf = Vec::new();
            for (t, i, m) in &events {
                encode(&mut buf, *t, *i, m);
            }
            let (got, end) = decode_all(&buf);
            prop_assert_eq!(end, Decoded::End);
            prop_assert_eq!(got, events);
        }

        #[test]
        fn truncation_yields_whole_record_prefix(
            events in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..100), 1..10),
            cut in any::<prop::sample::Index>()) {
            let mut buf = Vec::new();
            let mut ends = Vec::new();
            for (n, m) in events.iter().enumerate() {
                encode(&mut buf, n as i64, 0, m);
                ends.push(buf.len());
            }
            let cut = cut.index(buf.len() + 1);
            let (got, end) = decode_all(&buf[..cut]);
            let whole = ends.iter().filter(|&&e| e <= cut).count();
            prop_assert_eq!(got.len(), whole);
            let at_boundary = cut == 0 || ends.contains(&cut);
            prop_assert_eq!(end == Decoded::End, at_boundary);
        }

        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200), verify: bool) {
            let mut off = 0;
            while let Decoded::Record(_, next) = decode_at(&bytes, off, verify) {
                prop_assert!(next > off && next <= bytes.len());
                off = next;
            }
        }
    }
}
