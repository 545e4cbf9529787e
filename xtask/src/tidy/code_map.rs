//! The `code-map` rule: every path ARCHITECTURE.md names exists, and so does every path named
//! by the repository documents it links to (the crates' README.md, LAYOUT.md, CHOICES.md).
//!
//! What is checked: the targets of relative Markdown links, and every inline code span that looks
//! like a path (contains `/`, or ends in one of [`PATH_EXTENSIONS`]), outside fenced code blocks
//! and outside sections headed "Data directory" (run-time paths, not repository paths).
//!
//! Where a path is looked for, in order (the first that exists wins):
//! - the repository root (`crates/bedrock-emulator/src/main.rs`, `fixtures/models/catalog.json`);
//! - in a section whose heading names a folder (ARCHITECTURE.md's ``### `crates/log-store` ``,
//!   ``### `xtask/` ``, ``### `fixtures/` ``, and their subsections), or in a document inside a
//!   crate (the crate's folder): `<folder>/<path>`, `<folder>/src/<path>`, then `<path>` anywhere
//!   under the folder (`ops/converse.rs` → `crates/bedrock-emulator/src/ops/converse.rs`,
//!   `anthropic.rs` → `crates/bedrock-model/src/invoke/anthropic.rs`);
//! - in any other section (behaviour choices, entry points): `crates/<path>`, `crates/*/<path>`,
//!   `crates/*/src/<path>` (`bedrock-model/src/record.rs`, `s3/names.rs`).
//!
//! A path ending in `/` must be a folder. `{a,b}` is expanded and each alternative must exist;
//! `*` and `**` must match at least one file or folder. Not paths of the repository, so skipped:
//! spans with spaces, URLs, absolute paths (`/aws/bedrock/...`, API paths), placeholders
//! (`<data-dir>/...`, `{requestId}`), elisions (`…`, `...`), regular expressions and JSON
//! pointers (characters no file name here uses), ratios and CIDR blocks (`0/8`), MIME types,
//! dotted camelCase JSON members (`inputSchema.json`), build output (`target/...`), shared
//! citations (`reference/...`, checked by the `reference-citation` rule), and the few words of
//! [`NOT_REPO_PATHS`].

use super::{Repo, Violation, fenced_lines};

const RULE: &str = "code-map";

/// The document whose links are followed (one level) to the crate documents.
const MAP: &str = "ARCHITECTURE.md";

/// A code span without `/` is a path only with one of these endings.
const PATH_EXTENSIONS: &[&str] = &[".rs", ".md", ".json", ".toml", ".insights", ".jsonl", ".schema"];

/// Path-like words of one document that name no repository path, and what they name instead.
const NOT_REPO_PATHS: &[(&str, &str, &str)] = &[
    ("ARCHITECTURE.md", "data/", "the S3 key folder of offloaded bodies and media in a delivery bucket"),
    ("ARCHITECTURE.md", "aws/", "the log group name prefix AWS reserves"),
    ("crates/log-store/LAYOUT.md", "tmp/", "the staging folder inside a store's root at run time"),
];

/// The top-level MIME types: `application/octet-stream` is a content type, not a path.
const MIME_TYPES: &[&str] = &["application", "audio", "font", "image", "multipart", "text", "video"];

pub(super) fn check(repo: &Repo, read: &dyn Fn(&str) -> Option<String>) -> Vec<Violation> {
    let Some(map) = read(MAP) else {
        return vec![Violation::new(MAP, 1, RULE, "ARCHITECTURE.md is missing or unreadable")];
    };
    let mut out = Vec::new();
    let mut linked = check_doc(repo, MAP, &map, &mut out);
    let mut seen = std::collections::BTreeSet::new();
    linked.retain(|d| seen.insert(d.clone()));
    for doc in linked {
        if doc != MAP
            && doc.ends_with(".md")
            && let Some(text) = read(&doc)
        {
            check_doc(repo, &doc, &text, &mut out);
        }
    }
    out
}

/// One heading level of the section stack: the folder it is about, and whether it is a data
/// directory section.
struct Section {
    level: usize,
    folder: Option<String>,
    data_dir: bool,
}

