//! [`MetricStore`]: the metrics of the emulated account, their buckets per level, publishing
//! (journaled before it returns), the recording buffer, period-aligned queries, the list of
//! metrics, and maintenance (roll-ups, compaction).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Mutex, PoisonError, RwLock};

use crate::aggregate::Aggregate;
use crate::buffer::{Buffer, SeriesRef};
use crate::datum::Datum;
use crate::error::MetricStoreError;
use crate::journal::{Entry, Journal, RecordWriter};
use crate::key::MetricKey;
use crate::retention::{LEVEL_RETENTION_MS, LEVEL_SECONDS, aligned_start_ms, bucket_start, level_for, period_serves};
use crate::unit::Unit;

/// The journal size past which maintenance rewrites it as the current buckets.
pub const COMPACT_BYTES: u64 = 64 * 1024 * 1024;

/// One bucket: its samples per unit (almost always one unit).
type Cell = Vec<(Unit, Aggregate)>;

/// One metric's buckets.
#[derive(Debug)]
struct Series {
    id: u32,
    levels: [BTreeMap<i64, Cell>; 4],
    /// The latest publish time seen (emulator clock), for ListMetrics' `RecentlyActive`.
    last_published_ms: i64,
}

impl Series {
    fn new(id: u32) -> Self {
        Self { id, levels: Default::default(), last_published_ms: i64::MIN }
    }

    fn add(&mut self, level: usize, start: i64, unit: Unit, agg: &Aggregate) {
        let cell = self.levels[level].entry(start).or_default();
        match cell.iter_mut().find(|(u, _)| *u == unit) {
            Some((_, existing)) => existing.merge(agg, true),
            None => cell.push((unit, agg.clone())),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    series: HashMap<MetricKey, Series>,
    next_id: u32,
}

impl State {
    /// The series of `key`, defined in `record` when new.
    fn series_mut(&mut self, key: &MetricKey, record: &mut RecordWriter) -> &mut Series {
        if !self.series.contains_key(key) {
            let id = self.next_id;
            self.next_id += 1;
            record.define(id, key);
            self.series.insert(key.clone(), Series::new(id));
        }
        self.series.get_mut(key).expect("inserted above")
    }
}

/// How the store is opened.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreOptions {
    /// Also fsync every journal append.
    pub fsync: bool,
}

/// What open found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// Metrics read back.
    pub metrics: usize,
    /// Bytes of a torn or corrupt journal tail that were cut off.
    pub truncated_bytes: u64,
}

/// A metric and when it was last published to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricInfo {
    pub key: MetricKey,
    pub last_published_ms: i64,
}

/// A period-aligned statistics query of one metric.
#[derive(Debug, Clone, Copy)]
pub struct StatsQuery<'a> {
    pub key: &'a MetricKey,
    /// Inclusive, epoch ms.
    pub start_ms: i64,
    /// Exclusive, epoch ms.
    pub end_ms: i64,
    pub period_s: i64,
    /// Only datapoints published with this unit.
    pub unit: Option<Unit>,
    /// Whether percentiles or trimmed statistics will be computed (distributions merged).
    pub need_distribution: bool,
}

/// One period of a query's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodStats {
    /// The period's start, epoch ms.
    pub start_ms: i64,
    /// Its samples, per unit.
    pub per_unit: Vec<(Unit, Aggregate)>,
}

impl PeriodStats {
    /// The samples of every unit together.
    pub fn merged(&self, with_dist: bool) -> Aggregate {
        let mut out = Aggregate::default();
        for (_, a) in &self.per_unit {
            out.merge(a, with_dist);
        }
        out
    }
}

/// The metric store.
#[derive(Debug)]
pub struct MetricStore {
    state: RwLock<State>,
    /// Held by every write (so a compaction never loses a concurrent append); `None` in memory.
    journal: Mutex<Option<Journal>>,
    buffer: Buffer,
}

impl MetricStore {
    /// A store that keeps nothing on disk (tests, benchmarks of the in-memory path).
    pub fn in_memory() -> Self {
        Self { state: RwLock::new(State::default()), journal: Mutex::new(None), buffer: Buffer::default() }
    }

