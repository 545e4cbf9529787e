//! Property test: any policy iam-policy accepts (built from the grammar's elements, wildcards,
//! variables and every condition operator) evaluates against any request without panicking,
//! and the explanation of a request agrees with its decision.

use iam_eval::{CompiledPolicy, Context, Decision, Principal, Request, ResourcePolicy, authorize, evaluate, explain};
use iam_policy::PolicyKind;
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_owned()),
        Just("?".to_owned()),
        Just("${aws:username}".to_owned()),
        Just("${".to_owned()),
        Just("arn:aws:s3:::b/*".to_owned()),
        Just("arn:aws:bedrock:*::foundation-model/*".to_owned()),
        Just("10.0.0.0/8".to_owned()),
        Just("2025-12-03T10:00:00Z".to_owned()),
        Just("true".to_owned()),
        Just("12".to_owned()),
        "[ -~]{0,12}",
    ]
}

fn operator() -> impl Strategy<Value = String> {
    let base = proptest::sample::select(vec![
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringLike", "StringNotLike", "NumericLessThan",
        "NumericEquals", "DateGreaterThan", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnLike", "ArnNotEquals",
        "Null", "Weird",
    ]);
    (proptest::sample::select(vec!["", "ForAnyValue:", "ForAllValues:"]), base, any::<bool>())
        .prop_map(|(set, base, exists)| format!("{set}{base}{}", if exists { "IfExists" } else { "" }))
}

fn policy() -> impl Strategy<Value = String> {
    let condition = (operator(), text(), proptest::collection::vec(text(), 1..3));
    let statement = (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(text(), 1..3),
        any::<bool>(),
        proptest::collection::vec(text(), 1..3),
        proptest::collection::vec(condition, 0..3),
    )
        .prop_map(|(allow, not_action, actions, not_resource, resources, conditions)| {
            let actions: Vec<String> = actions.iter().map(|a| format!("s3:{a}")).collect();
            let resources: Vec<String> =
                resources.iter().map(|r| if r == "*" { r.clone() } else { format!("arn:{r}") }).collect();
            let mut cond = serde_json::Map::new();
            for (op, key, values) in conditions {
                cond.entry(op).or_insert_with(|| serde_json::json!({}))[key] = serde_json::json!(values);
            }
            serde_json::json!({
                "Effect": if allow { "Allow" } else { "Deny" },
                if not_action { "NotAction" } else { "Action" }: actions,
                if not_resource { "NotResource" } else { "Resource" }: resources,
                "Condition": cond,
            })
        });
    proptest::collection::vec(statement, 1..4)
        .prop_map(|s| serde_json::json!({"Version": "2012-10-17", "Statement": s}).to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn evaluation_never_panics(doc in policy(), action in text(), resource in text(), key in text(), value in text()) {
        let Ok(policy) = CompiledPolicy::parse("p", &doc, PolicyKind::Identity) else { return Ok(()) };
        let principal = Principal::aws("arn:aws:iam::123456789012:user/alice");
        let context = Context::new().with(&key, value.clone()).with("aws:username", value);
        let action = format!("s3:{action}");
        let req = Request { principal: &principal, action: &action, resource: &resource, context: &context };
        let decision = evaluate(&[&policy], &req);
        let trace = explain(&[&policy], &req);
        let applying: Vec<_> = trace.statements.iter().filter(|s| s.applies).collect();
        match decision {
            Decision::ExplicitDeny => prop_assert!(applying.iter().any(|s| s.effect == "Deny")),
            Decision::Allow => prop_assert!(applying.iter().all(|s| s.effect == "Allow") && !applying.is_empty()),
            Decision::ImplicitDeny => prop_assert!(applying.is_empty()),
        }
        let rp = ResourcePolicy { policy: &policy, owner_account: "123456789012", required: false };
        let _ = authorize(&[&policy], Some(rp), &req);
    }
}
