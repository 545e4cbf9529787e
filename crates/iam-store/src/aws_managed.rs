//! The AWS managed policies the account can attach (`arn:aws:iam::aws:policy/<name>`), from
//! `data/aws-managed-policies.json`, embedded.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::entities::{ManagedPolicy, PolicyVersion};

/// When the emulator's copies of AWS's policies are dated (2015-02-06, the date AWS shows for
/// its oldest managed policies).
const CREATED_MS: i64 = 1_423_180_800_000;

#[derive(Deserialize)]
struct File {
    policies: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    description: String,
    document: serde_json::Value,
}

static POLICIES: LazyLock<Vec<ManagedPolicy>> = LazyLock::new(|| {
    let file: File = serde_json::from_str(include_str!("../data/aws-managed-policies.json"))
        .expect("the embedded AWS managed policies are valid");
    file.policies
        .into_iter()
        .map(|e| ManagedPolicy {
            arn: format!("arn:aws:iam::aws:policy/{}", e.name),
            id: crate::ids::unique_id("ANPA", &format!("aws-managed:{}", e.name)),
            path: "/".to_owned(),
            description: Some(e.description),
            created_ms: CREATED_MS,
            updated_ms: CREATED_MS,
            default_version: "v1".to_owned(),
            versions: vec![PolicyVersion { id: "v1".to_owned(), document: e.document.to_string(), created_ms: CREATED_MS }],
            tags: Vec::new(),
            name: e.name,
        })
        .collect()
});

/// Every AWS managed policy, by name.
pub fn policies() -> &'static [ManagedPolicy] {
    &POLICIES
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_policies_load() {
        let all = super::policies();
        assert!(all.iter().any(|p| p.arn == "arn:aws:iam::aws:policy/AmazonBedrockFullAccess"));
        assert!(all.iter().all(|p| p.is_aws_managed() && p.default_document().is_some()));
    }
}
