//! Lines → cells: a serde `DeserializeSeed` walks each line once, keeps only the declared
//! columns (the query's projection) and skips every other value unparsed into a tree, so a
//! 2 KB record with a large body costs one pass and a few small allocations.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::cell::Cell;
use crate::error::SqlError;
use crate::hive_type::HiveType;
use crate::timefmt;

/// The SerDe properties that change reading.
#[derive(Debug, Clone, Default)]
pub(crate) struct SerdeOptions {
    /// `ignore.malformed.json`: a line that is not a JSON object reads as a row of NULLs.
    pub(crate) ignore_malformed: bool,
    /// `case.insensitive` = false: keys must match the column names exactly.
    pub(crate) case_sensitive: bool,
}

/// The columns a scan reads: for each, the JSON key it comes from and its type.
#[derive(Debug, Clone)]
pub(crate) struct RowReader {
    keys: Vec<String>,
    types: Vec<HiveType>,
    options: SerdeOptions,
}

/// Markers that tell our own errors from serde_json's syntax errors.
const BAD_DATA: &str = "\u{1}bad:";
const NOT_OBJECT: &str = "\u{1}row:";

impl RowReader {
    /// `columns`: (JSON key, type) per output column, in output order.
    pub(crate) fn new(columns: Vec<(String, HiveType)>, options: SerdeOptions) -> RowReader {
        let (keys, types) = columns.into_iter().unzip();
        RowReader { keys, types, options }
    }

    /// The output columns' types.
    pub(crate) fn types(&self) -> &[HiveType] {
        &self.types
    }

    /// Reads the lines of `text` into `columns` (one vector per output column); returns the
    /// number of rows added.
    /// Reads the lines of `text` into `columns` (one vector per output column); returns the
    /// number of rows added.
    #[cfg(test)]
    pub(crate) fn read_lines(&self, text: &[u8], columns: &mut [Vec<Cell>], location: &str) -> Result<usize, SqlError> {
        let mut rows = 0;
        for (n, line) in text.split(|b| *b == b'\n').enumerate() {
            rows += self.read_one(line, columns, location, n + 1)?;
        }
        Ok(rows)
    }

    /// Reads line `line_no` of `location` (a blank line adds no row); returns the rows added.
    pub(crate) fn read_one(
        &self,
        line: &[u8],
        columns: &mut [Vec<Cell>],
        location: &str,
        line_no: usize,
    ) -> Result<usize, SqlError> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(0);
        }
        self.read_line(line, columns).map_err(|e| match e {
            SqlError::BadData(m) => SqlError::BadData(format!("{m} (line {line_no} of {location})")),
            SqlError::Cursor(m) => SqlError::Cursor(format!("{m} (line {line_no} of {location})")),
            other => other,
        })?;
        Ok(1)
    }

    fn read_line(&self, line: &[u8], columns: &mut [Vec<Cell>]) -> Result<(), SqlError> {
        let mut row = vec![Cell::Null; self.keys.len()];
        let mut de = serde_json::Deserializer::from_slice(line);
        let result = RowSeed { reader: self, row: &mut row }.deserialize(&mut de).and_then(|()| de.end());
        match result {
            Ok(()) => {}
            Err(e) => {
                let text = e.to_string();
                if let Some(at) = text.find(BAD_DATA) {
                    let message = text[at + BAD_DATA.len()..].split(" at line ").next().unwrap_or_default();
                    return Err(SqlError::BadData(message.to_owned()));
                }
                if self.options.ignore_malformed {
                    row.iter_mut().for_each(|c| *c = Cell::Null);
                } else {
                    let detail = text.replace(NOT_OBJECT, "");
                    return Err(SqlError::Cursor(format!("Row is not a valid JSON Object - JSONException: {detail}")));
                }
            }
        }
        for (col, cell) in columns.iter_mut().zip(row) {
            col.push(cell);
        }
        Ok(())
    }

    fn column_of(&self, key: &str) -> Option<usize> {
        if self.options.case_sensitive {
            self.keys.iter().position(|k| k == key)
        } else {
            self.keys.iter().position(|k| k.eq_ignore_ascii_case(key))
        }
    }
}

