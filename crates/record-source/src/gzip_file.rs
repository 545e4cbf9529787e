//! A gzip JSON lines file. A gzip stream inflates only from its start, so one inflater thread
//! reads it (with `flate2`'s zlib-rs backend) into line-aligned blocks, numbered and counted
//! as it goes, and hands them to the scan threads through a bounded queue; buffers go back to
//! it for reuse. Memory is the queue's few blocks, whatever the file's size. Concatenated
//! gzip members are read as one stream, as `gunzip` does.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::error::SourceError;
use crate::options::{ReadOptions, ReadReport};
use crate::pool::{self, Control};
use crate::record::{BlockPos, LineReader, RecordSink, UnitReport};

/// Bytes of inflated text per block.
pub(crate) const BLOCK_BYTES: usize = 4 << 20;

/// Whether the file starts with the gzip magic bytes.
pub(crate) fn is_gzip(path: &Path) -> Result<bool, SourceError> {
    let mut magic = [0u8; 2];
    let mut f = File::open(path).map_err(|source| SourceError::Io { path: path.to_owned(), source })?;
    let mut got = 0;
    while got < 2 {
        match f.read(&mut magic[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => return Err(SourceError::Io { path: path.to_owned(), source }),
        }
    }
    Ok(got == 2 && magic == [0x1f, 0x8b])
}

/// One block of whole lines: its number, byte offset, first line number, and its bytes
/// (`bytes[..len]`; the buffer stays initialized at its full size for reuse).
pub(crate) struct Block {
    pub(crate) unit: u64,
    pub(crate) pos: BlockPos,
    pub(crate) bytes: Vec<u8>,
    pub(crate) len: usize,
}

/// Reads `input` (already inflating) into line-aligned blocks numbered from `first_unit`,
/// sent to `tx` until the input ends or `stop` says so; returns the next unit number.
pub(crate) fn produce_blocks(
    mut input: impl Read,
    tx: &SyncSender<Block>,
    free: &Receiver<Vec<u8>>,
    first_unit: u64,
    stop: &dyn Fn() -> bool,
) -> std::io::Result<u64> {
    let mut unit = first_unit;
    let (mut offset, mut line) = (0u64, 1u64);
    // The unfinished last line of the previous block.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        if stop() {
            return Ok(unit);
        }
        let mut buf = free.try_recv().unwrap_or_default();
        if buf.len() < BLOCK_BYTES {
            buf.resize(BLOCK_BYTES, 0);
        }
        buf[..carry.len()].copy_from_slice(&carry);
        let mut filled = carry.len();
        carry.clear();
        let mut eof = false;
        loop {
            if filled == buf.len() {
                match memchr::memrchr(b'\n', &buf[..filled]) {
                    Some(_) => break,
                    None => buf.resize(buf.len() * 2, 0), // one line longer than a block
                }
            }
            let n = loop {
                match input.read(&mut buf[filled..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            if n == 0 {
                eof = true;
                break;
            }
            filled += n;
        }
        let len = if eof { filled } else { memchr::memrchr(b'\n', &buf[..filled]).map_or(0, |i| i + 1) };
        carry.extend_from_slice(&buf[len..filled]);
        if len == 0 {
            return Ok(unit);
        }
        let lines = memchr::memchr_iter(b'\n', &buf[..len]).count() as u64;
        let block = Block { unit, pos: BlockPos { offset, first_line: Some(line) }, bytes: buf, len };
        if tx.send(block).is_err() {
            return Ok(unit);
        }
        unit += 1;
        offset += len as u64;
        line += lines;
        if eof {
            return Ok(unit);
        }
    }
}

/// Scan-thread loop over blocks from the queue.
pub(crate) fn consume_blocks<S: RecordSink>(
    rx: &Mutex<Receiver<Block>>,
    back: &SyncSender<Vec<u8>>,
    reader: &LineReader,
    source: &str,
    sink: &mut S,
    control: &Control,
    stop_producer: &dyn Fn(),
) {
    loop {
        let block = {
            let rx = rx.lock().unwrap_or_else(|p| p.into_inner());
            rx.recv()
        };
        let Ok(block) = block else { break };
        // Every block received is begun and ended, even when skipped, so sinks that commit
        // units in order never wait for one.
        sink.begin_unit(block.unit, source);
        if control.stopped() {
            // Drain, so the producer never blocks; it stops at its next block.
            sink.end_unit(false);
            stop_producer();
            continue;
        }
        let mut out = UnitReport::default();
        let result = reader.block(&block.bytes[..block.len], block.pos, sink, &mut out);
        sink.end_unit(result.is_ok() && !control.stopped());
        control.unit_done(block.unit, source, out, result);
        let _ = back.try_send(block.bytes);
    }
}

/// Counts the compressed bytes read, for progress.
struct Counting<R> {
    inner: R,
    progress: Option<crate::options::Progress>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(p) = &self.progress {
            p(n as u64);
        }
        Ok(n)
    }
}

pub(crate) fn read<S: RecordSink>(
    path: &Path,
    opts: &ReadOptions,
    make_sink: impl Fn() -> S + Sync,
) -> Result<(Vec<S>, ReadReport), SourceError> {
    let file = File::open(path).map_err(|source| SourceError::Io { path: path.to_owned(), source })?;
    let threads = opts.threads.max(1);
    let (tx, rx) = sync_channel::<Block>(threads + 1);
    let (back, free) = sync_channel::<Vec<u8>>(threads + 2);
    let rx = Mutex::new(rx);
    let reader = LineReader::new(opts.start_ms, opts.end_ms, opts.on_bad_record);
    let source = path.display().to_string();
    let produced: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let halt = std::sync::atomic::AtomicBool::new(false);
    let (sinks, collected) = std::thread::scope(|s| {
        let input = Counting { inner: std::io::BufReader::with_capacity(1 << 20, file), progress: opts.progress.clone() };
        let (halt, produced) = (&halt, &produced);
        let producer = s.spawn(move || {
            let gz = flate2::read::MultiGzDecoder::new(input);
            let result = produce_blocks(gz, &tx, &free, 0, &|| halt.load(std::sync::atomic::Ordering::Relaxed));
            drop(tx);
            if let Err(e) = result {
                *produced.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            }
        });
        let out = pool::run(threads, &make_sink, |sink, control| {
            consume_blocks(&rx, &back, &reader, &source, sink, control, &|| {
                halt.store(true, std::sync::atomic::Ordering::Relaxed)
            });
            halt.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        producer.join().expect("the inflater thread does not panic");
        out
    });
    if let Some(e) = produced.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(SourceError::Object { location: source, message: format!("not a valid gzip file: {e}") });
    }
    let report = collected.finish(|_, _| unreachable!("gzip blocks know their line numbers"))?;
    Ok((sinks, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::OnBadRecord;
    use crate::record::Record;
    use std::io::Write;

    #[derive(Default)]
    struct Seen(Vec<(u64, u64)>, u64);

    impl RecordSink for Seen {
        fn begin_unit(&mut self, unit: u64, _: &str) {
            self.1 = unit;
        }
        fn record(&mut self, r: &Record<'_>) {
            self.0.push((self.1, r.offset));
        }
        fn end_unit(&mut self, _: bool) {}
    }

    #[test]
    fn a_gzip_file_is_inflated_once_and_scanned_by_every_thread_with_lines_located() {
        let mut text = String::new();
        for i in 0..40_000 {
            if i == 31_234 {
                text.push_str("not a record\n");
            } else {
                text.push_str(&format!(
                    "{{\"timestamp\":\"2025-12-03T10:{:02}:00Z\",\"pad\":\"{}\"}}\n",
                    i % 60,
                    "z".repeat(i % 90)
                ));
            }
        }
        let file = tempfile::NamedTempFile::new().unwrap();
        // Two gzip members, as concatenated archives have.
        let (a, b) = text.split_at(text.len() / 2);
        let mut out = Vec::new();
        for part in [a, b] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            out.extend(e.finish().unwrap());
        }
        std::fs::write(file.path(), out).unwrap();
        assert!(is_gzip(file.path()).unwrap());
        for threads in [1, 2, 4] {
            let skip = ReadOptions { threads, on_bad_record: OnBadRecord::Skip, ..ReadOptions::default() };
            let (sinks, report) = crate::read_file(file.path(), &skip, Seen::default).unwrap();
            let mut offsets: Vec<u64> = sinks.into_iter().flat_map(|s| s.0).map(|(_, o)| o).collect();
            offsets.sort();
            offsets.dedup();
            assert_eq!(offsets.len(), 39_999, "{threads} threads");
            assert_eq!(report.bytes, text.len() as u64);
            assert_eq!(report.bad_records[0].line, 31_235);
            let fail = ReadOptions { threads, ..ReadOptions::default() };
            let Err(SourceError::BadRecord(bad)) = crate::read_file(file.path(), &fail, Seen::default) else { panic!("fails") };
            assert_eq!(bad.line, 31_235);
        }
        let plain = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(plain.path(), b"\x1f\x8b broken").unwrap();
        assert!(matches!(
            crate::read_file(plain.path(), &ReadOptions::default(), Seen::default),
            Err(SourceError::Object { .. })
        ));
    }
}
