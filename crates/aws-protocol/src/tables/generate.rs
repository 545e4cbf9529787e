//! Generates `data/operations.tsv` from the botocore models (`<stem>.service-2.json`): each
//! operation's HTTP binding, deprecation and routing bindings, and for the REST services the
//! operations a request cannot tell apart (`shadowed_by`, found by routing each operation's
//! example request).

use std::path::{Path, PathBuf};

use http::Method;
use serde_json::Value;

use super::{Binding, Location, Operation, example_request, template, text};
use crate::route::{self, RestRequest, RouteOutcome};
use crate::service::ServiceId;

/// Why the tables could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("reading {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not JSON: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    #[error("{path}: {reason}")]
    Model { path: PathBuf, reason: String },
}

/// The contents of `data/operations.tsv` for the models in `models_dir`.
pub fn generate(models_dir: &Path) -> Result<String, GenerateError> {
    let mut ops = Vec::new();
    for service in ServiceId::ALL {
        let path = models_dir.join(format!("{}.service-2.json", service.model_stem()));
        let text = std::fs::read_to_string(&path).map_err(|source| GenerateError::Read { path: path.clone(), source })?;
        let model: Value = serde_json::from_str(&text).map_err(|source| GenerateError::Json { path: path.clone(), source })?;
        ops.extend(model_operations(service, &model).map_err(|reason| GenerateError::Model { path, reason })?);
    }
    mark_shadowed(&mut ops);
    let mut out = String::from(text::HEADER);
    for op in &ops {
        text::write_line(&mut out, op);
    }
    Ok(out)
}

fn model_operations(service: ServiceId, model: &Value) -> Result<Vec<Operation>, String> {
    let operations = model["operations"].as_object().ok_or("no operations object")?;
    let shapes = &model["shapes"];
    let mut names: Vec<&String> = operations.keys().collect();
    names.sort();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let op = &operations[name.as_str()];
        let method = op["http"]["method"].as_str().unwrap_or("POST");
        let method = Method::from_bytes(method.as_bytes()).map_err(|_| format!("{name}: bad method {method}"))?;
        let request_uri = op["http"]["requestUri"].as_str().unwrap_or("/").to_owned();
        let bindings = match op["input"]["shape"].as_str() {
            Some(input) => input_bindings(&shapes[input]),
            None => Vec::new(),
        };
        let (path, markers) = template::parse(&request_uri);
        out.push(Operation {
            service,
            name: name.clone(),
            method,
            request_uri,
            path,
            markers,
            deprecated: op["deprecated"].as_bool().unwrap_or(false),
            bindings,
            shadowed_by: None,
        });
    }
    Ok(out)
}

/// URI labels (all of them), required query parameters and required headers, in member order.
fn input_bindings(shape: &Value) -> Vec<Binding> {
    let required: Vec<&str> =
        shape["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(members) = shape["members"].as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (member, m) in members {
        let location = match m["location"].as_str() {
            Some("uri") => Location::Uri,
            Some("querystring") if required.contains(&member.as_str()) => Location::Query,
            Some("header") if required.contains(&member.as_str()) => Location::Header,
            _ => continue,
        };
        let wire = m["locationName"].as_str().unwrap_or(member).to_owned();
        out.push(Binding { location, wire, member: member.clone() });
    }
    out
}

/// Routes each REST operation's example request among its routing group; where another
/// operation wins, the two are indistinguishable and the loser is `shadowed_by` the winner.
fn mark_shadowed(ops: &mut [Operation]) {
    let mut shadowed: Vec<(usize, String)> = Vec::new();
    for group in route::ROUTING_GROUPS {
        let members: Vec<usize> = (0..ops.len()).filter(|&i| group.contains(&ops[i].service)).collect();
        for &i in &members {
            let example = example_request(&ops[i]);
            let segments = route::split_path(&example.path);
            let has = |h: &str| example.headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(h));
            let req = RestRequest { method: &example.method, segments: &segments, query: &example.query, has_header: &has };
            if let RouteOutcome::Found { op, .. } = route::select(members.iter().map(|&j| &ops[j]).enumerate(), &req)
                && (op.name != ops[i].name || op.service != ops[i].service)
            {
                let winner = if op.service == ops[i].service {
                    op.name.clone()
                } else {
                    format!("{}:{}", op.service.model_stem(), op.name)
                };
                shadowed.push((i, winner));
            }
        }
    }
    for (i, winner) in shadowed {
        ops[i].shadowed_by = Some(winner);
    }
}
