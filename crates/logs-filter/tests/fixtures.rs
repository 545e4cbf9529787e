//! Runs every case of `fixtures/*.jsonl`: one JSON object per line (lines starting with `#` are
//! comments), each a pattern (or a lone JSON path) with what it must do. Fields:
//!
//! - `why`: what the case shows (required, so every case describes itself);
//! - `pattern`: the filter pattern; `print`: its canonical form (optional);
//! - `message` (literal text) or `event` (a name in `fixtures/events.json`; a string is the
//!   message itself, any other JSON value its compact text), with `match`: the expected result;
//! - `path`: a JSON path to select from the matching event, `value`: the value selected (absent:
//!   nothing); without `pattern`, the path is parsed alone;
//! - `error`: the expected code (`F101`), `at`: its byte position, `text`: the whole error text.
//!
//! Every successfully parsed pattern must also print to text that parses back to itself.
//! The run fails if a code in the registry has no case.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use logs_filter::{ErrorCode, FilterPattern, FilterPatternError, JsonPath};
use serde_json::{Map, Value};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn load_events() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(fixtures_dir().join("events.json")).unwrap();
    let events: Map<String, Value> = serde_json::from_str(&text).unwrap();
    events
        .into_iter()
        .map(|(name, value)| {
            let message = match value {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (name, message)
        })
        .collect()
}

/// A string field of the case.
fn text<'c>(case: &'c Map<String, Value>, key: &str) -> Option<&'c str> {
    case.get(key).map(|v| v.as_str().unwrap_or_else(|| panic!("`{key}` must be a string")))
}

/// Checks an error against the case's `error`, `at` and `text`; returns the code seen.
fn check_error(case: &Map<String, Value>, err: &FilterPatternError) -> Result<ErrorCode, String> {
    let want = text(case, "error").unwrap();
    if ErrorCode::from_code(want).is_none() {
        return Err(format!("unknown code {want} in the fixture"));
    }
    if err.code.as_str() != want {
        return Err(format!("expected {want}, got {} ({err})", err.code));
    }
    if !err.message.starts_with(err.code.message()) {
        return Err(format!("message {:?} does not start with the code's text", err.message));
    }
    if let Some(at) = case.get("at") {
        if Some(err.position as u64) != at.as_u64() {
            return Err(format!("expected position {at}, got {}", err.position));
        }
    } else {
        return Err("an error case needs `at`".into());
    }
    if let Some(want_text) = text(case, "text")
        && err.to_string() != want_text
    {
        return Err(format!("expected text {want_text:?}, got {:?}", err.to_string()));
    }
    Ok(err.code)
}

/// Runs one case; returns the error code it exercised, if any.
fn run_case(case: &Map<String, Value>, events: &BTreeMap<String, String>) -> Result<Option<ErrorCode>, String> {
    let message = match (text(case, "message"), text(case, "event")) {
        (Some(m), None) => Some(m),
        (None, Some(name)) => Some(events.get(name).ok_or_else(|| format!("no event {name:?}"))?.as_str()),
        (None, None) => None,
        (Some(_), Some(_)) => return Err("`message` and `event` are exclusive".into()),
    };
    let Some(src) = text(case, "pattern") else {
        let src = text(case, "path").ok_or("a case needs `pattern` or `path`")?;
        return match (JsonPath::parse(src), case.contains_key("error")) {
            (Err(err), true) => check_error(case, &err).map(Some),
            (Err(err), false) => Err(format!("unexpected error {} {err}", err.code)),
            (Ok(path), true) => Err(format!("expected an error, parsed {path}")),
            (Ok(path), false) => {
                let printed = path.to_string();
                if JsonPath::parse(&printed).as_ref() != Ok(&path) {
                    return Err(format!("{printed:?} does not parse back"));
                }
                match text(case, "print") {
                    Some(want) if want != printed => Err(format!("printed {printed:?}, expected {want:?}")),
                    _ => Ok(None),
                }
            }
        };
    };
    let pattern = match (FilterPattern::parse(src), case.contains_key("error")) {
        (Err(err), true) => return check_error(case, &err).map(Some),
        (Err(err), false) => return Err(format!("unexpected error {} {err}", err.code)),
        (Ok(p), true) => return Err(format!("expected an error, parsed {p:?}")),
        (Ok(p), false) => p,
    };
    let printed = pattern.to_string();
    match FilterPattern::parse(&printed) {
        Ok(again) if again == pattern => {}
        other => return Err(format!("printed {printed:?} parses to {other:?}")),
    }
    if let Some(want) = text(case, "print")
        && want != printed
    {
        return Err(format!("printed {printed:?}, expected {want:?}"));
    }
    let message = message.ok_or("a pattern case needs `message` or `event`")?;
    let want_match = case.get("match").and_then(Value::as_bool).ok_or("a pattern case needs `match`")?;
    if pattern.matches(message) != want_match {
        return Err(format!("matches = {}, expected {want_match}", !want_match));
    }
    if pattern.match_event(message).is_some() != want_match {
        return Err("match_event disagrees with matches".into());
    }
    if let Some(path) = text(case, "path") {
        let path = JsonPath::parse(path).map_err(|e| format!("bad path in the fixture: {e}"))?;
        let got = pattern.select(message, &path);
        if got.as_ref() != case.get("value") {
            return Err(format!("selected {got:?}, expected {:?}", case.get("value")));
        }
    }
    Ok(None)
}

#[test]
fn fixtures() {
    let events = load_events();
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures found");

    let (mut cases, mut failures, mut codes) = (0, Vec::new(), BTreeSet::new());
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (i, line) in std::fs::read_to_string(file).unwrap().lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            cases += 1;
            let case: Map<String, Value> = serde_json::from_str(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
            let why = text(&case, "why").unwrap_or_else(|| panic!("{name}:{}: a case needs `why`", i + 1));
            match run_case(&case, &events) {
                Ok(code) => codes.extend(code),
                Err(e) => failures.push(format!("{name}:{}: {why}: {e}", i + 1)),
            }
        }
    }
    assert!(failures.is_empty(), "{} of {cases} cases failed:\n{}", failures.len(), failures.join("\n"));
    let untested: Vec<&str> = ErrorCode::ALL.iter().filter(|c| !codes.contains(*c)).map(|c| c.as_str()).collect();
    assert!(untested.is_empty(), "codes without a fixture case: {untested:?}");
    assert!(cases >= 60, "only {cases} cases");
}
