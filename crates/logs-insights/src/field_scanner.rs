//! [`FieldScanner`]: the query's own field extractor (`plan/extractor.rs` walked by
//! `eval/json_scan.rs`), for callers that need a few fields of a record before or besides a
//! query: the `timestamp` of a `ModelInvocationLog` line read from a file, the `requestId` an
//! import deduplicates on, the fields a cost report groups and prices by. One walk over the raw
//! bytes, no JSON tree, no copy of the line (a string is copied only when it has escapes);
//! [`FieldScanner::with_values`] allocates nothing for up to [`FieldScanner::INLINE`] paths.

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

    /// Paths [`FieldScanner::with_values`] reads without allocating.
    pub const INLINE: usize = 16;

    /// Calls `f` with the values of every path in `msg` (in the order given to
    /// [`FieldScanner::new`]), read in one walk that stops as soon as every path is found. The
    /// values borrow from `msg`; up to [`FieldScanner::INLINE`] paths live on the stack.
    pub fn with_values<R>(&self, msg: &[u8], f: impl FnOnce(&FieldValues<'_, '_>) -> R) -> R {
        if self.n <= Self::INLINE {
            let mut row: [Value<'_>; Self::INLINE] = Default::default();
            self.extractor.extract(msg, &mut row[..self.n]);
            f(&FieldValues { row: &row[..self.n] })
        } else {
            let mut row = vec![Value::Null; self.n];
            self.extractor.extract(msg, &mut row);
            f(&FieldValues { row: &row })
        }
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

/// The values one walk of [`FieldScanner::with_values`] read, by path index.
#[derive(Debug)]
pub struct FieldValues<'r, 'a> {
    row: &'r [Value<'a>],
}

impl FieldValues<'_, '_> {
    /// The value as a string when it is a JSON string.
    pub fn str(&self, i: usize) -> Option<&str> {
        match self.row.get(i)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a non-negative integer: a JSON integer, or a string of one (as Insights
    /// coerces numeric strings); `None` when absent, negative, fractional or not a number.
    pub fn u64(&self, i: usize) -> Option<u64> {
        match self.row.get(i)?.num()? {
            crate::value::Num::Int(n) => u64::try_from(n).ok(),
            crate::value::Num::Float(_) => None,
        }
    }

    /// The value as the query renders it (strings as they are, numbers as text); `None` where
    /// the path is absent, null, an object or an array.
    pub fn text(&self, i: usize) -> Option<Cow<'_, str>> {
        self.row.get(i)?.text()
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

    #[test]
    fn with_values_reads_typed_values_inline_and_beyond() {
        let scanner = FieldScanner::new(&["modelId", "input.inputTokenCount", "n", "neg", "frac", "missing"]);
        let msg = br#"{"modelId":"m","input":{"inputTokenCount":12},"n":"7","neg":-1,"frac":1.5}"#;
        scanner.with_values(msg, |v| {
            assert_eq!(v.str(0), Some("m"));
            assert_eq!(v.str(1), None, "a number is not a string");
            assert_eq!((v.u64(1), v.u64(2), v.u64(3), v.u64(4), v.u64(5)), (Some(12), Some(7), None, None, None));
            assert_eq!(v.text(1).as_deref(), Some("12"));
            assert_eq!(v.text(5), None);
            assert_eq!(v.u64(99), None, "an index past the paths is absent");
        });
        let many: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
        let paths: Vec<&str> = many.iter().map(String::as_str).collect();
        let wide = FieldScanner::new(&paths);
        assert_eq!(
            wide.with_values(br#"{"k19":3,"k0":"a"}"#, |v| (v.u64(19), v.str(0).map(str::to_owned))),
            (Some(3), Some("a".into()))
        );
    }
}