struct RowSeed<'a> {
    reader: &'a RowReader,
    row: &'a mut [Cell],
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = vec![false; self.row.len()];
        while let Some(col) = map.next_key_seed(KeySeed(|k: &str| self.reader.column_of(k)))? {
            match col {
                Some(i) => {
                    if seen[i] {
                        return Err(de::Error::custom(format!("{NOT_OBJECT}Duplicate key \"{}\"", self.reader.keys[i])));
                    }
                    seen[i] = true;
                    self.row[i] = map.next_value_seed(CellSeed { ty: &self.reader.types[i], field: &self.reader.keys[i] })?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(format!("{NOT_OBJECT}A JSONObject text must begin with '{{'")))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(format!("{NOT_OBJECT}A JSONObject text must begin with '{{'")))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(format!("{NOT_OBJECT}A JSONObject text must begin with '{{'")))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(format!("{NOT_OBJECT}A JSONObject text must begin with '{{'")))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(format!("{NOT_OBJECT}A JSONObject text must begin with '{{'")))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(format!("{NOT_OBJECT}A JSONObject text must begin with '{{'")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(format!("{NOT_OBJECT}A JSONObject text must begin with '{{'")))
    }
}

/// A key, looked up without allocating when it has no escapes.
struct KeySeed<F>(F);

impl<'de, F: Fn(&str) -> Option<usize>> DeserializeSeed<'de> for KeySeed<F> {
    type Value = Option<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<F: Fn(&str) -> Option<usize>> Visitor<'_> for KeySeed<F> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        Ok((self.0)(v))
    }
}

/// One value read as `ty`.
struct CellSeed<'a> {
    ty: &'a HiveType,
    field: &'a str,
}

impl CellSeed<'_> {
    fn bad<E: de::Error>(&self, value: impl fmt::Display) -> E {
        E::custom(format!("{BAD_DATA}Error parsing field value '{value}' for field '{}' of type {}", self.field, self.ty))
    }

    fn int<E: de::Error>(&self, n: i128, shown: impl fmt::Display) -> Result<Cell, E> {
        let (lo, hi) = match self.ty {
            HiveType::TinyInt => (i128::from(i8::MIN), i128::from(i8::MAX)),
            HiveType::SmallInt => (i128::from(i16::MIN), i128::from(i16::MAX)),
            HiveType::Int => (i128::from(i32::MIN), i128::from(i32::MAX)),
            _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
        };
        if n < lo || n > hi {
            return Err(self.bad(shown));
        }
        Ok(Cell::Int(n as i64))
    }

    fn number<E: de::Error>(&self, n: f64, int: Option<i128>, shown: &str) -> Result<Cell, E> {
        match self.ty {
            HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) => Ok(Cell::Str(shown.to_owned())),
            HiveType::TinyInt | HiveType::SmallInt | HiveType::Int | HiveType::BigInt => match int {
                Some(i) => self.int(i, shown),
                None => Err(self.bad(shown)),
            },
            HiveType::Float | HiveType::Double => Ok(Cell::Float(n)),
            HiveType::Timestamp => int.and_then(|i| i64::try_from(i).ok()).map(Cell::Ts).ok_or_else(|| self.bad(shown)),
            _ => Err(self.bad(shown)),
        }
    }
}

