//! A plain JSON lines file, cut into fixed-size chunks (the same cut for any thread count).
//! A chunk owns the lines that start inside it: from the first line start after its first
//! byte's predecessor to the end of the line holding its last byte. Each thread reads its
//! chunk with positioned reads into a block buffer of its own, small enough to stay in the
//! core's cache while the lines are scanned, carrying an unfinished line to the next read; so
//! memory is the threads times one block, whatever the file's size. Bad records' line numbers
//! are counted afterwards, only when there are any.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::SourceError;
use crate::options::{ReadOptions, ReadReport};
use crate::pool;
use crate::record::{BlockPos, LineReader, PendingBad, RecordSink, UnitReport};

/// Bytes per chunk (the unit threads claim).
pub(crate) const CHUNK_BYTES: u64 = 8 << 20;
/// Bytes per read: a block stays in a core's L2 cache while its lines are scanned.
const BLOCK_BYTES: usize = 256 << 10;

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> SourceError + '_ {
    move |source| SourceError::Io { path: path.to_owned(), source }
}

/// Appends up to `len` bytes at `offset` to `buf`; returns how many were read (fewer at EOF).
fn read_at_end(file: &File, buf: &mut Vec<u8>, offset: u64, len: usize) -> std::io::Result<usize> {
    let old = buf.len();
    buf.resize(old + len, 0);
    let mut got = 0;
    while got < len {
        match file.read_at(&mut buf[old + got..], offset + got as u64) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                buf.truncate(old);
                return Err(e);
            }
        }
    }
    buf.truncate(old + got);
    Ok(got)
}

/// Feeds the lines starting in chunk `k` (of a `len`-byte file cut every `chunk` bytes) to
/// `lines(block of whole lines, its file offset)`, a block at a time; stops early when it
/// returns false.
fn chunk_blocks(
    file: &File,
    len: u64,
    k: u64,
    chunk: u64,
    block: usize,
    buf: &mut Vec<u8>,
    mut lines: impl FnMut(&[u8], u64) -> bool,
) -> std::io::Result<()> {
    let start = k * chunk;
    let end = (start + chunk).min(len);
    if start >= end {
        return Ok(());
    }
    let mut pos = start;
    if k > 0 {
        // The first line start at or after `start`: just past a newline at `start - 1` or later.
        pos = start - 1;
        loop {
            if pos + 1 >= end {
                return Ok(());
            }
            buf.clear();
            let n = read_at_end(file, buf, pos, block.min((end - pos) as usize))?;
            if n == 0 {
                return Ok(());
            }
            if let Some(i) = memchr::memchr(b'\n', buf) {
                pos += i as u64 + 1;
                break;
            }
            pos += n as u64;
        }
        if pos >= end {
            return Ok(());
        }
    }
    // `buf` holds text from `at`, always a line start inside the chunk.
    buf.clear();
    let mut at = pos;
    loop {
        let n = read_at_end(file, buf, at + buf.len() as u64, block)?;
        let eof = n == 0;
        let whole = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', buf) {
                Some(i) => i + 1,
                None => continue, // a line longer than the block: read on
            }
        };
        // Only lines that start before `end`: cut after the line holding byte `end - 1`.
        let reaches_end = at + whole as u64 >= end;
        let cut = if reaches_end {
            let from = (end - 1 - at) as usize;
            memchr::memchr(b'\n', &buf[from..whole]).map_or(whole, |i| from + i + 1)
        } else {
            whole
        };
        if cut > 0 && !lines(&buf[..cut], at) {
            return Ok(());
        }
        if reaches_end || eof {
            return Ok(());
        }
        buf.drain(..whole);
        at += whole as u64;
    }
}

