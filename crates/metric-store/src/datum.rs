//! What a publisher hands the store: one `MetricDatum` of PutMetricData, already validated by
//! the service (a value, values with counts, or a statistic set; a unit; a resolution).

use crate::aggregate::Aggregate;
use crate::key::MetricKey;
use crate::unit::Unit;

/// The samples of one datum.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// `Value`.
    Single(f64),
    /// `Values` with their `Counts` (a count of 1 each when none were sent).
    Counted(Vec<(f64, f64)>),
    /// `StatisticValues`.
    Set { sample_count: f64, sum: f64, min: f64, max: f64 },
}

/// One datum.
#[derive(Debug, Clone, PartialEq)]
pub struct Datum {
    pub key: MetricKey,
    pub timestamp_ms: i64,
    pub unit: Unit,
    /// `StorageResolution` 1: kept per second for three hours.
    pub high_resolution: bool,
    pub values: Values,
}

impl Values {
    /// The samples as a bucket's statistics.
    pub fn to_aggregate(&self) -> Aggregate {
        let mut agg = Aggregate::default();
        match self {
            Values::Single(v) => agg.add_value(*v, 1.0),
            Values::Counted(pairs) => {
                for &(v, c) in pairs {
                    agg.add_value(v, c);
                }
            }
            Values::Set { sample_count, sum, min, max } => agg.add_set(*sample_count, *sum, *min, *max),
        }
        agg
    }
}
