//! Compares a query's actual rows (GetQueryResults, as `field → value` lists) with the rows the
//! harness expects, and renders a readable diff when they differ.
//!
//! Rows are compared as a multiset (stats row order is undocumented); when the query sorts, the
//! actual rows must also be in the sort's order (ties in any order); when a `limit` cuts through
//! a tie, any of the tied rows may fill the remaining places.

use std::fmt::Write as _;

use logs_insights::time::{format_timestamp, parse_iso8601};

/// One actual row: the fields in the order the service returned them.
pub(crate) type Row = Vec<(String, String)>;

/// How one expected cell matches the actual value (`None` = the field is absent from the row).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Matcher {
    /// The field must be absent (Insights omits null values from rows).
    Absent,
    /// Exactly this string.
    Exact(String),
    /// An integer (a token sum, a count), compared exactly: `"5000"` or `"5000.0"`, never
    /// `"5004"`.
    Int(i64),
    /// A floating-point number (an average), compared with a relative tolerance (averages'
    /// digits are undocumented).
    Num(f64),
    /// A number in `[lo, hi]` (a percentile when the service's method is not known).
    Between(f64, f64),
    /// A timestamp (`YYYY-MM-DD HH:MM:SS.mmm`) within `[lo_ms, hi_ms]`.
    Time { lo_ms: i64, hi_ms: i64 },
    /// Any present value (the caller's ARN on a live account).
    AnyPresent,
}

impl Matcher {
    pub(crate) fn matches(&self, actual: Option<&str>) -> bool {
        match (self, actual) {
            (Matcher::Absent, None) => true,
            (Matcher::Absent, Some(_)) | (_, None) => false,
            (Matcher::Exact(e), Some(a)) => e == a,
            (Matcher::Int(e), Some(a)) => {
                a.parse::<i64>().map_or_else(|_| a.parse::<f64>().is_ok_and(|a| a == *e as f64), |a| a == *e)
            }
            (Matcher::Num(e), Some(a)) => a.parse::<f64>().is_ok_and(|a| close(*e, a)),
            (Matcher::Between(lo, hi), Some(a)) => a.parse::<f64>().is_ok_and(|a| (*lo - 1e-9..=*hi + 1e-9).contains(&a)),
            (Matcher::Time { lo_ms, hi_ms }, Some(a)) => parse_iso8601(a).is_some_and(|t| (*lo_ms..=*hi_ms).contains(&t)),
            (Matcher::AnyPresent, Some(_)) => true,
        }
    }

    /// How the expectation prints in a diff.
    pub(crate) fn render(&self) -> String {
        match self {
            Matcher::Absent => "∅".to_owned(),
            Matcher::Exact(s) => s.clone(),
            Matcher::Int(i) => i.to_string(),
            Matcher::Num(f) => render_num(*f),
            Matcher::Between(lo, hi) => format!("{}..{}", render_num(*lo), render_num(*hi)),
            Matcher::Time { lo_ms, hi_ms } if lo_ms == hi_ms => format_timestamp(*lo_ms),
            Matcher::Time { lo_ms, hi_ms } => format!("{}..{}", format_timestamp(*lo_ms), format_timestamp(*hi_ms)),
            Matcher::AnyPresent => "*".to_owned(),
        }
    }
}

/// Integral numbers without a decimal point, others in shortest round-trip form.
pub(crate) fn render_num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

fn close(e: f64, a: f64) -> bool {
    (e - a).abs() <= 1e-3 * e.abs().max(1.0)
}

/// One expected row: every column of the query with its matcher, and its sort value.
#[derive(Debug, Clone)]
pub(crate) struct ExpectedRow {
    pub(crate) cells: Vec<(String, Matcher)>,
}

impl ExpectedRow {
    fn matches(&self, row: &Row) -> bool {
        let get = |name: &str| row.iter().find(|(f, _)| f == name).map(|(_, v)| v.as_str());
        let cells_ok = self.cells.iter().all(|(name, m)| m.matches(get(name)));
        // No extra fields beyond the expected columns (`@ptr` is the service's, not the query's).
        let no_extra = row.iter().all(|(f, _)| f == "@ptr" || self.cells.iter().any(|(n, _)| n == f));
        cells_ok && no_extra
    }
}

