//! The checked, compiled query (`Plan`): the form the checker produces and the evaluator
//! runs. Built by [`crate::check`]; immutable, `Send + Sync`, shared by every scanning
//! thread. Pure data: this module depends on neither `check` nor `eval`.
//!
//! - `mod.rs`: [`Plan`] and the compiled commands (`RowOp`, `Sink`, `StatsSpec`, `TableOp`...).
//! - `expr.rs`: compiled expressions (`CExpr`); `eval/expr.rs` evaluates them.
//! - `extractor.rs`: the trie of JSON paths to capture (`Extractor`); `eval/json_scan.rs`
//!   walks messages against it.

mod expr;
mod extractor;

pub(crate) use expr::{Arith, CExpr, Cmp, Matcher};
pub(crate) use extractor::Extractor;

use crate::ast;
use crate::diagnostic::Diagnostic;
use crate::functions::AggKind;
use crate::time::Period;
use regex::Regex;

/// An event attribute that Insights exposes as a system field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SystemField {
    Timestamp,
    IngestionTime,
    Message,
    LogStream,
    Log,
    Ptr,
}

impl SystemField {
    pub(crate) const ALL: &'static [(&'static str, SystemField)] = &[
        ("@timestamp", SystemField::Timestamp),
        ("@ingestionTime", SystemField::IngestionTime),
        ("@message", SystemField::Message),
        ("@logStream", SystemField::LogStream),
        ("@log", SystemField::Log),
        ("@ptr", SystemField::Ptr),
    ];

    pub(crate) fn from_name(name: &str) -> Option<SystemField> {
        SystemField::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }
}

/// A per-row operation: `fields`/`display` computations, `filter`, `parse`.
#[derive(Clone, Debug)]
pub(crate) enum RowOp {
    Compute {
        slot: u32,
        expr: CExpr,
    },
    Filter(CExpr),
    /// Regex captures (group index, slot); the glob form is compiled to a regex too.
    Parse {
        input: CExpr,
        re: Regex,
        groups: Vec<(usize, u32)>,
    },
    /// `unnest`/`expand`: one row per element of `input`'s LIST, the element in `slot` (any
    /// other value: one row holding it). Callers fan the row out (`eval/row_ops.rs`, `elements`).
    Unnest {
        input: CExpr,
        slot: u32,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct SortKeySpec {
    pub(crate) expr: CExpr,
    pub(crate) desc: bool,
}

/// One `stats` command, compiled.
#[derive(Clone, Debug)]
pub(crate) struct StatsSpec {
    pub(crate) keys: Vec<KeySpec>,
    pub(crate) aggs: Vec<AggSpec>,
    /// Item expressions over the layout `[items..., aggregate results...]`.
    pub(crate) items: Vec<CExpr>,
    /// Slots of the output stage: keys, then items, then later computed columns.
    pub(crate) n_out_slots: u32,
    /// `@timestamp` of the input rows, for `earliest`/`latest` (first stats only).
    pub(crate) ts_slot: Option<u32>,
}

#[derive(Clone, Debug)]
pub(crate) enum KeySpec {
    Expr(CExpr),
    Bin { period: Period, ts_slot: u32 },
}

#[derive(Clone, Debug)]
pub(crate) struct AggSpec {
    pub(crate) kind: AggKind,
    pub(crate) arg: Option<CExpr>,
    /// The percentile of `pct`.
    pub(crate) pct: f64,
}

/// Where matching events go after the streaming operations.
#[derive(Clone, Debug)]
pub(crate) enum Sink {
    Stats(StatsSpec),
    Rows(RowsSpec),
}

/// Event rows kept in order (explicit keys, then `@timestamp` desc, then input order),
/// bounded to `cap` when the query allows it.
#[derive(Clone, Debug)]
pub(crate) struct RowsSpec {
    pub(crate) order: Vec<SortKeySpec>,
    pub(crate) ts_slot: u32,
    pub(crate) cap: Option<usize>,
}

/// An operation over materialized rows after the sink.
#[derive(Clone, Debug)]
pub(crate) enum TableOp {
    Row(RowOp),
    Sort(Vec<SortKeySpec>),
    Limit(u64),
    Dedup(Vec<CExpr>),
    Stats(StatsSpec),
    /// `filldown`: each slot's last non-null value carried into later rows.
    FillDown(Vec<u32>),
    /// `accum`: the running sum of `input` in row order, into `slot`.
    Accum {
        input: CExpr,
        slot: u32,
    },
    /// `addtotals`: each row's sum of the numeric `fields` into `row_slot`; with `col`, a last
    /// row holding each field's column sum.
    AddTotals {
        fields: Vec<u32>,
        row_slot: Option<u32>,
        col: bool,
    },
    /// `fillmissing`: rows for the empty buckets of `bin_slot` between each group's first and
    /// last bucket (groups: the other `keys`), with `fills` set.
    FillMissing {
        bin_slot: u32,
        period: Period,
        keys: Vec<u32>,
        fills: Vec<(u32, CExpr)>,
    },
}

impl TableOp {
    /// Whether the first N rows out depend only on the first N rows in (so the row buffer
    /// before it may keep just the rows the query can return).
    pub(crate) fn keeps_prefix(&self) -> bool {
        matches!(
            self,
            TableOp::Row(RowOp::Compute { .. })
                | TableOp::FillDown(_)
                | TableOp::Accum { .. }
                | TableOp::AddTotals { col: false, .. }
        )
    }
}

/// A checked, compiled query.
#[derive(Debug)]
pub struct Plan {
    pub(crate) source: Option<ast::Source>,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) required: Vec<String>,
    pub(crate) extractor: Extractor,
    pub(crate) system: Vec<(SystemField, u32)>,
    pub(crate) n_slots: u32,
    pub(crate) stream: Vec<RowOp>,
    pub(crate) sink: Sink,
    pub(crate) table: Vec<TableOp>,
    pub(crate) columns: Vec<(String, u32)>,
    pub(crate) event_rows: bool,
    pub(crate) ptr_slot: Option<u32>,
    pub(crate) row_limit: u64,
}

impl Plan {
    /// Warnings from the checker (unknown fields, capped periods, `--`).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The event fields the scan reads: system fields and flattened JSON paths.
    pub fn required_fields(&self) -> &[String] {
        &self.required
    }