impl<'de> DeserializeSeed<'de> for CellSeed<'_> {
    type Value = Cell;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Cell, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CellSeed<'_> {
    type Value = Cell;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a value of type {}", self.ty)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Cell, E> {
        Ok(Cell::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cell, E> {
        match self.ty {
            HiveType::Boolean => Ok(Cell::Bool(v)),
            HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) => Ok(Cell::Str(v.to_string())),
            _ => Err(self.bad(v)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell, E> {
        self.number(v as f64, Some(i128::from(v)), &v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell, E> {
        self.number(v as f64, Some(i128::from(v)), &v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell, E> {
        let int = (v.fract() == 0.0 && v.abs() < 9.2e18).then_some(v as i128);
        self.number(v, int, &crate::result::java_double(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
        let t = v.trim();
        match self.ty {
            HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) => Ok(Cell::Str(v.to_owned())),
            HiveType::TinyInt | HiveType::SmallInt | HiveType::Int | HiveType::BigInt => match t.parse::<i128>() {
                Ok(n) => self.int(n, v),
                Err(_) => Err(self.bad(v)),
            },
            HiveType::Float | HiveType::Double => t.parse::<f64>().map(Cell::Float).map_err(|_| self.bad(v)),
            HiveType::Boolean => Ok(Cell::Bool(t.eq_ignore_ascii_case("true"))),
            HiveType::Timestamp => timefmt::parse_timestamp_ms(t).map(Cell::Ts).ok_or_else(|| self.bad(v)),
            HiveType::Date => timefmt::parse_date_days(t).map(Cell::Date).ok_or_else(|| self.bad(v)),
            HiveType::Array(_) | HiveType::Map(..) | HiveType::Struct(_) => Err(self.bad(v)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cell, A::Error> {
        match self.ty {
            HiveType::Array(item) => {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element_seed(CellSeed { ty: item, field: self.field })? {
                    out.push(c);
                }
                Ok(Cell::List(out))
            }
            HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) => {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element::<serde_json::Value>()? {
                    out.push(v);
                }
                Ok(Cell::Str(serde_json::Value::Array(out).to_string()))
            }
            _ => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Err(self.bad("[...]"))
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cell, A::Error> {
        match self.ty {
            HiveType::Struct(fields) => {
                let mut cells = vec![Cell::Null; fields.len()];
                let mut seen = vec![false; fields.len()];
                while let Some(i) =
                    map.next_key_seed(KeySeed(|k: &str| fields.iter().position(|(n, _)| n.eq_ignore_ascii_case(k))))?
                {
                    match i {
                        Some(i) => {
                            if seen[i] {
                                return Err(de::Error::custom(format!("{NOT_OBJECT}Duplicate key \"{}\"", fields[i].0)));
                            }
                            seen[i] = true;
                            cells[i] = map.next_value_seed(CellSeed { ty: &fields[i].1, field: &fields[i].0 })?;
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Cell::Struct(cells))
            }
            HiveType::Map(k, v) => {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let key = match **k {
                        HiveType::Int | HiveType::BigInt => {
                            key.trim().parse::<i64>().map(Cell::Int).map_err(|_| self.bad(&key))?
                        }
                        _ => Cell::Str(key),
                    };
                    let value = map.next_value_seed(CellSeed { ty: v, field: self.field })?;
                    entries.push((key, value));
                }
                Ok(Cell::Map(entries))
            }
            HiveType::String | HiveType::Varchar(_) | HiveType::Char(_) => {
                let mut out = serde_json::Map::new();
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    out.insert(k, v);
                }
                Ok(Cell::Str(serde_json::Value::Object(out).to_string()))
            }
            _ => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Err(self.bad("{...}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(cols: &[(&str, &str)], text: &str, options: SerdeOptions) -> Result<Vec<Vec<Cell>>, SqlError> {
        let r = RowReader::new(cols.iter().map(|(k, t)| (k.to_string(), HiveType::parse(t).unwrap())).collect(), options);
        let mut out = vec![Vec::new(); cols.len()];
        r.read_lines(text.as_bytes(), &mut out, "test").map(|_| out)
    }

    #[test]
    fn keys_ignore_case_and_missing_keys_are_null() {
        let out = read(
            &[("modelid", "string"), ("n", "int")],
            "{\"modelId\":\"m\",\"other\":{\"x\":[1,2]}}\n\n{\"N\":\"7\"}\n",
            SerdeOptions::default(),
        )
        .unwrap();
        assert_eq!(out[0], [Cell::Str("m".into()), Cell::Null]);
        assert_eq!(out[1], [Cell::Null, Cell::Int(7)]);
    }

    #[test]
    fn strings_keep_nested_json_and_structs_pick_fields() {
        let out = read(
            &[("a", "string"), ("s", "struct<x:int,y:array<string>>")],
            r#"{"a":{"k":[1,true]},"s":{"X":1,"y":["p"],"z":0}}"#,
            SerdeOptions::default(),
        )
        .unwrap();
        assert_eq!(out[0], [Cell::Str(r#"{"k":[1,true]}"#.into())]);
        assert_eq!(out[1], [Cell::Struct(vec![Cell::Int(1), Cell::List(vec![Cell::Str("p".into())])])]);
    }

    #[test]
    fn malformed_lines_fail_unless_ignored() {
        let err = read(&[("a", "string")], "{\"a\":1}\nnot json\n", SerdeOptions::default()).unwrap_err();
        assert!(err.to_string().starts_with("HIVE_CURSOR_ERROR: Row is not a valid JSON Object"), "{err}");
        assert!(err.to_string().contains("line 2 of test"), "{err}");
        let out =
            read(&[("a", "string")], "{\"a\":1}\nnot json\n[1]\n", SerdeOptions { ignore_malformed: true, ..Default::default() })
                .unwrap();
        assert_eq!(out[0], [Cell::Str("1".into()), Cell::Null, Cell::Null]);
        let err = read(&[("a", "int")], "{\"a\":\"x\"}", SerdeOptions::default()).unwrap_err();
        assert!(err.to_string().starts_with("HIVE_BAD_DATA: Error parsing field value 'x' for field 'a'"), "{err}");
        let err = read(&[("a", "int")], "{\"a\":1,\"A\":2}", SerdeOptions::default()).unwrap_err();
        assert!(err.to_string().contains("Duplicate key"), "{err}");
    }
}
