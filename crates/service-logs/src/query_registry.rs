//! The Logs Insights queries of this emulator: each `StartQuery` becomes an entry that a
//! background task runs (at most `max_concurrent_queries` at once; the rest wait as
//! `Scheduled`), cancellable by `StopQuery`, and readable by `GetQueryResults` and
//! `DescribeQueries`. The newest 1,000 finished queries are kept.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use logs_insights::{Plan, QueryResult};
use tokio::sync::{Semaphore, watch};

use crate::LogsService;
use insights_scan::{ScanOutcome, ScanRequest, scan_store};

/// Finished queries kept for GetQueryResults/DescribeQueries.
const KEPT_FINISHED: usize = 1_000;

/// `QueryStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryStatus {
    Scheduled,
    Running,
    Complete,
    Failed,
    Cancelled,
}

impl QueryStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            QueryStatus::Scheduled => "Scheduled",
            QueryStatus::Running => "Running",
            QueryStatus::Complete => "Complete",
            QueryStatus::Failed => "Failed",
            QueryStatus::Cancelled => "Cancelled",
        }
    }

    pub(crate) fn is_finished(self) -> bool {
        matches!(self, QueryStatus::Complete | QueryStatus::Failed | QueryStatus::Cancelled)
    }
}

/// What a query knows about itself.
#[derive(Debug)]
pub(crate) struct QueryEntry {
    pub(crate) id: String,
    /// The query string as DescribeQueries shows it.
    pub(crate) described_query: String,
    pub(crate) log_groups: Vec<String>,
    pub(crate) create_time: i64,
    /// StartQuery `limit`: rows returned at most.
    pub(crate) row_limit: usize,
    state: Mutex<Progress>,
    cancel: AtomicBool,
    finished: watch::Sender<bool>,
}

/// The mutable part of a query.
#[derive(Debug, Clone)]
pub(crate) struct Progress {
    pub(crate) status: QueryStatus,
    pub(crate) result: Option<Arc<QueryResult>>,
}

impl QueryEntry {
    pub(crate) fn new(id: String, described_query: String, log_groups: Vec<String>, create_time: i64, row_limit: usize) -> Self {
        QueryEntry {
            id,
            described_query,
            log_groups,
            create_time,
            row_limit,
            state: Mutex::new(Progress { status: QueryStatus::Scheduled, result: None }),
            cancel: AtomicBool::new(false),
            finished: watch::Sender::new(false),
        }
    }

    pub(crate) fn progress(&self) -> Progress {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Moves to `status` unless already finished; returns whether it moved.
    fn set(&self, status: QueryStatus, result: Option<QueryResult>) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.status.is_finished() {
            return false;
        }
        *state = Progress { status, result: result.map(Arc::new) };
        drop(state);
        if status.is_finished() {
            self.finished.send_replace(true);
        }
        true
    }

    /// Waits until the query has finished or `limit` has passed.
    pub(crate) async fn wait_finished(&self, limit: Duration) {
        let mut rx = self.finished.subscribe();
        let _ = tokio::time::timeout(limit, rx.wait_for(|done| *done)).await;
    }

    /// StopQuery: cancels a query that has not finished. Returns false when it had.
    pub(crate) fn stop(&self) -> bool {
        self.cancel.store(true, Ordering::SeqCst);
        self.set(QueryStatus::Cancelled, None)
    }
}

/// Every query of the emulator.
#[derive(Debug)]
pub(crate) struct QueryRegistry {
    entries: Mutex<VecDeque<Arc<QueryEntry>>>,
    permits: Arc<Semaphore>,
    /// Scan threads per query.
    threads: usize,
}

impl QueryRegistry {
    pub(crate) fn new(max_concurrent: usize, threads: usize) -> Self {
        QueryRegistry {
            entries: Mutex::new(VecDeque::new()),
            permits: Arc::new(Semaphore::new(max_concurrent)),
            threads: threads.max(1),
        }
    }

    /// Queries not finished yet.
    pub(crate) fn unfinished(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).iter().filter(|e| !e.progress().status.is_finished()).count()
    }

    pub(crate) fn get(&self, id: &str) -> Option<Arc<QueryEntry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).iter().find(|e| e.id == id).cloned()
    }

    /// Every query, newest first.
    pub(crate) fn newest_first(&self) -> Vec<Arc<QueryEntry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).iter().rev().cloned().collect()
    }

    fn insert(&self, entry: Arc<QueryEntry>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.push_back(entry);
        let finished = entries.iter().filter(|e| e.progress().status.is_finished()).count();
        if finished > KEPT_FINISHED
            && let Some(i) = entries.iter().position(|e| e.progress().status.is_finished())
        {
            entries.remove(i);
        }
    }
}

/// Registers `entry` and runs `plan` for it in the background over `[start_ms, end_ms]`.
pub(crate) fn submit(state: &Arc<LogsService>, entry: Arc<QueryEntry>, plan: Plan, start_ms: i64, end_ms: i64) {
    state.queries.insert(Arc::clone(&entry));
    let permits = Arc::clone(&state.queries.permits);
    let state = Arc::clone(state);
    tokio::spawn(async move {
        let mut finished = entry.finished.subscribe();
        let permit = tokio::select! {
            permit = permits.acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => return,
            },
            _ = finished.wait_for(|done| *done) => return, // stopped while scheduled
        };
        if !entry.set(QueryStatus::Running, None) {
            return;
        }
        let scan_entry = Arc::clone(&entry);
        let threads = state.queries.threads;
        let outcome = tokio::task::spawn_blocking(move || {
            let req =
                ScanRequest { groups: &scan_entry.log_groups, start_ms, end_ms, account_id: &state.env.account_id, threads };
            scan_store(&state.store, &plan, &req, &scan_entry.cancel)
        })
        .await;
        drop(permit);
        match outcome {
            Ok(Ok(ScanOutcome::Complete(result))) => {
                entry.set(QueryStatus::Complete, Some(result));
            }
            Ok(Ok(ScanOutcome::Cancelled)) => {
                entry.set(QueryStatus::Cancelled, None);
            }
            // GetQueryResults has no field for the reason: the emulator's log has it.
            Ok(Err(err)) => {
                tracing::error!(query_id = %entry.id, %err, "query failed reading the log store");
                entry.set(QueryStatus::Failed, None);
            }
            Err(join) => {
                tracing::error!(query_id = %entry.id, %join, "query task failed");
                entry.set(QueryStatus::Failed, None);
            }
        }
    });
}
