//! `date_format(timestamp, format)` with MySQL's specifiers, as Trino has it (`%Y-%m-%d %H:%i:%s`).
//! The specifiers Trino does not support (`%D %U %u %V %w %X %x`) and unknown ones are errors.

use std::sync::Arc;

use datafusion::arrow::array::{Array, StringArray, TimestampMillisecondArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, TypeSignature, Volatility};

use super::args::{arrays, invalid, is_string, strings};
use crate::timefmt::datetime_of_ms;

#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct DateFormat {
    signature: Signature,
}

impl DateFormat {
    pub(crate) fn new() -> Self {
        DateFormat { signature: Signature::new(TypeSignature::Any(2), Volatility::Immutable) }
    }
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Formats epoch milliseconds with a MySQL format.
pub(crate) fn format_ms(ms: i64, format: &str) -> Result<String> {
    let t = datetime_of_ms(ms).ok_or_else(|| invalid(format!("timestamp out of range: {ms}")))?;
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(spec) = chars.next() else { break };
        let h12 = match t.hour() % 12 {
            0 => 12,
            h => h,
        };
        let month = u8::from(t.month());
        match spec {
            'a' => out.push_str(&DAYS[t.weekday().number_days_from_monday() as usize][..3]),
            'b' => out.push_str(&MONTHS[month as usize - 1][..3]),
            'c' => out.push_str(&month.to_string()),
            'd' => out.push_str(&format!("{:02}", t.day())),
            'e' => out.push_str(&t.day().to_string()),
            'f' => out.push_str(&format!("{:06}", t.microsecond())),
            'H' => out.push_str(&format!("{:02}", t.hour())),
            'h' | 'I' => out.push_str(&format!("{h12:02}")),
            'i' => out.push_str(&format!("{:02}", t.minute())),
            'j' => out.push_str(&format!("{:03}", t.ordinal())),
            'k' => out.push_str(&t.hour().to_string()),
            'l' => out.push_str(&h12.to_string()),
            'M' => out.push_str(MONTHS[month as usize - 1]),
            'm' => out.push_str(&format!("{month:02}")),
            'p' => out.push_str(if t.hour() < 12 { "AM" } else { "PM" }),
            'r' => {
                out.push_str(&format!("{h12:02}:{:02}:{:02} {}", t.minute(), t.second(), if t.hour() < 12 { "AM" } else { "PM" }))
            }
            'S' | 's' => out.push_str(&format!("{:02}", t.second())),
            'T' => out.push_str(&format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())),
            'W' => out.push_str(DAYS[t.weekday().number_days_from_monday() as usize]),
            'Y' => out.push_str(&format!("{:04}", t.year())),
            'y' => out.push_str(&format!("{:02}", t.year().rem_euclid(100))),
            '%' => out.push('%'),
            other => return Err(invalid(format!("{other} not supported in date format string"))),
        }
    }
    Ok(out)
}

impl ScalarUDFImpl for DateFormat {
    fn name(&self) -> &str {
        "date_format"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        match types {
            [DataType::Timestamp(..) | DataType::Date32 | DataType::Date64, f] if is_string(f) => Ok(DataType::Utf8),
            [a, b] => Err(DataFusionError::Plan(format!(
                "Unexpected parameters (`{a}`, `{b}`) for function date_format. Expected: date_format(timestamp, varchar)"
            ))),
            _ => Err(DataFusionError::Plan("date_format takes two arguments".to_owned())),
        }
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args.args, args.number_rows)?;
        let ts = cast(&a[0], &DataType::Timestamp(TimeUnit::Millisecond, None))?;
        let ts = ts.as_any().downcast_ref::<TimestampMillisecondArray>().cloned().ok_or_else(|| invalid("not a timestamp"))?;
        let formats = strings(&a[1])?;
        let out: StringArray =
            (0..ts.len())
                .map(|i| {
                    if ts.is_null(i) || formats.is_null(i) {
                        Ok(None)
                    } else {
                        format_ms(ts.value(i), formats.value(i)).map(Some)
                    }
                })
                .collect::<Result<_>>()?;
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mysql_specifiers() {
        let ms = 1_735_787_045_678; // 2025-01-02 03:04:05.678 UTC, a Thursday
        assert_eq!(super::format_ms(ms, "%Y-%m-%d %H:%i:%s").unwrap(), "2025-01-02 03:04:05");
        assert_eq!(super::format_ms(ms, "%a %b %e %l%p %f").unwrap(), "Thu Jan 2 3AM 678000");
        assert!(super::format_ms(ms, "%U").is_err());
    }
}
