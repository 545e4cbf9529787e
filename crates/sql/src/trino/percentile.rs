//! `approx_percentile(x, p)`: Trino's answer is approximate; ours is exact (nearest rank over
//! the group's values, `⌈p·n⌉`-th smallest), of `x`'s own type as Trino returns it. An array of
//! percentiles and weights are refused naming them.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, ListArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, Signature, TypeSignature, Volatility};
use datafusion::scalar::ScalarValue;

use super::args::invalid;

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct ApproxPercentile {
    signature: Signature,
}

impl ApproxPercentile {
    pub(crate) fn new() -> Self {
        ApproxPercentile { signature: Signature::new(TypeSignature::Any(2), Volatility::Immutable) }
    }
}

fn numeric(t: &DataType) -> bool {
    t.is_integer() || matches!(t, DataType::Float32 | DataType::Float64)
}

impl AggregateUDFImpl for ApproxPercentile {
    fn name(&self) -> &str {
        "approx_percentile"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        match types {
            [x, p] if numeric(x) && (p.is_floating() || p.is_integer() || matches!(p, DataType::Decimal128(..))) => Ok(x.clone()),
            [_, DataType::List(_)] => Err(DataFusionError::External(Box::new(crate::error::SqlError::NotSupported(
                "approx_percentile with an array of percentiles".to_owned(),
            )))),
            [_, _, _] => Err(DataFusionError::External(Box::new(crate::error::SqlError::NotSupported(
                "approx_percentile with weights".to_owned(),
            )))),
            [x, p] => Err(DataFusionError::Plan(format!(
                "Unexpected parameters ({x}, {p}) for function approx_percentile. Expected: approx_percentile(bigint|double, double)"
            ))),
            _ => Err(DataFusionError::Plan("approx_percentile takes two arguments".to_owned())),
        }
    }
    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Exact { values: Vec::new(), p: None, out: args.return_field.data_type().clone() }))
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![
            Arc::new(Field::new(
                format!("{}[values]", args.name),
                DataType::List(Arc::new(Field::new("item", DataType::Float64, true))),
                true,
            )),
            Arc::new(Field::new(format!("{}[p]", args.name), DataType::Float64, true)),
        ])
    }
}

#[derive(Debug)]
struct Exact {
    values: Vec<f64>,
    p: Option<f64>,
    out: DataType,
}

impl Exact {
    fn set_p(&mut self, p: &ArrayRef) -> Result<()> {
        let p = cast(p, &DataType::Float64)?;
        let p = p.as_primitive::<Float64Type>();
        if let Some(v) = p.iter().flatten().next() {
            if !(0.0..=1.0).contains(&v) {
                return Err(invalid("Percentile must be between 0 and 1"));
            }
            self.p = Some(v);
        }
        Ok(())
    }
}

impl Accumulator for Exact {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.set_p(&values[1])?;
        let x = cast(&values[0], &DataType::Float64)?;
        self.values.extend(x.as_primitive::<Float64Type>().iter().flatten());
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.set_p(&states[1])?;
        let lists = states[0].as_list::<i32>();
        for list in lists.iter().flatten() {
            self.values.extend(list.as_primitive::<Float64Type>().iter().flatten());
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let list =
            ListArray::from_iter_primitive::<Float64Type, _, _>([Some(self.values.iter().map(|v| Some(*v)).collect::<Vec<_>>())]);
        Ok(vec![ScalarValue::List(Arc::new(list)), ScalarValue::Float64(self.p)])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let (Some(p), false) = (self.p, self.values.is_empty()) else {
            return ScalarValue::try_from(&self.out);
        };
        self.values.sort_by(f64::total_cmp);
        let n = self.values.len();
        let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
        let v = ScalarValue::Float64(Some(self.values[rank - 1]));
        let array = v.to_array()?;
        let typed = cast(&array, &self.out)?;
        ScalarValue::try_from_array(&typed, 0)
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.capacity() * 8
    }
}
