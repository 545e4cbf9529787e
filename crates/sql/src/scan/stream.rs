//! One scan partition: its objects fetched in turn, each decompressed (by its `.gz` name, as
//! Athena decides) and read through the JsonSerDe on a blocking thread into batches of up to
//! 8,192 rows, partition columns filled from the object's partition values. Dropping the stream
//! stops the reading at the next batch (the query's cancellation).

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::stream::RecordBatchReceiverStreamBuilder;
use datafusion::physical_plan::streaming::PartitionStream;
use tokio::sync::mpsc::Sender;

use super::objects::ScanObject;
use crate::error::SqlError;
use crate::serde::{RowReader, build_array};
use crate::source::Storage;

const BATCH_ROWS: usize = 8192;

/// What an output column is filled from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot {
    /// The reader's n-th column.
    Data(usize),
    /// The object's n-th partition value.
    Partition(usize),
}

/// One partition of a table scan.
#[derive(Debug)]
pub(crate) struct JsonPartition {
    pub(crate) schema: SchemaRef,
    pub(crate) objects: Vec<ScanObject>,
    pub(crate) reader: Arc<RowReader>,
    pub(crate) slots: Arc<Vec<Slot>>,
    pub(crate) storage: Storage,
    pub(crate) scanned: Arc<AtomicU64>,
    pub(crate) limit: Option<usize>,
}

pub(crate) fn external(e: SqlError) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

impl PartitionStream for JsonPartition {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, _ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let mut builder = RecordBatchReceiverStreamBuilder::new(Arc::clone(&self.schema), 2);
        let tx = builder.tx();
        let objects = self.objects.clone();
        let (reader, slots, storage, scanned, schema, limit) = (
            Arc::clone(&self.reader),
            Arc::clone(&self.slots),
            self.storage.clone(),
            Arc::clone(&self.scanned),
            Arc::clone(&self.schema),
            self.limit,
        );
        builder.spawn(async move {
            let mut rows_left = limit.unwrap_or(usize::MAX);
            for object in objects {
                if tx.is_closed() || rows_left == 0 {
                    break;
                }
                let bytes = storage.get(&object.location, &object.entry).await.map_err(external)?;
                scanned.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                let job =
                    Job { reader: Arc::clone(&reader), slots: Arc::clone(&slots), schema: Arc::clone(&schema), tx: tx.clone() };
                let sent = tokio::task::spawn_blocking(move || job.read(&object, bytes, rows_left))
                    .await
                    .map_err(|e| external(SqlError::Internal(e.to_string())))??;
                rows_left = rows_left.saturating_sub(sent);
            }
            Ok(())
        });
        builder.build()
    }
}

struct Job {
    reader: Arc<RowReader>,
    slots: Arc<Vec<Slot>>,
    schema: SchemaRef,
    tx: Sender<datafusion::error::Result<RecordBatch>>,
}

impl Job {
    /// Reads one object and sends its batches; returns the rows sent.
    fn read(&self, object: &ScanObject, bytes: Vec<u8>, max_rows: usize) -> datafusion::error::Result<usize> {
        let name = object.entry.key.as_str();
        let text = if name.ends_with(".gz") || name.ends_with(".gzip") {
            let mut out = Vec::with_capacity(bytes.len() * 8);
            flate2::read::MultiGzDecoder::new(&bytes[..])
                .read_to_end(&mut out)
                .map_err(|e| external(SqlError::BadData(format!("{name} is not a gzip object: {e}"))))?;
            out
        } else {
            bytes
        };
        let location = format!("{}{}", object.location, object.entry.relative);
        let mut sent = 0;
        let mut columns: Vec<Vec<_>> = vec![Vec::with_capacity(BATCH_ROWS); self.reader.types().len()];
        let mut rows = 0;
        let mut start = 0;
        let mut line_no = 0;
        while start < text.len() && sent + rows < max_rows {
            let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
            line_no += 1;
            rows += self.reader.read_one(&text[start..end], &mut columns, &location, line_no).map_err(external)?;
            start = end + 1;
            if rows >= BATCH_ROWS {
                sent += rows;
                if !self.send(object, std::mem::take(&mut columns), rows)? {
                    return Ok(sent);
                }
                columns = vec![Vec::with_capacity(BATCH_ROWS); self.reader.types().len()];
                rows = 0;
            }
        }
        if rows > 0 {
            sent += rows;
            self.send(object, columns, rows)?;
        }
        Ok(sent)
    }

    /// Sends one batch; false when the stream was dropped.
    fn send(&self, object: &ScanObject, columns: Vec<Vec<crate::serde::Cell>>, rows: usize) -> datafusion::error::Result<bool> {
        let mut data: Vec<Option<ArrayRef>> =
            columns.into_iter().zip(self.reader.types()).map(|(cells, ty)| Some(build_array(ty, cells))).collect();
        let mut arrays = Vec::with_capacity(self.slots.len());
        for slot in self.slots.iter() {
            arrays.push(match *slot {
                Slot::Data(i) => data[i].take().ok_or_else(|| external(SqlError::Internal("a column read twice".into())))?,
                Slot::Partition(i) => object.partition_values[i].to_array_of_size(rows)?,
            });
        }
        let batch = RecordBatch::try_new_with_options(
            Arc::clone(&self.schema),
            arrays,
            &RecordBatchOptions::new().with_row_count(Some(rows)),
        )?;
        Ok(self.tx.blocking_send(Ok(batch)).is_ok())
    }
}
