//! The `stats` group table: per-group aggregate states keyed by the encoded group values.
//! Memory grows with the number of groups, not with the number of rows.

use super::agg::AggState;
use super::keys::{FxBuild, encode};
use crate::plan::{KeySpec, StatsSpec};
use crate::value::Value;
use std::collections::HashMap;

#[derive(Debug)]
struct Group {
    keys: Vec<Value<'static>>,
    /// First row sequence seen, for the deterministic unsorted order.
    first_seq: u64,
    aggs: Vec<AggState>,
}

/// Groups of one `stats` command.
#[derive(Debug, Default)]
pub(crate) struct GroupTable {
    index: HashMap<Box<[u8]>, u32, FxBuild>,
    groups: Vec<Group>,
    keybuf: Vec<u8>,
    scratch: Vec<u8>,
}

fn key_value<'a>(k: &KeySpec, row: &[Value<'a>]) -> Value<'a> {
    match k {
        KeySpec::Expr(e) => e.eval(row),
        KeySpec::Bin { period, ts_slot } => match &row[*ts_slot as usize] {
            Value::Ts(ms) => Value::Ts(period.floor(*ms)),
            _ => Value::Null,
        },
    }
}

impl GroupTable {
    /// Adds one row. `seq` orders rows for `earliest`/`latest` ties and first-seen order.
    pub(crate) fn push(&mut self, spec: &StatsSpec, row: &[Value<'_>], seq: u64) {
        self.keybuf.clear();
        for k in &spec.keys {
            encode(&key_value(k, row), &mut self.keybuf);
        }
        let idx = match self.index.get(&self.keybuf[..]) {
            Some(i) => *i as usize,
            None => {
                let keys = spec.keys.iter().map(|k| key_value(k, row).into_owned()).collect();
                let aggs = spec.aggs.iter().map(|a| AggState::new(a.kind, a.pct)).collect();
                self.groups.push(Group { keys, first_seq: seq, aggs });
                self.index.insert(self.keybuf.as_slice().into(), self.groups.len() as u32 - 1);
                self.groups.len() - 1
            }
        };
        let ts = spec.ts_slot.and_then(|s| match &row[s as usize] {
            Value::Ts(t) => Some(*t),
            _ => None,
        });
        let group = &mut self.groups[idx];
        for (state, agg) in group.aggs.iter_mut().zip(&spec.aggs) {
            match &agg.arg {
                None => state.update(&Value::Bool(true), 0, seq, &mut self.scratch),
                Some(e) => state.update(&e.eval(row), ts.unwrap_or(0), seq, &mut self.scratch),
            }
        }
    }

    /// Folds another partial table of the same `stats` into this one.
    pub(crate) fn merge(&mut self, other: GroupTable) {
        let mut other_groups: Vec<Option<Group>> = other.groups.into_iter().map(Some).collect();
        for (key, idx) in other.index {
            let Some(g) = other_groups[idx as usize].take() else { continue };
            match self.index.get(&key) {
                Some(&i) => {
                    let mine = &mut self.groups[i as usize];
                    mine.first_seq = mine.first_seq.min(g.first_seq);
                    for (a, b) in mine.aggs.iter_mut().zip(g.aggs) {
                        a.merge(b);
                    }
                }
                None => {
                    self.groups.push(g);
                    self.index.insert(key, self.groups.len() as u32 - 1);
                }
            }
        }
    }

    /// The output rows: keys, then items, then empty slots for later columns; in
    /// first-seen order.
    pub(crate) fn finish(self, spec: &StatsSpec) -> Vec<Vec<Value<'static>>> {
        let mut groups = self.groups;
        groups.sort_by_key(|g| g.first_seq);
        let n_items = spec.items.len();
        groups
            .into_iter()
            .map(|g| {
                let mut layout: Vec<Value<'static>> = vec![Value::Null; n_items];
                layout.extend(g.aggs.into_iter().map(AggState::finish));
                for (i, item) in spec.items.iter().enumerate() {
                    layout[i] = item.eval(&layout);
                }
                let mut out = g.keys;
                out.extend(layout.into_iter().take(n_items));
                out.resize(spec.n_out_slots as usize, Value::Null);
                out
            })
            .collect()
    }
}