    /// The `SOURCE` selector, if the query has one.
    pub fn source(&self) -> Option<&ast::Source> {
        self.source.as_ref()
    }

    /// Log-group names (`SOURCE 'name'`) or name prefixes (`SOURCE logGroups(namePrefix: [...])`)
    /// named by the query; empty without `SOURCE`. See [`Plan::source_is_prefix`].
    pub fn source_log_groups(&self) -> Vec<String> {
        match &self.source {
            Some(ast::Source::Names { names, .. }) => names.clone(),
            Some(ast::Source::LogGroups { name_prefix, .. }) => name_prefix.clone(),
            None => Vec::new(),
        }
    }

    /// True when [`Plan::source_log_groups`] are prefixes rather than exact names.
    pub fn source_is_prefix(&self) -> bool {
        matches!(self.source, Some(ast::Source::LogGroups { .. }))
    }

    /// `START=`/`END=` epoch ms of a `SOURCE 'name' START=... END=...` prefix.
    pub fn source_time_range(&self) -> (Option<i64>, Option<i64>) {
        match &self.source {
            Some(ast::Source::Names { start, end, .. }) => (*start, *end),
            _ => (None, None),
        }
    }

    /// The most rows the query can return (its `limit`, at most the default 10,000).
    pub fn row_limit(&self) -> u64 {
        self.row_limit
    }

    /// Output column names in order (before `@ptr`).
    pub fn columns(&self) -> Vec<String> {
        self.columns.iter().map(|(n, _)| n.clone()).collect()
    }

    /// True when the result rows are events (they carry `@ptr`), false after `stats`.
    pub fn returns_events(&self) -> bool {
        self.event_rows
    }
}