/// What a query must return.
#[derive(Debug, Clone)]
pub(crate) enum Expected {
    /// The query fails with this error code.
    Error(String),
    /// Rows: all of `required`, plus `fill` rows taken from `optional` (limit ties).
    Rows { required: Vec<ExpectedRow>, optional: Vec<ExpectedRow>, fill: usize, sort: Option<(String, bool)> },
}

/// What the query did on the target.
#[derive(Debug, Clone)]
pub(crate) enum Actual {
    Error { code: String, message: String },
    Rows(Vec<Row>),
}

/// Compares; `Err` carries the readable explanation.
pub(crate) fn compare(expected: &Expected, actual: &Actual) -> Result<(), String> {
    match (expected, actual) {
        (Expected::Error(code), Actual::Error { code: got, .. }) if code == got => Ok(()),
        (Expected::Error(code), Actual::Error { code: got, message }) => {
            Err(format!("expected the query to fail with {code}, it failed with {got}: {message}"))
        }
        (Expected::Error(code), Actual::Rows(rows)) => {
            Err(format!("expected the query to fail with {code}, it returned {} row(s):\n{}", rows.len(), table_of_rows(rows)))
        }
        (Expected::Rows { .. }, Actual::Error { code, message }) => Err(format!("the query failed: {code}: {message}")),
        (Expected::Rows { required, optional, fill, sort }, Actual::Rows(rows)) => {
            let mut problems = Vec::new();
            let mut used = vec![false; rows.len()];
            let mut missing = Vec::new();
            for exp in required {
                match (0..rows.len()).find(|&i| !used[i] && exp.matches(&rows[i])) {
                    Some(i) => used[i] = true,
                    None => missing.push(exp),
                }
            }
            let mut filled = 0;
            for exp in optional {
                if filled == *fill {
                    break;
                }
                if let Some(i) = (0..rows.len()).find(|&i| !used[i] && exp.matches(&rows[i])) {
                    used[i] = true;
                    filled += 1;
                }
            }
            if filled < *fill {
                problems.push(format!("{} of the rows tied at the limit are missing", fill - filled));
            }
            let unexpected: Vec<&Row> = rows.iter().zip(&used).filter(|(_, u)| !**u).map(|(r, _)| r).collect();
            if !missing.is_empty() || !unexpected.is_empty() {
                problems.push(row_diff(&missing, &unexpected, required, rows));
            }
            if let Some((column, desc)) = sort
                && let Some(msg) = order_problem(rows, column, *desc)
            {
                problems.push(msg);
            }
            if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
        }
    }
}

/// Checks the non-null values of the sort column are monotonic (ties allowed).
fn order_problem(rows: &[Row], column: &str, desc: bool) -> Option<String> {
    let key = |r: &Row| -> Option<f64> {
        let v = r.iter().find(|(f, _)| f == column).map(|(_, v)| v.as_str())?;
        v.parse::<f64>().ok().or_else(|| parse_iso8601(v).map(|ms| ms as f64))
    };
    let keys: Vec<(usize, f64)> = rows.iter().enumerate().filter_map(|(i, r)| key(r).map(|k| (i, k))).collect();
    for w in keys.windows(2) {
        let ((i, a), (j, b)) = (w[0], w[1]);
        let bad = if desc { a < b } else { a > b };
        if bad {
            let dir = if desc { "desc" } else { "asc" };
            return Some(format!(
                "rows are not sorted by {column} {dir}: row {} has {} before row {} with {}",
                i + 1,
                render_num(a),
                j + 1,
                render_num(b)
            ));
        }
    }
    None
}

fn row_diff(missing: &[&ExpectedRow], unexpected: &[&Row], all_expected: &[ExpectedRow], rows: &[Row]) -> String {
    let render_exp = |r: &ExpectedRow| r.cells.iter().map(|(n, m)| format!("{n}={}", m.render())).collect::<Vec<_>>().join(", ");
    let render_act =
        |r: &Row| r.iter().filter(|(f, _)| f != "@ptr").map(|(f, v)| format!("{f}={v}")).collect::<Vec<_>>().join(", ");
    let mut exp_lines: Vec<String> = all_expected.iter().map(render_exp).collect();
    let mut act_lines: Vec<String> = rows.iter().map(render_act).collect();
    exp_lines.sort();
    act_lines.sort();
    let mut out = String::new();
    let _ = writeln!(out, "rows differ (- expected by the harness, + returned by the target; rows sorted for the diff):");
    let (e, a) = (exp_lines.join("\n") + "\n", act_lines.join("\n") + "\n");
    let diff = similar::TextDiff::from_lines(&e, &a);
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "-",
            similar::ChangeTag::Insert => "+",
            similar::ChangeTag::Equal => " ",
        };
        let _ = write!(out, "    {sign} {change}");
    }
    for m in missing {
        let _ = writeln!(out, "  missing:    {}", render_exp(m));
    }
    for u in unexpected {
        let _ = writeln!(out, "  unexpected: {}", render_act(u));
    }
    out
}

