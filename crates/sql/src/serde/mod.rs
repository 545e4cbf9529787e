//! The OpenX JsonSerDe's reading of newline-delimited JSON: one object per line, keys matched
//! to columns without regard to case, missing keys NULL, values converted to the declared
//! types, and a line that is not a JSON object an error unless `ignore.malformed.json`.

mod arrays;
mod cell;
mod reader;

pub(crate) use arrays::build_array;
pub(crate) use cell::Cell;
pub(crate) use reader::{RowReader, SerdeOptions};
