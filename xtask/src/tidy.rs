//! `cargo xtask tidy`: the house rules CI checks. Each violation is printed as
//! `path:line: rule: message`; the command fails when there is any.
//!
//! | rule | what it checks |
//! |---|---|
//! | `doc-header` | every `.rs` file under `crates/`, `xtask/`, `tests/` starts (line 1) with a `//!` line: what it is for |
//! | `code-map` | every path ARCHITECTURE.md (and each crate document it links) names exists (`tidy/code_map.rs`) |
//! | `table-gap` | no blank line between two rows of one Markdown table (the rows after it render as text) |
//! | `drifted-phrase` | none of the sentences of [`DRIFTED`] is left anywhere |
//! | `reference-citation` | `reference/<file>` names a repository path, or is spelled `../shared/reference/<file>` |
//!
//! The files are those of `git ls-files --cached --others --exclude-standard` (tracked, plus
//! untracked files git does not ignore) that exist on disk; files that are not UTF-8 are skipped.
//! The tidy sources themselves (`xtask/src/tidy.rs`, `xtask/src/tidy/`) quote the phrases and
//! citations they look for, so the two text rules skip them.

mod code_map;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

/// A sentence that no longer describes the code, and why: it must not come back in any file.
pub(crate) struct Drifted {
    pub(crate) phrase: &'static str,
    pub(crate) reason: &'static str,
}

/// Drifted sentences. Matched word by word, ignoring ASCII case, line breaks and comment markers
/// (`//!`, `///`, `//`, `#`), so rewrapping a comment does not hide one.
pub(crate) const DRIFTED: &[Drifted] = &[
    Drifted {
        phrase: "in time, the CloudWatch Logs API",
        reason: "bedrock-emulator's lib.rs announced the CloudWatch Logs API as future work; it is served today \
                 (crates/bedrock-emulator/src/logs/)",
    },
    Drifted {
        phrase: "(later) S3 objects",
        reason: "config.rs said the data directory would hold S3 objects later; S3 delivery writes them there today \
                 (crates/bedrock-emulator/src/s3/)",
    },
];

/// The folders whose `.rs` files need a `//!` first line.
const DOC_HEADER_DIRS: &[&str] = &["crates/", "xtask/", "tests/"];

/// One broken rule at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Violation {
    pub(crate) path: String,
    pub(crate) line: usize,
    pub(crate) rule: &'static str,
    pub(crate) message: String,
}

impl Violation {
    pub(crate) fn new(path: &str, line: usize, rule: &'static str, message: impl Into<String>) -> Violation {
        Violation { path: path.to_owned(), line, rule, message: message.into() }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: {}", self.path, self.line, self.rule, self.message)
    }
}

/// The files of the repository: `/`-separated paths relative to its root.
pub(crate) struct Repo {
    files: BTreeSet<String>,
    /// Every folder holding one of `files` (no trailing `/`; the root itself is not listed).
    dirs: BTreeSet<String>,
}

impl Repo {
    pub(crate) fn from_files<S: Into<String>>(files: impl IntoIterator<Item = S>) -> Repo {
        let files: BTreeSet<String> = files.into_iter().map(Into::into).collect();
        let mut dirs = BTreeSet::new();
        for f in &files {
            let mut p = f.as_str();
            while let Some((parent, _)) = p.rsplit_once('/') {
                if !dirs.insert(parent.to_owned()) {
                    break;
                }
                p = parent;
            }
        }
        Repo { files, dirs }
    }

    /// Tracked and untracked-not-ignored files that exist on disk.
    fn from_git(root: &Path) -> anyhow::Result<Repo> {
        let out = Command::new("git")
            .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
            .current_dir(root)
            .output()
            .context("running git ls-files")?;
        anyhow::ensure!(out.status.success(), "git ls-files failed: {}", String::from_utf8_lossy(&out.stderr));
        let listed = String::from_utf8(out.stdout).context("git ls-files printed a non-UTF-8 path")?;
        Ok(Repo::from_files(listed.split('\0').filter(|p| !p.is_empty() && root.join(p).is_file()).map(str::to_owned)))
    }

    pub(crate) fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(String::as_str)
    }

    pub(crate) fn dirs(&self) -> impl Iterator<Item = &str> {
        self.dirs.iter().map(String::as_str)
    }

    pub(crate) fn has_file(&self, path: &str) -> bool {
        self.files.contains(path)
    }

    pub(crate) fn has_dir(&self, path: &str) -> bool {
        self.dirs.contains(path.trim_end_matches('/'))
    }
}

