//! Fuzz-style property tests of the HTTP layer: arbitrary bodies, paths and headers never panic
//! the server, and every answer is AWS-shaped (a request id, and a JSON error body naming the
//! error for any non-200), in whichever of the six protocols the request spoke.

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

/// A JSON value of the kinds a Logs request member might hold, valid or not.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{Value, json};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        Just(json!(1_764_759_284_250_i64)),
        Just(json!(1_764_759_284_i64)),
        (0i64..20_000).prop_map(|n| json!(n)),
        Just(json!("/aws/bedrock/modelinvocations")),
        Just(json!("aws/bedrock/modelinvocations")),
        Just(json!("stats count(*) by requestMetadata.tenant_id")),
        Just(json!("{ $.requestMetadata.tenant_id = \"t*\" }")),
        Just(json!("f/00000000000000000000000000000000000000000000000000000001/s")),
        "\\PC{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec(
                (prop_oneof![Just("timestamp".to_owned()), Just("message".to_owned()), "[a-z]{1,8}"], inner),
                0..3
            )
            .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn logs_body() -> impl Strategy<Value = Vec<u8>> {
    let key = prop_oneof![
        Just("logGroupName"),
        Just("logGroupNames"),
        Just("logGroupIdentifier"),
        Just("logGroupIdentifiers"),
        Just("logStreamName"),
        Just("logStreamNames"),
        Just("logStreamNamePrefix"),
        Just("logEvents"),
        Just("startTime"),
        Just("endTime"),
        Just("queryString"),
        Just("queryId"),
        Just("limit"),
        Just("nextToken"),
        Just("filterPattern"),
        Just("logRecordPointer"),
        Just("orderBy"),
        Just("descending"),
        Just("maxItems"),
        Just("startFromHead"),
        Just("logGroupNamePrefix"),
        Just("status"),
        Just("queryLanguage"),
    ];
    prop_oneof![
        prop::collection::vec((key, json_value()), 0..6).prop_map(|kv| {
            let map: serde_json::Map<String, serde_json::Value> = kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            serde_json::Value::Object(map).to_string().into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

#[test]
fn arbitrary_logs_requests_get_logs_error_shapes() {
    use service_logs::model::LogsOperation;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let t = rt.block_on(TestEmulator::start());
    let url = t.url();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 400, ..ProptestConfig::default() });
    let ops = prop::sample::select(LogsOperation::ALL.to_vec());
    runner
        .run(&(ops, logs_body()), |(op, body)| {
            let target = format!("Logs_20140328.{}", op.name());
            let headers = [("x-amz-target", target.as_str()), ("content-type", "application/x-amz-json-1.1")];
            let res = rt.block_on(raw(&url, "POST", "/", &headers, body));
            assert!(res.header("x-amzn-RequestId").is_some(), "{res:?}");
            if res.status != 200 {
                assert!(res.status == 400 || res.status == 503, "{res:?}");
                let body = res.json();
                assert!(body["__type"].as_str().is_some_and(|t| t.ends_with("Exception")), "{res:?}");
                assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{res:?}");
            }
            Ok(())
        })
        .unwrap();
    let res = rt.block_on(raw(&url, "GET", "/_emulator/health", &[], ""));
    assert_eq!(res.status, 200);
    rt.block_on(t.emulator.shutdown());
}

/// A request in one of the protocols the emulator detects, with arbitrary parts: S3 (signed for
/// `s3`, path-style or `<bucket>.localhost`), awsQuery forms for STS/IAM/SNS/CloudWatch, awsJson
/// targets of Logs/Athena/CloudWatch, RPC v2 CBOR, and gzip or aws-chunked bodies.
#[derive(Debug, Clone)]
struct Frame {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn scope(service: &str) -> String {
    format!("AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20251203/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0")
}

fn frame_strategy() -> impl Strategy<Value = Frame> {
    let bytes = prop::collection::vec(any::<u8>(), 0..200);
    let name = "[A-Za-z0-9._~%-]{0,16}";
    let s3 = (
        prop_oneof![Just("GET"), Just("PUT"), Just("POST"), Just("DELETE"), Just("HEAD")],
        prop::collection::vec(name, 0..4),
        prop_oneof![
            Just(String::new()),
            Just("?acl".to_owned()),
            Just("?list-type=2&max-keys=x".to_owned()),
            Just("?uploads".to_owned()),
            "\\?[A-Za-z0-9=&%._~-]{0,20}"
        ],
        any::<bool>(),
        bytes.clone(),
    )
        .prop_map(|(method, segs, query, virtual_host, body)| {
            let mut headers = vec![("authorization".to_owned(), scope("s3"))];
            if virtual_host {
                headers.push(("host".to_owned(), "fuzz-bucket.localhost".to_owned()));
            }
            Frame { method, path: format!("/{}{query}", segs.join("/")), headers, body }
        });
    let query = (
        prop_oneof![Just("sts"), Just("iam"), Just("sns"), Just("monitoring"), Just("other")],
        prop_oneof![
            Just("GetCallerIdentity".to_owned()),
            Just("CreateRole".to_owned()),
            Just("PutMetricData".to_owned()),
            "[A-Za-z]{0,12}"
        ],
        "[ -~]{0,60}",
    )
        .prop_map(|(service, action, rest)| Frame {
            method: "POST",
            path: "/".to_owned(),
            headers: vec![
                ("authorization".to_owned(), scope(service)),
                ("content-type".to_owned(), "application/x-www-form-urlencoded; charset=utf-8".to_owned()),
            ],
            body: format!("Action={action}&Version=2010-08-01&{rest}").into_bytes(),
        });
    let json = (
        prop_oneof![Just("Logs_20140328"), Just("AmazonAthena"), Just("GraniteServiceVersion20100801"), Just("Nope_1")],
        prop_oneof![Just("StartQuery".to_owned()), Just("PutMetricData".to_owned()), "[A-Za-z]{0,12}"],
        prop_oneof![Just("1.0"), Just("1.1")],
        prop_oneof![bytes.clone(), "\\PC{0,40}".prop_map(String::into_bytes)],
    )
        .prop_map(|(prefix, op, version, body)| Frame {
            method: "POST",
            path: "/".to_owned(),
            headers: vec![
                ("x-amz-target".to_owned(), format!("{prefix}.{op}")),
                ("content-type".to_owned(), format!("application/x-amz-json-{version}")),
            ],
            body,
        });
    let cbor =
        (prop_oneof![Just("GraniteServiceVersion20100801".to_owned()), "[A-Za-z0-9]{0,10}"], "[A-Za-z]{0,14}", bytes.clone())
            .prop_map(|(service, op, body)| Frame {
                method: "POST",
                path: format!("/service/{service}/operation/{op}"),
                headers: vec![
                    ("smithy-protocol".to_owned(), "rpc-v2-cbor".to_owned()),
                    ("content-type".to_owned(), "application/cbor".to_owned()),
                ],
                body,
            });
    let coded =
        (prop_oneof![Just("gzip"), Just("aws-chunked"), Just("br")], bytes, any::<bool>()).prop_map(|(coding, body, s3)| {
            let mut headers = vec![("content-encoding".to_owned(), coding.to_owned())];
            if s3 {
                headers.push(("authorization".to_owned(), scope("s3")));
                headers.push(("x-amz-content-sha256".to_owned(), "STREAMING-UNSIGNED-PAYLOAD-TRAILER".to_owned()));
                headers.push(("x-amz-decoded-content-length".to_owned(), "5".to_owned()));
            } else {
                headers.push(("x-amz-target".to_owned(), "GraniteServiceVersion20100801.PutMetricData".to_owned()));
                headers.push(("content-type".to_owned(), "application/x-amz-json-1.0".to_owned()));
            }
            Frame {
                method: if s3 { "PUT" } else { "POST" },
                path: if s3 { "/b/k".to_owned() } else { "/".to_owned() },
                headers,
                body,
            }
        });
    prop_oneof![s3, query, json, cbor, coded]
}

/// Any protocol's error: a request id header, and a body naming the error in the protocol's
/// form (JSON `__type`/`x-amzn-ErrorType`, CBOR `__type`, XML `<Code>`), except HEAD's.
fn assert_shaped_in_its_protocol(method: &str, res: &RawResponse) {
    let request_id = res.header("x-amzn-RequestId").or_else(|| res.header("x-amz-request-id"));
    assert!(request_id.is_some(), "no request id: {res:?}");
    if res.status < 300 || res.status == 304 {
        return;
    }
    assert!((400..600).contains(&res.status), "{res:?}");
    if method == "HEAD" {
        return;
    }
    let content_type = res.header("content-type").unwrap_or_default();
    if content_type.contains("cbor") {
        let doc = aws_protocol::cbor_to_json(&res.body).unwrap_or_else(|e| panic!("not CBOR ({e}): {res:?}"));
        assert!(doc["__type"].as_str().is_some_and(|t| !t.is_empty()), "{res:?}");
    } else if content_type.contains("xml") {
        let text = res.text();
        assert!(text.contains("<Code>") && text.contains("</Message>"), "{res:?}");
    } else {
        let body = res.json();
        let named = res.header("x-amzn-ErrorType").is_some() || body.get("__type").is_some();
        assert!(named, "error type missing: {res:?}");
    }
}

#[test]
fn arbitrary_requests_in_every_protocol_get_answers_in_that_protocol() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let t = rt.block_on(TestEmulator::start());
    let url = t.url();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 400, ..ProptestConfig::default() });
    runner
        .run(&frame_strategy(), |frame| {
            let headers: Vec<(&str, &str)> = frame.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let res = rt.block_on(raw(&url, frame.method, &frame.path, &headers, frame.body.clone()));
            assert_shaped_in_its_protocol(frame.method, &res);
            Ok(())
        })
        .unwrap();
    let res = rt.block_on(raw(&url, "GET", "/_emulator/health", &[], ""));
    assert_eq!(res.status, 200);
    rt.block_on(t.emulator.shutdown());
}
