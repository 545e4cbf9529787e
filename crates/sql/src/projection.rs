//! Partition projection's per-key rules (`projection.<key>.type` = `enum`, `integer`, `date`,
//! `injected`), checked against the values found in object keys. Cheap by design: a `date`
//! range bound written as `NOW...` does not bound, and a date is compared as text in its own
//! format (Athena's formats are big-endian: `yyyy/MM/dd/HH`).

use crate::catalog::TableDef;
use crate::error::SqlError;

/// One key's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Projection {
    Enum(Vec<String>),
    Integer { lo: i64, hi: i64 },
    Date { format: String, lo: Option<String>, hi: Option<String> },
    Injected,
}

impl Projection {
    /// The rule the table's properties give `key`.
    pub(crate) fn of(table: &TableDef, key: &str) -> Result<Projection, SqlError> {
        let prop = |name: &str| table.table_property(&format!("projection.{key}.{name}")).map(str::trim);
        let missing = |name: &str| SqlError::InvalidDdl(format!("partition projection: projection.{key}.{name} is missing"));
        match prop("type").map(str::to_ascii_lowercase).as_deref() {
            Some("enum") => {
                let values = prop("values").ok_or_else(|| missing("values"))?;
                Ok(Projection::Enum(values.split(',').map(|v| v.trim().to_owned()).collect()))
            }
            Some("integer") => {
                let range = prop("range").ok_or_else(|| missing("range"))?;
                let (lo, hi) = range.split_once(',').ok_or_else(|| missing("range"))?;
                let parse = |s: &str| {
                    s.trim()
                        .parse::<i64>()
                        .map_err(|_| SqlError::InvalidDdl(format!("projection.{key}.range: '{s}' is not an integer")))
                };
                Ok(Projection::Integer { lo: parse(lo)?, hi: parse(hi)? })
            }
            Some("date") => {
                let format = prop("format").ok_or_else(|| missing("format"))?.to_owned();
                let range = prop("range").ok_or_else(|| missing("range"))?;
                let (lo, hi) = range.split_once(',').ok_or_else(|| missing("range"))?;
                let bound = |s: &str| (!s.trim().to_ascii_uppercase().starts_with("NOW")).then(|| s.trim().to_owned());
                Ok(Projection::Date { format, lo: bound(lo), hi: bound(hi) })
            }
            Some("injected") => Ok(Projection::Injected),
            Some(other) => Err(SqlError::NotSupported(format!("the partition projection type '{other}'"))),
            None => Err(missing("type")),
        }
    }

    /// Whether a value found in a key is one the projection yields.
    pub(crate) fn allows(&self, value: &str) -> bool {
        match self {
            Projection::Enum(values) => values.iter().any(|v| v == value),
            Projection::Integer { lo, hi } => value.parse::<i64>().is_ok_and(|n| n >= *lo && n <= *hi),
            Projection::Date { format, lo, hi } => {
                matches_format(format, value)
                    && lo.as_ref().is_none_or(|lo| value >= lo.as_str())
                    && hi.as_ref().is_none_or(|hi| value <= hi.as_str())
            }
            Projection::Injected => true,
        }
    }
}

/// Whether `value` has the shape of a Java date format (letters are digits, the rest literal).
fn matches_format(format: &str, value: &str) -> bool {
    format.len() == value.len()
        && format.bytes().zip(value.bytes()).all(|(f, v)| if f.is_ascii_alphabetic() { v.is_ascii_digit() } else { f == v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_allow_what_they_project() {
        assert!(Projection::Enum(vec!["a".into()]).allows("a"));
        assert!(!Projection::Integer { lo: 1, hi: 3 }.allows("4"));
        let d = Projection::Date { format: "yyyy/MM/dd".into(), lo: Some("2025/01/01".into()), hi: None };
        assert!(d.allows("2025/02/01"));
        assert!(!d.allows("2024/12/31"));
        assert!(!d.allows("2025/2/01"));
    }
}