/// Checks one document; returns the repository paths its relative links point to.
fn check_doc(repo: &Repo, doc: &str, text: &str, out: &mut Vec<Violation>) -> Vec<String> {
    let doc_dir = doc.rsplit_once('/').map_or("", |(d, _)| d);
    let doc_folder = crate_of(doc).or_else(|| (!doc_dir.is_empty()).then(|| doc_dir.to_owned()));
    let lines: Vec<&str> = text.lines().collect();
    let fenced = fenced_lines(&lines);
    let mut sections: Vec<Section> = Vec::new();
    let mut links = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if fenced[i] {
            continue;
        }
        let line_no = i + 1;
        let folder = sections.iter().rev().find_map(|s| s.folder.clone()).or_else(|| doc_folder.clone());
        let spans = code_spans(line);
        if let Some((level, title)) = heading(line) {
            sections.retain(|s| s.level < level);
            let named = spans.iter().map(|s| s.text).find(|t| repo.has_dir(t)).map(|t| t.trim_end_matches('/').to_owned());
            let data_dir = title.to_ascii_lowercase().contains("data directory");
            sections.push(Section { level, folder: named, data_dir });
        } else if sections.iter().any(|s| s.data_dir) {
            continue;
        }
        for span in &spans {
            if let Some(message) = check_token(repo, doc, span.text, folder.as_deref()) {
                out.push(Violation::new(doc, line_no, RULE, message));
            }
        }
        for target in link_targets(line, &spans) {
            let path = join(doc_dir, target);
            if repo.has_file(&path) || repo.has_dir(&path) {
                links.push(path);
            } else {
                out.push(Violation::new(doc, line_no, RULE, format!("link target `{target}` does not exist")));
            }
        }
    }
    links
}

/// `crates/<name>` for a file inside a crate.
fn crate_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("crates/")?;
    let (name, _) = rest.split_once('/')?;
    Some(format!("crates/{name}"))
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|&b| b == b'#').count();
    let title = line[level..].strip_prefix(' ')?;
    (1..=6).contains(&level).then_some((level, title))
}

struct Span<'a> {
    /// Byte range of the span in its line, backticks included.
    range: std::ops::Range<usize>,
    text: &'a str,
}

/// The inline code spans of one line (a run of N backticks up to the next run of exactly N).
fn code_spans(line: &str) -> Vec<Span<'_>> {
    let b = line.as_bytes();
    let run_at = |i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let close = loop {
            match b[j..].iter().position(|&c| c == b'`') {
                None => break None,
                Some(k) => {
                    let m = run_at(j + k);
                    if m == n {
                        break Some(j + k);
                    }
                    j += k + m;
                }
            }
        };
        match close {
            Some(c) => {
                spans.push(Span { range: i..c + n, text: line[i + n..c].trim() });
                i = c + n;
            }
            None => i += n,
        }
    }
    spans
}

/// The relative targets of `[text](target)` links outside code spans (no URLs, no anchors).
fn link_targets<'a>(line: &'a str, spans: &[Span<'_>]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("](") {
        if spans.iter().any(|s| s.range.contains(&at)) {
            continue;
        }
        let rest = &line[at + 2..];
        let Some(end) = rest.find(')') else { continue };
        let target = rest[..end].split('#').next().unwrap_or("").trim().trim_start_matches('<').trim_end_matches('>');
        if target.is_empty() || target.contains("://") || target.starts_with("mailto:") || target.contains(' ') {
            continue;
        }
        out.push(target);
    }
    out
}

/// `dir/path`, with `.` and `..` segments resolved lexically.
fn join(dir: &str, path: &str) -> String {
    let mut parts: Vec<&str> =
        if path.starts_with('/') { Vec::new() } else { dir.split('/').filter(|s| !s.is_empty()).collect() };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') {
        joined.push('/');
    }
    joined
}

