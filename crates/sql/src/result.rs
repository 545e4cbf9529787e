//! A statement's result as Athena hands it back: typed columns (Trino type names), rows of
//! text with Trino's value formatting (`1.5E7` doubles, `2025-01-02 03:04:05.000` timestamps,
//! `[a, b]` arrays, `{k=v}` maps and rows), NULL as no value; and the files Athena writes:
//! CSV with every field quoted for queries, plain text for DDL and utility statements.

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimeUnit,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};

use crate::ddl::StatementType;
use crate::hive_type::athena_type_name;
use crate::timefmt;

/// A result column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutputColumn {
    pub name: String,
    /// Trino's name (`varchar`, `bigint`, `row`...) for queries, Hive's (`string`) for DDL output.
    pub type_name: String,
}

/// What a statement produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryOutput {
    pub statement_type: StatementType,
    pub columns: Vec<OutputColumn>,
    /// Row values; `None` is NULL. A DESCRIBE row is one tab-joined value, as Athena returns it.
    pub rows: Vec<Vec<Option<String>>>,
    /// Bytes of objects read (compressed size, as Athena counts `DataScannedInBytes`).
    pub data_scanned_bytes: u64,
}

impl QueryOutput {
    /// A result of DDL or a utility statement: string columns, no header row.
    pub fn utility(statement_type: StatementType, columns: &[&str], rows: Vec<Vec<Option<String>>>) -> QueryOutput {
        QueryOutput {
            statement_type,
            columns: columns.iter().map(|c| OutputColumn { name: (*c).to_owned(), type_name: "string".to_owned() }).collect(),
            rows,
            data_scanned_bytes: 0,
        }
    }

    /// Whether GetQueryResults' first page starts with the column names (queries only).
    pub fn has_header_row(&self) -> bool {
        self.statement_type == StatementType::Dml
    }

    /// The file name suffix Athena uses: `csv` for queries, `txt` otherwise.
    pub fn file_extension(&self) -> &'static str {
        if self.has_header_row() { "csv" } else { "txt" }
    }

    /// The result file: CSV (header, every value quoted, NULL empty) for queries; tab-joined
    /// lines for everything else.
    pub fn file_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        if self.has_header_row() {
            let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            out.push_str(&self.columns.iter().map(|c| quote(&c.name)).collect::<Vec<_>>().join(","));
            out.push('\n');
            for row in &self.rows {
                out.push_str(&row.iter().map(|v| v.as_deref().map(quote).unwrap_or_default()).collect::<Vec<_>>().join(","));
                out.push('\n');
            }
        } else {
            for row in &self.rows {
                out.push_str(&row.iter().map(|v| v.clone().unwrap_or_default()).collect::<Vec<_>>().join("\t"));
                out.push('\n');
            }
        }
        out.into_bytes()
    }

    /// The rows of record batches, formatted.
    pub(crate) fn from_batches(
        schema: &datafusion::arrow::datatypes::Schema,
        batches: &[RecordBatch],
        scanned: u64,
    ) -> QueryOutput {
        let columns = schema
            .fields()
            .iter()
            .map(|f| OutputColumn { name: f.name().clone(), type_name: athena_type_name(f.data_type()).to_owned() })
            .collect();
        let mut rows = Vec::new();
        for batch in batches {
            for r in 0..batch.num_rows() {
                rows.push(batch.columns().iter().map(|a| format_value(a.as_ref(), r)).collect());
            }
        }
        QueryOutput { statement_type: StatementType::Dml, columns, rows, data_scanned_bytes: scanned }
    }
}

