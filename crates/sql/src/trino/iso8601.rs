//! `from_iso8601_timestamp(varchar)` → `timestamp(3) with time zone` (kept in UTC) and
//! `from_iso8601_date(varchar)` → `date`; text that is not ISO 8601 is an error, as in Trino.

use std::sync::Arc;

use datafusion::arrow::array::{Date32Array, TimestampMillisecondArray};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::error::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

use super::args::{arrays, invalid, strings};
use crate::timefmt;

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct FromIso8601 {
    name: &'static str,
    date: bool,
    signature: Signature,
}

impl FromIso8601 {
    pub(crate) fn timestamp() -> Self {
        FromIso8601 { name: "from_iso8601_timestamp", date: false, signature: Signature::string(1, Volatility::Immutable) }
    }
    pub(crate) fn date() -> Self {
        FromIso8601 { name: "from_iso8601_date", date: true, signature: Signature::string(1, Volatility::Immutable) }
    }
}

impl ScalarUDFImpl for FromIso8601 {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(if self.date { DataType::Date32 } else { DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())) })
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let input = strings(&arrays(&args.args, args.number_rows)?[0])?;
        let parse = |s: &str| {
            let ms = if self.date && s.trim().len() != 10 { None } else { timefmt::parse_timestamp_ms(s) };
            ms.ok_or_else(|| invalid(format!("Invalid format: \"{s}\"")))
        };
        if self.date {
            let out: Date32Array = input
                .iter()
                .map(|v| v.map(|s| parse(s).map(|ms| (ms.div_euclid(86_400_000)) as i32)).transpose())
                .collect::<Result<_>>()?;
            return Ok(ColumnarValue::Array(Arc::new(out)));
        }
        let out: TimestampMillisecondArray = input.iter().map(|v| v.map(parse).transpose()).collect::<Result<_>>()?;
        Ok(ColumnarValue::Array(Arc::new(out.with_timezone("UTC"))))
    }
}
