//! The draws of `probability` rules: SplitMix64 over (seed, draw number), so a rules document
//! with the same seed, given the same calls in the same order, fires on the same calls.

use std::sync::atomic::{AtomicU64, Ordering};

/// A sequence of uniform draws in [0, 1).
#[derive(Debug, Default)]
pub(crate) struct Draws {
    seed: AtomicU64,
    next: AtomicU64,
}

impl Draws {
    /// Restarts the sequence from `seed`.
    pub(crate) fn reseed(&self, seed: u64) {
        self.seed.store(seed, Ordering::Relaxed);
        self.next.store(0, Ordering::Relaxed);
    }

    /// The next draw.
    pub(crate) fn draw(&self) -> f64 {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let x = splitmix64(self.seed.load(Ordering::Relaxed) ^ splitmix64(n));
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sequences_repeat_and_look_uniform() {
        let d = Draws::default();
        d.reseed(42);
        let a: Vec<f64> = (0..1000).map(|_| d.draw()).collect();
        d.reseed(42);
        let b: Vec<f64> = (0..1000).map(|_| d.draw()).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
        let below = a.iter().filter(|x| **x < 0.25).count();
        assert!((200..300).contains(&below), "{below}");
    }
}