/// The `../shared` folder beside the repository, which holds `reference/` (absent on CI and in a
/// user's clone).
pub(crate) enum SharedFolder {
    Absent,
    Disk(PathBuf),
    #[cfg(test)]
    Listed(BTreeSet<&'static str>),
}

impl SharedFolder {
    fn beside(root: &Path) -> SharedFolder {
        let shared = root.join("../shared");
        if shared.is_dir() { SharedFolder::Disk(shared) } else { SharedFolder::Absent }
    }

    /// Whether `path` (relative to `../shared`) exists; `None` when the folder is absent.
    fn has(&self, path: &str) -> Option<bool> {
        match self {
            SharedFolder::Absent => None,
            SharedFolder::Disk(dir) => Some(dir.join(path).exists()),
            #[cfg(test)]
            SharedFolder::Listed(paths) => Some(paths.contains(path.trim_end_matches('/'))),
        }
    }
}

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    if let Some(arg) = args.first() {
        anyhow::bail!("usage: cargo xtask tidy (got {arg:?})");
    }
    let root = crate::project_root();
    let repo = Repo::from_git(&root)?;
    let shared = SharedFolder::beside(&root);
    if let SharedFolder::Absent = shared {
        eprintln!(
            "note: ../shared is absent: `../shared/reference/...` citations are checked for their spelling, not that \
             the file exists"
        );
    }
    let violations =
        check_all(&repo, &|path| std::fs::read(root.join(path)).ok().and_then(|b| String::from_utf8(b).ok()), &shared);
    for v in &violations {
        println!("{v}");
    }
    if violations.is_empty() {
        println!("tidy: {} files, no violation", repo.files.len());
        Ok(())
    } else {
        anyhow::bail!("tidy: {} violation(s)", violations.len())
    }
}

/// Every rule over every file; `read` gives a file's text (`None`: unreadable or not UTF-8).
pub(crate) fn check_all(repo: &Repo, read: &dyn Fn(&str) -> Option<String>, shared: &SharedFolder) -> Vec<Violation> {
    let mut out = Vec::new();
    for path in repo.files() {
        let Some(text) = read(path) else { continue };
        if needs_doc_header(path) {
            out.extend(doc_header(path, &text));
        }
        if path.ends_with(".md") {
            out.extend(table_gaps(path, &text));
        }
        if !is_tidy_source(path) {
            out.extend(drifted_phrases(path, &text));
            out.extend(reference_citations(path, &text, repo, shared));
        }
    }
    out.extend(code_map::check(repo, read));
    out.sort();
    out.dedup();
    out
}

fn is_tidy_source(path: &str) -> bool {
    path == "xtask/src/tidy.rs" || path.starts_with("xtask/src/tidy/")
}

// ---------------------------------------------------------------------------------------------
// doc-header

fn needs_doc_header(path: &str) -> bool {
    path.ends_with(".rs") && DOC_HEADER_DIRS.iter().any(|d| path.starts_with(d))
}

/// Line 1 is a `//!` line with text (what the tree does everywhere today: no blank line, no
/// attribute and no plain comment before it).
fn doc_header(path: &str, text: &str) -> Option<Violation> {
    const RULE: &str = "doc-header";
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    if let Some(rest) = first.strip_prefix("//!") {
        return rest
            .trim()
            .is_empty()
            .then(|| Violation::new(path, 1, RULE, "line 1 is an empty `//!` line: the first line says what the file is for"));
    }
    let message = match text.lines().enumerate().find(|(_, l)| !l.trim().is_empty()) {
        None => "empty file: start it with a `//!` line saying what it is for".to_owned(),
        Some((i, l)) if l.starts_with("//!") => {
            format!("{i} blank line(s) before the `//!` line: the file starts with it")
        }
        Some((_, l)) => format!("the file does not start with a `//!` line saying what it is for (it starts `{}`)", shorten(l)),
    };
    Some(Violation::new(path, 1, RULE, message))
}

