//! One scan thread's share of a cost report, and the merge of the threads' shares. Each record
//! is read once by the field scanner (model, Region, the four token counts, the latency
//! setting, the `--by` and budget fields: no JSON tree), priced from a per-thread cache of the
//! price table's timelines (one per model id, Region and tier met), and added to its group,
//! its price's tally, and its budgeted value's month. Everything is an integer, so merging the
//! threads' shares in any order gives the same report; memory is the groups, the distinct
//! (model, Region, tier) and the budgeted values' months, whatever the input's size.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use logs_insights::time::{Period, TimeUnit};
use logs_insights::{FieldScanner, FieldValues};
use record_source::{Record, RecordSink};
use service_bedrock::prices::{PriceTable, Route, Timeline, TokenRates, Tokens, Unpriced};

use super::budget::{BudgetTallies, Budgets};
use super::group_by::{GroupBy, decode_key, encode_key};
use super::tally::{CostReport, CostRow, PriceUse, Tally, UnpricedUse};

/// The tier of a record whose `performanceConfig.latency` is `optimized` (the table's, which
/// the `EstimatedCost` metric prices such calls at too).
pub use service_bedrock::prices::LATENCY_OPTIMIZED;

const MODEL: usize = 0;
const REGION: usize = 1;
const INPUT: usize = 2;
const OUTPUT: usize = 3;
const CACHE_READ: usize = 4;
const CACHE_WRITE: usize = 5;
const LATENCY: usize = 6;
const FIXED: [&str; 7] = [
    "modelId",
    "region",
    "input.inputTokenCount",
    "output.outputTokenCount",
    "input.cacheReadInputTokenCount",
    "input.cacheWriteInputTokenCount",
    "performanceConfig.latency",
];

/// What every thread shares: the table, the keys, the scanner of the fields they need.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub(crate) prices: &'a PriceTable,
    pub(crate) tier: &'a str,
    pub(crate) by: &'a [GroupBy],
    pub(crate) budgets: &'a Budgets,
    scanner: FieldScanner,
    /// The scanner slot of each `--by` field (unused for bins).
    by_slots: Vec<usize>,
    /// The scanner slot of each budget key.
    budget_slots: Vec<usize>,
}

impl<'a> Plan<'a> {
    pub(crate) fn new(prices: &'a PriceTable, tier: &'a str, by: &'a [GroupBy], budgets: &'a Budgets) -> Plan<'a> {
        let mut paths: Vec<&str> = FIXED.to_vec();
        let mut slot = |path: &'a str| match paths.iter().position(|p| *p == path) {
            Some(i) => i,
            None => {
                paths.push(path);
                paths.len() - 1
            }
        };
        let by_slots = by
            .iter()
            .map(|b| match b {
                GroupBy::Field(path) => slot(path),
                GroupBy::Bin(_) => 0,
            })
            .collect();
        let budget_slots = budgets.keys.iter().map(|k| slot(&k.path)).collect();
        Plan { prices, tier, by, budgets, scanner: FieldScanner::new(&paths), by_slots, budget_slots }
    }
}

/// A (model id, Region, tier) the thread met, and its prices.
#[derive(Debug, Clone)]
struct Lookup<'a> {
    model_id: String,
    region: String,
    tier: String,
    timeline: Result<Timeline<'a>, Unpriced>,
}

/// A price used: its route, multiplier and prices after it, and what it priced.
#[derive(Debug, Clone, Copy)]
struct Used {
    route: Route,
    multiplier: f64,
    rates: TokenRates,
    tally: Tally,
}

