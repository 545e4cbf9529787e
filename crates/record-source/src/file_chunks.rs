//! A plain JSON lines file, cut into fixed-size chunks (the same cut for any thread count).
//! A chunk owns the lines that start inside it: from the first line start after its first
//! byte's predecessor to the end of the line holding its last byte. The file is memory-mapped
//! (no copy out of the page cache) and each chunk's pages are released from the process once
//! read, so resident memory is the threads times the chunk size, whatever the file's size.
//! Bad records' line numbers are counted afterwards, only when there are any.
//!
//! The file must not shrink while it is read (a mapped page past its new end would fault).

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::{Mmap, UncheckedAdvice};

use crate::error::SourceError;
use crate::options::{ReadOptions, ReadReport};
use crate::pool;
use crate::record::{BlockPos, LineReader, RecordSink, UnitReport};

/// Bytes per chunk.
pub(crate) const CHUNK_BYTES: u64 = 8 << 20;

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> SourceError + '_ {
    move |source| SourceError::Io { path: path.to_owned(), source }
}

/// The byte range of the lines starting in chunk `k` of `data`.
fn chunk_lines(data: &[u8], k: u64, chunk: u64) -> Option<std::ops::Range<usize>> {
    let len = data.len() as u64;
    let start = (k * chunk).min(len) as usize;
    let end = (k * chunk + chunk).min(len) as usize;
    let first = if k == 0 { 0 } else { start - 1 + memchr::memchr(b'\n', &data[start - 1..end])? + 1 };
    if first >= end {
        return None;
    }
    let last = memchr::memchr(b'\n', &data[end - 1..]).map_or(data.len(), |i| end + i);
    Some(first..last)
}

/// Releases a range of the mapping from the process's resident memory (pages stay in the
/// page cache; touching them again maps them back).
fn release(map: &Mmap, range: std::ops::Range<usize>) {
    let page = 4096;
    let from = range.start.div_ceil(page) * page;
    let to = range.end / page * page;
    if to > from {
        // SAFETY: the mapping is read-only and file-backed: dropping its pages only makes a
        // later access fault them in again from the page cache, with the same contents.
        let _ = unsafe { map.unchecked_advise_range(UncheckedAdvice::DontNeed, from, to - from) };
    }
}

/// The 1-based line number of the byte at `offset`.
fn line_at(data: &[u8], offset: u64) -> u64 {
    memchr::memchr_iter(b'\n', &data[..(offset as usize).min(data.len())]).count() as u64 + 1
}

pub(crate) fn read<S: RecordSink>(
    path: &Path,
    opts: &ReadOptions,
    make_sink: impl Fn() -> S + Sync,
) -> Result<(Vec<S>, ReadReport), SourceError> {
    read_chunked(path, opts, CHUNK_BYTES, make_sink)
}