/// Why a path-like span is not a repository path, if it is not.
fn not_a_repo_path(doc: &str, token: &str) -> Option<&'static str> {
    let last = token.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
    let camel = stem.as_bytes().windows(2).any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    let reasons: [(bool, &'static str); 13] = [
        (token.chars().any(char::is_whitespace), "prose or code"),
        (token.contains("://"), "a URL"),
        (token.starts_with('/'), "an absolute or API path"),
        (token.starts_with("reference/") || token.contains("shared/reference/"), "a shared citation"),
        (token.contains('…') || token.contains("..."), "an elided path"),
        (token.contains('<') || token.contains('>'), "a placeholder"),
        (has_placeholder_braces(token), "a placeholder"),
        (!token.chars().all(|c| c.is_ascii_alphanumeric() || "._-/*{},@+~".contains(c)), "not a file name"),
        (!last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()), "a ratio or CIDR block"),
        (token.matches('/').count() == 1 && MIME_TYPES.iter().any(|m| token.starts_with(&format!("{m}/"))), "a MIME type"),
        (!token.contains('/') && camel, "a JSON member"),
        (token.starts_with("target/"), "build output"),
        (NOT_REPO_PATHS.iter().any(|&(d, t, _)| d == doc && t == token), "listed in NOT_REPO_PATHS"),
    ];
    reasons.into_iter().find_map(|(hit, why)| hit.then_some(why))
}

/// A `{...}` group without a comma names a value (`{requestId}`), not alternatives.
fn has_placeholder_braces(token: &str) -> bool {
    let mut rest = token;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { return true };
        if !rest[open..open + close].contains(',') {
            return true;
        }
        rest = &rest[open + close + 1..];
    }
    rest.contains('}')
}

fn looks_like_path(token: &str) -> bool {
    token.contains('/') || PATH_EXTENSIONS.iter().any(|e| token.ends_with(e) && token.len() > e.len())
}

/// The violation message for a path-like span that names nothing, if it does.
fn check_token(repo: &Repo, doc: &str, token: &str, folder: Option<&str>) -> Option<String> {
    if !looks_like_path(token) || not_a_repo_path(doc, token).is_some() {
        return None;
    }
    let bases: Vec<String> = match folder {
        Some(f) => vec![String::new(), format!("{f}/"), format!("{f}/src/"), format!("{f}/**/")],
        None => vec![String::new(), "crates/".into(), "crates/*/".into(), "crates/*/src/".into()],
    };
    let alternatives = expand_braces(token);
    let missing: Vec<&String> =
        alternatives.iter().filter(|alt| !bases.iter().any(|base| resolves(repo, &format!("{base}{alt}")))).collect();
    if missing.is_empty() {
        return None;
    }
    let kind = if token.ends_with('/') { "folder" } else { "file or folder" };
    let tried = bases.iter().map(|b| if b.is_empty() { "the root".to_owned() } else { b.clone() }).collect::<Vec<_>>().join(", ");
    let what = if alternatives.len() > 1 {
        let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        format!("`{token}`: {} name(s) no {kind} of the repository", names.join(", "))
    } else {
        format!("`{token}` names no {kind} of the repository")
    };
    Some(format!("{what} (looked under {tried})"))
}

/// `a/{b,c}/d` → `a/b/d`, `a/c/d` (groups may repeat; they do not nest).
fn expand_braces(token: &str) -> Vec<String> {
    let Some(open) = token.find('{') else { return vec![token.to_owned()] };
    let Some(len) = token[open..].find('}') else { return vec![token.to_owned()] };
    let (head, inner, tail) = (&token[..open], &token[open + 1..open + len], &token[open + len + 1..]);
    let tails = expand_braces(tail);
    inner.split(',').flat_map(|alt| tails.iter().map(move |t| format!("{head}{}{t}", alt.trim()))).collect()
}

/// Whether `pattern` (`/`-separated; `*` within a segment, `**` for any number of segments; a
/// trailing `/` for a folder) matches a file or folder of the repository.
fn resolves(repo: &Repo, pattern: &str) -> bool {
    let want_dir = pattern.ends_with('/');
    let path = join("", pattern);
    let path = path.trim_end_matches('/');
    if !path.contains('*') {
        return repo.has_dir(path) || (!want_dir && repo.has_file(path));
    }
    let pat: Vec<&str> = path.split('/').collect();
    let matches = |p: &str| glob(&pat, &p.split('/').collect::<Vec<_>>());
    repo.dirs().any(matches) || (!want_dir && repo.files().any(matches))
}