    /// Opens (creating) the store in `dir`, replaying its journal.
    pub fn open(dir: &Path, options: StoreOptions) -> Result<(Self, OpenReport), MetricStoreError> {
        let (journal, replay) = Journal::open(dir, options.fsync)?;
        let mut state = State::default();
        let mut by_id: HashMap<u32, MetricKey> = HashMap::new();
        for entry in replay.entries {
            match entry {
                Entry::Define { id, key } => {
                    state.next_id = state.next_id.max(id + 1);
                    state.series.entry(key.clone()).or_insert_with(|| Series::new(id)).id = id;
                    by_id.insert(id, key);
                }
                Entry::Bucket { id, level, start, unit, agg } => {
                    let Some(series) = by_id.get(&id).and_then(|k| state.series.get_mut(k)) else { continue };
                    series.last_published_ms = series.last_published_ms.max(start * 1000);
                    series.add(usize::from(level), start, unit, &agg);
                }
            }
        }
        let report = OpenReport { metrics: state.series.len(), truncated_bytes: replay.truncated_bytes };
        let store = Self { state: RwLock::new(state), journal: Mutex::new(Some(journal)), buffer: Buffer::default() };
        Ok((store, report))
    }

    /// Publishes `data` at `now_ms` (PutMetricData): journaled, then visible to queries. Data
    /// older than every level keeps is dropped.
    pub fn put(&self, data: &[Datum], now_ms: i64) -> Result<(), MetricStoreError> {
        let mut journal = self.journal.lock().unwrap_or_else(PoisonError::into_inner);
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let mut record = RecordWriter::default();
        for d in data {
            let Some(level) = level_for(d.timestamp_ms, now_ms, d.high_resolution) else { continue };
            let start = bucket_start(d.timestamp_ms, level);
            let agg = d.values.to_aggregate();
            let series = state.series_mut(&d.key, &mut record);
            series.last_published_ms = series.last_published_ms.max(now_ms);
            series.add(level, start, d.unit, &agg);
            record.bucket(series.id, level as u8, start, d.unit, &agg);
        }
        drop(state);
        match journal.as_mut() {
            Some(j) => j.append(record),
            None => Ok(()),
        }
    }

    /// Records samples at `timestamp_ms` into the in-memory buffer (standard resolution); they
    /// reach the buckets and the journal at the next [`MetricStore::flush`] (every second in the
    /// emulator, and before every read).
    pub fn record(&self, samples: &[(&SeriesRef, f64, Unit)], timestamp_ms: i64) {
        self.buffer.record(samples, timestamp_ms);
    }

    /// Moves the recorded samples into the buckets and the journal; returns how many buckets.
    pub fn flush(&self, now_ms: i64) -> Result<usize, MetricStoreError> {
        let drained = self.buffer.drain();
        if drained.is_empty() {
            return Ok(0);
        }
        let mut journal = self.journal.lock().unwrap_or_else(PoisonError::into_inner);
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let mut record = RecordWriter::default();
        let n = drained.len();
        for (key, minute, unit, agg) in drained {
            let Some(level) = level_for(minute * 1000, now_ms, false) else { continue };
            let start = bucket_start(minute * 1000, level);
            let series = state.series_mut(&key, &mut record);
            series.last_published_ms = series.last_published_ms.max(now_ms.min(minute * 1000 + 59_999));
            series.add(level, start, unit, &agg);
            record.bucket(series.id, level as u8, start, unit, &agg);
        }
        drop(state);
        if let Some(j) = journal.as_mut() {
            j.append(record)?;
        }
        Ok(n)
    }

