//! The values behind a bucket's percentiles: (value, count) pairs sorted by value. Exact up to
//! [`EXACT_VALUES`] distinct values; past that, values are merged into logarithmic bins of
//! [`BIN_RATIO`] (each bin keeps its count-weighted mean), so a percentile is within about 0.5 %
//! of the exact one, as CloudWatch's own percentiles over high-cardinality data are approximate.

/// Distinct values kept exactly before binning.
pub(crate) const EXACT_VALUES: usize = 2048;
/// The width of a bin once binned: values within 1 % of each other share one.
pub(crate) const BIN_RATIO: f64 = 1.01;

/// Values and their counts, sorted by value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distribution {
    points: Vec<(f64, f64)>,
    binned: bool,
}

impl Distribution {
    /// `count` occurrences of `value`.
    pub fn add(&mut self, value: f64, count: f64) {
        if !(value.is_finite() && count > 0.0) {
            return;
        }
        match self.points.binary_search_by(|(v, _)| v.total_cmp(&value)) {
            Ok(i) => self.points[i].1 += count,
            Err(i) => {
                self.points.insert(i, (value, count));
                if self.points.len() > EXACT_VALUES {
                    self.compact();
                }
            }
        }
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Distribution) {
        if other.points.is_empty() {
            return;
        }
        if self.points.is_empty() {
            self.points = other.points.clone();
            self.binned = other.binned;
            return;
        }
        let mut out = Vec::with_capacity(self.points.len() + other.points.len());
        let (mut i, mut j) = (0, 0);
        let (a, b) = (&self.points, &other.points);
        while i < a.len() || j < b.len() {
            let next = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x.0 == y.0 => {
                    i += 1;
                    j += 1;
                    (x.0, x.1 + y.1)
                }
                (Some(x), Some(y)) if x.0 < y.0 => {
                    i += 1;
                    *x
                }
                (Some(_), Some(y)) | (None, Some(y)) => {
                    j += 1;
                    *y
                }
                (Some(x), None) => {
                    i += 1;
                    *x
                }
                (None, None) => break,
            };
            out.push(next);
        }
        self.points = out;
        self.binned |= other.binned;
        if self.points.len() > EXACT_VALUES {
            self.compact();
        }
    }

    /// Merges values into logarithmic bins (each bin: its count-weighted mean).
    fn compact(&mut self) {
        let bin = |v: f64| -> i64 {
            if v == 0.0 { 0 } else { (v.abs().ln() / BIN_RATIO.ln()).floor() as i64 * v.signum() as i64 + v.signum() as i64 }
        };
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(self.points.len() / 2);
        let mut current: Option<(i64, f64, f64)> = None;
        for &(v, c) in &self.points {
            let b = bin(v);
            match &mut current {
                Some((cb, sum, n)) if *cb == b => {
                    *sum += v * c;
                    *n += c;
                }
                _ => {
                    if let Some((_, sum, n)) = current.take() {
                        out.push((sum / n, n));
                    }
                    current = Some((b, v * c, c));
                }
            }
        }
        if let Some((_, sum, n)) = current {
            out.push((sum / n, n));
        }
        self.points = out;
        self.binned = true;
    }

    /// The (value, count) pairs, sorted by value.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// The total count.
    pub fn count(&self) -> f64 {
        self.points.iter().map(|p| p.1).sum()
    }

    /// Whether values were merged into bins (percentiles are then approximate).
    pub fn is_binned(&self) -> bool {
        self.binned
    }

    /// The value at rank `ceil(q × count)` (nearest rank), `q` in `[0, 1]`.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.count();
        if total <= 0.0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * total).ceil().max(1.0);
        let mut seen = 0.0;
        for &(v, c) in &self.points {
            seen += c;
            if seen >= rank - 1e-9 {
                return Some(v);
            }
        }
        self.points.last().map(|p| p.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let mut d = Distribution::default();
        for v in 1..=100 {
            d.add(f64::from(v), 1.0);
        }
        assert_eq!(d.quantile(0.99), Some(99.0));
        assert_eq!(d.quantile(0.5), Some(50.0));
        assert_eq!(d.quantile(1.0), Some(100.0));
        assert_eq!(d.quantile(0.0), Some(1.0));
    }

    #[test]
    fn merge_adds_counts() {
        let mut a = Distribution::default();
        a.add(1.0, 2.0);
        a.add(3.0, 1.0);
        let mut b = Distribution::default();
        b.add(1.0, 1.0);
        b.add(2.0, 1.0);
        a.merge(&b);
        assert_eq!(a.points(), &[(1.0, 3.0), (2.0, 1.0), (3.0, 1.0)]);
    }

    #[test]
    fn binning_keeps_quantiles_close() {
        let mut d = Distribution::default();
        for v in 0..10_000 {
            d.add(f64::from(v) + 1.0, 1.0);
        }
        assert!(d.is_binned());
        assert!(d.points().len() < EXACT_VALUES);
        let p90 = d.quantile(0.9).unwrap();
        assert!((p90 - 9000.0).abs() / 9000.0 < 0.01, "{p90}");
        assert_eq!(d.count(), 10_000.0);
    }
}
