//! Helpers the functions share: arguments as arrays of one length, strings read whatever their
//! Arrow string type, and a user error in Trino's words.

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::ColumnarValue;

use crate::error::SqlError;

/// The arguments as arrays of `rows` rows.
pub(crate) fn arrays(args: &[ColumnarValue], rows: usize) -> Result<Vec<ArrayRef>> {
    args.iter().map(|a| a.to_array(rows)).collect()
}

/// A string argument as a `StringArray`.
pub(crate) fn strings(array: &ArrayRef) -> Result<StringArray> {
    let a = cast(array, &DataType::Utf8)?;
    Ok(a.as_any().downcast_ref::<StringArray>().cloned().unwrap_or_else(|| StringArray::from(Vec::<Option<String>>::new())))
}

/// `INVALID_FUNCTION_ARGUMENT: ...`.
pub(crate) fn invalid(message: impl Into<String>) -> DataFusionError {
    DataFusionError::External(Box::new(SqlError::Query(format!("INVALID_FUNCTION_ARGUMENT: {}", message.into()))))
}

/// Whether a type is one of Arrow's string types.
pub(crate) fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null)
}
