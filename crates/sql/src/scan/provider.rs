//! A catalog table as a DataFusion `TableProvider`: its schema (columns, then partition keys,
//! as Athena orders them) and a scan that reads only the projected columns, spread over the
//! session's target partitions by object size.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{Field, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::TableType;
use datafusion::logical_expr::Expr;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::streaming::{PartitionStream, StreamingTableExec};

use super::objects::table_objects;
use super::stream::{JsonPartition, Slot, external};
use crate::catalog::TableDef;
use crate::serde::{RowReader, SerdeOptions};
use crate::source::Storage;

/// A JSON table of the catalog, for one query (which counts the bytes it reads).
#[derive(Debug)]
pub(crate) struct JsonTable {
    def: TableDef,
    schema: SchemaRef,
    storage: Storage,
    scanned: Arc<AtomicU64>,
}

impl JsonTable {
    /// The table `def` read from `storage`, adding the bytes read to `scanned`.
    pub(crate) fn new(def: TableDef, storage: Storage, scanned: Arc<AtomicU64>) -> JsonTable {
        let fields: Vec<Field> =
            def.columns.iter().chain(&def.partition_keys).map(|c| Field::new(&c.name, c.ty.arrow(), true)).collect();
        JsonTable { def, schema: Arc::new(Schema::new(fields)), storage, scanned }
    }

    fn options(&self) -> SerdeOptions {
        let yes = |v: Option<&str>| v.is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        SerdeOptions {
            ignore_malformed: yes(self.def.serde_property("ignore.malformed.json")),
            case_sensitive: self.def.serde_property("case.insensitive").is_some_and(|v| v.trim().eq_ignore_ascii_case("false")),
        }
    }
}

#[async_trait]
impl TableProvider for JsonTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::error::Result<Arc<dyn ExecutionPlan>> {
        let all: Vec<usize> = (0..self.schema.fields().len()).collect();
        let projection = projection.unwrap_or(&all);
        let n_data = self.def.columns.len();
        let mut columns = Vec::new();
        let mut slots = Vec::new();
        for &i in projection {
            if i < n_data {
                let c = &self.def.columns[i];
                let key = self.def.serde_property(&format!("mapping.{}", c.name)).unwrap_or(&c.name).to_owned();
                slots.push(Slot::Data(columns.len()));
                columns.push((key, c.ty.clone()));
            } else {
                slots.push(Slot::Partition(i - n_data));
            }
        }
        let schema = Arc::new(self.schema.project(projection)?);
        let reader = Arc::new(RowReader::new(columns, self.options()));
        let slots = Arc::new(slots);
        let mut objects = table_objects(&self.storage, &self.def).await.map_err(external)?;
        objects.sort_by(|a, b| b.entry.size.cmp(&a.entry.size).then_with(|| a.entry.key.cmp(&b.entry.key)));
        let n = state.config().target_partitions().max(1).min(objects.len().max(1));
        let mut groups: Vec<(u64, Vec<_>)> = vec![(0, Vec::new()); n];
        for o in objects {
            let smallest = groups.iter_mut().min_by_key(|(size, _)| *size).expect("at least one group");
            smallest.0 += o.entry.size;
            smallest.1.push(o);
        }
        let partitions: Vec<Arc<dyn PartitionStream>> = groups
            .into_iter()
            .map(|(_, objects)| {
                Arc::new(JsonPartition {
                    schema: Arc::clone(&schema),
                    objects,
                    reader: Arc::clone(&reader),
                    slots: Arc::clone(&slots),
                    storage: self.storage.clone(),
                    scanned: Arc::clone(&self.scanned),
                    limit,
                }) as Arc<dyn PartitionStream>
            })
            .collect();
        Ok(Arc::new(StreamingTableExec::try_new(schema, partitions, None, Vec::new(), false, limit)?))
    }
}
