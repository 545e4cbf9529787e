//! The streaming evaluator: per-event extraction and row operations into a [`Partial`],
//! merge of partials from several threads, and [`Plan::finish`] into a [`QueryResult`].
//! It runs the compiled form in `plan/` (`CExpr`, the `Extractor` trie, the compiled
//! commands) and imports nothing from `check`.

mod agg;
mod expr;
mod groups;
mod json_scan;
mod json_skip;
mod keys;
mod natural;
mod partial;
mod pct;
mod row_ops;
mod rows;
mod shape;
mod table;

pub use partial::Partial;
