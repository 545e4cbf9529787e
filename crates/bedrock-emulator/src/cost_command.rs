//! `bedrock-emulator cost`: what invocation records cost, per group of any record fields
//! (`--by requestMetadata.tenant_id --by bin(1d)`), over the inputs `query` reads (a data
//! directory's log groups, a JSON lines file plain or gzip, S3 delivery's batches in a local
//! bucket or on any S3 endpoint), through record-source: one pass, in parallel, each record's
//! fields read by the query engine's field scanner, memory bounded by the groups. Each record
//! is priced from the price table (service-bedrock's `prices`) at its model or profile, its
//! source Region and its own day; calls without a price are counted apart with the reason.
//! Budgets flag the months a budgeted value spends over or near its amount.
//!
//! | file | job |
//! |---|---|
//! | `cost_command/group_by.rs` | `--by` keys: field paths and `bin(<period>)`; a record's key bytes |
//! | `cost_command/sink.rs` | one thread's share (the scan, the pricing, the tallies) and the merge into a report |
//! | `cost_command/tally.rs` | [`Tally`], [`CostReport`] and its parts |
//! | `cost_command/budget.rs` | `--budget FILE`, per value and month, over / near / ok |
//! | `cost_command/render.rs` | table, CSV, JSON |

mod budget;
mod group_by;
mod render;
mod sink;
mod tally;

use std::path::PathBuf;

use log_store::{Snapshot, StoreError};
use record_source::{OnBadRecord, ReadOptions, ReadReport};
use service_bedrock::prices::PriceTable;

pub use budget::{BudgetError, BudgetKey, BudgetLine, BudgetStatus, Budgets};
pub use group_by::{GroupBy, GroupByError, KeyPart};
pub use render::{to_csv, to_json, to_table};
pub use sink::LATENCY_OPTIMIZED;
pub use tally::{CostReport, CostRow, PriceUse, Tally, UnpricedUse};

use crate::query_command::{QueryInput, local_delivery_feed, thread_count};
use sink::{CostSink, Plan};

/// The share of a budget from which a month is flagged `NEAR` by default.
pub const DEFAULT_BUDGET_WARN_PERCENT: u32 = 80;

/// One cost report run.
#[derive(Debug, Clone)]
pub struct CostCommand {
    /// The records (`query`'s inputs; a data directory's log groups default to Bedrock's).
    pub input: QueryInput,
    /// The group keys, in column order (none: one group of everything).
    pub by: Vec<GroupBy>,
    /// Inclusive range of record times, epoch ms.
    pub start_ms: i64,
    pub end_ms: i64,
    /// Scan threads; 0 means one per core.
    pub threads: usize,
    pub on_bad_record: OnBadRecord,
    pub prices: PriceTable,
    /// The tier calls are priced at (`on-demand`; `batch` estimates the same calls in batch);
    /// a record with `performanceConfig.latency` `optimized` is priced at [`LATENCY_OPTIMIZED`].
    pub tier: String,
    pub budgets: Budgets,
    /// A month at this percentage of its budget or more is `NEAR`.
    pub budget_warn_percent: u32,
}

/// A report and what the read saw.
#[derive(Debug)]
pub struct CostOutput {
    pub report: CostReport,
    pub read: ReadReport,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CostCommandError {
    #[error(
        "the data directory {0} is in use by a running emulator; stop it first, or read its S3 delivery (--s3) or a records file (--events)"
    )]
    DataDirInUse(PathBuf),
    #[error("log group {0:?} does not exist in the data directory")]
    LogGroupNotFound(String),
    #[error("the log store failed: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Source(#[from] record_source::SourceError),
    #[error("cannot read the S3 delivery: {0}")]
    S3(#[from] service_bedrock::delivery::ReadRecordsError),
}

impl From<crate::query_command::QueryCommandError> for CostCommandError {
    fn from(err: crate::query_command::QueryCommandError) -> Self {
        use crate::query_command::QueryCommandError as Q;
        match err {
            Q::S3(e) => CostCommandError::S3(e),
            Q::Source(e) => CostCommandError::Source(e),
            Q::Store(e) => CostCommandError::Store(e),
            Q::DataDirInUse(dir) => CostCommandError::DataDirInUse(dir),
            Q::LogGroupNotFound(g) => CostCommandError::LogGroupNotFound(g),
            Q::Compile(_) => unreachable!("the cost report compiles no query"),
        }
    }
}

impl CostCommand {
    /// Reads the records and prices them.
    pub fn run(&self) -> Result<CostOutput, CostCommandError> {
        let plan = Plan::new(&self.prices, &self.tier, &self.by, &self.budgets);
        let opts = ReadOptions {
            threads: thread_count(self.threads),
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            on_bad_record: self.on_bad_record,
            progress: None,
        };
        let make = || CostSink::new(&plan);
        let (sinks, read) = match &self.input {
            QueryInput::DataDir { dir, log_groups } => {
                let snapshot = Snapshot::open(&dir.join("logs"), true).map_err(|err| match err {
                    StoreError::Locked { .. } => CostCommandError::DataDirInUse(dir.clone()),
                    other => CostCommandError::Store(other),
                })?;
                let mut groups = log_groups.clone();
                if groups.is_empty() {
                    groups.push(service_bedrock::DEFAULT_LOG_GROUP.to_owned());
                }
                if let Some(missing) = groups.iter().find(|g| !snapshot.has_log_group(g)) {
                    return Err(CostCommandError::LogGroupNotFound(missing.clone()));
                }
                record_source::read_snapshot(&snapshot, &groups, &opts, make)?
            }
            QueryInput::Events { file, .. } => record_source::read_file(file, &opts, make)?,
            QueryInput::S3 { dir, bucket, prefix, .. } => {
                let feed = local_delivery_feed(dir, bucket, prefix, self.start_ms, self.end_ms)?;
                record_source::read_objects(&feed, &opts, make)?
            }
            QueryInput::RemoteS3 { url, .. } => {
                let feed = record_source::remote::list(url, self.start_ms, self.end_ms)?;
                record_source::read_objects(&feed, &opts, make)?
            }
        };
        let mut sinks = sinks.into_iter();
        let mut acc = sinks.next().unwrap_or_else(make);
        for sink in sinks {
            acc.merge(sink);
        }
        Ok(CostOutput { report: acc.into_report(self.budget_warn_percent), read })
    }
}
