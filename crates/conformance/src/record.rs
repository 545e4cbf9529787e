//! `--record DIR`: saves what a run saw (the runtime's answers as a declared-responses file, the
//! records as JSON lines, and the transient errors as fault rules), scrubbed of account ids and
//! ARNs, so that later `--mock` runs replay a live account's answers: `--mock` loads every
//! `*.responses.json` of `fixtures/scenarios/recorded/` into the emulator's responder and
//! replays each `*.faults.json` rule around the call that saw the error.

use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

use super::runner::{CallResult, ScenarioRun};
use super::scenario::Operation;

/// The directory `--mock` replays from and `--record` writes to by default.
pub(crate) const DEFAULT_DIR: &str = "fixtures/scenarios/recorded";
/// The account id recordings carry instead of the real one.
const SCRUBBED_ACCOUNT: &str = "123456789012";

/// Writes `<dir>/<scenario>.responses.json`, `<dir>/<scenario>.records.jsonl` and, when a call
/// met a transient error, `<dir>/<scenario>.faults.json` (`attempts`: how many times the client
/// tries a call, so a replayed error outlasts its retries as the live one did).
pub(crate) fn save(dir: &Path, run: &ScenarioRun, attempts: u32) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut responses = Vec::new();
    for (call, outcome) in run.calls.iter().zip(&run.outcomes) {
        let (Operation::Converse, CallResult::Ok(usage), Some(prompt)) = (call.operation, &outcome.result, &call.prompt) else {
            continue;
        };
        let mut entry = json!({
            "modelId": call.model_id,
            "promptContains": prompt,
            "text": usage.text,
            "usage": {"inputTokens": usage.input_tokens, "outputTokens": usage.output_tokens},
        });
        if let Some(latency) = usage.latency_ms {
            entry["latencyMs"] = json!(latency);
        }
        // Cache tokens too, so a replay prices the calls as the live run did.
        if usage.cache_read_tokens > 0 {
            entry["usage"]["cacheReadInputTokens"] = json!(usage.cache_read_tokens);
        }
        if usage.cache_write_tokens > 0 {
            entry["usage"]["cacheWriteInputTokens"] = json!(usage.cache_write_tokens);
        }
        responses.push(entry);
    }
    let name = &run.report.name;
    let responses_path = dir.join(format!("{name}.responses.json"));
    let text = serde_json::to_string_pretty(&json!({ "responses": responses }))? + "\n";
    std::fs::write(&responses_path, text).with_context(|| format!("cannot write {}", responses_path.display()))?;
    let mut lines = String::new();
    for record in &run.records {
        let mut record = record.clone();
        scrub(&mut record);
        lines.push_str(&serde_json::to_string(&record)?);
        lines.push('\n');
    }
    let records_path = dir.join(format!("{name}.records.jsonl"));
    std::fs::write(&records_path, lines).with_context(|| format!("cannot write {}", records_path.display()))?;
    println!("  saved   {} and {}", responses_path.display(), records_path.display());
    let faults: Vec<Value> = run
        .calls
        .iter()
        .zip(&run.outcomes)
        .filter_map(|(call, outcome)| {
            let mut rule = super::faults::replay_rule(call, outcome, attempts)?;
            scrub(&mut rule);
            Some(json!({"call": outcome.index, "rule": rule}))
        })
        .collect();
    let faults_path = dir.join(format!("{name}.faults.json"));
    if faults.is_empty() {
        let _ = std::fs::remove_file(&faults_path);
    } else {
        let text = serde_json::to_string_pretty(&json!({ "faults": faults }))? + "\n";
        std::fs::write(&faults_path, text).with_context(|| format!("cannot write {}", faults_path.display()))?;
        println!("  saved   {} ({} transient error(s) as fault rules)", faults_path.display(), faults.len());
    }
    Ok(())
}

/// Every recorded `<scenario>.faults.json` of `dir`: per scenario, (call index, fault rule).
pub(crate) fn load_faults(dir: &Path) -> anyhow::Result<std::collections::BTreeMap<String, Vec<(usize, Value)>>> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(out) };
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".faults.json")) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let doc: Value = serde_json::from_str(&text).with_context(|| format!("invalid {}", path.display()))?;
        let faults = doc["faults"]
            .as_array()
            .with_context(|| format!("{}: expected {{\"faults\": [...]}}", path.display()))?
            .iter()
            .filter_map(|f| Some((usize::try_from(f["call"].as_u64()?).ok()?, f["rule"].clone())))
            .collect();
        out.insert(name.to_owned(), faults);
    }
    Ok(out)
}

/// Replaces account ids (any 12-digit run) and the caller's identity in every string.
pub(crate) fn scrub(value: &mut Value) {
    match value {
        Value::String(s) => *s = scrub_text(s),
        Value::Array(items) => items.iter_mut().for_each(scrub),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "arn" && v.is_string() {
                    *v = json!(format!("arn:aws:sts::{SCRUBBED_ACCOUNT}:assumed-role/RecordedRole/recorded-session"));
                } else {
                    scrub(v);
                }
            }
        }
        _ => {}
    }
}

pub(crate) fn scrub_text(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if run == 12 && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            out.push_str(SCRUBBED_ACCOUNT);
            i += run;
        } else if run > 0 {
            out.push_str(&s[i..i + run]);
            i += run;
        } else {
            let ch = s[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Every recorded `*.responses.json` of `dir` merged into one declared-responses document;
/// `None` when there is none.
pub(crate) fn load_declared(dir: &Path) -> anyhow::Result<Option<(String, usize)>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(None) };
    let mut paths: Vec<_> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.to_string_lossy().ends_with(".responses.json")).collect();
    paths.sort();
    let mut all = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?;
        let doc: Value = serde_json::from_str(&text).with_context(|| format!("invalid {}", p.display()))?;
        all.extend(doc.get("responses").and_then(Value::as_array).cloned().unwrap_or_default());
    }
    if all.is_empty() {
        return Ok(None);
    }
    let n = all.len();
    Ok(Some((json!({ "responses": all }).to_string(), n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_account_ids_and_arns() {
        let mut v = json!({"accountId": "987654321098", "identity": {"arn": "arn:aws:sts::987654321098:assumed-role/Dev/alice"},
                           "note": "id 1234567890123 stays", "modelId": "arn:aws:bedrock:us-east-1:987654321098:inference-profile/x"});
        scrub(&mut v);
        assert_eq!(v["accountId"], "123456789012");
        assert_eq!(v["identity"]["arn"], "arn:aws:sts::123456789012:assumed-role/RecordedRole/recorded-session");
        assert_eq!(v["note"], "id 1234567890123 stays");
        assert_eq!(v["modelId"], "arn:aws:bedrock:us-east-1:123456789012:inference-profile/x");
    }
}
