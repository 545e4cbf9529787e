//! Athena's (Trino's) functions that DataFusion lacks or spells differently, as UDFs registered
//! in every session: `from_iso8601_timestamp`, `from_iso8601_date`, `date_format`,
//! `json_extract_scalar`, `json_extract`, `element_at`, `approx_percentile`. The others users
//! write over these logs (`date_trunc`, `approx_distinct`, `cardinality`, `regexp_like`,
//! `try_cast`, `UNNEST`, `.` field access, `CAST(... AS varchar)`) are DataFusion's own.

mod args;
mod date_format;
mod element_at;
mod iso8601;
mod json_extract;
mod percentile;

use datafusion::logical_expr::{AggregateUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

/// Registers the functions in a session.
pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udf(ScalarUDF::new_from_impl(iso8601::FromIso8601::timestamp()));
    ctx.register_udf(ScalarUDF::new_from_impl(iso8601::FromIso8601::date()));
    ctx.register_udf(ScalarUDF::new_from_impl(date_format::DateFormat::new()));
    ctx.register_udf(ScalarUDF::new_from_impl(json_extract::JsonExtract::scalar()));
    ctx.register_udf(ScalarUDF::new_from_impl(json_extract::JsonExtract::json()));
    ctx.register_udf(ScalarUDF::new_from_impl(element_at::ElementAt::new()));
    ctx.register_udaf(AggregateUDF::new_from_impl(percentile::ApproxPercentile::new()));
}
