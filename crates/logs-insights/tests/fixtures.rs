//! Runs every `fixtures/queries/**/*.insights` file: parse, check, evaluate over the
//! events its `# events:` header names, and snapshot the AST (or diagnostics) with the
//! result table. `ok/` queries must compile; `err/` queries must not; `seed/` queries
//! compile unless they say `# expect: error`.
//!
//! Header directives are `#` comments, so every fixture stays a valid, pasteable query:
//! `# events: <file in fixtures/events>`, `# schema: <file in fixtures/schemas, or bedrock-model's data/>`,
//! `# expect: error`, `# now: <epoch ms>`, `# range: <start ms> <end ms>`, `# threads: <n>`.

mod common;

use common::{fixtures_dir, load_events};
use logs_insights::{CheckOptions, Diagnostic, Schema, check, parse, render};
use std::path::Path;

struct Header {
    events: Option<String>,
    schema: Option<String>,
    expect_error: bool,
    now: Option<i64>,
    range: Option<(i64, i64)>,
}

fn header(src: &str) -> Header {
    let mut h = Header { events: None, schema: None, expect_error: false, now: None, range: None };
    for line in src.lines().take_while(|l| l.starts_with('#')) {
        let Some((key, value)) = line.trim_start_matches('#').trim().split_once(':') else { continue };
        let value = value.trim();
        match key.trim() {
            "events" => h.events = Some(value.to_string()),
            "schema" => h.schema = Some(value.to_string()),
            "expect" => h.expect_error = value == "error",
            "now" => h.now = value.parse().ok(),
            "range" => {
                let parts: Vec<i64> = value.split_whitespace().filter_map(|p| p.parse().ok()).collect();
                if let [s, e] = parts[..] {
                    h.range = Some((s, e));
                }
            }
            _ => {}
        }
    }
    h
}

/// Every span inside the source and on character boundaries.
fn assert_spans(src: &str, diags: &[Diagnostic], path: &Path) {
    for d in diags {
        for span in std::iter::once(d.primary).chain(d.labels.iter().map(|l| l.span)) {
            let (s, e) = (span.start as usize, span.end as usize);
            assert!(s <= e && e <= src.len(), "{}: span {span:?} outside the query", path.display());
            assert!(
                src.is_char_boundary(s) && src.is_char_boundary(e),
                "{}: span {span:?} not on a char boundary",
                path.display()
            );
        }
    }
}

/// A `# schema:` file: the record schema (`bedrock.schema`) is product data and lives with the
/// record, in bedrock-model; other schemas are test data under `fixtures/schemas/`.
fn schema_path(name: &str) -> std::path::PathBuf {
    let product = fixtures_dir().join("../crates/bedrock-model/data").join(name);
    if product.is_file() { product } else { fixtures_dir().join("schemas").join(name) }
}

fn run_fixture(path: &Path) -> String {
    let src = std::fs::read_to_string(path).unwrap();
    let h = header(&src);
    let rel = path.strip_prefix(fixtures_dir().join("queries")).unwrap().to_string_lossy().replace('\\', "/");
    let must_fail = rel.starts_with("err/") || h.expect_error;
    let schema = h.schema.as_ref().map(|s| Schema::from_lines(&std::fs::read_to_string(schema_path(s)).unwrap()));
    let opts = CheckOptions { schema, now_ms: Some(h.now.unwrap_or(1_735_689_600_000)), time_range: h.range };

    let mut out = String::new();
    let query = match parse(&src) {
        Ok(q) => q,
        Err(diags) => {
            assert_spans(&src, &diags, path);
            assert!(must_fail, "{rel}: unexpected parse errors:\n{}", render(&src, &diags));
            let first = diags[0].char_offsets(&src);
            out.push_str("## Diagnostics (parse)\n");
            out.push_str(&render(&src, &diags));
            out.push_str(&format!(
                "\nMalformedQueryException location: startCharOffset={} endCharOffset={}\n",
                first.start_char_offset, first.end_char_offset
            ));
            return out;
        }
    };
    out.push_str("## AST\n");
    out.push_str(&logs_insights::dump(&query));
    // The printed query re-parses to the same AST.
    let printed = query.to_string();
    let reparsed =
        parse(&printed).unwrap_or_else(|d| panic!("{rel}: printed query does not parse:\n{printed}\n{}", render(&printed, &d)));
    assert_eq!(reparsed.without_spans(), query.without_spans(), "{rel}: print/parse round trip");
    let plan = match check(&query, &opts) {
        Ok(plan) => plan,
        Err(diags) => {
            assert_spans(&src, &diags, path);
            assert!(must_fail, "{rel}: unexpected check errors:\n{}", render(&src, &diags));
            out.push_str("\n## Diagnostics (check)\n");
            out.push_str(&render(&src, &diags));
            let first = diags[0].char_offsets(&src);
            out.push_str(&format!(
                "\nMalformedQueryException location: startCharOffset={} endCharOffset={}\n",
                first.start_char_offset, first.end_char_offset
            ));
            return out;
        }
    };
    assert!(!must_fail, "{rel}: expected an error, but the query compiled");
    assert_spans(&src, plan.warnings(), path);
    if !plan.warnings().is_empty() {
        out.push_str("\n## Warnings\n");
        out.push_str(&render(&src, plan.warnings()));
    }
    out.push_str(&format!("\n## Plan\nrequired fields: {}\n", plan.required_fields().join(", ")));
    if !plan.source_log_groups().is_empty() {
        out.push_str(&format!(
            "source log groups{}: {}\n",
            if plan.source_is_prefix() { " (prefixes)" } else { "" },
            plan.source_log_groups().join(", ")
        ));
    }
    out.push_str(&format!("row limit: {}\n", plan.row_limit()));
    if let Some(events_file) = &h.events {
        let store = load_events(events_file);
        let events = store.events();
        let single = plan.run(events.iter().copied());
        // The same answer on several threads.
        for threads in [2, 3] {
            assert_eq!(plan.run_parallel(&events, threads), single, "{rel}: {threads} threads differ from one");
        }
        out.push_str(&format!("\n## Result ({events_file})\n"));
        out.push_str(&single.to_table());
    }
    out
}

#[test]
fn query_fixtures() {
    insta::glob!("../../../fixtures", "queries/**/*.insights", |path| {
        let snapshot = run_fixture(path);
        insta::with_settings!({ input_file => path, omit_expression => true, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(snapshot);
        });
    });
}