fn glob(pat: &[&str], path: &[&str]) -> bool {
    match pat.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|k| glob(rest, &path[k..])),
        Some((p, rest)) => {
            path.split_first().is_some_and(|(s, tail)| segment_glob(p.as_bytes(), s.as_bytes()) && glob(rest, tail))
        }
    }
}

/// `*` matches any run of characters in one segment, `?` one character.
fn segment_glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|k| segment_glob(rest, &s[k..])),
        Some((b'?', rest)) => !s.is_empty() && segment_glob(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && segment_glob(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> Repo {
        Repo::from_files([
            "ARCHITECTURE.md",
            "crates/emu/Cargo.toml",
            "crates/emu/src/server.rs",
            "crates/emu/src/ops/converse.rs",
            "crates/emu/src/s3/names.rs",
            "crates/emu/README.md",
            "crates/model/src/invoke/anthropic.rs",
            "crates/model/src/record.rs",
            "crates/model/models/logs.api.json",
            "crates/model/CHOICES.md",
            "fixtures/models/catalog.json",
            "fixtures/queries/ok/a.insights",
            "fixtures/queries/err/b.insights",
            "xtask/src/e2e/mod.rs",
        ])
    }

    fn run(docs: &[(&'static str, &'static str)]) -> Vec<String> {
        let docs = docs.to_vec();
        let read = move |p: &str| docs.iter().find(|(d, _)| *d == p).map(|(_, t)| (*t).to_owned());
        let mut v = check(&repo(), &read);
        v.sort();
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn paths_resolve_from_the_root_and_from_the_section_folder() {
        let map = "\
## Entry points
- `crates/emu/src/server.rs`, `fixtures/models/catalog.json`
### `crates/emu`
| file | job |
|---|---|
| `server.rs` | accept loop |
| `ops/converse.rs`, `s3/names.rs` | Converse; names |
| `ops/gone.rs` | removed |
### `crates/model` (API boundary)
`invoke/` holds `anthropic.rs`; `models/logs.api.json`; `models/*.json`; `server.rs`
### `xtask/`
| `e2e/mod.rs` | `e2e/runner.rs` |
### `fixtures/`
`models/catalog.json`, `queries/{seed,ok,err}/*.insights`, `recorded/`, `crates/`
";
        assert_eq!(
            run(&[("ARCHITECTURE.md", map)]),
            [
                "ARCHITECTURE.md:8: code-map: `ops/gone.rs` names no file or folder of the repository (looked under \
                 the root, crates/emu/, crates/emu/src/, crates/emu/**/)",
                "ARCHITECTURE.md:10: code-map: `server.rs` names no file or folder of the repository (looked under \
                 the root, crates/model/, crates/model/src/, crates/model/**/)",
                "ARCHITECTURE.md:12: code-map: `e2e/runner.rs` names no file or folder of the repository (looked \
                 under the root, xtask/, xtask/src/, xtask/**/)",
                "ARCHITECTURE.md:14: code-map: `queries/{seed,ok,err}/*.insights`: `queries/seed/*.insights` name(s) \
                 no file or folder of the repository (looked under the root, fixtures/, fixtures/src/, fixtures/**/)",
                "ARCHITECTURE.md:14: code-map: `recorded/` names no folder of the repository (looked under the root, \
                 fixtures/, fixtures/src/, fixtures/**/)",
            ]
        );
    }

    #[test]
    fn sections_without_a_folder_look_in_the_crates() {
        let map = "\
### `crates/emu`
`server.rs`
## Behaviour choices
| topic | where |
|---|---|
| a | `s3/names.rs`, `model/src/record.rs`, `ops/*.rs` |
| b | `anthropic.rs`, `record.rs` |
| c | `fixtures/models/catalog.json`, `s3/missing.rs` |
";
        let v = run(&[("ARCHITECTURE.md", map)]);
        assert_eq!(v.len(), 2, "{v:#?}");
        assert!(v[0].starts_with("ARCHITECTURE.md:7: code-map: `anthropic.rs` names no file"), "{}", v[0]);
        assert!(v[1].starts_with("ARCHITECTURE.md:8: code-map: `s3/missing.rs`"), "{}", v[1]);
    }

    #[test]
    fn non_paths_and_data_directory_sections_are_skipped() {
        let map = "\
### `crates/emu`
`ceil(chars / 4)`, `https://example.com/a/b.md`, `/aws/bedrock/modelinvocations`, `<data-dir>/s3/<bucket>/`
`data/{requestId}_input.json.gz`, `f/…/s`, `{prefix}/AWSLogs/...`, `[a-z/]`, `fc00::/7`, `0/8`, `100.64/10`
`application/octet-stream`, `inputSchema.json`, `toolSpec.inputSchema.json`, `target/insights-corpus/`
`reference/bedrock-api.md`, `../shared/reference/bedrock-api.md`, `data/`, `aws/`, `logging`, `x.rs`
```
server.rs → gone.rs
```
#### Data directory
`<data-dir>/logs/`, `bedrock/logging-config.json`
#### Back in the crate
`gone/`
";
        let v = run(&[("ARCHITECTURE.md", map)]);
        assert_eq!(v.len(), 2, "{v:#?}");
        assert!(v[0].starts_with("ARCHITECTURE.md:5: code-map: `x.rs` names no file"), "{}", v[0]);
        assert!(v[1].starts_with("ARCHITECTURE.md:12: code-map: `gone/` names no folder"), "{}", v[1]);
    }

    #[test]
    fn linked_crate_documents_resolve_in_their_crate() {
        let map = "\
See [CHOICES](crates/model/CHOICES.md), [README](crates/emu/README.md#api), [gone](crates/emu/GONE.md),
[web](https://example.com/x.md).
";
        let choices =
            "## Section\n`models/*.json`, `invoke/anthropic.rs`, `record.rs`, `fixtures/queries/**/*.insights`, `src/gone.rs`\n";
        let readme = "`ops/converse.rs` [model](../model/CHOICES.md) [up](../../ARCHITECTURE.md) [no](../nothing.md)\n";
        assert_eq!(
            run(&[("ARCHITECTURE.md", map), ("crates/model/CHOICES.md", choices), ("crates/emu/README.md", readme)]),
            [
                "ARCHITECTURE.md:1: code-map: link target `crates/emu/GONE.md` does not exist",
                "crates/emu/README.md:1: code-map: link target `../nothing.md` does not exist",
                "crates/model/CHOICES.md:2: code-map: `src/gone.rs` names no file or folder of the repository \
                 (looked under the root, crates/model/, crates/model/src/, crates/model/**/)",
            ]
        );
    }

    #[test]
    fn code_spans_pair_backtick_runs() {
        let texts = |l: &'static str| code_spans(l).into_iter().map(|s| s.text).collect::<Vec<_>>();
        assert_eq!(texts("a `b` c ``d ` e`` `f"), ["b", "d ` e"]);
        assert_eq!(texts("### `crates/x` (`y`)"), ["crates/x", "y"]);
    }

    #[test]
    fn braces_expand_and_globs_match() {
        assert_eq!(expand_braces("eval/{groups,rows}.rs"), ["eval/groups.rs", "eval/rows.rs"]);
        assert_eq!(expand_braces("{a,b}/{c,d}"), ["a/c", "a/d", "b/c", "b/d"]);
        assert!(has_placeholder_braces("data/{requestId}_x.json") && !has_placeholder_braces("{a,b}.rs"));
        let r = repo();
        assert!(resolves(&r, "fixtures/queries/**/*.insights"));
        assert!(resolves(&r, "fixtures/**"));
        assert!(resolves(&r, "crates/*/src/ops/"));
        assert!(!resolves(&r, "crates/emu/src/server.rs/"));
        assert!(!resolves(&r, "crates/*/src/*.md"));
        assert_eq!(join("crates/emu", "../model/CHOICES.md"), "crates/model/CHOICES.md");
    }
}
