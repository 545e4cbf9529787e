//! A query in the background: QUEUED → RUNNING → SUCCEEDED / FAILED (the engine's error as
//! `StateChangeReason` and `AthenaError`), its result file and `.metadata` sidecar written to
//! the output location; StopQueryExecution aborts the task (CANCELLED). A state already
//! terminal (cancelled meanwhile) is never overwritten.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sql::{QueryContext, QueryOutput, SqlError};

use crate::AthenaService;
use crate::shapes::{AthenaErrorShape, seconds};

pub(crate) fn spawn(
    service: &Arc<AthenaService>,
    id: String,
    sql: String,
    database: String,
    bucket: String,
    key: String,
    submitted: i64,
) {
    let s = Arc::clone(service);
    let task_id = id.clone();
    let handle = tokio::spawn(async move {
        let started = s.env.now_ms();
        s.update(&task_id, |e| {
            if e.status.state == "QUEUED" {
                e.status.state = "RUNNING".to_owned();
            }
        });
        let scanned = Arc::new(AtomicU64::new(0));
        let ctx = QueryContext { database, now_ms: started };
        let result = s.engine.execute(&sql, &ctx, Arc::clone(&scanned)).await;
        let result = match result {
            Ok(out) => write_files(&s, &bucket, &key, &out).map(|()| out),
            Err(e) => Err(e),
        };
        let done = s.env.now_ms();
        let out = result.as_ref().ok().map(|o| Arc::new(o.clone()));
        s.update(&task_id, |e| {
            if !matches!(e.status.state.as_str(), "QUEUED" | "RUNNING") {
                return;
            }
            e.statistics.data_scanned_in_bytes = scanned.load(Ordering::Relaxed) as i64;
            e.statistics.query_queue_time_in_millis = started - submitted;
            e.statistics.engine_execution_time_in_millis = done - started;
            e.statistics.query_planning_time_in_millis = 0;
            e.statistics.total_execution_time_in_millis = done - submitted;
            e.status.completion_date_time = Some(seconds(done));
            match &result {
                Ok(_) => e.status.state = "SUCCEEDED".to_owned(),
                Err(err) => {
                    e.status.state = "FAILED".to_owned();
                    e.status.state_change_reason = Some(err.to_string());
                    e.status.athena_error = Some(AthenaErrorShape {
                        error_category: if err.is_user_error() { 2 } else { 1 },
                        error_type: err.error_type(),
                        retryable: false,
                        error_message: err.to_string(),
                    });
                }
            }
        });
        let mut st = s.state.lock();
        st.running.remove(&task_id);
        if let Some(out) = out {
            st.results.insert(task_id, out);
        }
    });
    let mut st = service.state.lock();
    if !handle.is_finished() {
        st.running.insert(id, handle.abort_handle());
    }
}

/// The result file and its sidecar (our JSON: the columns and the statement type, which
/// GetQueryResults reads back after a restart; clients never parse it).
fn write_files(service: &AthenaService, bucket: &str, key: &str, out: &QueryOutput) -> Result<(), SqlError> {
    let now = service.env.now_ms();
    let fail = |e: object_store::BucketStoreError| SqlError::Storage(format!("writing the results to s3://{bucket}/{key}: {e}"));
    service.buckets.put_object(bucket, key, &out.file_bytes(), now).map_err(fail)?;
    let meta = serde_json::json!({
        "statementType": out.statement_type.as_str(),
        "columns": out.columns,
    });
    service.buckets.put_object(bucket, &format!("{key}.metadata"), meta.to_string().as_bytes(), now).map_err(fail)
}
