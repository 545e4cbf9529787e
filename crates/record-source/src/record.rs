//! One record ([`Record`]), where records go ([`RecordSink`]), and the step every reader shares:
//! the lines of a block of bytes → records. A line is a record when it is a JSON object whose
//! `timestamp` is an ISO-8601 string; that field is read by the query engine's own scanner
//! ([`FieldScanner`]), which stops as soon as it has it, and the rest of the line is left to the
//! query. Blank lines are skipped; any other line is a bad record.

use logs_insights::FieldScanner;

use crate::options::{OnBadRecord, ReadReport};

/// One record: its event time and its line, borrowed from the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// The record's own `timestamp`, epoch ms.
    pub timestamp: i64,
    /// The JSON line, without its line ending.
    pub line: &'a [u8],
    /// Byte offset of the line in its file or (decompressed) object.
    pub offset: u64,
}

/// A consumer of records: one per scan thread, fed unit by unit (a chunk of a file, an object).
/// Units are numbered in input order; each thread sees increasing unit numbers.
pub trait RecordSink: Send {
    /// A unit starts; `source` names its file or object.
    fn begin_unit(&mut self, unit: u64, source: &str);
    /// One record inside the time range.
    fn record(&mut self, record: &Record<'_>);
    /// The unit ended: `complete` is false when reading stopped inside it (a fatal error).
    fn end_unit(&mut self, complete: bool);
}

/// A bad line found under [`OnBadRecord::Fail`], before its line number is known.
#[derive(Debug, Clone)]
pub(crate) struct PendingBad {
    pub(crate) offset: u64,
    pub(crate) line: Option<u64>,
    pub(crate) message: String,
}

/// Where a block starts: its byte offset, and the 1-based number of its first line when known.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BlockPos {
    pub(crate) offset: u64,
    pub(crate) first_line: Option<u64>,
}

/// What a unit's blocks saw; bad records carry offsets until the reader knows their lines.
#[derive(Debug, Default)]
pub(crate) struct UnitReport {
    pub(crate) report: ReadReport,
    pub(crate) bad: Vec<PendingBad>,
}

/// Turns lines into records for one read.
#[derive(Debug, Clone)]
pub(crate) struct LineReader {
    timestamp: FieldScanner,
    start_ms: i64,
    end_ms: i64,
    policy: OnBadRecord,
}

impl LineReader {
    pub(crate) fn new(start_ms: i64, end_ms: i64, policy: OnBadRecord) -> LineReader {
        LineReader { timestamp: FieldScanner::new(&["timestamp"]), start_ms, end_ms, policy }
    }

    /// Feeds every line of `block` to `sink`. The last line may lack its `\n`. Under
    /// [`OnBadRecord::Fail`] the first bad line stops the block and is returned.
    pub(crate) fn block<S: RecordSink + ?Sized>(
        &self,
        block: &[u8],
        pos: BlockPos,
        sink: &mut S,
        out: &mut UnitReport,
    ) -> Result<(), PendingBad> {
        out.report.bytes += block.len() as u64;
        let mut at = 0usize;
        let mut line_no = pos.first_line;
        while at < block.len() {
            let end = memchr::memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i);
            let mut line = &block[at..end];
            if let [rest @ .., b'\r'] = line {
                line = rest;
            }
            let offset = pos.offset + at as u64;
            at = end + 1;
            let this_line = line_no;
            line_no = line_no.map(|n| n + 1);
            if line.first().is_none_or(u8::is_ascii_whitespace) && line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match self.timestamp_of(line) {
                Ok(ts) if ts < self.start_ms || ts > self.end_ms => out.report.out_of_range += 1,
                Ok(ts) => {
                    out.report.records += 1;
                    sink.record(&Record { timestamp: ts, line, offset });
                }
                Err(message) => {
                    let bad = PendingBad { offset, line: this_line, message };
                    out.report.bad_record_count += 1;
                    if self.policy == OnBadRecord::Fail {
                        return Err(bad);
                    }
                    if out.bad.len() < crate::options::MAX_REPORTED_BAD_RECORDS {
                        out.bad.push(bad);
                    }
                }
            }
        }
        Ok(())
    }

    fn timestamp_of(&self, line: &[u8]) -> Result<i64, String> {
        let first = line.iter().find(|b| !b.is_ascii_whitespace());
        if first != Some(&b'{') {
            return Err("not a record: the line is not a JSON object".into());
        }
        let Some(text) = self.timestamp.string(line) else {
            return Err("not a record: no \"timestamp\" string (is this a ModelInvocationLog record?)".into());
        };
        logs_insights::time::parse_iso8601(&text)
            .ok_or_else(|| format!("not a record: \"timestamp\" {text:?} is not an ISO-8601 date-time"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    pub(crate) struct Collect(pub(crate) Vec<(i64, String, u64)>);

    impl RecordSink for Collect {
        fn begin_unit(&mut self, _: u64, _: &str) {}
        fn record(&mut self, r: &Record<'_>) {
            self.0.push((r.timestamp, String::from_utf8_lossy(r.line).into_owned(), r.offset));
        }
        fn end_unit(&mut self, _: bool) {}
    }

    #[test]
    fn lines_become_records_in_range_and_bad_lines_are_located() {
        let block = b"{\"timestamp\":\"2025-12-03T10:00:00Z\",\"n\":1}\r\n\n  \n{\"timestamp\":\"2025-12-03T11:00:00Z\"}\nnot json\n{\"x\":1}\n{\"timestamp\":\"2025-12-03T09:00:00Z\"}";
        let reader = LineReader::new(1_764_756_000_000, i64::MAX, OnBadRecord::Skip);
        let mut sink = Collect::default();
        let mut out = UnitReport::default();
        reader.block(block, BlockPos { offset: 100, first_line: Some(1) }, &mut sink, &mut out).unwrap();
        assert_eq!(sink.0.len(), 2);
        assert_eq!(sink.0[0], (1_764_756_000_000, r#"{"timestamp":"2025-12-03T10:00:00Z","n":1}"#.into(), 100));
        assert_eq!(out.report.out_of_range, 1);
        assert_eq!(out.bad.iter().map(|b| b.line.unwrap()).collect::<Vec<_>>(), [5, 6]);
        assert!(out.bad[1].message.contains("timestamp"), "{}", out.bad[1].message);

        let strict = LineReader::new(i64::MIN, i64::MAX, OnBadRecord::Fail);
        let err =
            strict.block(block, BlockPos { offset: 0, first_line: None }, &mut Collect::default(), &mut UnitReport::default());
        let bad = err.unwrap_err();
        assert_eq!((bad.offset, bad.line), (85, None));
    }
}
