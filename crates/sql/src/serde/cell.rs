//! One field's value as the JsonSerDe read it, before it goes into an Arrow column.

/// A value read for a column of some Hive type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Epoch milliseconds.
    Ts(i64),
    /// Days since the epoch.
    Date(i32),
    List(Vec<Cell>),
    /// Keys are `Str` or `Int`.
    Map(Vec<(Cell, Cell)>),
    /// One cell per declared field.
    Struct(Vec<Cell>),
}