/// One thread's share.
#[derive(Debug)]
pub(crate) struct CostSink<'a> {
    plan: &'a Plan<'a>,
    key: Vec<u8>,
    groups: HashMap<Box<[u8]>, Tally>,
    /// (model, Region, tier) bytes → index in `lookups`.
    lookup_index: HashMap<Box<[u8]>, usize>,
    lookups: Vec<Lookup<'a>>,
    /// (lookup, entry index) → the calls it priced.
    used: HashMap<(usize, usize), Used>,
    /// (lookup, reason) → the calls without a price.
    unpriced: HashMap<(usize, Unpriced), Tally>,
    budgets: BudgetTallies,
    /// Month starts of the records read, and the last month's span (most records share it).
    months: BTreeSet<i64>,
    month_span: (i64, i64),
    not_records: u64,
    bad_token_counts: u64,
}

const MONTH: Period = Period { amount: 1, unit: TimeUnit::Month };

impl<'a> CostSink<'a> {
    pub(crate) fn new(plan: &'a Plan<'a>) -> CostSink<'a> {
        CostSink {
            plan,
            key: Vec::new(),
            groups: HashMap::default(),
            lookup_index: HashMap::default(),
            lookups: Vec::new(),
            used: HashMap::default(),
            unpriced: HashMap::default(),
            budgets: BudgetTallies::new(plan.budgets),
            months: BTreeSet::new(),
            month_span: (0, 0),
            not_records: 0,
            bad_token_counts: 0,
        }
    }

    /// The index of (model, Region, tier), looked up (or priced) once per thread.
    fn lookup(&mut self, model_id: &str, region: &str, tier: &str) -> usize {
        // Few (model, Region, tier) exist: comparing them beats building and hashing a key.
        if let Some(i) = self.lookups.iter().take(8).position(|l| l.model_id == model_id && l.region == region && l.tier == tier)
        {
            return i;
        }
        self.key.clear();
        for part in [model_id, region, tier] {
            self.key.extend_from_slice(part.as_bytes());
            self.key.push(0);
        }
        if let Some(i) = self.lookup_index.get(&self.key[..]) {
            return *i;
        }
        let timeline = self.plan.prices.timeline(model_id, region, tier);
        self.lookups.push(Lookup { model_id: model_id.to_owned(), region: region.to_owned(), tier: tier.to_owned(), timeline });
        self.lookup_index.insert(Box::from(&self.key[..]), self.lookups.len() - 1);
        self.lookups.len() - 1
    }

    fn month(&mut self, ts: i64) -> i64 {
        if !(self.month_span.0..self.month_span.1).contains(&ts) {
            self.month_span = (MONTH.floor(ts), MONTH.ceil(ts + 1));
            self.months.insert(self.month_span.0);
        }
        self.month_span.0
    }

    fn add(&mut self, v: &FieldValues<'_, '_>, ts: i64) {
        let plan = self.plan;
        let Some(model_id) = v.str(MODEL) else {
            self.not_records += 1;
            return;
        };
        let mut bad = false;
        let mut count = |slot: usize| {
            v.u64(slot).unwrap_or_else(|| {
                bad |= v.text(slot).is_some();
                0
            })
        };
        let tokens =
            Tokens { input: count(INPUT), output: count(OUTPUT), cache_read: count(CACHE_READ), cache_write: count(CACHE_WRITE) };
        self.bad_token_counts += u64::from(bad);
        let tier = if v.str(LATENCY) == Some("optimized") { LATENCY_OPTIMIZED } else { plan.tier };
        let at = self.lookup(model_id, v.str(REGION).unwrap_or(""), tier);
        let priced = match &self.lookups[at].timeline {
            Ok(timeline) => timeline.at(ts).and_then(|p| p.cost(&tokens).map(|cost| (p, cost))),
            Err(why) => Err(why.clone()),
        };
        let cost = match priced {
            Ok((price, cost)) => {
                let used = self.used.entry((at, price.index)).or_insert(Used {
                    route: price.route,
                    multiplier: price.multiplier,
                    rates: price.rates,
                    tally: Tally::default(),
                });
                used.tally.add_call(&tokens, Some(cost));
                Some(cost)
            }
            Err(why) => {
                self.unpriced.entry((at, why)).or_default().add_call(&tokens, None);
                None
            }
        };
        encode_key(plan.by, &plan.by_slots, v, ts, &mut self.key);
        match self.groups.get_mut(&self.key[..]) {
            Some(tally) => tally.add_call(&tokens, cost),
            None => self.groups.entry(Box::from(&self.key[..])).or_default().add_call(&tokens, cost),
        }
        let month = self.month(ts);
        for (k, slot) in plan.budget_slots.iter().enumerate() {
            if let Some(value) = v.text(*slot) {
                self.budgets.add(plan.budgets, k, &value, month, &tokens, cost);
            }
        }
    }

    /// Adds another thread's share into this one.
    pub(crate) fn merge(&mut self, other: CostSink<'a>) {
        let map: Vec<usize> = other.lookups.iter().map(|l| self.lookup(&l.model_id, &l.region, &l.tier)).collect();
        for (key, tally) in other.groups {
            self.groups.entry(key).or_default().merge(&tally);
        }
        for ((at, index), used) in other.used {
            self.used.entry((map[at], index)).or_insert(Used { tally: Tally::default(), ..used }).tally.merge(&used.tally);
        }
        for ((at, why), tally) in other.unpriced {
            self.unpriced.entry((map[at], why)).or_default().merge(&tally);
        }
        self.budgets.merge(other.budgets);
        self.months.extend(other.months);
        self.not_records += other.not_records;
        self.bad_token_counts += other.bad_token_counts;
    }

    /// The finished report; budgets flag a month from `warn_percent` of the budget.
    pub(crate) fn into_report(self, warn_percent: u32) -> CostReport {
        let plan = self.plan;
        let mut total = Tally::default();
        let mut rows: Vec<CostRow> = self
            .groups
            .into_iter()
            .map(|(key, tally)| {
                total.merge(&tally);
                CostRow { keys: decode_key(&key), tally }
            })
            .collect();
        rows.sort_by(|a, b| b.tally.cost.cmp(&a.tally.cost).then_with(|| a.keys.cmp(&b.keys)));
        let lookups = &self.lookups;
        let mut prices: Vec<PriceUse> = self
            .used
            .into_iter()
            .map(|((at, index), u)| PriceUse {
                model_id: lookups[at].model_id.clone(),
                region: lookups[at].region.clone(),
                route: u.route,
                multiplier: u.multiplier,
                entry: plan.prices.entries()[index].clone(),
                rates: u.rates,
                tally: u.tally,
            })
            .collect();
        prices.sort_by(|a, b| {
            (&a.model_id, &a.region, &a.entry.effective_from).cmp(&(&b.model_id, &b.region, &b.entry.effective_from))
        });
        let mut unpriced: BTreeMap<(String, String, String, Unpriced), Tally> = BTreeMap::new();
        for ((at, reason), tally) in self.unpriced {
            let l = &lookups[at];
            unpriced.entry((l.model_id.clone(), l.region.clone(), l.tier.clone(), reason)).or_default().merge(&tally);
        }
        let unpriced = unpriced
            .into_iter()
            .map(|((model_id, region, tier, reason), tally)| UnpricedUse { model_id, region, tier, reason, tally })
            .collect();
        CostReport {
            currency: plan.prices.currency().to_owned(),
            by: plan.by.iter().map(ToString::to_string).collect(),
            rows,
            total,
            prices,
            unpriced,
            budgets: self.budgets.lines(plan.budgets, &self.months, warn_percent),
            not_records: self.not_records,
            bad_token_counts: self.bad_token_counts,
        }
    }
}

impl RecordSink for CostSink<'_> {
    fn begin_unit(&mut self, _unit: u64, _source: &str) {}

    fn record(&mut self, r: &Record<'_>) {
        let scanner = &self.plan.scanner;
        scanner.with_values(r.line, |v| self.add(v, r.timestamp));
    }

    fn end_unit(&mut self, _complete: bool) {}
}
