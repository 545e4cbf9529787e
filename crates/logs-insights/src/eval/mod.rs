//! The streaming evaluator: per-event extraction and row operations into a [`Partial`],
//! merge of partials from several threads, and [`Plan::finish`] into a [`QueryResult`].

pub(crate) mod agg;
pub(crate) mod expr;
pub(crate) mod groups;
pub(crate) mod json_scan;
pub(crate) mod keys;
pub(crate) mod natural;
mod partial;
pub(crate) mod row_ops;
pub(crate) mod rows;
mod table;

pub use partial::Partial;
