//! The state of one `pct(x, p)` per group: exact values while the group has at most
//! `choices::PCT_EXACT_VALUES` of them, then a log-bucketed sketch (`choices::PCT_RELATIVE_ACCURACY`)
//! of every value. Both forms depend only on the multiset of values, never on the order they
//! arrived in or on how the scan was split among threads, so `pct` gives the same answer on any
//! thread count (CHOICES.md, "pct").

use crate::choices::{PCT_EXACT_VALUES, PCT_RELATIVE_ACCURACY, percentile_rank};
use crate::value::Value;
use std::collections::BTreeMap;

/// Exact values, or the sketch of all values once there are too many.
#[derive(Clone, Debug)]
pub(crate) enum PctState {
    Exact(Vec<f64>),
    Sketch(Sketch),
}

impl Default for PctState {
    fn default() -> Self {
        PctState::Exact(Vec::new())
    }
}

impl PctState {
    /// Adds one value (non-finite values are ignored).
    pub(crate) fn add(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        match self {
            PctState::Exact(values) => {
                values.push(x);
                if values.len() > PCT_EXACT_VALUES {
                    *self = PctState::Sketch(Sketch::of(values));
                }
            }
            PctState::Sketch(s) => s.add(x),
        }
    }

    /// Folds another state in: exact while the union fits the bound, else the sketch of the union.
    pub(crate) fn merge(&mut self, other: PctState) {
        let this = std::mem::take(self);
        *self = match (this, other) {
            (PctState::Exact(mut a), PctState::Exact(b)) if a.len() + b.len() <= PCT_EXACT_VALUES => {
                a.extend(b);
                PctState::Exact(a)
            }
            (PctState::Exact(a), PctState::Exact(b)) => {
                let mut s = Sketch::of(&a);
                s.add_all(&b);
                PctState::Sketch(s)
            }
            (PctState::Sketch(mut s), PctState::Exact(v)) | (PctState::Exact(v), PctState::Sketch(mut s)) => {
                s.add_all(&v);
                PctState::Sketch(s)
            }
            (PctState::Sketch(mut a), PctState::Sketch(b)) => {
                a.merge(b);
                PctState::Sketch(a)
            }
        };
    }

    /// The nearest-rank percentile `p`, null without values.
    pub(crate) fn finish(self, p: f64) -> Value<'static> {
        match self {
            PctState::Exact(mut values) => {
                if values.is_empty() {
                    return Value::Null;
                }
                values.sort_by(f64::total_cmp);
                let rank = percentile_rank(p, values.len() as u64);
                Value::float(values[rank as usize - 1])
            }
            PctState::Sketch(s) => s.percentile(p),
        }
    }
}

/// Counts of values per logarithmic bucket: bucket `i > 0` holds positive values in
/// `(γ^(i-1), γ^i]`, mirrored for negative values, with zero on its own. Adding and merging
/// are additions of counts, so the sketch of a multiset does not depend on the order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sketch {
    /// Bucket index → count, for positive values (ascending index = ascending value).
    pos: BTreeMap<i32, u64>,
    /// Bucket index → count, for negative values by magnitude.
    neg: BTreeMap<i32, u64>,
    zero: u64,
}

fn gamma() -> f64 {
    (1.0 + PCT_RELATIVE_ACCURACY) / (1.0 - PCT_RELATIVE_ACCURACY)
}

impl Sketch {
    fn of(values: &[f64]) -> Sketch {
        let mut s = Sketch::default();
        s.add_all(values);
        s
    }

    fn add_all(&mut self, values: &[f64]) {
        for &x in values {
            self.add(x);
        }
    }

    fn index(magnitude: f64) -> i32 {
        (magnitude.ln() / gamma().ln()).ceil() as i32
    }

    /// The value a bucket stands for: within `PCT_RELATIVE_ACCURACY` of every value in it.
    fn representative(index: i32) -> f64 {
        let g = gamma();
        2.0 * g.powi(index) / (g + 1.0)
    }