fn shorten(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// table-gap

/// A table row, then blank lines, then a row that is not the header of a new table (no delimiter
/// row under it): the blank line cut one table in two, and Markdown renders the rest as text.
fn table_gaps(path: &str, text: &str) -> Vec<Violation> {
    let lines: Vec<&str> = text.lines().collect();
    let fenced = fenced_lines(&lines);
    let is_row = |i: usize| !fenced[i] && lines[i].trim_start().starts_with('|');
    let mut out = Vec::new();
    for i in 0..lines.len() {
        if !is_row(i) || lines.get(i + 1).is_none_or(|l| !l.trim().is_empty()) {
            continue;
        }
        let Some(next) = (i + 1..lines.len()).find(|&j| !lines[j].trim().is_empty()) else { continue };
        if is_row(next) && !lines.get(next + 1).is_some_and(|l| is_delimiter_row(l)) {
            out.push(Violation::new(
                path,
                i + 2,
                "table-gap",
                format!(
                    "blank line inside a table (its rows go on at line {}): Markdown renders the rows after it as \
                     text; remove the blank line",
                    next + 1
                ),
            ));
        }
    }
    out
}

fn is_delimiter_row(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') && t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// For each line, whether it is inside (or is a fence of) a fenced code block.
pub(crate) fn fenced_lines(lines: &[&str]) -> Vec<bool> {
    let mut open: Option<&str> = None;
    lines
        .iter()
        .map(|l| {
            let t = l.trim_start();
            let fence = ["```", "~~~"].into_iter().find(|f| t.starts_with(f));
            match (open, fence) {
                (None, Some(f)) => {
                    open = Some(f);
                    true
                }
                (Some(o), Some(f)) if o == f && t.trim_end().chars().all(|c| c == f.as_bytes()[0] as char) => {
                    open = None;
                    true
                }
                (o, _) => o.is_some(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// drifted-phrase

fn drifted_phrases(path: &str, text: &str) -> Vec<Violation> {
    let words: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .flat_map(|(i, l)| strip_comment_marker(l).split_whitespace().map(move |w| (i + 1, w.to_ascii_lowercase())))
        .collect();
    let mut out = Vec::new();
    for d in DRIFTED {
        let phrase: Vec<String> = d.phrase.split_whitespace().map(str::to_ascii_lowercase).collect();
        if phrase.is_empty() || words.len() < phrase.len() {
            continue;
        }
        for window in words.windows(phrase.len()) {
            let last = phrase.len() - 1;
            let hit = window.iter().zip(&phrase).enumerate().all(|(k, ((_, w), p))| word_matches(w, p, k == 0, k == last));
            if hit {
                out.push(Violation::new(path, window[0].0, "drifted-phrase", format!("\"{}\": {}", d.phrase, d.reason)));
            }
        }
    }
    out
}

/// `w` is `p`, except that the phrase's first word may follow punctuation and its last word may
/// be followed by punctuation (`API;` ends "... Logs API").
fn word_matches(w: &str, p: &str, first: bool, last: bool) -> bool {
    let Some(at) = w.find(p) else { return false };
    let (before, after) = (&w[..at], &w[at + p.len()..]);
    let clean = |s: &str| s.chars().all(|c| !c.is_alphanumeric());
    (before.is_empty() || (first && clean(before))) && (after.is_empty() || (last && clean(after)))
}

fn strip_comment_marker(line: &str) -> &str {
    let t = line.trim_start();
    ["//!", "///", "//", "#"].into_iter().find_map(|m| t.strip_prefix(m)).unwrap_or(t)
}

// ---------------------------------------------------------------------------------------------
// reference-citation

/// `reference/<file>` cites the shared folder beside the repository (`../shared/reference/`):
/// unless the repository has that path itself, it must be spelled `../shared/reference/<file>`,
/// and the file must exist there when `../shared` is present. URLs and paths where `reference`
/// is a folder of some other path (`crates/x/reference/...`) are not citations of it.
fn reference_citations(path: &str, text: &str, repo: &Repo, shared: &SharedFolder) -> Vec<Violation> {
    const RULE: &str = "reference-citation";
    const NEEDLE: &str = "reference/";
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices(NEEDLE) {
            let start = line[..at]
                .rfind(|c: char| !is_path_char(c))
                .map_or(0, |k| k + line[k..].chars().next().map_or(1, char::len_utf8));
            let end = line[at..].find(|c: char| !is_path_char(c)).map_or(line.len(), |k| at + k);
            let token = line[start..end].trim_end_matches('.');
            let prefix = &line[start..at];
            let Some(rest) = token.get(prefix.len() + NEEDLE.len()..) else { continue };
            if !(prefix.is_empty() || prefix.ends_with('/'))
                || prefix.starts_with("//")
                || !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            {
                continue;
            }
            let shared_path = format!("reference/{rest}");
            let missing_in_shared = shared.has(&shared_path) == Some(false);
            let message = if prefix.is_empty() {
                if repo.has_file(token) || repo.has_dir(token) {
                    continue;
                }
                let mut m = format!(
                    "`{token}` is not a path of the repository: cite the shared folder beside it as \
                     `../shared/reference/{rest}`"
                );
                if missing_in_shared {
                    m.push_str(&format!(" (which does not exist either: ../shared/reference/{rest})"));
                }
                m
            } else if prefix == "../shared/" {
                if !missing_in_shared {
                    continue;
                }
                format!("`{token}` does not exist in ../shared")
            } else if prefix == "shared/" || prefix.ends_with("/shared/") {
                format!("`{token}`: spell the shared folder `../shared/reference/{rest}` (relative to the repository root)")
            } else {
                continue;
            };
            out.push(Violation::new(path, i + 1, RULE, message));
        }
    }
    out
}

fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | '~')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(v: &[Violation]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn violation_prints_path_line_rule_message() {
        let v = Violation::new("a/b.rs", 3, "doc-header", "msg");
        assert_eq!(v.to_string(), "a/b.rs:3: doc-header: msg");
    }

    #[test]
    fn doc_header_wants_a_doc_line_first() {
        assert_eq!(doc_header("x.rs", "//! What this is.\n\nfn main() {}\n"), None);
        assert_eq!(doc_header("x.rs", "\u{feff}//! BOM first.\n"), None);
        let blank_first = doc_header("x.rs", "\n//! Late.\n").unwrap();
        assert_eq!(blank_first.to_string(), "x.rs:1: doc-header: 1 blank line(s) before the `//!` line: the file starts with it");
        let attr_first = doc_header("x.rs", "#![allow(dead_code)]\n//! Doc.\n").unwrap();
        assert!(attr_first.message.contains("it starts `#![allow(dead_code)]`"), "{attr_first}");
        assert!(doc_header("x.rs", "/// item doc\nfn f() {}\n").is_some());
        assert!(doc_header("x.rs", "// plain comment\n").is_some());
        assert!(doc_header("x.rs", "//!\n//! Text on line 2.\n").unwrap().message.contains("empty `//!`"));
        assert!(doc_header("x.rs", "").unwrap().message.starts_with("empty file"));
    }

    #[test]
    fn doc_header_applies_to_the_three_code_folders() {
        assert!(needs_doc_header("crates/log-store/src/lib.rs"));
        assert!(needs_doc_header("xtask/src/main.rs"));
        assert!(needs_doc_header("tests/integration/main.rs"));
        assert!(!needs_doc_header("fixtures/x.rs"));
        assert!(!needs_doc_header("crates/log-store/LAYOUT.md"));
    }

    #[test]
    fn table_gap_finds_a_blank_line_inside_a_table() {
        let md = "| file | job |\n|---|---|\n| `a.rs` | a |\n\n| `b.rs` | b |\n\ntext\n";
        assert_eq!(
            messages(&table_gaps("A.md", md)),
            ["A.md:4: table-gap: blank line inside a table (its rows go on at line 5): Markdown renders the rows after \
              it as text; remove the blank line"]
        );
    }

    #[test]
    fn table_gap_allows_two_tables_and_code_blocks() {
        let two_tables = "| a | b |\n|---|---|\n| 1 | 2 |\n\n| c | d |\n|:--|--:|\n| 3 | 4 |\n";
        assert!(table_gaps("A.md", two_tables).is_empty());
        let fenced = "```\n| a |\n\n| b |\n```\n";
        assert!(table_gaps("A.md", fenced).is_empty());
        let table_then_text = "| a |\n|---|\n| 1 |\n\nText.\n\n| not | a row after text |\n";
        assert!(table_gaps("A.md", table_then_text).is_empty());
        let several_blank_lines = "| a |\n|---|\n| 1 |\n\n\n| 2 |\n";
        assert_eq!(table_gaps("A.md", several_blank_lines)[0].line, 4);
    }

    #[test]
    fn drifted_phrases_are_found_across_lines_and_comment_markers() {
        let lib = "//! The store, the S3\n//! log objects and, in time, the CloudWatch\n//! Logs API; every call.\n";
        let v = drifted_phrases("crates/x/src/lib.rs", lib);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].line, 2);
        assert!(v[0].message.starts_with("\"in time, the CloudWatch Logs API\": "), "{}", v[0]);
        let config = "    /// Where log groups, the logging configuration and (Later) S3 objects live.\n";
        assert_eq!(drifted_phrases("config.rs", config).len(), 1);
        assert_eq!(drifted_phrases("a.md", "In time, the CloudWatch Logs API.").len(), 1);
        assert!(drifted_phrases("a.md", "the CloudWatch Logs API is served").is_empty());
        assert!(drifted_phrases("a.md", "within time, the CloudWatch Logs API").is_empty());
    }

    #[test]
    fn word_matching_allows_punctuation_only_at_the_phrase_edges() {
        assert!(word_matches("api;", "api", false, true));
        assert!(!word_matches("api;", "api", false, false));
        assert!(word_matches("(later)", "(later)", true, false));
        assert!(word_matches("\"in", "in", true, false));
        assert!(!word_matches("within", "in", true, false));
    }

    #[test]
    fn reference_citations_must_be_repo_paths_or_shared_paths() {
        let repo = Repo::from_files(["reference/local.md", "src/lib.rs"]);
        let shared = SharedFolder::Listed(BTreeSet::from(["reference/bedrock-api.md", "reference/aws-models"]));
        let text = "\
//! (`reference/bedrock-api.md` §4.3)
//! `../shared/reference/bedrock-api.md` and `../shared/reference/aws-models/`
//! `reference/local.md` is ours
//! `../shared/reference/gone.md`
//! \"_source\": \"reference/gone.json events[0]\"
//! /work/shared/reference/bedrock-api.md, shared/reference/bedrock-api.md
//! https://docs.aws.amazon.com/cli/latest/reference/logs/index.html, crates/x/reference/y.md, reference/<file>
";
        assert_eq!(
            messages(&reference_citations("a.rs", text, &repo, &shared)),
            [
                "a.rs:1: reference-citation: `reference/bedrock-api.md` is not a path of the repository: cite the \
                 shared folder beside it as `../shared/reference/bedrock-api.md`",
                "a.rs:4: reference-citation: `../shared/reference/gone.md` does not exist in ../shared",
                "a.rs:5: reference-citation: `reference/gone.json` is not a path of the repository: cite the shared \
                 folder beside it as `../shared/reference/gone.json` (which does not exist either: \
                 ../shared/reference/gone.json)",
                "a.rs:6: reference-citation: `/work/shared/reference/bedrock-api.md`: spell the shared folder \
                 `../shared/reference/bedrock-api.md` (relative to the repository root)",
                "a.rs:6: reference-citation: `shared/reference/bedrock-api.md`: spell the shared folder \
                 `../shared/reference/bedrock-api.md` (relative to the repository root)",
            ]
        );
    }

    #[test]
    fn reference_citations_skip_the_existence_check_without_shared() {
        let repo = Repo::from_files(["src/lib.rs"]);
        let text = "see ../shared/reference/anything.md and reference/bedrock-api.md.";
        let v = reference_citations("a.md", text, &repo, &SharedFolder::Absent);
        assert_eq!(v.len(), 1);
        assert!(v[0].message.ends_with("as `../shared/reference/bedrock-api.md`"), "{}", v[0]);
    }

    #[test]
    fn check_all_skips_the_tidy_sources_for_the_text_rules() {
        let repo = Repo::from_files(["xtask/src/tidy.rs", "xtask/src/main.rs"]);
        let read = |p: &str| {
            Some(
                match p {
                    "xtask/src/tidy.rs" => "//! Tidy.\n// in time, the CloudWatch Logs API, reference/bedrock-api.md\n",
                    _ => "//! Main.\n// in time, the CloudWatch Logs API\n",
                }
                .to_owned(),
            )
        };
        let v = check_all(&repo, &read, &SharedFolder::Absent);
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!((v[0].path.as_str(), v[0].rule), ("xtask/src/main.rs", "drifted-phrase"));
    }

    #[test]
    fn repo_lists_the_folders_of_its_files() {
        let repo = Repo::from_files(["a/b/c.rs", "a/d.rs", "e.md"]);
        assert_eq!(repo.dirs().collect::<Vec<_>>(), ["a", "a/b"]);
        assert!(repo.has_dir("a/b/") && repo.has_file("a/d.rs") && !repo.has_file("a/b"));
    }
}
