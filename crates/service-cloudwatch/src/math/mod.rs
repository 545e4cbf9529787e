//! Metric math for GetMetricData and metric-math alarms: the expression parser, the evaluator
//! over the metric store, `SEARCH` expressions and result labels.
//!
//! | file | job |
//! |---|---|
//! | `parser.rs` | lexer and precedence-climbing parser of `Expression`s |
//! | `eval.rs` | time series, arithmetic, functions, `FILL`, `METRICS()`, `SEARCH`, the period grid |
//! | `search.rs` | the search expression of `SEARCH`: schema, terms, `AND`/`OR`/`NOT` |
//! | `labels.rs` | default and dynamic labels, `LabelOptions.Timezone` |

pub(crate) mod eval;
pub(crate) mod labels;
pub(crate) mod parser;
pub(crate) mod search;
