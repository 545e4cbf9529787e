//! The checker: resolves names to slots, binds functions, enforces the pipeline rules
//! (two `stats` at most, nothing but `limit` after `dedup`, ...) and compiles the query
//! into a [`Plan`]. It also computes the fields the scan must extract, and warns about
//! fields the caller's schema never has.

mod expr;
mod parse_cmd;
mod schema;
mod shape;
mod stage;
mod stats;

pub use schema::Schema;

use crate::ast::{Command, Item, Order, Query};
use crate::choices::{DEFAULT_EVENT_COLUMNS, DEFAULT_ROW_LIMIT, MAX_LIMIT, SORT_DEFAULT_DESCENDING};
use crate::diagnostic::{Code, Diagnostic};
use crate::plan::{CExpr, Extractor, Plan, RowOp, RowsSpec, Sink, SortKeySpec, SystemField, TableOp};
use crate::span::Span;
use stage::Stage;
use std::collections::HashSet;

/// What the caller tells the checker.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Known record fields, for "unknown field" warnings. `None`: no such warnings.
    pub schema: Option<Schema>,
    /// The clock for `now()`, epoch ms. `None`: the system clock at check time.
    pub now_ms: Option<i64>,
    /// The query's time range (epoch ms, inclusive) for `queryStartTime()` and friends.
    pub time_range: Option<(i64, i64)>,
}

pub(crate) struct Checker<'o> {
    opts: &'o CheckOptions,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    extractor: Extractor,
    system: Vec<(SystemField, u32)>,
    required: Vec<String>,
    warned: HashSet<String>,
    double_minus: Vec<Span>,
    now_ms: i64,
    /// Depth of aggregate arguments being compiled (an aggregate inside is an error).
    agg_depth: u32,
}

/// Where the `StatsSpec` whose output slot count is still open lives.
enum OpenStats {
    Sink,
    Table(usize),
}

/// Checks a parsed query and compiles it into a [`Plan`]. Errors fail the check;
/// warnings ride on the plan ([`Plan::warnings`]).
pub fn check(query: &Query, opts: &CheckOptions) -> Result<Plan, Vec<Diagnostic>> {
    let now_ms = opts.now_ms.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    });
    let mut c = Checker {
        opts,
        errors: Vec::new(),
        warnings: Vec::new(),
        extractor: Extractor::default(),
        system: Vec::new(),
        required: Vec::new(),
        warned: HashSet::new(),
        double_minus: query.double_minus.clone(),
        now_ms,
        agg_depth: 0,
    };
    let plan = c.pipeline(query);
    if c.errors.is_empty() {
        let mut plan = plan;
        plan.warnings = c.warnings;
        Ok(plan)
    } else {
        Err(c.errors)
    }
}

