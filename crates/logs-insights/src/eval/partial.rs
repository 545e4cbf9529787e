//! A [`Partial`]: the state of one scanning thread. Events go in with
//! [`Partial::push`]; partials combine with [`Partial::merge`]; [`Plan::finish`] turns
//! the merged partial into the result. Also [`Plan::run`] and [`Plan::run_parallel`].

use super::groups::GroupTable;
use super::rows::RowBuffer;
use super::{row_ops, table};
use crate::plan::{Plan, RowOp, Sink, SystemField};
use crate::result::{LogEvent, QueryResult, ResultField, Statistics};
use crate::value::Value;
use std::borrow::Cow;

#[derive(Debug)]
enum State {
    Stats(GroupTable),
    Rows(RowBuffer),
}

/// One thread's share of a scan. `Send`, so each thread can own one.
#[derive(Debug)]
pub struct Partial<'p> {
    plan: &'p Plan,
    state: State,
    seq: u64,
    stats: Statistics,
}

impl Plan {
    /// An empty partial whose events are numbered from 0 (input order breaks sort ties).
    pub fn partial(&self) -> Partial<'_> {
        self.partial_from(0)
    }

    /// An empty partial whose events are numbered from `first_seq`; give each thread the
    /// index of its first event so ties break the same way for any thread count.
    pub fn partial_from(&self, first_seq: u64) -> Partial<'_> {
        let state = match &self.sink {
            Sink::Stats(_) => State::Stats(GroupTable::default()),
            Sink::Rows(_) => State::Rows(RowBuffer::default()),
        };
        Partial { plan: self, state, seq: first_seq, stats: Statistics::default() }
    }

    /// Runs the query over events on the calling thread.
    pub fn run<'e>(&self, events: impl IntoIterator<Item = LogEvent<'e>>) -> QueryResult {
        let mut p = self.partial();
        for ev in events {
            p.push(&ev);
        }
        self.finish(p)
    }

    /// Runs the query over a slice of events on `threads` threads (contiguous chunks).
    pub fn run_parallel(&self, events: &[LogEvent<'_>], threads: usize) -> QueryResult {
        let threads = threads.max(1).min(events.len().max(1));
        let chunk = events.len().div_ceil(threads).max(1);
        let partials: Vec<Partial<'_>> = std::thread::scope(|s| {
            let handles: Vec<_> = events
                .chunks(chunk)
                .enumerate()
                .map(|(i, evs)| {
                    s.spawn(move || {
                        let mut p = self.partial_from((i * chunk) as u64);
                        for ev in evs {
                            p.push(ev);
                        }
                        p
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("scan threads do not panic")).collect()
        });
        let mut it = partials.into_iter();
        let mut acc = it.next().unwrap_or_else(|| self.partial());
        for p in it {
            acc.merge(p);
        }
        self.finish(acc)
    }

    /// Finishes a (merged) partial: table operations, the row limit, rendering.
    pub fn finish(&self, partial: Partial<'_>) -> QueryResult {
        let rows = match (partial.state, &self.sink) {
            (State::Stats(g), Sink::Stats(spec)) => g.finish(spec),
            (State::Rows(r), Sink::Rows(spec)) => r.finish(spec),
            _ => unreachable!("a partial is made by its own plan"),
        };
        let mut rows = table::run(&self.table, rows);
        rows.truncate(self.row_limit as usize);
        let ptr_is_column = self.columns.iter().any(|(n, _)| n == "@ptr");
        let rows = rows
            .iter()
            .map(|row| {
                let mut fields: Vec<ResultField> = self
                    .columns
                    .iter()
                    .filter_map(|(name, slot)| {
                        crate::choices::render(&row[*slot as usize]).map(|value| ResultField { field: name.clone(), value })
                    })
                    .collect();
                if let (true, Some(slot), false) = (self.event_rows, self.ptr_slot, ptr_is_column)
                    && let Some(value) = crate::choices::render(&row[slot as usize])
                {
                    fields.push(ResultField { field: "@ptr".into(), value });
                }
                fields
            })
            .collect();
        QueryResult { columns: self.columns(), rows, statistics: partial.stats }
    }
}

impl<'p> Partial<'p> {
    /// Numbers the next events from `first_seq`, for a caller that feeds one partial unit
    /// after unit (a chunk, a segment), each unit numbered from its own increasing base: the
    /// rows come out as if each unit had its own `partial_from(base)` merged in, without the
    /// merge. `first_seq` must not be below any number already used.
    pub fn continue_from(&mut self, first_seq: u64) {
        debug_assert!(first_seq >= self.seq, "event numbers only grow");
        self.seq = self.seq.max(first_seq);
    }

    /// Scans one event.
    pub fn push(&mut self, ev: &LogEvent<'_>) {
        let plan = self.plan;
        self.stats.records_scanned += 1;
        self.stats.bytes_scanned += ev.message.len() as u64;
        let seq = self.seq;
        self.seq += 1;
        let mut row: Vec<Value<'_>> = vec![Value::Null; plan.n_slots as usize];
        for (field, slot) in &plan.system {
            row[*slot as usize] = match field {
                SystemField::Timestamp => Value::Ts(ev.timestamp),
                SystemField::IngestionTime => Value::Ts(ev.ingestion_time),
                SystemField::Message => match std::str::from_utf8(ev.message) {
                    Ok(s) => Value::Str(Cow::Borrowed(s)),
                    Err(_) => Value::Str(Cow::Owned(String::from_utf8_lossy(ev.message).into_owned())),
                },
                SystemField::LogStream => Value::Str(Cow::Borrowed(ev.log_stream)),
                SystemField::Log => Value::Str(Cow::Borrowed(ev.log_group)),
                SystemField::Ptr => Value::Str(Cow::Borrowed(ev.ptr)),
            };
        }
        plan.extractor.extract(ev.message, &mut row);
        if self.stream(&plan.stream, row, seq) {
            self.stats.records_matched += 1;
        }
    }

    /// Runs the streaming operations over `row` into the sink; an `unnest` fans the row out
    /// (its rows share the event's sequence number). True when a row reached the sink.
    fn stream(&mut self, ops: &'p [RowOp], mut row: Vec<Value<'_>>, seq: u64) -> bool {
        for (i, op) in ops.iter().enumerate() {
            if let RowOp::Unnest { input, slot } = op {
                let mut any = false;
                for item in row_ops::elements(input.eval(&row)) {
                    let mut fanned = row.clone();
                    fanned[*slot as usize] = item;
                    any |= self.stream(&ops[i + 1..], fanned, seq);
                }
                return any;
            }
            if !row_ops::apply(op, &mut row) {
                return false;
            }
        }
        match (&mut self.state, &self.plan.sink) {
            (State::Stats(g), Sink::Stats(spec)) => g.push(spec, &row, seq),
            (State::Rows(r), Sink::Rows(spec)) => r.push(spec, &row, seq),
            _ => unreachable!("a partial is made by its own plan"),
        }
        true
    }

    /// Folds another partial of the same plan into this one.
    pub fn merge(&mut self, other: Partial<'_>) {
        self.stats.add(other.stats);
        self.seq = self.seq.max(other.seq);
        match (&mut self.state, other.state, &self.plan.sink) {
            (State::Stats(a), State::Stats(b), _) => a.merge(b),
            (State::Rows(a), State::Rows(b), Sink::Rows(spec)) => a.merge(b, spec),
            _ => unreachable!("partials of one plan have the same kind"),
        }
    }
}