    fn add(&mut self, x: f64) {
        if x == 0.0 || x.abs() < f64::MIN_POSITIVE {
            self.zero += 1;
        } else if x > 0.0 {
            *self.pos.entry(Self::index(x)).or_default() += 1;
        } else {
            *self.neg.entry(Self::index(-x)).or_default() += 1;
        }
    }

    fn merge(&mut self, other: Sketch) {
        for (i, n) in other.pos {
            *self.pos.entry(i).or_default() += n;
        }
        for (i, n) in other.neg {
            *self.neg.entry(i).or_default() += n;
        }
        self.zero += other.zero;
    }

    fn percentile(&self, p: f64) -> Value<'static> {
        let total = self.zero + self.pos.values().sum::<u64>() + self.neg.values().sum::<u64>();
        if total == 0 {
            return Value::Null;
        }
        let rank = percentile_rank(p, total);
        let mut acc = 0;
        // Ascending: the most negative values (largest magnitude) first, then zero, then positives.
        for (i, n) in self.neg.iter().rev() {
            acc += n;
            if acc >= rank {
                return Value::float(-Self::representative(*i));
            }
        }
        acc += self.zero;
        if acc >= rank {
            return Value::Int(0);
        }
        for (i, n) in &self.pos {
            acc += n;
            if acc >= rank {
                return Value::float(Self::representative(*i));
            }
        }
        Value::Null
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_of(values: impl IntoIterator<Item = f64>, parts: usize) -> PctState {
        let values: Vec<f64> = values.into_iter().collect();
        let chunk = values.len().div_ceil(parts).max(1);
        let mut acc = PctState::default();
        for part in values.chunks(chunk) {
            let mut s = PctState::default();
            for &x in part {
                s.add(x);
            }
            acc.merge(s);
        }
        acc
    }

    /// The engine owner's case: p50 of 20,000 values was 5002 on 1 thread and 5003 on 2.
    #[test]
    fn the_answer_does_not_depend_on_the_split() {
        let values: Vec<f64> = (0..20_000).map(|i| ((i * 7919) % 20_000) as f64).collect();
        for p in [0.0, 1.0, 50.0, 90.0, 99.0, 100.0] {
            let one = state_of(values.iter().copied(), 1).finish(p);
            for parts in [2, 3, 4, 7] {
                assert_eq!(state_of(values.iter().copied(), parts).finish(p), one, "p{p} on {parts} parts");
            }
            let reversed = state_of(values.iter().rev().copied(), 1).finish(p);
            assert_eq!(reversed, one, "p{p} reversed");
        }
    }

    #[test]
    fn exact_up_to_the_bound_then_within_the_relative_accuracy() {
        assert_eq!(PCT_EXACT_VALUES, 8_192);
        let exact = state_of((0..PCT_EXACT_VALUES).map(|i| (i * 2) as f64), 2);
        assert!(matches!(exact, PctState::Exact(_)));
        // Nearest rank 4,096 of 0, 2, ..., 16,382 is 8,190: a value an event had.
        assert_eq!(exact.finish(50.0), Value::Float(8_190.0));
        let sketched = state_of((0..20_000).map(|i| i as f64), 3);
        assert!(matches!(sketched, PctState::Sketch(_)));
        for (p, truth) in [(50.0, 9_999.0), (90.0, 17_999.0), (99.0, 19_799.0)] {
            let Value::Float(got) = sketched.clone().finish(p) else { panic!("a number") };
            assert!((got - truth).abs() <= truth * PCT_RELATIVE_ACCURACY, "p{p}: {got} vs {truth}");
        }
        let mixed = state_of((-10_000..=10_000).map(f64::from), 2);
        let Value::Float(low) = mixed.clone().finish(1.0) else { panic!("a number") };
        assert!((low + 9_800.0).abs() <= 9_800.0 * PCT_RELATIVE_ACCURACY, "{low}");
        assert_eq!(mixed.finish(50.0), Value::Int(0), "rank 10,001 of 20,001 is the zero");
    }
}
