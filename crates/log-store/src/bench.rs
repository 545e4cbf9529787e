//! Benchmark drivers for `cargo xtask bench` and `examples/bench.rs`: they time the store's own
//! work and return figures; they assert nothing (no timed tests anywhere).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::{InputLogEvent, LogStore, StoreError};

/// Result of [`append`].
#[derive(Debug, Clone, Copy)]
pub struct AppendFigures {
    pub threads: usize,
    pub appends: usize,
    pub bytes: u64,
    pub elapsed: Duration,
}

impl AppendFigures {
    pub fn appends_per_sec(&self) -> f64 {
        self.appends as f64 / self.elapsed.as_secs_f64()
    }
}

/// Result of [`scan`].
#[derive(Debug, Clone, Copy)]
pub struct ScanFigures {
    pub segments: usize,
    pub events: u64,
    pub bytes: u64,
    pub elapsed: Duration,
    /// Sum of message lengths plus first bytes; printed so the work is not optimised away.
    pub checksum: u64,
}

impl ScanFigures {
    pub fn gb_per_sec(&self) -> f64 {
        self.bytes as f64 / self.elapsed.as_secs_f64() / 1e9
    }
}

/// A JSON-ish record of about `len` bytes that differs with `n`, like an invocation log.
pub fn sample_message(n: usize, len: usize) -> Vec<u8> {
    let head = format!(
        "{{\"schemaType\":\"ModelInvocationLog\",\"schemaVersion\":\"1.0\",\"timestamp\":\"2025-08-15T12:44:54Z\",\
         \"requestId\":\"{n:08x}-0000-4000-8000-000000000000\",\"requestMetadata\":{{\"tenant\":\"t{}\",\"app\":\"a{}\"}},\
         \"input\":{{\"inputTokenCount\":{},\"inputBodyJson\":{{\"messages\":[{{\"role\":\"user\",\"content\":[{{\"text\":\"",
        n % 17,
        n % 5,
        n % 1000
    );
    let mut m = head.into_bytes();
    let tail = format!("\"}}]}}]}}}},\"output\":{{\"outputTokenCount\":{}}}}}", n % 777);
    let filler = len.saturating_sub(m.len() + tail.len());
    m.extend((0..filler).map(|i| b"lorem ipsum dolor sit amet "[(i + n) % 27]));
    m.extend_from_slice(tail.as_bytes());
    m
}

/// `threads` threads each append `per_thread` single-event batches of `message_len` bytes to
/// one stream (the emulator's shape: one event per Converse call, one shared stream).
pub fn append(
    store: &LogStore,
    group: &str,
    stream: &str,
    threads: usize,
    per_thread: usize,
    message_len: usize,
    timestamp: i64,
) -> Result<AppendFigures, StoreError> {
    store.ensure_log_stream(group, stream, timestamp)?;
    let messages: Vec<Vec<u8>> = (0..64).map(|n| sample_message(n, message_len)).collect();
    let bytes = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (messages, bytes) = (&messages, &bytes);
                scope.spawn(move || -> Result<(), StoreError> {
                    for i in 0..per_thread {
                        let m = &messages[(t + i) % messages.len()];
                        let r = store.put_log_events(group, stream, &[InputLogEvent::new(timestamp, m)], timestamp)?;
                        bytes.fetch_add(r.bytes_written as usize, Ordering::Relaxed);
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| w.join().unwrap_or(Ok(())))
    })?;
    Ok(AppendFigures {
        threads,
        appends: threads * per_thread,
        bytes: bytes.load(Ordering::Relaxed) as u64,
        elapsed: start.elapsed(),
    })
}

/// Reads every segment of `group` with `threads` threads (one reused buffer each) and walks
/// every event, touching each message's length and first byte: the store's share of a scan.
pub fn scan(store: &LogStore, group: &str, threads: usize) -> Result<ScanFigures, StoreError> {
    let start = Instant::now();
    let segments = store.segments(group, None, i64::MIN, i64::MAX)?;
    let next = AtomicUsize::new(0);
    let totals = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                let (segments, next) = (&segments, &next);
                scope.spawn(move || -> Result<(u64, u64, u64), StoreError> {
                    let (mut events, mut bytes, mut sum) = (0u64, 0u64, 0u64);
                    let mut buf = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(seg) = segments.get(i) else { break };
                        let data = seg.read_into(buf)?;
                        for e in data.events() {
                            events += 1;
                            sum += e.message.len() as u64 + u64::from(e.message.first().copied().unwrap_or(0));
                        }
                        bytes += data.len_bytes() as u64;
                        buf = data.into_buffer();
                    }
                    Ok((events, bytes, sum))
                })
            })
            .collect();
        workers.into_iter().try_fold((0, 0, 0), |acc, w| {
            let (e, b, s) = w.join().unwrap_or(Ok((0, 0, 0)))?;
            Ok::<_, StoreError>((acc.0 + e, acc.1 + b, acc.2 + s))
        })
    })?;
    Ok(ScanFigures { segments: segments.len(), events: totals.0, bytes: totals.1, elapsed: start.elapsed(), checksum: totals.2 })
}