/// Java's `Double.toString`, as Trino prints a double: `1.5`, `100.0`, `1.0E7`, `1.0E-4`.
pub fn java_double(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    let a = v.abs();
    if a == 0.0 || (1e-3..1e7).contains(&a) {
        let s = format!("{v}");
        if s.contains('.') { s } else { format!("{s}.0") }
    } else {
        let s = format!("{v:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_owned() } else { format!("{mantissa}.0") };
        format!("{mantissa}E{exp}")
    }
}

fn java_float(v: f32) -> String {
    if v.is_finite() && v != 0.0 && !(1e-3..1e7).contains(&v.abs()) {
        let s = format!("{v:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_owned() } else { format!("{mantissa}.0") };
        return format!("{mantissa}E{exp}");
    }
    if v.is_finite() {
        let s = format!("{v}");
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    java_double(f64::from(v))
}

/// One value as Athena's text, `None` for NULL.
pub fn format_value(array: &dyn Array, row: usize) -> Option<String> {
    if array.is_null(row) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(row).to_owned(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(row).to_owned(),
        DataType::Utf8View => array.as_string_view().value(row).to_owned(),
        DataType::Boolean => array.as_boolean().value(row).to_string(),
        DataType::Int8 => array.as_primitive::<Int8Type>().value(row).to_string(),
        DataType::Int16 => array.as_primitive::<Int16Type>().value(row).to_string(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(row).to_string(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(row).to_string(),
        DataType::UInt8 => array.as_primitive::<UInt8Type>().value(row).to_string(),
        DataType::UInt16 => array.as_primitive::<UInt16Type>().value(row).to_string(),
        DataType::UInt32 => array.as_primitive::<UInt32Type>().value(row).to_string(),
        DataType::UInt64 => array.as_primitive::<UInt64Type>().value(row).to_string(),
        DataType::Float64 => java_double(array.as_primitive::<Float64Type>().value(row)),
        DataType::Float32 => java_float(array.as_primitive::<Float32Type>().value(row)),
        DataType::Date32 => timefmt::format_date_days(array.as_primitive::<Date32Type>().value(row)),
        DataType::Timestamp(unit, tz) => {
            let ms = match unit {
                TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row).saturating_mul(1000),
                TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(row),
                TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(row).div_euclid(1000),
                TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row).div_euclid(1_000_000),
            };
            let text = timefmt::format_timestamp_ms(ms);
            match tz {
                Some(tz) => format!("{text} {}", if tz.as_ref() == "+00:00" { "UTC" } else { tz.as_ref() }),
                None => text,
            }
        }
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            let values = list.value(row);
            let items: Vec<String> =
                (0..values.len()).map(|i| format_value(values.as_ref(), i).unwrap_or_else(|| "null".to_owned())).collect();
            format!("[{}]", items.join(", "))
        }
        DataType::LargeList(_) => {
            let list = array.as_list::<i64>();
            let values = list.value(row);
            let items: Vec<String> =
                (0..values.len()).map(|i| format_value(values.as_ref(), i).unwrap_or_else(|| "null".to_owned())).collect();
            format!("[{}]", items.join(", "))
        }
        DataType::Map(..) => {
            let map = array.as_map();
            let entries = map.value(row);
            let (keys, values) = (entries.column(0), entries.column(1));
            let items: Vec<String> = (0..entries.len())
                .map(|i| {
                    let k = format_value(keys.as_ref(), i).unwrap_or_else(|| "null".to_owned());
                    let v = format_value(values.as_ref(), i).unwrap_or_else(|| "null".to_owned());
                    format!("{k}={v}")
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        DataType::Struct(fields) => {
            let s = array.as_struct();
            let items: Vec<String> = fields
                .iter()
                .zip(s.columns())
                .map(|(f, c)| format!("{}={}", f.name(), format_value(c.as_ref(), row).unwrap_or_else(|| "null".to_owned())))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        _ => datafusion::arrow::util::display::array_value_to_string(array, row).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_as_java_does() {
        assert_eq!(java_double(1.5), "1.5");
        assert_eq!(java_double(100.0), "100.0");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(12345678.9), "1.23456789E7");
        assert_eq!(java_double(0.0001), "1.0E-4");
        assert_eq!(java_double(0.0), "0.0");
    }
}
