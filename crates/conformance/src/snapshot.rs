//! insta snapshots of each query's result under `fixtures/scenarios/snapshots/`, one file per
//! scenario and query. What differs between runs or targets is redacted the same way on both
//! targets (times, token counts, latencies, the caller's ARN, `@ptr`, error messages), and rows
//! are sorted, so one set of snapshots serves `--mock` and `--aws`.
//! `cargo xtask e2e --mock --update-snapshots` rewrites them; without it a snapshot that differs
//! fails, even when insta itself let it pass (see [`verdict`]).

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use super::compare::{Actual, Row};
use super::scenario::{AggFn, Expect, QueryCase};

/// How the snapshot check ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SnapshotVerdict {
    Matched,
    /// Written or rewritten under `--update-snapshots` (never otherwise).
    Updated,
    Mismatch(String),
    NotChecked,
}

impl SnapshotVerdict {
    pub(crate) fn passed(&self) -> bool {
        matches!(self, SnapshotVerdict::Matched | SnapshotVerdict::Updated | SnapshotVerdict::NotChecked)
    }

    pub(crate) fn label(&self) -> &'static str {
        match self {
            SnapshotVerdict::Matched => "matches",
            SnapshotVerdict::Updated => "updated",
            SnapshotVerdict::Mismatch(_) => "DIFFERS",
            SnapshotVerdict::NotChecked => "not checked",
        }
    }
}

/// The redaction of each column the query's expectation describes.
fn redaction_of(expect: &Expect, column: &str) -> Option<&'static str> {
    match expect {
        Expect::Error { .. } => None,
        Expect::Events { columns, .. } => columns.iter().find(|c| c.name == column).and_then(|c| c.value.redaction()),
        Expect::Stats { by, aggregates, .. } => {
            if let Some(g) = by.iter().find(|g| g.name == column) {
                return g.key.redaction();
            }
            let a = aggregates.iter().find(|a| a.name == column)?;
            if a.agg == AggFn::Count { None } else { a.of.as_ref().and_then(|s| s.redaction()) }
        }
    }
}

/// The columns a query's expectation names, in order (`stats`: the groups, then the aggregates).
fn declared_columns(expect: &Expect) -> Vec<&str> {
    match expect {
        Expect::Events { columns, .. } => columns.iter().map(|c| c.name.as_str()).collect(),
        Expect::Stats { by, aggregates, .. } => {
            by.iter().map(|g| g.name.as_str()).chain(aggregates.iter().map(|a| a.name.as_str())).collect()
        }
        Expect::Error { .. } => Vec::new(),
    }
}

/// The redacted, sorted text of a result.
pub(crate) fn render(case: &QueryCase, actual: &Actual) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "query: {}", case.file);
    match actual {
        Actual::Error { code, .. } => {
            let _ = writeln!(out, "error: {code}");
        }
        Actual::Rows(rows) => {
            // The query's own columns in its order (rows omit absent fields, so the first row
            // alone does not give it), then any other field in the order first seen.
            let mut columns: Vec<&str> = declared_columns(&case.expect)
                .into_iter()
                .filter(|c| rows.iter().any(|r| r.iter().any(|(f, _)| f == c)))
                .collect();
            for row in rows {
                for (f, _) in row {
                    if f != "@ptr" && !columns.contains(&f.as_str()) {
                        columns.push(f);
                    }
                }
            }
            let _ = writeln!(out, "rows: {}", rows.len());
            let cell = |row: &Row, c: &str| match row.iter().find(|(f, _)| f == c) {
                None => "∅".to_owned(),
                // Account ids (in ARNs) differ per account: scrubbed as recordings are.
                Some((_, v)) => redaction_of(&case.expect, c).map_or_else(|| super::record::scrub_text(v), str::to_owned),
            };
            let mut lines: Vec<String> = rows
                .iter()
                .map(|r| format!("| {} |", columns.iter().map(|c| cell(r, c)).collect::<Vec<_>>().join(" | ")))
                .collect();
            lines.sort();
            if !columns.is_empty() {
                let _ = writeln!(out, "| {} |", columns.join(" | "));
                let _ = writeln!(out, "|{}", "---|".repeat(columns.len()));
            }
            for l in lines {
                let _ = writeln!(out, "{l}");
            }
        }
    }
    out
}

