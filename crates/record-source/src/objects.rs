//! A list of objects (S3 delivery's `.json.gz` batches, or plain JSON lines objects), from a
//! local bucket or any S3 endpoint. A feeder thread fetches them in key order with a bounded
//! read-ahead ([`ObjectFeed`]); each scan thread takes the next object and inflates it as a
//! stream into its own block buffer, so gzip is decompressed in parallel across objects and
//! memory is the read-ahead plus one block per thread.

use std::io::Read;
use std::sync::Mutex;
use std::sync::mpsc::sync_channel;

use crate::error::SourceError;
use crate::options::{ReadOptions, ReadReport};
use crate::pool::{self, Control};
use crate::record::{BlockPos, LineReader, PendingBad, RecordSink, UnitReport};

type LocalFetch = Box<dyn Fn(&str) -> Result<Vec<u8>, String> + Send + Sync>;

/// One fetched object: its index in the feed and its bytes, or why it could not be fetched.
pub(crate) type Fetched = (u64, Result<Vec<u8>, String>);

enum Fetcher {
    Local(LocalFetch),
    Remote(crate::remote::RemoteFetch),
}

/// The objects of one read, in key order, and how to fetch them.
pub struct ObjectFeed {
    /// Prefix of every object's name in messages and `@ptr`: `s3://bucket/`.
    pub base: String,
    /// Keys to read, in order.
    pub keys: Vec<String>,
    /// Objects skipped (by their key's hour) without being read.
    pub skipped: u64,
    fetcher: Fetcher,
}

impl std::fmt::Debug for ObjectFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectFeed")
            .field("base", &self.base)
            .field("keys", &self.keys.len())
            .field("skipped", &self.skipped)
            .finish()
    }
}

impl ObjectFeed {
    /// Objects fetched by `fetch(key)` (a local bucket): `Err` carries the reason.
    pub fn local(
        base: impl Into<String>,
        keys: Vec<String>,
        skipped: u64,
        fetch: impl Fn(&str) -> Result<Vec<u8>, String> + Send + Sync + 'static,
    ) -> ObjectFeed {
        ObjectFeed { base: base.into(), keys, skipped, fetcher: Fetcher::Local(Box::new(fetch)) }
    }

    pub(crate) fn remote(base: String, keys: Vec<String>, skipped: u64, fetch: crate::remote::RemoteFetch) -> ObjectFeed {
        ObjectFeed { base, keys, skipped, fetcher: Fetcher::Remote(fetch) }
    }

    /// Objects fetched ahead of the scan threads, at most `read_ahead` waiting.
    fn feed(&self, tx: std::sync::mpsc::SyncSender<Fetched>, stop: &dyn Fn() -> bool) {
        match &self.fetcher {
            Fetcher::Local(fetch) => {
                for (i, key) in self.keys.iter().enumerate() {
                    if stop() || tx.send((i as u64, fetch(key))).is_err() {
                        return;
                    }
                }
            }
            Fetcher::Remote(remote) => remote.feed(&self.keys, tx, stop),
        }
    }
}

/// Bytes of inflated text per block.
const BLOCK_BYTES: usize = 4 << 20;

