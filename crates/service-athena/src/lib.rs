//! Amazon Athena (awsJson1.1, `X-Amz-Target: AmazonAthena.<Op>`) over the `sql` crate: queries
//! run in the background on the emulator's buckets (object-store) and write their results where
//! Athena writes them; the catalog, the executions and the work groups are saved under
//! `<data-dir>/athena/`.

mod csv;
mod error;
mod input;
mod metadata;
mod paging;
mod queries;
mod results;
mod run;
mod shapes;
mod state;
mod workgroups;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aws_protocol::{AwsError, ServiceId};
use object_store::BucketStore;
use service_kit::{Call, CallFuture, Environment, Service};
use sql::{BucketSource, Catalog, Engine, Storage};

pub use error::AthenaError;

use crate::shapes::QueryExecution;
use crate::state::State;

/// The operations answered.
const OPERATIONS: &[(ServiceId, &str)] = &[
    (ServiceId::Athena, "StartQueryExecution"),
    (ServiceId::Athena, "GetQueryExecution"),
    (ServiceId::Athena, "GetQueryResults"),
    (ServiceId::Athena, "StopQueryExecution"),
    (ServiceId::Athena, "ListQueryExecutions"),
    (ServiceId::Athena, "BatchGetQueryExecution"),
    (ServiceId::Athena, "ListDataCatalogs"),
    (ServiceId::Athena, "ListDatabases"),
    (ServiceId::Athena, "GetDatabase"),
    (ServiceId::Athena, "ListTableMetadata"),
    (ServiceId::Athena, "GetTableMetadata"),
    (ServiceId::Athena, "GetWorkGroup"),
    (ServiceId::Athena, "ListWorkGroups"),
    (ServiceId::Athena, "CreateWorkGroup"),
    (ServiceId::Athena, "DeleteWorkGroup"),
];

/// Amazon Athena.
#[derive(Debug)]
pub struct AthenaService {
    env: Environment,
    buckets: Arc<BucketStore>,
    engine: Engine,
    state: State,
}

impl AthenaService {
    /// Where the service keeps its state: `<data-dir>/athena`.
    pub fn state_dir(data_dir: &Path) -> PathBuf {
        data_dir.join("athena")
    }

    /// Athena over `buckets`, its state under `dir`.
    pub fn open(env: Environment, dir: &Path, buckets: Arc<BucketStore>) -> Result<AthenaService, AthenaError> {
        let catalog = Catalog::open(&dir.join("catalog")).map_err(|e| AthenaError::Internal(e.to_string()))?;
        let storage = Storage { s3: Some(Arc::new(BucketSource { buckets: Arc::clone(&buckets) })), allow_local: false };
        let state = State::open(dir, env.now_ms())?;
        Ok(AthenaService { engine: Engine::new(Arc::new(catalog), storage), env, buckets, state })
    }

    /// Changes one execution and saves them all.
    pub(crate) fn update(&self, id: &str, change: impl FnOnce(&mut QueryExecution)) {
        let mut st = self.state.lock();
        if let Some(e) = st.executions.get_mut(id) {
            change(&mut e.execution);
            if let Err(err) = self.state.save_executions(&st) {
                report_save_failure(&err);
            }
        }
    }
}

/// A save that failed in the background has no caller to tell: it is printed.
fn report_save_failure(err: &AthenaError) {
    eprintln!("athena: {err}");
}

impl Service for AthenaService {
    fn operations(&self) -> &'static [(ServiceId, &'static str)] {
        OPERATIONS
    }

    fn call<'a>(self: Arc<Self>, call: Call<'a>) -> CallFuture<'a> {
        Box::pin(async move {
            let s = &self;
            let result = match call.operation() {
                "StartQueryExecution" => queries::start(s, call),
                "GetQueryExecution" => queries::get(s, call),
                "StopQueryExecution" => queries::stop(s, call),
                "ListQueryExecutions" => queries::list(s, call),
                "BatchGetQueryExecution" => queries::batch_get(s, call),
                "GetQueryResults" => results::get_results(s, call),
                "ListDataCatalogs" => metadata::list_catalogs(s, call),
                "ListDatabases" => metadata::list_databases(s, call),
                "GetDatabase" => metadata::get_database(s, call),
                "ListTableMetadata" => metadata::list_tables(s, call),
                "GetTableMetadata" => metadata::get_table(s, call),
                "GetWorkGroup" => workgroups::get(s, call),
                "ListWorkGroups" => workgroups::list(s, call),
                "CreateWorkGroup" => workgroups::create(s, call),
                "DeleteWorkGroup" => workgroups::delete(s, call),
                _ => return Err(call.request.unknown_operation()),
            };
            result.map_err(|e: AthenaError| -> AwsError { e.to_aws() })
        })
    }
}