/// Asserts the snapshot `<scenario>__<query file>` with insta, turning its panic into a verdict.
pub(crate) fn check(scenario: &str, case: &QueryCase, actual: &Actual, update_snapshots: bool) -> SnapshotVerdict {
    let root = crate::workspace_root();
    let name = format!("{scenario}__{}", case.file.trim_end_matches(".insights").replace('/', "__"));
    let path = root.join("fixtures/scenarios/snapshots");
    let file = path.join(format!("{name}.snap"));
    let before = std::fs::read_to_string(&file).ok();
    let content = render(case, actual);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&path);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_input_file(root.join("fixtures/queries").join(&case.file));
    // Quiet the default hook while insta panics on a mismatch (it prints its own diff).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name.clone(), content.clone()));
    }));
    std::panic::set_hook(hook);
    verdict(&file, before.as_deref(), &content, result.is_ok(), update_snapshots)
}

/// The verdict on a snapshot: the stored text (`before`) against this run's `content`, whether
/// insta's assertion returned, and whether rewriting was asked for. Only an exact match passes,
/// or a rewrite under `--update-snapshots`: a differing snapshot that insta let through (an
/// inherited `INSTA_FORCE_PASS` or `INSTA_UPDATE`) is a mismatch all the same.
pub(crate) fn verdict(
    file: &Path,
    before: Option<&str>,
    content: &str,
    asserted: bool,
    update_snapshots: bool,
) -> SnapshotVerdict {
    let stored = before.map(body_of);
    if stored.as_deref().is_some_and(|s| s.trim_end() == content.trim_end()) {
        return SnapshotVerdict::Matched;
    }
    if asserted && update_snapshots {
        return SnapshotVerdict::Updated;
    }
    let diff = similar::TextDiff::from_lines(stored.as_deref().unwrap_or_default(), content);
    let mut text = format!("snapshot {} differs (- stored, + this run):\n", file.display());
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "-",
            similar::ChangeTag::Insert => "+",
            similar::ChangeTag::Equal => " ",
        };
        let _ = write!(text, "  {sign} {change}");
    }
    if before.is_none() {
        text.push_str("  (no stored snapshot: run `cargo xtask e2e --mock --update-snapshots` and review the new file)\n");
    }
    if asserted {
        text.push_str("  (insta let it pass: an INSTA_* override in the environment? Only --update-snapshots rewrites)\n");
    }
    SnapshotVerdict::Mismatch(text)
}

/// The snapshot file without insta's `---` header.
fn body_of(file: &str) -> String {
    let mut parts = file.splitn(3, "---\n");
    let (_, _, body) = (parts.next(), parts.next(), parts.next());
    body.unwrap_or(file).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORED: &str = "---\nsource: fixtures/queries/q.insights\n---\nquery: q.insights\nrows: 1\n| n |\n|---|\n| 5 |\n";

    #[test]
    fn only_an_exact_match_or_an_asked_rewrite_passes() {
        let file = Path::new("s__q.snap");
        let same = "query: q.insights\nrows: 1\n| n |\n|---|\n| 5 |\n";
        let other = "query: q.insights\nrows: 1\n| n |\n|---|\n| 6 |\n";
        assert_eq!(verdict(file, Some(STORED), same, true, false), SnapshotVerdict::Matched);
        assert_eq!(verdict(file, Some(STORED), other, true, true), SnapshotVerdict::Updated);
        // insta returned (INSTA_FORCE_PASS, or INSTA_UPDATE rewriting it) without --update-snapshots.
        let forced = verdict(file, Some(STORED), other, true, false);
        assert!(!forced.passed(), "{forced:?}");
        assert!(matches!(&forced, SnapshotVerdict::Mismatch(t) if t.contains("- | 5 |") && t.contains("insta let it pass")));
        // A new snapshot written without being asked for fails too.
        assert!(!verdict(file, None, same, true, false).passed());
        // A stored snapshot that merely contains this run's text is not a match.
        let prefix = "query: q.insights\nrows: 1\n| n |\n";
        assert!(!verdict(file, Some(STORED), prefix, true, false).passed());
    }
}
