//! The hot path for publishers inside the emulator (Bedrock's runtime metrics, Logs metric
//! filters): samples are added to one of [`SHARDS`] in-memory maps, picked per thread, keyed by
//! (metric, minute, unit), so concurrent requests rarely meet on a lock and no request touches
//! the disk. The store drains the shards into its buckets and journal every second in the
//! background and before every read, so readers always see what was recorded.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::aggregate::Aggregate;
use crate::key::MetricKey;
use crate::unit::Unit;

/// Number of shards.
pub const SHARDS: usize = 16;

/// A metric handle for recording: keep one per metric and reuse it (the buffer keys on its
/// address, so reusing it makes one entry per minute).
pub type SeriesRef = Arc<MetricKey>;

type Slot = (usize, i64, Unit);

/// One shard: (metric address, minute start in seconds, unit) → the metric and its samples.
type Shard = HashMap<Slot, (SeriesRef, Aggregate), BuildHasherDefault<SlotHasher>>;

/// A multiply-rotate hash for the shards' small integer keys (no DoS concern: the keys are
/// addresses and minutes the emulator makes, not input).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct SlotHasher(u64);

impl SlotHasher {
    fn add(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for SlotHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_i64(&mut self, n: i64) {
        self.add(n as u64);
    }
    fn write_isize(&mut self, n: isize) {
        self.add(n as u64);
    }
}

/// The sharded buffer.
#[derive(Debug)]
pub(crate) struct Buffer {
    shards: Vec<Mutex<Shard>>,
}

impl Default for Buffer {
    fn default() -> Self {
        Self { shards: (0..SHARDS).map(|_| Mutex::new(HashMap::default())).collect() }
    }
}

thread_local! {
    static SHARD: Cell<usize> = const { Cell::new(usize::MAX) };
}

static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

fn my_shard() -> usize {
    SHARD.with(|s| {
        if s.get() == usize::MAX {
            s.set(NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS);
        }
        s.get()
    })
}

impl Buffer {
    /// Adds samples at `timestamp_ms` (each one value of its metric).
    pub(crate) fn record(&self, samples: &[(&SeriesRef, f64, Unit)], timestamp_ms: i64) {
        let minute = timestamp_ms.div_euclid(60_000) * 60;
        let mut shard = self.shards[my_shard()].lock().unwrap_or_else(PoisonError::into_inner);
        for (series, value, unit) in samples {
            if !value.is_finite() {
                continue;
            }
            let slot = (Arc::as_ptr(series) as usize, minute, *unit);
            shard.entry(slot).or_insert_with(|| (Arc::clone(series), Aggregate::default())).1.add_value(*value, 1.0);
        }
    }

    /// Takes everything recorded so far: (metric, minute start in seconds, unit, samples).
    pub(crate) fn drain(&self) -> Vec<(SeriesRef, i64, Unit, Aggregate)> {
        let mut out = Vec::new();
        for shard in &self.shards {
            let taken = std::mem::take(&mut *shard.lock().unwrap_or_else(PoisonError::into_inner));
            out.extend(taken.into_iter().map(|((_, minute, unit), (key, agg))| (key, minute, unit, agg)));
        }
        out
    }
}
