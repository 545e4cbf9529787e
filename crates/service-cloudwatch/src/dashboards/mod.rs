//! Dashboards: PutDashboard, GetDashboard, ListDashboards, DeleteDashboards over dashboards saved
//! one file each in the data directory, with the body validated as CloudWatch validates it; and
//! the parts of a body the page reads (time range, metric rows).
//!
//! | file | job |
//! |---|---|
//! | `api.rs` | the four operations, their inputs and outputs, the name rules |
//! | `store.rs` | the dashboards, one file each under `<data-dir>/cloudwatch/dashboards/` |
//! | `validate.rs` | a body → its validation errors (`{dataPath, message}`, JSON-schema style) |
//! | `metric_rows.rs` | a metric widget's `metrics` rows with their `.` and `...` shorthand expanded |
//! | `time.rs` | `start`/`end` values: relative ISO 8601 durations (`-PT3H`, `-P1W`) and instants |

pub(crate) mod api;
pub(crate) mod metric_rows;
pub(crate) mod store;
pub(crate) mod time;
pub(crate) mod validate;