pub(crate) fn read_chunked<S: RecordSink>(
    path: &Path,
    opts: &ReadOptions,
    chunk: u64,
    make_sink: impl Fn() -> S + Sync,
) -> Result<(Vec<S>, ReadReport), SourceError> {
    let file = File::open(path).map_err(io_err(path))?;
    let len = file.metadata().map_err(io_err(path))?.len();
    // SAFETY: read-only mapping; the module documents that the file must not shrink meanwhile.
    let map = if len == 0 { None } else { Some(unsafe { Mmap::map(&file) }.map_err(io_err(path))?) };
    let data: &[u8] = map.as_deref().unwrap_or(&[]);
    if let Some(m) = &map {
        let _ = m.advise(memmap2::Advice::Sequential);
    }
    let chunks = len.div_ceil(chunk).max(1);
    let next = AtomicU64::new(0);
    let reader = LineReader::new(opts.start_ms, opts.end_ms, opts.on_bad_record);
    let source = path.display().to_string();
    let threads = opts.threads.max(1).min(chunks as usize);
    let (sinks, collected) = pool::run(threads, make_sink, |sink, control| {
        while !control.stopped() {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= chunks {
                break;
            }
            sink.begin_unit(k, &source);
            let mut out = UnitReport::default();
            let result = match chunk_lines(data, k, chunk) {
                Some(range) => {
                    let pos = BlockPos { offset: range.start as u64, first_line: (k == 0).then_some(1) };
                    let result = reader.block(&data[range.clone()], pos, sink, &mut out);
                    if let Some(m) = &map {
                        release(m, range);
                    }
                    result
                }
                None => Ok(()),
            };
            sink.end_unit(result.is_ok() && !control.stopped());
            if let Some(progress) = &opts.progress {
                progress(chunk.min(len - (k * chunk).min(len)));
            }
            control.unit_done(k, &source, out, result);
        }
    });
    let report = collected.finish(|_, offset| Ok(line_at(data, offset)))?;
    Ok((sinks, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::OnBadRecord;
    use crate::record::Record;

    #[derive(Default)]
    struct Lines(Vec<(u64, u64, String)>, u64);

    impl RecordSink for Lines {
        fn begin_unit(&mut self, unit: u64, _: &str) {
            self.1 = unit;
        }
        fn record(&mut self, r: &Record<'_>) {
            self.0.push((self.1, r.offset, String::from_utf8_lossy(r.line).into_owned()));
        }
        fn end_unit(&mut self, _: bool) {}
    }

    fn write(lines: &[String]) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), lines.join("\n")).unwrap();
        f
    }

    fn all(path: &Path, chunk: u64, threads: usize) -> Vec<(u64, u64, String)> {
        let opts = ReadOptions { threads, ..ReadOptions::default() };
        let (sinks, report) = read_chunked(path, &opts, chunk, Lines::default).unwrap();
        let mut got: Vec<_> = sinks.into_iter().flat_map(|s| s.0).collect();
        got.sort();
        assert_eq!(report.records, got.len() as u64);
        got
    }

    #[test]
    fn every_line_is_read_once_whatever_the_chunk_and_thread_count() {
        let lines: Vec<String> =
            (0..200).map(|i| format!(r#"{{"timestamp":"2025-12-03T10:00:{:02}Z","pad":"{}"}}"#, i % 60, "x".repeat(i % 37))).collect();
        let f = write(&lines);
        let whole = all(f.path(), 1 << 30, 1);
        assert_eq!(whole.len(), 200);
        let want: Vec<(u64, String)> = whole.iter().map(|(_, o, l)| (*o, l.clone())).collect();
        for chunk in [1, 7, 64, 65, 66, 100, 4096] {
            for threads in [1, 2, 4] {
                let got: Vec<(u64, String)> = all(f.path(), chunk, threads).into_iter().map(|(_, o, l)| (o, l)).collect();
                let mut got_sorted = got.clone();
                got_sorted.sort();
                assert_eq!(got_sorted, want, "chunk {chunk}, {threads} threads: each line once, at its offset");
            }
        }
        let empty = tempfile::NamedTempFile::new().unwrap();
        assert!(all(empty.path(), 64, 2).is_empty());
    }

    #[test]
    fn a_bad_line_is_named_by_file_and_line_under_both_policies() {
        let mut lines: Vec<String> = (0..50).map(|i| format!(r#"{{"timestamp":"2025-12-03T10:00:{:02}Z"}}"#, i)).collect();
        lines[37] = "{oops".into();
        lines[41] = "plain text".into();
        let f = write(&lines);
        for threads in [1, 3] {
            let opts = ReadOptions { threads, ..ReadOptions::default() };
            let Err(SourceError::BadRecord(bad)) = read_chunked(f.path(), &opts, 100, Lines::default) else { panic!("fails") };
            assert_eq!(bad.line, 38);
            assert_eq!(bad.source, f.path().display().to_string());
            let skip = ReadOptions { threads, on_bad_record: OnBadRecord::Skip, ..ReadOptions::default() };
            let (_, report) = read_chunked(f.path(), &skip, 100, Lines::default).unwrap();
            assert_eq!(report.records, 48);
            assert_eq!(report.bad_records.iter().map(|b| b.line).collect::<Vec<_>>(), [38, 42]);
        }
    }
}
