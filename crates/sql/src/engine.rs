//! The engine: one statement's text → its result. DDL and SHOW/DESCRIBE run against the
//! catalog (`ddl/exec.rs`); queries run on DataFusion in a session made for them (the catalog
//! as `awsdatacatalog`, the context database as default schema, Trino's NULLS LAST, the
//! Trino functions), after the rewrites and refusals of `rewrite.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::config::Dialect;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion::sql::parser::Statement as DfStatement;

use crate::catalog::{Catalog, DEFAULT_DATABASE};
use crate::ddl::{self, Statement};
use crate::df_error::from_datafusion;
use crate::error::SqlError;
use crate::result::QueryOutput;
use crate::source::Storage;
use crate::tables::QueryCatalog;

/// What a statement runs in.
#[derive(Debug, Clone)]
pub struct QueryContext {
    /// `QueryExecutionContext.Database` (Athena's default is `default`).
    pub database: String,
    /// The clock's time, epoch milliseconds (CREATE times).
    pub now_ms: i64,
}

impl Default for QueryContext {
    fn default() -> Self {
        QueryContext { database: DEFAULT_DATABASE.to_owned(), now_ms: 0 }
    }
}

/// The SQL engine over a catalog and a storage.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) storage: Storage,
    threads: usize,
}

impl Engine {
    /// An engine reading tables from `storage`, with one scan partition per core.
    pub fn new(catalog: Arc<Catalog>, storage: Storage) -> Engine {
        let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Engine { catalog, storage, threads }
    }

    /// The same engine with `threads` scan partitions.
    pub fn with_threads(mut self, threads: usize) -> Engine {
        self.threads = threads.max(1);
        self
    }

    /// The catalog.
    pub fn catalog(&self) -> &Arc<Catalog> {
        &self.catalog
    }

    /// Runs one statement; `scanned` counts the bytes read as the scan goes (for progress).
    pub async fn execute(&self, sql: &str, ctx: &QueryContext, scanned: Arc<AtomicU64>) -> Result<QueryOutput, SqlError> {
        let statement = ddl::parse(sql)?;
        let database = ctx.database.to_ascii_lowercase();
        match statement {
            Statement::Query { sql, explain } => {
                let mut out = self.query(&sql, &database, Arc::clone(&scanned)).await?;
                if explain {
                    out.statement_type = ddl::StatementType::Utility;
                }
                out.data_scanned_bytes = scanned.load(Ordering::Relaxed);
                Ok(out)
            }
            other => crate::ddl::exec::run(self, other, &database, ctx.now_ms).await,
        }
    }

    async fn query(&self, sql: &str, database: &str, scanned: Arc<AtomicU64>) -> Result<QueryOutput, SqlError> {
        if self.catalog.database(database).is_none() {
            return Err(SqlError::SchemaNotFound(database.to_owned()));
        }
        let mut config = SessionConfig::new()
            .with_target_partitions(self.threads)
            .with_default_catalog_and_schema("awsdatacatalog", database)
            .with_information_schema(false);
        config.options_mut().sql_parser.default_null_ordering = "nulls_last".to_owned();
        config.options_mut().execution.time_zone = Some("UTC".to_owned());
        let ctx = SessionContext::new_with_config(config);
        let provider = Arc::new(QueryCatalog {
            catalog: Arc::clone(&self.catalog),
            storage: self.storage.clone(),
            scanned: Arc::clone(&scanned),
        });
        ctx.register_catalog("awsdatacatalog", Arc::clone(&provider) as _);
        ctx.register_catalog("AwsDataCatalog", provider as _);
        crate::trino::register(&ctx);
        let state = ctx.state();
        let statement = state.sql_to_statement(sql, &Dialect::Generic).map_err(from_datafusion)?;
        let DfStatement::Statement(mut statement) = statement else {
            return Err(SqlError::NotSupported("this statement".to_owned()));
        };
        crate::rewrite::rewrite(&mut statement)?;
        let plan = state.statement_to_plan(DfStatement::Statement(statement)).await.map_err(from_datafusion)?;
        refuse_non_queries(&plan)?;
        let frame = ctx.execute_logical_plan(plan).await.map_err(from_datafusion)?;
        let schema = frame.schema().as_arrow().clone();
        let batches = frame.collect().await.map_err(from_datafusion)?;
        Ok(QueryOutput::from_batches(&schema, &batches, scanned.load(Ordering::Relaxed)))
    }
}

/// DataFusion's own DDL, DML and session statements never run here.
fn refuse_non_queries(plan: &LogicalPlan) -> Result<(), SqlError> {
    match plan {
        LogicalPlan::Ddl(d) => Err(SqlError::NotSupported(format!("the statement {}", d.name()))),
        LogicalPlan::Dml(d) => Err(SqlError::NotSupported(format!("{} statements", d.op))),
        LogicalPlan::Statement(_) | LogicalPlan::Copy(_) => Err(SqlError::NotSupported("this statement".to_owned())),
        LogicalPlan::Explain(e) => refuse_non_queries(&e.plan),
        _ => Ok(()),
    }
}
