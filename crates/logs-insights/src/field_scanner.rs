//! [`FieldScanner`]: the query's own field extractor (`plan/extractor.rs` walked by
//! `eval/json_scan.rs`), for callers that need a few fields of a record before or besides a
//! query: the `timestamp` of a `ModelInvocationLog` line read from a file, the `requestId` an
//! import deduplicates on. One walk over the raw bytes, no JSON tree, no copy of the line
//! (a string is copied only when it has escapes).

use std::borrow::Cow;

use crate::plan::Extractor;
use crate::value::Value;

/// Reads the values of fixed flattened paths (`timestamp`, `input.inputTokenCount`) from JSON
/// messages. Cheap to share between threads (`Send + Sync`, immutable).
#[derive(Debug, Clone)]
pub struct FieldScanner {
    extractor: Extractor,
    n: usize,
}

impl FieldScanner {
    /// A scanner for `paths`, read in this order by [`FieldScanner::texts`].
    pub fn new(paths: &[&str]) -> FieldScanner {
        let mut extractor = Extractor::default();
        for (slot, path) in paths.iter().enumerate() {
            extractor.add(path, slot as u32);
        }
        FieldScanner { extractor, n: paths.len() }
    }

    /// The value of every path in `msg` as text (strings as they are, numbers and booleans
    /// as the query renders them), `None` where the path is absent, null, an object or an array.
    /// The walk stops as soon as every path is found.
    pub fn texts<'a>(&self, msg: &'a [u8]) -> Vec<Option<Cow<'a, str>>> {
        let mut row = vec![Value::Null; self.n];
        self.extractor.extract(msg, &mut row);
        row.into_iter()
            .map(|v| match v {
                Value::Str(s) => Some(s),
                other => crate::choices::render(&other).map(Cow::Owned),
            })
            .collect()
    }

    /// The first path's value as a string, `None` unless it is a JSON string.
    pub fn string<'a>(&self, msg: &'a [u8]) -> Option<Cow<'a, str>> {
        let mut row = [Value::Null];
        if self.n == 1 {
            self.extractor.extract(msg, &mut row);
        } else {
            let mut all = vec![Value::Null; self.n];
            self.extractor.extract(msg, &mut all);
            row[0] = std::mem::take(&mut all[0]);
        }
        match std::mem::take(&mut row[0]) {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strings_numbers_and_nested_paths_without_a_tree() {
        let scanner = FieldScanner::new(&["timestamp", "input.inputTokenCount", "flag", "missing", "input"]);
        let msg = br#"{"timestamp":"2025-12-03T10:00:00Z","input":{"inputTokenCount":12},"flag":true}"#;
        let got = scanner.texts(msg);
        let want = [Some("2025-12-03T10:00:00Z"), Some("12"), Some("true"), None, None];
        assert_eq!(got.iter().map(|v| v.as_deref()).collect::<Vec<_>>(), want);
        assert!(matches!(scanner.string(msg), Some(Cow::Borrowed("2025-12-03T10:00:00Z"))));
        let number_first = FieldScanner::new(&["input.inputTokenCount"]);
        assert_eq!(number_first.string(msg), None, "a number is not a string");
        assert_eq!(FieldScanner::new(&["k"]).string(br#"{"k":"a\"b"}"#).as_deref(), Some("a\"b"));
        assert_eq!(FieldScanner::new(&["k"]).string(b"{oops"), None);
    }
}
