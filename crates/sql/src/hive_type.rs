//! Hive column types as Athena's DDL writes them (`string`, `int`, `struct<a:string,b:array<int>>`,
//! ...): parsed from text, printed back in Hive's spelling, mapped to Arrow for the scan and to
//! the Trino names GetQueryResults reports.

use std::fmt;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields, TimeUnit};

use crate::error::SqlError;

/// A Hive column type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HiveType {
    String,
    /// `varchar(n)` and `char(n)` read as strings (the length is kept for SHOW CREATE TABLE).
    Varchar(Option<u32>),
    Char(u32),
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    Float,
    Double,
    Boolean,
    Timestamp,
    Date,
    Array(Box<HiveType>),
    Map(Box<HiveType>, Box<HiveType>),
    Struct(Vec<(String, HiveType)>),
}

impl HiveType {
    /// Parses a Hive type (case-insensitive); struct field names are lower-cased as Athena does.
    pub fn parse(text: &str) -> Result<HiveType, SqlError> {
        let mut p = TypeParser { s: text.as_bytes(), pos: 0, text };
        let ty = p.ty()?;
        p.skip_ws();
        if p.pos != p.s.len() {
            return Err(p.error("unexpected text after the type"));
        }
        Ok(ty)
    }

    /// The Arrow type the scan builds for this column.
    pub fn arrow(&self) -> DataType {
        match self {
            HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) => DataType::Utf8,
            HiveType::TinyInt => DataType::Int8,
            HiveType::SmallInt => DataType::Int16,
            HiveType::Int => DataType::Int32,
            HiveType::BigInt => DataType::Int64,
            HiveType::Float => DataType::Float32,
            HiveType::Double => DataType::Float64,
            HiveType::Boolean => DataType::Boolean,
            HiveType::Timestamp => DataType::Timestamp(TimeUnit::Millisecond, None),
            HiveType::Date => DataType::Date32,
            HiveType::Array(item) => DataType::List(Arc::new(Field::new("item", item.arrow(), true))),
            HiveType::Map(k, v) => DataType::Map(map_entries(k, v), false),
            HiveType::Struct(fields) => DataType::Struct(struct_fields(fields)),
        }
    }
}

/// The entries field of a map column.
pub(crate) fn map_entries(k: &HiveType, v: &HiveType) -> Arc<Field> {
    let fields = Fields::from(vec![Field::new("key", k.arrow(), false), Field::new("value", v.arrow(), true)]);
    Arc::new(Field::new("entries", DataType::Struct(fields), false))
}

/// The fields of a struct column.
pub(crate) fn struct_fields(fields: &[(String, HiveType)]) -> Fields {
    fields.iter().map(|(n, t)| Field::new(n, t.arrow(), true)).collect()
}

impl fmt::Display for HiveType {
    /// Hive's spelling, as DESCRIBE and SHOW CREATE TABLE print it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HiveType::String => f.write_str("string"),
            HiveType::Varchar(None) => f.write_str("varchar"),
            HiveType::Varchar(Some(n)) => write!(f, "varchar({n})"),
            HiveType::Char(n) => write!(f, "char({n})"),
            HiveType::TinyInt => f.write_str("tinyint"),
            HiveType::SmallInt => f.write_str("smallint"),
            HiveType::Int => f.write_str("int"),
            HiveType::BigInt => f.write_str("bigint"),
            HiveType::Float => f.write_str("float"),
            HiveType::Double => f.write_str("double"),
            HiveType::Boolean => f.write_str("boolean"),
            HiveType::Timestamp => f.write_str("timestamp"),
            HiveType::Date => f.write_str("date"),
            HiveType::Array(t) => write!(f, "array<{t}>"),
            HiveType::Map(k, v) => write!(f, "map<{k},{v}>"),
            HiveType::Struct(fields) => {
                f.write_str("struct<")?;
                for (i, (n, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{n}:{t}")?;
                }
                f.write_str(">")
            }
        }
    }
}

/// The Trino type name Athena reports in `ColumnInfo.Type` for an Arrow type.
pub fn athena_type_name(ty: &DataType) -> &'static str {
    match ty {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "varchar",
        DataType::Int8 => "tinyint",
        DataType::Int16 => "smallint",
        DataType::Int32 | DataType::UInt8 | DataType::UInt16 => "integer",
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => "bigint",
        DataType::Float32 => "real",
        DataType::Float64 | DataType::Float16 => "double",
        DataType::Boolean => "boolean",
        DataType::Timestamp(_, Some(_)) => "timestamp with time zone",
        DataType::Timestamp(_, None) => "timestamp",
        DataType::Date32 | DataType::Date64 => "date",
        DataType::Decimal128(..) | DataType::Decimal256(..) => "decimal",
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => "array",
        DataType::Map(..) => "map",
        DataType::Struct(_) => "row",
        DataType::Null => "unknown",
        DataType::Interval(_) | DataType::Duration(_) => "interval day to second",
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "varbinary",
        _ => "varchar",
    }
}

