//! The streaming evaluator: per-event extraction and row operations into a [`Partial`],
//! merge of partials from several threads, and [`Plan::finish`] into a [`QueryResult`].

mod agg;
mod expr;
mod groups;
mod json_scan;
mod keys;
mod natural;
mod partial;
mod row_ops;
mod rows;
mod table;

pub use partial::Partial;