/// Reads one object's lines into `sink`, inflating it first when it is gzip.
fn scan_object<S: RecordSink>(
    bytes: &[u8],
    reader: &LineReader,
    sink: &mut S,
    buf: &mut Vec<u8>,
    out: &mut UnitReport,
) -> Result<Result<(), PendingBad>, std::io::Error> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(reader.block(bytes, BlockPos { offset: 0, first_line: Some(1) }, sink, out));
    }
    let mut gz = flate2::read::MultiGzDecoder::new(bytes);
    let (mut offset, mut line) = (0u64, 1u64);
    // `buf` stays initialized at its full length; `filled` is how much of it holds text.
    if buf.len() < BLOCK_BYTES {
        buf.resize(BLOCK_BYTES, 0);
    }
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0); // one line longer than the block
        }
        let n = loop {
            match gz.read(&mut buf[filled..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        filled += n;
        if n > 0 && filled < buf.len() {
            continue;
        }
        let whole = if n == 0 { filled } else { memchr::memrchr(b'\n', &buf[..filled]).map_or(0, |i| i + 1) };
        if whole > 0 {
            let pos = BlockPos { offset, first_line: Some(line) };
            if let Err(bad) = reader.block(&buf[..whole], pos, sink, out) {
                return Ok(Err(bad));
            }
            offset += whole as u64;
            line += memchr::memchr_iter(b'\n', &buf[..whole]).count() as u64;
            buf.copy_within(whole..filled, 0);
            filled -= whole;
        }
        if n == 0 {
            return Ok(Ok(()));
        }
    }
}

fn consume<S: RecordSink>(
    rx: &Mutex<std::sync::mpsc::Receiver<Fetched>>,
    feed: &ObjectFeed,
    reader: &LineReader,
    progress: Option<&crate::options::Progress>,
    sink: &mut S,
    control: &Control,
) {
    let mut buf = Vec::new();
    loop {
        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok((unit, fetched)) = next else { break };
        // Every unit received is begun and ended, even when skipped, so sinks that commit
        // units in order never wait for one.
        let name = format!("{}{}", feed.base, feed.keys[unit as usize]);
        sink.begin_unit(unit, &name);
        if control.stopped() {
            sink.end_unit(false);
            continue;
        }
        let bytes = match fetched {
            Ok(b) => b,
            Err(message) => {
                sink.end_unit(false);
                control.fail(SourceError::Object { location: name, message });
                continue;
            }
        };
        let mut out = UnitReport::default();
        out.report.objects_read = 1;
        match scan_object(&bytes, reader, sink, &mut buf, &mut out) {
            Ok(result) => {
                sink.end_unit(result.is_ok() && !control.stopped());
                control.unit_done(unit, &name, out, result);
            }
            Err(e) => {
                sink.end_unit(false);
                control.fail(SourceError::Object { location: name, message: format!("not a valid gzip object: {e}") });
            }
        }
        if let Some(p) = progress {
            p(1);
        }
    }
}

/// Reads every object of `feed` into one sink per thread; units are object indexes. Progress
/// counts objects.
pub fn read_objects<S: RecordSink>(
    feed: &ObjectFeed,
    opts: &ReadOptions,
    make_sink: impl Fn() -> S + Sync,
) -> Result<(Vec<S>, ReadReport), SourceError> {
    let threads = opts.threads.max(1).min(feed.keys.len().max(1));
    let reader = LineReader::new(opts.start_ms, opts.end_ms, opts.on_bad_record);
    let (tx, rx) = sync_channel(threads + 2);
    let rx = Mutex::new(rx);
    let halt = std::sync::atomic::AtomicBool::new(false);
    let (sinks, collected) = std::thread::scope(|s| {
        let feeder = s.spawn(|| feed.feed(tx, &|| halt.load(std::sync::atomic::Ordering::Relaxed)));
        let out = pool::run(threads, &make_sink, |sink, control| {
            consume(&rx, feed, &reader, opts.progress.as_ref(), sink, control);
            if control.stopped() {
                halt.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
        halt.store(true, std::sync::atomic::Ordering::Relaxed);
        feeder.join().expect("the feeder thread does not panic");
        out
    });
    let mut report = collected.finish(|_, _| unreachable!("objects are read in order, so lines are known"))?;
    report.objects_skipped += feed.skipped;
    Ok((sinks, report))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::OnBadRecord;
    use crate::record::Record;
    use std::io::Write;

    #[derive(Default)]
    struct Count(u64, Vec<(u64, String)>, u64);

    impl RecordSink for Count {
        fn begin_unit(&mut self, unit: u64, _: &str) {
            self.2 = unit;
        }
        fn record(&mut self, r: &Record<'_>) {
            self.0 += 1;
            self.1.push((self.2, String::from_utf8_lossy(r.line).into_owned()));
        }
        fn end_unit(&mut self, _: bool) {}
    }

    fn gz(text: &str) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    }

    fn feed(objects: Vec<(String, Vec<u8>)>) -> ObjectFeed {
        let keys = objects.iter().map(|(k, _)| k.clone()).collect();
        let map: std::collections::HashMap<String, Vec<u8>> = objects.into_iter().collect();
        ObjectFeed::local("s3://b/", keys, 0, move |k| map.get(k).cloned().ok_or_else(|| "missing".to_string()))
    }

    fn record(i: usize) -> String {
        format!(r#"{{"timestamp":"2025-12-03T10:{:02}:00Z","i":{i},"pad":"{}"}}"#, i % 60, "y".repeat(i % 300))
    }

    #[test]
    fn gzip_and_plain_objects_are_read_in_parallel_with_lines_located() {
        let mut objects = Vec::new();
        for o in 0..9 {
            let text: String = (0..400).map(|i| record(o * 400 + i) + "\n").collect();
            let bytes = if o % 3 == 0 { text.into_bytes() } else { gz(&text) };
            objects.push((format!("k{o}.json.gz"), bytes));
        }
        for threads in [1, 2, 4] {
            let opts = ReadOptions { threads, ..ReadOptions::default() };
            let (sinks, report) = read_objects(&feed(objects.clone()), &opts, Count::default).unwrap();
            assert_eq!(sinks.iter().map(|s| s.0).sum::<u64>(), 3600);
            assert_eq!(report.objects_read, 9);
        }
        let mut broken = objects.clone();
        let text: String = (0..30).map(|i| if i == 17 { "garbage\n".to_string() } else { record(i) + "\n" }).collect();
        broken[4] = ("k4.json.gz".into(), gz(&text));
        let opts = ReadOptions { threads: 2, ..ReadOptions::default() };
        let Err(SourceError::BadRecord(bad)) = read_objects(&feed(broken.clone()), &opts, Count::default) else {
            panic!("fails")
        };
        assert_eq!((bad.source.as_str(), bad.line), ("s3://b/k4.json.gz", 18));
        let skip = ReadOptions { on_bad_record: OnBadRecord::Skip, ..opts };
        let (_, report) = read_objects(&feed(broken.clone()), &skip, Count::default).unwrap();
        assert_eq!(report.bad_record_count, 1);
        broken[2].1 = b"\x1f\x8bnot really gzip".to_vec();
        assert!(matches!(read_objects(&feed(broken), &skip, Count::default), Err(SourceError::Object { .. })));
    }

    #[test]
    fn a_large_gzip_object_spans_several_blocks() {
        let text: String = (0..30_000).map(|i| record(i) + "\n").collect();
        assert!(text.len() > BLOCK_BYTES);
        let opts = ReadOptions { threads: 2, ..ReadOptions::default() };
        let (sinks, report) = read_objects(&feed(vec![("big.json.gz".into(), gz(&text))]), &opts, Count::default).unwrap();
        let mut lines: Vec<String> = sinks.into_iter().flat_map(|s| s.1).map(|(_, l)| l).collect();
        assert_eq!(lines.len(), 30_000);
        lines.sort();
        let mut want: Vec<String> = (0..30_000).map(record).collect();
        want.sort();
        assert_eq!(lines, want);
        assert_eq!(report.bytes, text.len() as u64);
    }
}
