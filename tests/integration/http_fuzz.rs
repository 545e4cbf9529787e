//! Fuzz-style property tests of the HTTP layer: arbitrary bodies, paths and headers never panic
//! the server, and every answer is AWS-shaped (a request id, and a JSON error body naming the
//! error for any non-200).

use proptest::prelude::*;

use crate::support::{RawResponse, TestEmulator, raw};

fn path_strategy() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("model".to_owned()),
        Just("logging".to_owned()),
        Just("modelinvocations".to_owned()),
        Just("converse".to_owned()),
        Just("anthropic.claude-3-haiku-20240307-v1%3A0".to_owned()),
        Just("%FF%FE".to_owned()),
        Just("%2F..%2F..".to_owned()),
        "[a-zA-Z0-9._~%-]{0,12}",
    ];
    prop::collection::vec(segment, 0..5).prop_map(|segs| format!("/{}", segs.join("/")))
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        Just(br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#.to_vec()),
        Just(br#"{"messages":"nope","requestMetadata":{"a":1}}"#.to_vec()),
        Just(br#"{"loggingConfig":{"cloudWatchConfig":{"logGroupName":"","roleArn":5}}}"#.to_vec()),
        "\\PC{0,64}".prop_map(String::into_bytes),
    ]
}

fn header_strategy() -> impl Strategy<Value = Vec<(String, String)>> {
    let header = prop_oneof![
        ("x-amz-target", prop_oneof![Just("Logs_20140328.StartQuery".to_owned()), "[A-Za-z_.0-9]{0,20}"]),
        ("authorization", "[ -~]{0,80}"),
        ("content-type", "[ -~]{0,30}"),
        ("x-amzn-bedrock-request-metadata", "[ -~]{0,60}"),
    ]
    .prop_map(|(n, v)| (n.to_owned(), v));
    prop::collection::vec(header, 0..3)
}

fn assert_aws_shaped(res: &RawResponse) {
    assert!(res.header("x-amzn-RequestId").is_some(), "no request id: {res:?}");
    if res.status == 200 {
        return;
    }
    assert!((400..600).contains(&res.status), "{res:?}");
    let body = res.json();
    let message = body.get("message").and_then(|m| m.as_str()).unwrap_or_default();
    assert!(!message.is_empty(), "no message: {res:?}");
    let named = res.header("x-amzn-ErrorType").is_some() || body.get("__type").is_some();
    assert!(named, "error type missing: {res:?}");
}

#[test]
fn arbitrary_requests_get_aws_shaped_answers() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let t = rt.block_on(TestEmulator::start());
    let url = t.url();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 300, ..ProptestConfig::default() });
    let methods = prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE")];
    runner
        .run(&(methods, path_strategy(), header_strategy(), body_strategy()), |(method, path, headers, body)| {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let res = rt.block_on(raw(&url, method, &path, &headers, body));
            assert_aws_shaped(&res);
            Ok(())
        })
        .unwrap();
    // Still alive and answering.
    let res = rt.block_on(raw(&url, "GET", "/_emulator/health", &[], ""));
    assert_eq!(res.status, 200);
    rt.block_on(t.emulator.shutdown());
}

#[tokio::test]
async fn oversize_bodies_are_refused_without_reading_them() {
    let t = TestEmulator::start_with(|c| c.max_body_bytes = 1024).await;
    let res = crate::support::raw_converse(&t.url(), "anthropic.claude-3-haiku-20240307-v1%3A0", vec![b' '; 4096]).await;
    assert_eq!(res.status, 400);
    assert!(res.header("x-amzn-ErrorType").unwrap().starts_with("ValidationException:"));
    assert!(res.json()["message"].as_str().unwrap().contains("exceeds the maximum of 1024 bytes"));
    assert!(t.records("/aws/bedrock/modelinvocations").is_empty());
}
