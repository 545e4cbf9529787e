//! One bucket's statistics: SampleCount, Sum, Minimum, Maximum and the value distribution for
//! percentiles. A `StatisticSet` (`StatisticValues`) adds to the four sums but not to the
//! distribution, which then no longer covers every sample, so percentiles are unavailable for
//! that bucket (as on CloudWatch).

use crate::distribution::Distribution;

/// The statistics of the samples in one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub sample_count: f64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    /// The values, when every sample's value is known.
    pub dist: Distribution,
    /// Samples published only as statistic sets (not in `dist`).
    pub unseen: f64,
}

impl Default for Aggregate {
    fn default() -> Self {
        Self {
            sample_count: 0.0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            dist: Distribution::default(),
            unseen: 0.0,
        }
    }
}

impl Aggregate {
    /// One sample.
    pub fn of(value: f64) -> Self {
        let mut a = Self::default();
        a.add_value(value, 1.0);
        a
    }

    /// `count` samples of `value`.
    pub fn add_value(&mut self, value: f64, count: f64) {
        self.sample_count += count;
        self.sum += value * count;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        self.dist.add(value, count);
    }

    /// A statistic set: `count` samples whose values are known only when `count` is 1 or
    /// `min == max` (then they join the distribution, as CloudWatch keeps percentiles for them).
    pub fn add_set(&mut self, count: f64, sum: f64, min: f64, max: f64) {
        self.sample_count += count;
        self.sum += sum;
        self.min = self.min.min(min);
        self.max = self.max.max(max);
        if count == 1.0 || min == max {
            self.dist.add(min, count);
        } else {
            self.unseen += count;
        }
    }

    /// Adds `other` (with its distribution when `with_dist`; otherwise the merged bucket's
    /// distribution is dropped, which callers that need no percentile use to save work).
    pub fn merge(&mut self, other: &Aggregate, with_dist: bool) {
        self.sample_count += other.sample_count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if with_dist {
            self.dist.merge(&other.dist);
            self.unseen += other.unseen;
        } else {
            self.unseen += other.sample_count;
        }
    }

    /// `Sum / SampleCount`.
    pub fn average(&self) -> Option<f64> {
        (self.sample_count > 0.0).then(|| self.sum / self.sample_count)
    }

    /// The distribution when it covers every sample and no value is negative (CloudWatch offers
    /// no percentile then).
    pub fn full_distribution(&self) -> Option<&Distribution> {
        (self.unseen == 0.0 && self.sample_count > 0.0 && self.min >= 0.0).then_some(&self.dist)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_hide_the_distribution() {
        let mut a = Aggregate::of(2.0);
        a.add_value(4.0, 2.0);
        assert_eq!((a.sample_count, a.sum, a.min, a.max), (3.0, 10.0, 2.0, 4.0));
        assert!(a.full_distribution().is_some());
        a.add_set(3.0, 6.0, 2.0, 2.0);
        assert!(a.full_distribution().is_some(), "a set of equal values keeps its percentiles");
        a.add_set(2.0, 3.0, 1.0, 2.0);
        assert_eq!(a.min, 1.0);
        assert!(a.full_distribution().is_none());
        assert_eq!(a.average(), Some(19.0 / 8.0));
    }
}