impl Checker<'_> {
    fn pipeline(&mut self, query: &Query) -> Plan {
        let stats_at: Vec<usize> =
            query.commands.iter().enumerate().filter(|(_, c)| matches!(c, Command::Stats(_))).map(|(i, _)| i).collect();
        let between = |i: usize| stats_at.len() >= 2 && i > stats_at[0] && i < stats_at[stats_at.len() - 1];

        let mut st = Stage::events();
        let mut stage0_slots: Option<u32> = None;
        let mut stream: Vec<RowOp> = Vec::new();
        let mut table: Vec<TableOp> = Vec::new();
        let mut sink: Option<Sink> = None;
        let mut open_stats: Option<OpenStats> = None;
        let mut first_stats_in_table: Option<usize> = None;
        let mut after_dedup: Option<Span> = None;
        let mut n_stats = 0;

        for (i, cmd) in query.commands.iter().enumerate() {
            if let Some(dedup_span) = after_dedup
                && !matches!(cmd, Command::Limit { .. })
            {
                self.errors.push(
                    Diagnostic::new(
                        Code::E209AfterDedup,
                        cmd.span(),
                        format!("only `limit` may follow `dedup`, but found `{}`", cmd.name()),
                    )
                    .with_label(dedup_span, "`dedup` is here"),
                );
                continue;
            }
            if matches!(cmd, Command::Sort { .. } | Command::Limit { .. } | Command::Dedup { .. }) && between(i) {
                self.errors.push(Diagnostic::new(
                    Code::E208CommandBetweenStats,
                    cmd.span(),
                    format!("`{}` cannot sit between two `stats` commands; put it after the second", cmd.name()),
                ));
                continue;
            }
            let push_row = |op: RowOp, sink: &Option<Sink>, stream: &mut Vec<RowOp>, table: &mut Vec<TableOp>| {
                if sink.is_none() { stream.push(op) } else { table.push(TableOp::Row(op)) }
            };
            match cmd {
                Command::Fields { items, .. } | Command::Display { items, .. } => {
                    let is_display = matches!(cmd, Command::Display { .. });
                    let mut cols = Vec::new();
                    for item in items {
                        if let Some((name, slot, op)) = self.item(&mut st, item) {
                            if let Some(op) = op {
                                push_row(op, &sink, &mut stream, &mut table);
                            }
                            cols.push((name, slot));
                        }
                    }
                    if is_display {
                        st.display_cols = Some(cols);
                    } else {
                        for (name, slot) in cols {
                            st.add_field_col(name, slot);
                        }
                    }
                }
                Command::Filter { expr, .. } => {
                    if let Some(e) = self.expr_or_report(&mut st, expr) {
                        push_row(RowOp::Filter(e), &sink, &mut stream, &mut table);
                    }
                }
                Command::Parse(p) => {
                    if let Some(op) = self.parse_command(&mut st, p) {
                        push_row(op, &sink, &mut stream, &mut table);
                    }
                }
                Command::Sort { keys, .. } => {
                    let mut specs = Vec::new();
                    for k in keys {
                        if let Some(expr) = self.expr_or_report(&mut st, &k.expr) {
                            let desc = match k.order {
                                Some(Order::Desc) => true,
                                Some(Order::Asc) => false,
                                None => SORT_DEFAULT_DESCENDING,
                            };
                            specs.push(SortKeySpec { expr, desc });
                        }
                    }
                    self.barrier(&mut sink, &mut st);
                    table.push(TableOp::Sort(specs));
                }
                Command::Limit { n, span } => {
                    if *n == 0 || *n > MAX_LIMIT {
                        self.errors.push(Diagnostic::new(
                            Code::E214LimitRange,
                            *span,
                            format!("`limit` must be between 1 and {MAX_LIMIT}, but is {n}"),
                        ));
                        continue;
                    }
                    self.barrier(&mut sink, &mut st);
                    st.limit = Some(st.limit.map_or(*n, |l| l.min(*n)));
                    table.push(TableOp::Limit(*n));
                }
                Command::Dedup { fields, span } => {
                    let keys: Vec<_> = fields.iter().filter_map(|f| self.expr_or_report(&mut st, f)).collect();
                    self.barrier(&mut sink, &mut st);
                    table.push(TableOp::Dedup(keys));
                    after_dedup = Some(*span);
                }
                Command::Shape(shape) => match self.shape(&mut st, &shape.kind, shape.span, &sink, &table) {
                    Some(shape::Shaped::Row(op)) => push_row(op, &sink, &mut stream, &mut table),
                    Some(shape::Shaped::Table(op)) => {
                        self.barrier(&mut sink, &mut st);
                        table.push(op);
                    }
                    None => {}
                },
                Command::Stats(s) => {
                    n_stats += 1;
                    if n_stats > 2 {
                        self.errors.push(Diagnostic::new(
                            Code::E105TooManyStats,
                            s.span,
                            "a query can have at most two `stats` commands",
                        ));
                        continue;
                    }
                    let Some((spec, next)) = self.stats(&mut st, s, n_stats == 2) else { continue };
                    // Close the previous stage.
                    if stage0_slots.is_none() {
                        stage0_slots = Some(st.n_slots);
                    }
                    if let Some(open) = open_stats.take() {
                        self.patch_stats(&mut sink, &mut table, open, st.n_slots);
                    }
                    if sink.is_none() {
                        sink = Some(Sink::Stats(spec));
                        open_stats = Some(OpenStats::Sink);
                    } else {
                        if first_stats_in_table.is_none() && matches!(sink, Some(Sink::Rows(_))) {
                            first_stats_in_table = Some(table.len());
                        }
                        table.push(TableOp::Stats(spec));
                        open_stats = Some(OpenStats::Table(table.len() - 1));
                    }
                    st = next;
                }
            }
        }

        // Output columns of the final stage.
        if st.is_events && st.display_cols.is_none() && st.fields_cols.is_empty() {
            for name in DEFAULT_EVENT_COLUMNS {
                let slot = self.resolve_event_field(&mut st, name, Span::default());
                st.fields_cols.push((name.to_string(), slot));
            }
        }
        let columns = st.display_cols.clone().unwrap_or_else(|| st.fields_cols.clone());
        let event_rows = st.is_events;
        if event_rows {
            self.barrier(&mut sink, &mut st);
        }
        let ptr_slot = event_rows.then(|| self.resolve_event_field(&mut st, "@ptr", Span::default()));
        if let Some(open) = open_stats.take() {
            self.patch_stats(&mut sink, &mut table, open, st.n_slots);
        }
        let n_slots = stage0_slots.unwrap_or(st.n_slots);
        if let Some(Sink::Rows(rows)) = &mut sink {
            let end = first_stats_in_table.unwrap_or(table.len());
            let ops = &table[..end];
            let rest = match ops.first() {
                Some(TableOp::Sort(keys)) => {
                    rows.order = keys.clone();
                    &ops[1..]
                }
                _ => ops,
            };
            rows.cap = match rest.first() {
                Some(TableOp::Limit(n)) => Some(*n as usize),
                _ if first_stats_in_table.is_none() && rest.iter().all(TableOp::keeps_prefix) => Some(DEFAULT_ROW_LIMIT as usize),
                _ => None,
            };
        }
        Plan {
            source: None,
            warnings: Vec::new(),
            required: std::mem::take(&mut self.required),
            extractor: std::mem::take(&mut self.extractor),
            system: std::mem::take(&mut self.system),
            n_slots,
            stream,
            sink: sink.expect("event queries always get a rows sink"),
            table,
            columns,
            event_rows,
            ptr_slot,
            row_limit: st.limit.unwrap_or(DEFAULT_ROW_LIMIT).min(DEFAULT_ROW_LIMIT),
        }
        .with_source(query)
    }

    /// Ends the streaming part of stage 0: matching events are kept as rows.
    fn barrier(&mut self, sink: &mut Option<Sink>, st: &mut Stage) {
        if sink.is_none() {
            let ts_slot = self.resolve_event_field(st, "@timestamp", Span::default());
            self.resolve_event_field(st, "@ptr", Span::default());
            *sink = Some(Sink::Rows(RowsSpec { order: Vec::new(), ts_slot, cap: None }));
        }
    }

    fn patch_stats(&mut self, sink: &mut Option<Sink>, table: &mut [TableOp], open: OpenStats, n: u32) {
        let spec = match open {
            OpenStats::Sink => match sink {
                Some(Sink::Stats(s)) => s,
                _ => return,
            },
            OpenStats::Table(i) => match &mut table[i] {
                TableOp::Stats(s) => s,
                _ => return,
            },
        };
        spec.n_out_slots = n;
    }

    /// One `fields`/`display` item: its column name, slot, and the computation if any.
    fn item(&mut self, st: &mut Stage, item: &Item) -> Option<(String, u32, Option<RowOp>)> {
        let expr = self.expr_or_report(st, &item.expr)?;
        let name = match &item.alias {
            Some(a) => a.name.clone(),
            None => match &item.expr.kind {
                crate::ast::ExprKind::Field(n) => n.clone(),
                _ => item.expr.to_string(),
            },
        };
        if let Some(alias) = &item.alias
            && st.aliases.contains_key(&alias.name)
        {
            self.errors.push(Diagnostic::new(
                Code::E207DuplicateAlias,
                alias.span,
                format!("the alias `{}` is already defined", alias.name),
            ));
            return None;
        }
        let (slot, op) = match expr {
            CExpr::Slot(s) => (s, None),
            other => {
                let slot = st.alloc();
                (slot, Some(RowOp::Compute { slot, expr: other }))
            }
        };
        if let Some(alias) = &item.alias {
            st.aliases.insert(alias.name.clone(), slot);
            st.names.insert(alias.name.clone(), slot);
        }
        Some((name, slot, op))
    }
}

impl Plan {
    fn with_source(mut self, query: &Query) -> Plan {
        self.source = query.source.clone();
        self
    }
}
