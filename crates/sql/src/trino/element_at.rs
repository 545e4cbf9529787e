//! `element_at(array, index)` (1-based, negative from the end, NULL past either end, 0 an
//! error) and `element_at(map, key)` (NULL for a missing key), as Trino has them.

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, Int64Array};
use datafusion::arrow::compute::{cast, take};
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, TypeSignature, Volatility};

use super::args::{arrays, invalid, strings};

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct ElementAt {
    signature: Signature,
}

impl ElementAt {
    pub(crate) fn new() -> Self {
        ElementAt { signature: Signature::new(TypeSignature::Any(2), Volatility::Immutable) }
    }
}

impl ScalarUDFImpl for ElementAt {
    fn name(&self) -> &str {
        "element_at"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        match types.first() {
            Some(DataType::List(f) | DataType::LargeList(f)) => Ok(f.data_type().clone()),
            Some(DataType::Map(entries, _)) => match entries.data_type() {
                DataType::Struct(fields) if fields.len() == 2 => Ok(fields[1].data_type().clone()),
                _ => Err(DataFusionError::Plan("element_at: a map without entries".to_owned())),
            },
            Some(other) => Err(DataFusionError::Plan(format!(
                "Unexpected parameters ({other}) for function element_at. Expected: element_at(array(E), bigint), element_at(map(K,V), K)"
            ))),
            None => Err(DataFusionError::Plan("element_at takes two arguments".to_owned())),
        }
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args.args, args.number_rows)?;
        let mut picks: Vec<Option<i64>> = Vec::with_capacity(a[0].len());
        let values = match a[0].data_type() {
            DataType::List(_) => {
                let list = a[0].as_list::<i32>();
                let idx = cast(&a[1], &DataType::Int64)?;
                let idx = idx.as_any().downcast_ref::<Int64Array>().cloned().ok_or_else(|| invalid("index is not a number"))?;
                for r in 0..list.len() {
                    if list.is_null(r) || idx.is_null(r) {
                        picks.push(None);
                        continue;
                    }
                    let (start, end) = (list.value_offsets()[r] as i64, list.value_offsets()[r + 1] as i64);
                    let len = end - start;
                    let i = idx.value(r);
                    if i == 0 {
                        return Err(invalid("SQL array indices start at 1"));
                    }
                    let pos = if i > 0 { i - 1 } else { len + i };
                    picks.push((0..len).contains(&pos).then_some(start + pos));
                }
                Arc::clone(list.values())
            }
            DataType::Map(..) => {
                let map = a[0].as_map();
                let keys = strings(map.keys())?;
                let probe = strings(&a[1])?;
                for r in 0..map.len() {
                    if map.is_null(r) || probe.is_null(r) {
                        picks.push(None);
                        continue;
                    }
                    let (start, end) = (map.value_offsets()[r] as usize, map.value_offsets()[r + 1] as usize);
                    let want = probe.value(r);
                    picks.push((start..end).find(|&k| !keys.is_null(k) && keys.value(k) == want).map(|k| k as i64));
                }
                Arc::clone(map.values())
            }
            other => return Err(invalid(format!("element_at of {other}"))),
        };
        let indices = Int64Array::from(picks);
        Ok(ColumnarValue::Array(take(values.as_ref(), &indices, None)?))
    }
}
