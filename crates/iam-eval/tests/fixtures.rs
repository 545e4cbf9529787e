//! Runs every case of `fixtures/iam/*.json` (see its README): identity policies, an optional
//! resource-based policy and a request, against the expected outcome of `authorize`. Fails
//! listing every case that disagrees, and when there are fewer than 60 cases.

use std::path::Path;

use iam_eval::{CompiledPolicy, Context, Denial, Principal, Request, ResourcePolicy, authorize};
use iam_policy::PolicyKind;
use serde_json::Value;

fn principal(case: &Value) -> Principal {
    match case.get("principal") {
        None => Principal::aws("arn:aws:iam::123456789012:user/alice"),
        Some(Value::String(s)) if s == "anonymous" => Principal::Anonymous,
        Some(Value::String(arn)) => Principal::aws(arn),
        Some(other) => Principal::Service(other["service"].as_str().expect("a service principal").to_owned()),
    }
}

fn context(case: &Value, principal: &Principal) -> Context {
    let mut c = Context::new();
    if let Principal::Aws { arn, account, .. } = principal {
        c.set("aws:PrincipalArn", arn.clone());
        c.set("aws:PrincipalAccount", account.clone());
    }
    if let Some(Value::Object(keys)) = case.get("context") {
        for (k, v) in keys {
            match v {
                Value::Array(items) => {
                    c.set_all(k, items.iter().map(|i| i.as_str().unwrap_or_default().to_owned()).collect());
                }
                other => {
                    c.set(k, other.as_str().unwrap_or_default().to_owned());
                }
            }
        }
    }
    c
}

fn outcome(result: Result<(), Denial>) -> &'static str {
    match result {
        Ok(()) => "Allow",
        Err(Denial::NoIdentityAllow) => "NoIdentityAllow",
        Err(Denial::NoResourceAllow) => "NoResourceAllow",
        Err(Denial::ExplicitIdentityDeny { .. }) => "ExplicitIdentityDeny",
        Err(Denial::ExplicitResourceDeny { .. }) => "ExplicitResourceDeny",
    }
}

#[test]
fn every_fixture_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/iam");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let (mut count, mut failures) = (0, Vec::new());
    for file in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for case in doc["cases"].as_array().unwrap() {
            count += 1;
            let label = format!("{name}: {}", case["name"].as_str().unwrap_or("?"));
            let identity: Vec<CompiledPolicy> = case["policies"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, p)| CompiledPolicy::parse(format!("policy{i}"), &p.to_string(), PolicyKind::Identity))
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{label}: {e}"));
            let resource = case.get("resourcePolicy").map(|rp| {
                let kind = match rp["kind"].as_str() {
                    Some("trust") => PolicyKind::Trust,
                    _ => PolicyKind::Bucket(rp["bucket"].as_str().unwrap_or_default()),
                };
                let text = rp["document"].to_string();
                let policy = CompiledPolicy::parse("resource", &text, kind).unwrap_or_else(|e| panic!("{label}: {e}"));
                (policy, rp["owner"].as_str().unwrap_or_default().to_owned(), rp["kind"] == "trust")
            });
            let p = principal(case);
            let ctx = context(case, &p);
            let req = Request {
                principal: &p,
                action: case["action"].as_str().unwrap(),
                resource: case["resource"].as_str().unwrap(),
                context: &ctx,
            };
            let refs: Vec<&CompiledPolicy> = identity.iter().collect();
            let rp = resource.as_ref().map(|(policy, owner, required)| ResourcePolicy {
                policy,
                owner_account: owner,
                required: *required,
            });
            let got = outcome(authorize(&refs, rp, &req));
            let want = case["expect"].as_str().unwrap();
            if got != want {
                failures.push(format!("{label}: expected {want}, got {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(count >= 60, "only {count} cases");
}
