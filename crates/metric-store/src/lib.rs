//! The metrics of the emulated account, as CloudWatch keeps them: datapoints per (namespace,
//! metric name, dimension set), in buckets of 1 second (high resolution, three hours), 60 seconds
//! (15 days), 5 minutes (63 days) and one hour (455 days); each bucket per unit with SampleCount,
//! Sum, Minimum, Maximum and the value distribution behind percentiles and trimmed statistics.
//! Queries align their periods as CloudWatch does. Durable in one journal under the data
//! directory; no HTTP, no Bedrock.
//!
//! | file | job |
//! |---|---|
//! | `key.rs` | [`MetricKey`]: namespace, name, sorted dimensions |
//! | `unit.rs` | [`Unit`]: `StandardUnit` |
//! | `datum.rs` | [`Datum`], [`Values`]: what PutMetricData publishes |
//! | `aggregate.rs`, `distribution.rs` | one bucket's statistics and values |
//! | `statistic.rs` | [`Statistic`]: parsing and computing `Sum`, `p99`, `tm90`, `PR(a:b)`, ... |
//! | `retention.rs` | levels, retention, roll-up targets, query alignment |
//! | `store.rs` | [`MetricStore`]: put, record, flush, query, list, maintain |
//! | `buffer.rs` | the sharded in-memory buffer of [`MetricStore::record`] |
//! | `journal.rs` | the journal file: records, replay, compaction |
//! | `error.rs` | [`MetricStoreError`] |

mod aggregate;
mod buffer;
mod datum;
mod distribution;
mod error;
mod journal;
mod key;
pub mod retention;
mod statistic;
mod store;
mod unit;

pub use aggregate::Aggregate;
pub use buffer::{SHARDS, SeriesRef};
pub use datum::{Datum, Values};
pub use distribution::Distribution;
pub use error::MetricStoreError;
pub use key::{Dimension, MetricKey};
pub use statistic::{Bound, Statistic, StatisticError, TrimKind};
pub use store::{COMPACT_BYTES, MetricInfo, MetricStore, OpenReport, PeriodStats, StatsQuery, StoreOptions};
pub use unit::Unit;