    /// The statistics of `q.key` per period, oldest first; only periods with data. Recorded
    /// samples are flushed first, so every sample recorded before the call is seen.
    pub fn query(&self, q: &StatsQuery<'_>, now_ms: i64) -> Result<Vec<PeriodStats>, MetricStoreError> {
        self.flush(now_ms)?;
        // Periods beyond 455 days (the longest retention) keep the arithmetic below in range.
        if q.period_s <= 0
            || q.period_s > 455 * 86_400
            || q.end_ms <= q.start_ms
            || !period_serves(q.start_ms, q.period_s, now_ms)
        {
            return Ok(Vec::new());
        }
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let Some(series) = state.series.get(q.key) else { return Ok(Vec::new()) };
        let aligned = aligned_start_ms(q.start_ms, q.period_s, now_ms);
        let period_ms = q.period_s * 1000;
        let mut periods: BTreeMap<i64, Cell> = BTreeMap::new();
        for (level, buckets) in series.levels.iter().enumerate() {
            let g = LEVEL_SECONDS[level];
            let from = aligned.div_euclid(1000).div_euclid(g) * g;
            for (&start, cell) in buckets.range(from..) {
                let at = start * 1000;
                if at >= q.end_ms {
                    break;
                }
                if at < aligned {
                    continue;
                }
                let index = (at - aligned) / period_ms;
                let slot = periods.entry(index).or_default();
                for (unit, agg) in cell {
                    if q.unit.is_some_and(|u| u != *unit) {
                        continue;
                    }
                    match slot.iter_mut().find(|(u, _)| u == unit) {
                        Some((_, existing)) => existing.merge(agg, q.need_distribution),
                        None => {
                            let mut fresh = Aggregate::default();
                            fresh.merge(agg, q.need_distribution);
                            slot.push((*unit, fresh));
                        }
                    }
                }
            }
        }
        Ok(periods
            .into_iter()
            .filter(|(_, cell)| !cell.is_empty())
            .map(|(index, per_unit)| PeriodStats { start_ms: aligned + index * period_ms, per_unit })
            .collect())
    }

    /// Every metric with its last publish time (recorded samples flushed first).
    pub fn metrics(&self, now_ms: i64) -> Result<Vec<MetricInfo>, MetricStoreError> {
        self.flush(now_ms)?;
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let mut out: Vec<MetricInfo> =
            state.series.iter().map(|(key, s)| MetricInfo { key: key.clone(), last_published_ms: s.last_published_ms }).collect();
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }

