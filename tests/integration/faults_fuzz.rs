//! Property test of `/_emulator/faults`: arbitrary rule documents, sent with any of its methods,
//! never panic the server; each is accepted (200, the listing) or refused (400 with a message),
//! and the calls made under whatever rules were accepted get AWS-shaped answers.

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{TestEmulator, raw, raw_converse};

/// Values a rule field might hold: the right kind, the wrong kind, odd numbers and names.
fn field_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-3i64..5).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0.0f64..1.5).prop_map(|f| json!(f)),
        prop_oneof![
            Just("Converse"),
            Just("ConverseStream"),
            Just("InvokeModel"),
            Just("GetRole"),
            Just("bedrock-runtime"),
            Just("iam"),
            Just("ThrottlingException"),
            Just("throttlingException"),
            Just("ModelTimeoutException"),
            Just("NoSuchEntity"),
            Just("anthropic.*"),
            Just("*"),
            Just(""),
        ]
        .prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::from),
        Just(json!({"tenant_id": "t*"})),
        Just(json!({"tenant_id": 3})),
        Just(json!([1, 2])),
    ]
}

fn rule() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("service"),
        Just("operation"),
        Just("modelId"),
        Just("requestMetadata"),
        Just("probability"),
        Just("count"),
        Just("every"),
        Just("error"),
        Just("message"),
        Just("latencyMs"),
        Just("afterChunks"),
        Just("disconnect"),
        Just("unknownField"),
    ];
    prop::collection::vec((key, field_value()), 0..6)
        .prop_map(|fields| Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(rule(), 0..4).prop_map(|rules| json!({"rules": rules}).to_string()),
        (prop::collection::vec(rule(), 0..3), field_value())
            .prop_map(|(rules, seed)| json!({"rules": rules, "seed": seed}).to_string()),
        field_value().prop_map(|v| v.to_string()),
        "\\PC{0,40}",
    ]
}

#[test]
fn arbitrary_rule_documents_are_accepted_or_refused_and_never_panic_the_server() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let t = rt.block_on(TestEmulator::start());
    let url = t.url();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 200, ..ProptestConfig::default() });
    let methods = prop_oneof![Just("POST"), Just("PATCH"), Just("DELETE")];
    let converse = br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}],"requestMetadata":{"tenant_id":"t1"}}"#;
    runner
        .run(&(methods, document()), |(method, doc)| {
            let res = rt.block_on(raw(&url, method, "/_emulator/faults", &[("content-type", "application/json")], doc.clone()));
            match res.status {
                200 => prop_assert!(res.json()["rules"].is_array(), "{doc}"),
                400 => prop_assert!(res.json()["message"].as_str().is_some_and(|m| !m.is_empty()), "{doc}: {res:?}"),
                other => prop_assert!(false, "{method} {doc} answered {other}: {res:?}"),
            }
            // A call under whatever rules are in force gets an answer: 200 or an AWS error.
            let res = rt.block_on(raw_converse(&url, "anthropic.claude-3-haiku-20240307-v1%3A0", &converse[..]));
            prop_assert!(res.status == 200 || res.header("x-amzn-ErrorType").is_some(), "{doc}: {res:?}");
            Ok(())
        })
        .unwrap();
    let res = rt.block_on(raw(&url, "GET", "/_emulator/health", &[], ""));
    assert_eq!(res.status, 200);
    rt.block_on(t.emulator.shutdown());
}