/// The 1-based line number of the byte at `offset` (one pass counting newlines before it).
fn line_at(path: &Path, offset: u64) -> Result<u64, SourceError> {
    let file = File::open(path).map_err(io_err(path))?;
    let mut buf = Vec::with_capacity(1 << 20);
    let (mut at, mut newlines) = (0u64, 0u64);
    while at < offset {
        buf.clear();
        let got = read_at_end(&file, &mut buf, at, ((offset - at) as usize).min(1 << 20)).map_err(io_err(path))?;
        if got == 0 {
            break;
        }
        newlines += memchr::memchr_iter(b'\n', &buf).count() as u64;
        at += got as u64;
    }
    Ok(newlines + 1)
}

pub(crate) fn read<S: RecordSink>(
    path: &Path,
    opts: &ReadOptions,
    make_sink: impl Fn() -> S + Sync,
) -> Result<(Vec<S>, ReadReport), SourceError> {
    read_chunked(path, opts, CHUNK_BYTES, BLOCK_BYTES, make_sink)
}

pub(crate) fn read_chunked<S: RecordSink>(
    path: &Path,
    opts: &ReadOptions,
    chunk: u64,
    block: usize,
    make_sink: impl Fn() -> S + Sync,
) -> Result<(Vec<S>, ReadReport), SourceError> {
    let file = File::open(path).map_err(io_err(path))?;
    let len = file.metadata().map_err(io_err(path))?.len();
    let chunks = len.div_ceil(chunk).max(1);
    let next = AtomicU64::new(0);
    let reader = LineReader::new(opts.start_ms, opts.end_ms, opts.on_bad_record);
    let source = path.display().to_string();
    let threads = opts.threads.max(1).min(chunks as usize);
    let (sinks, collected) = pool::run(threads, make_sink, |sink, control| {
        let mut buf = Vec::with_capacity(block + (64 << 10));
        while !control.stopped() {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= chunks {
                break;
            }
            sink.begin_unit(k, &source);
            let mut out = UnitReport::default();
            let mut result: Result<(), PendingBad> = Ok(());
            let read = chunk_blocks(&file, len, k, chunk, block, &mut buf, |lines, offset| {
                let pos = BlockPos { offset, first_line: (offset == 0).then_some(1) };
                result = reader.block(lines, pos, sink, &mut out);
                result.is_ok()
            });
            if let Err(e) = read {
                sink.end_unit(false);
                control.fail(io_err(path)(e));
                break;
            }
            sink.end_unit(result.is_ok() && !control.stopped());
            if let Some(progress) = &opts.progress {
                progress(chunk.min(len - (k * chunk).min(len)));
            }
            control.unit_done(k, &source, out, result);
        }
    });
    let report = collected.finish(|_, offset| line_at(path, offset))?;
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
        let (sinks, report) = read_chunked(path, &opts, chunk, (chunk as usize / 3).max(1), Lines::default).unwrap();
        let mut got: Vec<_> = sinks.into_iter().flat_map(|s| s.0).collect();
        got.sort();
        assert_eq!(report.records, got.len() as u64);
        got
    }

    #[test]
    fn every_line_is_read_once_whatever_the_chunk_and_thread_count() {
        let lines: Vec<String> = (0..200)
            .map(|i| format!(r#"{{"timestamp":"2025-12-03T10:00:{:02}Z","pad":"{}"}}"#, i % 60, "x".repeat(i % 37)))
            .collect();
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
            let Err(SourceError::BadRecord(bad)) = read_chunked(f.path(), &opts, 100, 40, Lines::default) else {
                panic!("fails")
            };
            assert_eq!(bad.line, 38);
            assert_eq!(bad.source, f.path().display().to_string());
            let skip = ReadOptions { threads, on_bad_record: OnBadRecord::Skip, ..ReadOptions::default() };
            let (_, report) = read_chunked(f.path(), &skip, 100, 40, Lines::default).unwrap();
            assert_eq!(report.records, 48);
            assert_eq!(report.bad_records.iter().map(|b| b.line).collect::<Vec<_>>(), [38, 42]);
        }
    }
}
