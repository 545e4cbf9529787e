//! `cargo xtask trim-model MODEL OUT Op[,Op...]` writes the trimmed copy of an official service
//! model (`../shared/reference/aws-models/<MODEL>.service-2.json`) that a service embeds for
//! validation: the shapes reachable from the listed operations' inputs, with the keys validation
//! and the query/XML decoders read (type, members with shape/location/locationName, required,
//! min, max, pattern, enum, sensitive, union, document, member/key/value, flattened) and nothing
//! else. The file records how it was made (`_trim`), so `cargo xtask trim-model --check`
//! regenerates every such file in the repository and reports the ones that differ.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde_json::{Map, Value, json};

/// The official models, beside the repository.
fn models_dir() -> PathBuf {
    crate::project_root().join("..").join("shared").join("reference").join("aws-models")
}

/// Keys of a shape kept in the trimmed copy.
const SHAPE_KEYS: &[&str] = &["type", "required", "min", "max", "pattern", "enum", "sensitive", "union", "document", "flattened"];
/// Keys of a member (or list member, map key/value) kept.
const MEMBER_KEYS: &[&str] = &["shape", "location", "locationName"];

pub(crate) fn run(args: &[String]) -> anyhow::Result<()> {
    if args.first().map(String::as_str) == Some("--check") {
        return check();
    }
    let [model, out, ops] = args else {
        bail!("usage: cargo xtask trim-model MODEL OUT Op[,Op...] | --check");
    };
    let ops: Vec<String> = ops.split(',').map(str::to_owned).collect();
    let text = trim(model, &ops)?;
    std::fs::write(out, text).with_context(|| format!("writing {out}"))?;
    println!("wrote {out} ({} operations of {model})", ops.len());
    Ok(())
}

/// The trimmed copy of `model` for `ops`, as the file's text.
fn trim(model: &str, ops: &[String]) -> anyhow::Result<String> {
    let path = models_dir().join(format!("{model}.service-2.json"));
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?)?;
    let shapes = doc["shapes"].as_object().context("the model has no shapes")?;
    let mut wanted: Vec<String> = Vec::new();
    for op in ops {
        let operation = doc["operations"].get(op).with_context(|| format!("{model} has no operation {op}"))?;
        if let Some(input) = operation["input"]["shape"].as_str() {
            wanted.push(input.to_owned());
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = wanted.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let shape = shapes.get(&name).with_context(|| format!("shape {name} is missing"))?;
        let members = shape["members"].as_object().into_iter().flat_map(|m| m.values());
        let parts = ["member", "key", "value"].into_iter().filter_map(|k| shape.get(k));
        for target in members.chain(parts).filter_map(|m| m["shape"].as_str()) {
            wanted.push(target.to_owned());
        }
    }
    let mut out = Map::new();
    for name in &seen {
        out.insert(name.clone(), trim_shape(&shapes[name]));
    }
    let version = doc["metadata"]["apiVersion"].as_str().unwrap_or_default();
    let file = json!({
        "_source": format!("Trimmed from the {model} service model {version} (../shared/reference/aws-models/{model}.service-2.json) by cargo xtask trim-model: shapes reachable from the inputs of the listed operations; validation keys only."),
        "_trim": {"model": model, "operations": ops},
        "shapes": out,
    });
    Ok(serde_json::to_string_pretty(&file)? + "\n")
}

fn trim_shape(shape: &Value) -> Value {
    let mut out = Map::new();
    for key in SHAPE_KEYS {
        if let Some(v) = shape.get(*key) {
            out.insert((*key).to_owned(), v.clone());
        }
    }
    let keep =
        |m: &Value| Value::Object(MEMBER_KEYS.iter().filter_map(|k| m.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect());
    if let Some(members) = shape["members"].as_object() {
        out.insert("members".into(), Value::Object(members.iter().map(|(k, m)| (k.clone(), keep(m))).collect()));
    }
    for part in ["member", "key", "value"] {
        if let Some(m) = shape.get(part) {
            out.insert(part.into(), keep(m));
        }
    }
    Value::Object(out)
}

/// Regenerates every trimmed model of the repository (files with a `_trim` key) and fails on a
/// difference; says so and succeeds when the official models are not beside the repository.
fn check() -> anyhow::Result<()> {
    if !models_dir().is_dir() {
        println!("trim-model --check: {} is absent; nothing checked", models_dir().display());
        return Ok(());
    }
    let mut stale = Vec::new();
    let mut checked = 0;
    for file in trimmed_files(&crate::project_root().join("crates"))? {
        let text = std::fs::read_to_string(&file)?;
        let doc: Value = serde_json::from_str(&text)?;
        let Some(spec) = doc.get("_trim") else { continue };
        let model = spec["model"].as_str().context("_trim.model")?;
        let ops: Vec<String> = spec["operations"]
            .as_array()
            .context("_trim.operations")?
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        checked += 1;
        if trim(model, &ops)? != text {
            stale.push(file.display().to_string());
        }
    }
    anyhow::ensure!(
        stale.is_empty(),
        "trimmed models differ from their official model (rerun cargo xtask trim-model): {stale:?}"
    );
    println!("trim-model --check: {checked} trimmed model(s) are fresh");
    Ok(())
}

/// `crates/*/models/*.json`.
fn trimmed_files(crates: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for krate in std::fs::read_dir(crates)? {
        let models = krate?.path().join("models");
        if let Ok(entries) = std::fs::read_dir(&models) {
            for entry in entries {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == "json") {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}