    /// Roll-ups at `now_ms`: buckets past a level's retention move to the next level (merged),
    /// past the last one they are dropped; a journal past [`COMPACT_BYTES`] is rewritten as the
    /// current buckets. Returns the buckets moved or dropped.
    pub fn maintain(&self, now_ms: i64) -> Result<usize, MetricStoreError> {
        self.flush(now_ms)?;
        let mut journal = self.journal.lock().unwrap_or_else(PoisonError::into_inner);
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        let mut changed = 0;
        for series in state.series.values_mut() {
            for (level, retention_ms) in LEVEL_RETENTION_MS.iter().enumerate() {
                let limit_s = (now_ms - retention_ms).div_euclid(1000);
                let keep = series.levels[level].split_off(&limit_s);
                let old = std::mem::replace(&mut series.levels[level], keep);
                for (start, cell) in old {
                    changed += 1;
                    if level < 3 {
                        let next = bucket_start(start * 1000, level + 1);
                        for (unit, agg) in &cell {
                            series.add(level + 1, next, *unit, agg);
                        }
                    }
                }
            }
        }
        if let Some(j) = journal.as_mut()
            && (changed > 0 && j.len() > COMPACT_BYTES / 4 || j.len() > COMPACT_BYTES)
        {
            let mut record = RecordWriter::default();
            for (key, series) in &state.series {
                record.define(series.id, key);
                for (level, buckets) in series.levels.iter().enumerate() {
                    for (start, cell) in buckets {
                        for (unit, agg) in cell {
                            record.bucket(series.id, level as u8, *start, *unit, agg);
                        }
                    }
                }
            }
            j.rewrite(record)?;
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::datum::Values;
    use crate::key::Dimension;
    use crate::statistic::Statistic;

    const T: i64 = 1_764_759_284_250; // 2025-12-03T10:54:44.250Z

    fn key() -> MetricKey {
        MetricKey::new("CustomMetrics", "BedrockTokenUsage", vec![])
    }

    fn datum(at: i64, v: f64) -> Datum {
        Datum { key: key(), timestamp_ms: at, unit: Unit::Count, high_resolution: false, values: Values::Single(v) }
    }

    fn sums(store: &MetricStore, start: i64, end: i64, period: i64, now: i64) -> Vec<(i64, f64)> {
        let q = StatsQuery { key: &key(), start_ms: start, end_ms: end, period_s: period, unit: None, need_distribution: false };
        store.query(&q, now).unwrap().iter().map(|p| (p.start_ms, Statistic::Sum.compute(&p.merged(false)).unwrap())).collect()
    }

    #[test]
    fn periods_are_aligned_and_summed() {
        let store = MetricStore::in_memory();
        store.put(&[datum(T, 1.0), datum(T + 1000, 2.0), datum(T + 120_000, 4.0)], T).unwrap();
        let minute = T / 60_000 * 60_000;
        assert_eq!(sums(&store, T - 3_600_000, T + 3_600_000, 60, T), vec![(minute, 3.0), (minute + 120_000, 4.0)]);
        assert_eq!(sums(&store, minute, minute + 300_000, 300, T), vec![(minute, 7.0)]);
        // The end is exclusive.
        assert_eq!(sums(&store, minute, minute + 60_000, 60, T), vec![(minute, 3.0)]);
    }

    #[test]
    fn journal_survives_a_reopen_and_compaction() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (store, _) = MetricStore::open(dir.path(), StoreOptions::default()).unwrap();
            store.put(&[datum(T, 5.0)], T).unwrap();
            let series = Arc::new(key());
            store.record(&[(&series, 7.0, Unit::Count)], T);
            store.flush(T).unwrap();
        }
        let (store, report) = MetricStore::open(dir.path(), StoreOptions::default()).unwrap();
        assert_eq!(report.metrics, 1);
        let minute = T / 60_000 * 60_000;
        assert_eq!(sums(&store, minute, minute + 60_000, 60, T), vec![(minute, 12.0)]);
        // Twenty days later the minute bucket has rolled up into five minutes.
        let later = T + 20 * 86_400_000;
        assert!(store.maintain(later).unwrap() > 0);
        let five = T / 300_000 * 300_000;
        assert_eq!(sums(&store, five, five + 300_000, 300, later), vec![(five, 12.0)]);
        assert_eq!(sums(&store, five, five + 300_000, 60, later), vec![], "a 60 s period no longer serves 20-day-old data");
    }

    #[test]
    fn high_resolution_is_per_second_then_rolls_up() {
        let store = MetricStore::in_memory();
        let hi = |at: i64, v: f64| Datum { high_resolution: true, ..datum(at, v) };
        let s = T / 1000 * 1000;
        store.put(&[hi(s, 1.0), hi(s + 1000, 2.0), hi(s + 2000, 3.0)], s).unwrap();
        assert_eq!(sums(&store, s, s + 3000, 1, s + 3000).len(), 3);
        let later = s + 4 * 3_600_000;
        store.maintain(later).unwrap();
        let minute = s / 60_000 * 60_000;
        let total: f64 = sums(&store, minute, minute + 120_000, 60, later).iter().map(|p| p.1).sum();
        assert_eq!(total, 6.0);
    }

    #[test]
    fn units_are_kept_apart() {
        let store = MetricStore::in_memory();
        let mut other = datum(T, 10.0);
        other.unit = Unit::Milliseconds;
        store.put(&[datum(T, 1.0), other], T).unwrap();
        let q = StatsQuery {
            key: &key(),
            start_ms: T - 60_000,
            end_ms: T + 60_000,
            period_s: 60,
            unit: Some(Unit::Count),
            need_distribution: true,
        };
        let got = store.query(&q, T).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].per_unit.len(), 1);
        assert_eq!(got[0].per_unit[0].1.sum, 1.0);
        let metrics = store.metrics(T).unwrap();
        assert_eq!(metrics.len(), 1);
        let _ = Dimension::new("a", "b");
    }
}