fn table_of_rows(rows: &[Row]) -> String {
    rows.iter().map(|r| r.iter().map(|(f, v)| format!("{f}={v}")).collect::<Vec<_>>().join(", ")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&str, &str)]) -> Row {
        cells.iter().map(|(f, v)| (f.to_string(), v.to_string())).collect()
    }

    fn exp(cells: &[(&str, Matcher)]) -> ExpectedRow {
        ExpectedRow { cells: cells.iter().map(|(n, m)| (n.to_string(), m.clone())).collect() }
    }

    #[test]
    fn multiset_match_ignores_order_without_sort() {
        let expected = Expected::Rows {
            required: vec![
                exp(&[("App", Matcher::Exact("A".into())), ("n", Matcher::Int(1))]),
                exp(&[("App", Matcher::Exact("B".into())), ("n", Matcher::Int(2))]),
            ],
            optional: vec![],
            fill: 0,
            sort: None,
        };
        let actual = Actual::Rows(vec![row(&[("App", "B"), ("n", "2")]), row(&[("App", "A"), ("n", "1")])]);
        assert_eq!(compare(&expected, &actual), Ok(()));
    }

    #[test]
    fn wrong_value_gives_a_diff_and_order_is_checked() {
        let expected = Expected::Rows {
            required: vec![
                exp(&[("App", Matcher::Exact("A".into())), ("n", Matcher::Int(1))]),
                exp(&[("App", Matcher::Exact("B".into())), ("n", Matcher::Int(2))]),
            ],
            optional: vec![],
            fill: 0,
            sort: Some(("n".into(), true)),
        };
        let actual = Actual::Rows(vec![row(&[("App", "A"), ("n", "1")]), row(&[("App", "B"), ("n", "3")])]);
        let err = compare(&expected, &actual).unwrap_err();
        assert!(err.contains("-   App=B, n=2") || err.contains("- App=B, n=2"), "{err}");
        assert!(err.contains("unexpected: App=B, n=3"), "{err}");
        let actual = Actual::Rows(vec![row(&[("App", "A"), ("n", "1")]), row(&[("App", "B"), ("n", "2")])]);
        assert!(compare(&expected, &actual).unwrap_err().contains("not sorted by n desc"));
    }

    #[test]
    fn absent_fields_and_extra_fields() {
        let e = exp(&[("bin(1h)", Matcher::AnyPresent), ("total", Matcher::Absent)]);
        assert!(e.matches(&row(&[("bin(1h)", "x"), ("@ptr", "p")])));
        assert!(!e.matches(&row(&[("bin(1h)", "x"), ("total", "0")])));
        assert!(!e.matches(&row(&[("bin(1h)", "x"), ("other", "0")])));
    }

    #[test]
    fn numbers_times_and_errors() {
        assert!(Matcher::Num(88.88888888888889).matches(Some("88.889")));
        assert!(!Matcher::Num(88.0).matches(Some("89")));
        // Within the float tolerance, but a token sum is off by four.
        assert!(Matcher::Num(5000.0).matches(Some("5004")));
        assert!(!Matcher::Int(5000).matches(Some("5004")));
        assert!(Matcher::Int(5000).matches(Some("5000")) && Matcher::Int(5000).matches(Some("5000.0")));
        assert!(!Matcher::Int(5000).matches(Some("5000.5")) && !Matcher::Int(5000).matches(Some("x")));
        let t = parse_iso8601("2025-12-03 10:00:05.000").unwrap();
        assert!(Matcher::Time { lo_ms: t - 1000, hi_ms: t }.matches(Some("2025-12-03 10:00:05.000")));
        let e = Expected::Error("MalformedQueryException".into());
        assert!(compare(&e, &Actual::Error { code: "MalformedQueryException".into(), message: String::new() }).is_ok());
        assert!(compare(&e, &Actual::Rows(vec![])).is_err());
    }
}