struct TypeParser<'a> {
    s: &'a [u8],
    pos: usize,
    text: &'a str,
}

impl TypeParser<'_> {
    fn error(&self, what: &str) -> SqlError {
        SqlError::Syntax(format!("{what} in type '{}' at position {}", self.text, self.pos + 1))
    }

    fn skip_ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn word(&mut self) -> String {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.s.len() && (self.s[self.pos].is_ascii_alphanumeric() || self.s[self.pos] == b'_') {
            self.pos += 1;
        }
        self.text[start..self.pos].to_ascii_lowercase()
    }

    /// A field name: a word or a back-quoted name.
    fn field_name(&mut self) -> Result<String, SqlError> {
        self.skip_ws();
        if self.s.get(self.pos) == Some(&b'`') {
            let start = self.pos + 1;
            let end = self.text[start..].find('`').ok_or_else(|| self.error("unclosed `"))? + start;
            self.pos = end + 1;
            return Ok(self.text[start..end].to_ascii_lowercase());
        }
        let w = self.word();
        if w.is_empty() { Err(self.error("expected a field name")) } else { Ok(w) }
    }

    fn expect(&mut self, c: u8) -> Result<(), SqlError> {
        self.skip_ws();
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected '{}'", c as char)))
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.pos).copied()
    }

    fn number(&mut self) -> Result<u32, SqlError> {
        self.skip_ws();
        let start = self.pos;
        while self.pos < self.s.len() && self.s[self.pos].is_ascii_digit() {
            self.pos += 1;
        }
        self.text[start..self.pos].parse().map_err(|_| self.error("expected a number"))
    }

    fn ty(&mut self) -> Result<HiveType, SqlError> {
        let start = self.pos;
        let word = self.word();
        Ok(match word.as_str() {
            "string" => HiveType::String,
            "varchar" => {
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    let n = self.number()?;
                    self.expect(b')')?;
                    HiveType::Varchar(Some(n))
                } else {
                    HiveType::Varchar(None)
                }
            }
            "char" => {
                self.expect(b'(')?;
                let n = self.number()?;
                self.expect(b')')?;
                HiveType::Char(n)
            }
            "tinyint" => HiveType::TinyInt,
            "smallint" => HiveType::SmallInt,
            "int" | "integer" => HiveType::Int,
            "bigint" => HiveType::BigInt,
            "float" => HiveType::Float,
            "double" => HiveType::Double,
            "boolean" => HiveType::Boolean,
            "timestamp" => HiveType::Timestamp,
            "date" => HiveType::Date,
            "array" => {
                self.expect(b'<')?;
                let item = self.ty()?;
                self.expect(b'>')?;
                HiveType::Array(Box::new(item))
            }
            "map" => {
                self.expect(b'<')?;
                let k = self.ty()?;
                self.expect(b',')?;
                let v = self.ty()?;
                self.expect(b'>')?;
                if !matches!(k, HiveType::String | HiveType::Varchar(_) | HiveType::Int | HiveType::BigInt) {
                    return Err(SqlError::NotSupported(format!("map keys of type {k} (string, int and bigint keys are)")));
                }
                HiveType::Map(Box::new(k), Box::new(v))
            }
            "struct" => {
                self.expect(b'<')?;
                let mut fields: Vec<(String, HiveType)> = Vec::new();
                loop {
                    let name = self.field_name()?;
                    self.expect(b':')?;
                    let ty = self.ty()?;
                    if fields.iter().any(|(n, _)| *n == name) {
                        return Err(self.error(&format!("duplicate field '{name}'")));
                    }
                    fields.push((name, ty));
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        _ => break,
                    }
                }
                self.expect(b'>')?;
                HiveType::Struct(fields)
            }
            "decimal" | "binary" | "uniontype" | "interval" => {
                return Err(SqlError::NotSupported(format!("the column type {word}")));
            }
            "" => {
                self.pos = start;
                return Err(self.error("expected a type"));
            }
            other => return Err(SqlError::Syntax(format!("unknown type '{other}' in '{}'", self.text))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_nested_types() {
        let t =
            HiveType::parse("struct< inputContentType:string,\n inputTokenCount:INT, tags:array<map<string,bigint>> >").unwrap();
        assert_eq!(t.to_string(), "struct<inputcontenttype:string,inputtokencount:int,tags:array<map<string,bigint>>>");
        assert!(HiveType::parse("struct<a:string").is_err());
        assert!(HiveType::parse("decimal(10,2)").unwrap_err().to_string().contains("decimal"));
        assert!(HiveType::parse("blob").is_err());
    }
}
