//! DataFusion's errors in Athena's words: our own errors come back as they were raised (a
//! SerDe error inside a scan), planning errors get the Trino error name Athena would print
//! (`COLUMN_NOT_FOUND`, `FUNCTION_NOT_FOUND`, `TABLE_NOT_FOUND`, `TYPE_MISMATCH`...).

use datafusion::arrow::error::ArrowError;
use datafusion::error::DataFusionError;

use crate::error::SqlError;

/// The `SqlError` a DataFusion error stands for.
pub(crate) fn from_datafusion(e: DataFusionError) -> SqlError {
    if let Some(own) = find_own(&e) {
        return own;
    }
    let root = e.find_root();
    let message = root.message().to_string();
    match root {
        DataFusionError::SQL(..) => SqlError::Syntax(message),
        DataFusionError::NotImplemented(m) => SqlError::NotSupported(m.clone()),
        DataFusionError::SchemaError(..) => {
            if message.contains("No field named") || message.contains("not found") {
                SqlError::Query(format!("COLUMN_NOT_FOUND: {message}"))
            } else {
                SqlError::Query(format!("SCHEMA_ERROR: {message}"))
            }
        }
        DataFusionError::ArrowError(a, _) if matches!(**a, ArrowError::DivideByZero) => {
            SqlError::Query("DIVISION_BY_ZERO: Division by zero".to_owned())
        }
        DataFusionError::ArrowError(a, _) if matches!(**a, ArrowError::CastError(_)) => {
            SqlError::Query(format!("INVALID_CAST_ARGUMENT: {message}"))
        }
        DataFusionError::Plan(m) => {
            if m.contains("Invalid function") {
                // DataFusion's "Did you mean" guess depends on hash order: drop it.
                SqlError::Query(format!("FUNCTION_NOT_FOUND: {}", m.split("\nDid you mean").next().unwrap_or(m)))
            } else if m.contains("table") && m.contains("not found") {
                SqlError::TableNotFound(m.trim_start_matches("table '").trim_end_matches("' not found").to_owned())
            } else if m.contains("No function matches") || m.contains("Cannot infer") || m.contains("type") {
                SqlError::Query(format!("TYPE_MISMATCH: {m}"))
            } else {
                SqlError::Query(format!("SEMANTIC_ERROR: {m}"))
            }
        }
        DataFusionError::ResourcesExhausted(m) => SqlError::Query(format!("EXCEEDED_LOCAL_MEMORY_LIMIT: {m}")),
        DataFusionError::Execution(m) if m.contains("Divide by zero") || m.contains("Division by zero") => {
            SqlError::Query("DIVISION_BY_ZERO: Division by zero".to_owned())
        }
        DataFusionError::Internal(m) => SqlError::Internal(m.clone()),
        _ => SqlError::Query(format!("GENERIC_USER_ERROR: {message}")),
    }
}

fn find_own(e: &DataFusionError) -> Option<SqlError> {
    match e {
        DataFusionError::External(inner) => inner.downcast_ref::<SqlError>().cloned(),
        DataFusionError::Context(_, inner) => find_own(inner),
        DataFusionError::Shared(inner) => find_own(inner),
        DataFusionError::ArrowError(a, _) => match a.as_ref() {
            ArrowError::ExternalError(inner) => {
                inner.downcast_ref::<SqlError>().cloned().or_else(|| inner.downcast_ref::<DataFusionError>().and_then(find_own))
            }
            _ => None,
        },
        DataFusionError::Collection(errors) => errors.iter().find_map(find_own),
        _ => None,
    }
}
