//! Cells → Arrow arrays of the column's type (nested lists, maps and structs built from their
//! children's arrays, offsets and null buffers).

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, Int64Array, ListArray,
    MapArray, StringArray, StructArray, TimestampMillisecondArray,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::datatypes::Field;

use super::cell::Cell;
use crate::hive_type::{HiveType, map_entries, struct_fields};

/// The Arrow array of `cells` read as `ty`.
pub(crate) fn build_array(ty: &HiveType, cells: Vec<Cell>) -> ArrayRef {
    match ty {
        HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) => Arc::new(
            cells
                .into_iter()
                .map(|c| match c {
                    Cell::Str(s) => Some(s),
                    _ => None,
                })
                .collect::<StringArray>(),
        ),
        HiveType::TinyInt => Arc::new(ints(cells).map(|v| v.map(|n| n as i8)).collect::<Int8Array>()),
        HiveType::SmallInt => Arc::new(ints(cells).map(|v| v.map(|n| n as i16)).collect::<Int16Array>()),
        HiveType::Int => Arc::new(ints(cells).map(|v| v.map(|n| n as i32)).collect::<Int32Array>()),
        HiveType::BigInt => Arc::new(ints(cells).collect::<Int64Array>()),
        HiveType::Float => Arc::new(floats(cells).map(|v| v.map(|f| f as f32)).collect::<Float32Array>()),
        HiveType::Double => Arc::new(floats(cells).collect::<Float64Array>()),
        HiveType::Boolean => Arc::new(
            cells
                .into_iter()
                .map(|c| match c {
                    Cell::Bool(b) => Some(b),
                    _ => None,
                })
                .collect::<BooleanArray>(),
        ),
        HiveType::Timestamp => Arc::new(
            cells
                .into_iter()
                .map(|c| match c {
                    Cell::Ts(t) => Some(t),
                    _ => None,
                })
                .collect::<TimestampMillisecondArray>(),
        ),
        HiveType::Date => Arc::new(
            cells
                .into_iter()
                .map(|c| match c {
                    Cell::Date(d) => Some(d),
                    _ => None,
                })
                .collect::<Date32Array>(),
        ),
        HiveType::Array(item) => {
            let mut lengths = Vec::with_capacity(cells.len());
            let mut valid = Vec::with_capacity(cells.len());
            let mut children = Vec::new();
            for c in cells {
                match c {
                    Cell::List(items) => {
                        lengths.push(items.len());
                        valid.push(true);
                        children.extend(items);
                    }
                    _ => {
                        lengths.push(0);
                        valid.push(false);
                    }
                }
            }
            let values = build_array(item, children);
            let field = Arc::new(Field::new("item", item.arrow(), true));
            Arc::new(ListArray::new(field, OffsetBuffer::from_lengths(lengths), values, Some(NullBuffer::from(valid))))
        }
        HiveType::Map(k, v) => {
            let mut lengths = Vec::with_capacity(cells.len());
            let mut valid = Vec::with_capacity(cells.len());
            let (mut keys, mut values) = (Vec::new(), Vec::new());
            for c in cells {
                match c {
                    Cell::Map(entries) => {
                        lengths.push(entries.len());
                        valid.push(true);
                        for (key, value) in entries {
                            keys.push(key);
                            values.push(value);
                        }
                    }
                    _ => {
                        lengths.push(0);
                        valid.push(false);
                    }
                }
            }
            let entries_field = map_entries(k, v);
            let datafusion::arrow::datatypes::DataType::Struct(fields) = entries_field.data_type().clone() else {
                unreachable!("map entries are a struct")
            };
            let entries = StructArray::new(fields, vec![build_array(k, keys), build_array(v, values)], None);
            Arc::new(MapArray::new(
                entries_field,
                OffsetBuffer::from_lengths(lengths),
                entries,
                Some(NullBuffer::from(valid)),
                false,
            ))
        }
        HiveType::Struct(fields) => {
            let n = cells.len();
            let mut valid = Vec::with_capacity(n);
            let mut children: Vec<Vec<Cell>> = fields.iter().map(|_| Vec::with_capacity(n)).collect();
            for c in cells {
                match c {
                    Cell::Struct(values) => {
                        valid.push(true);
                        for (child, value) in children.iter_mut().zip(values) {
                            child.push(value);
                        }
                    }
                    _ => {
                        valid.push(false);
                        children.iter_mut().for_each(|child| child.push(Cell::Null));
                    }
                }
            }
            let arrays = fields.iter().zip(children).map(|((_, t), c)| build_array(t, c)).collect();
            if fields.is_empty() {
                return Arc::new(StructArray::new_empty_fields(n, Some(NullBuffer::from(valid))));
            }
            Arc::new(StructArray::new(struct_fields(fields), arrays, Some(NullBuffer::from(valid))))
        }
    }
}

fn ints(cells: Vec<Cell>) -> impl Iterator<Item = Option<i64>> {
    cells.into_iter().map(|c| match c {
        Cell::Int(n) => Some(n),
        _ => None,
    })
}

fn floats(cells: Vec<Cell>) -> impl Iterator<Item = Option<f64>> {
    cells.into_iter().map(|c| match c {
        Cell::Float(f) => Some(f),
        Cell::Int(n) => Some(n as f64),
        _ => None,
    })
}
