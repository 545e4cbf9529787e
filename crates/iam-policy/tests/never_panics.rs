//! Property test: any text, and any JSON built from the grammar's element names, parses to a
//! document or a policy error with a message, for every kind of policy; never a panic.

use iam_policy::{PolicyKind, parse};
use proptest::prelude::*;

/// JSON values made of policy element names, principals, actions and noise.
fn json() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("\"*\"".to_owned()),
        Just("\"Allow\"".to_owned()),
        Just("\"allow\"".to_owned()),
        Just("\"2012-10-17\"".to_owned()),
        Just("\"s3:PutObject\"".to_owned()),
        Just("\"arn:aws:s3:::b/*\"".to_owned()),
        Just("\"arn:aws:iam::123456789012:root\"".to_owned()),
        Just("\"${aws:username}\"".to_owned()),
        Just("true".to_owned()),
        Just("12".to_owned()),
        Just("null".to_owned()),
        "\"[ -~]{0,8}\"".prop_map(|s| s.replace('\\', "")),
    ];
    let key = proptest::sample::select(vec![
        "Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
        "NotResource", "Condition", "AWS", "Service", "StringEquals", "aws:SourceAccount", "x",
    ]);
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec((key.clone(), inner), 0..5).prop_map(|kv| {
                format!("{{{}}}", kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect::<Vec<_>>().join(","))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn parsing_never_panics(doc in json(), text in "\\PC{0,64}") {
        for kind in [PolicyKind::Identity, PolicyKind::Trust, PolicyKind::Bucket("logs")] {
            for input in [doc.as_str(), text.as_str()] {
                if let Err(e) = parse(input, kind) {
                    prop_assert!(!e.message.is_empty());
                }
            }
        }
    }
}
