//! Every operation of the nine service models the emulator carries that it does not implement
//! gets the AWS-shaped "not implemented" error naming it, in the protocol the client speaks:
//! raw requests in every protocol of every service (CloudWatch in all three), then each
//! operation through boto3's own serializers, then a few through aws-sdk-rust. No panic, no bare
//! 404, and the emulator keeps serving.

use std::collections::BTreeSet;
use std::io::Write;

use aws_protocol::tables::{self, example_request};
use aws_protocol::{Protocol, ServiceId, cbor_to_json};

use crate::support::{ACCESS_KEY, PyTool, RawResponse, TestEmulator, py_tool, raw, scope_authorization};

/// The operations the emulator does not answer: every model operation but the implemented ones
/// and those indistinguishable on the wire from another (`shadowed_by`, recorded in the tables).
fn unimplemented(t: &TestEmulator) -> Vec<(ServiceId, &'static tables::Operation)> {
    let implemented: BTreeSet<(ServiceId, &str)> = t.emulator.implemented_operations().into_iter().collect();
    ServiceId::ALL
        .iter()
        .flat_map(|&service| tables::operations(service).iter().map(move |op| (service, op)))
        .filter(|(service, op)| op.shadowed_by.is_none() && !implemented.contains(&(*service, op.name.as_str())))
        .collect()
}

/// Sends `op` of `service` in `protocol` as a client of that protocol would.
async fn send(t: &TestEmulator, service: ServiceId, op: &tables::Operation, protocol: Protocol) -> RawResponse {
    let auth = scope_authorization(ACCESS_KEY, "us-east-1", service.signing_name());
    match protocol {
        Protocol::RestJson1 | Protocol::RestXml => {
            let example = example_request(op);
            let query = example.query_string();
            let path = if query.is_empty() { example.path.clone() } else { format!("{}?{query}", example.path) };
            let mut headers: Vec<(&str, &str)> = vec![("authorization", &auth)];
            headers.extend(example.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let body = if protocol == Protocol::RestJson1 { "{}" } else { "" };
            raw(&t.url(), example.method.as_str(), &path, &headers, body).await
        }
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
            let target = format!("{}.{}", service.target_prefix().unwrap(), op.name);
            let content_type = format!("application/x-amz-json-{}", service.json_version().unwrap());
            let headers = [("authorization", auth.as_str()), ("x-amz-target", &target), ("content-type", &content_type)];
            raw(&t.url(), "POST", "/", &headers, "{}").await
        }
        Protocol::AwsQuery => {
            let body = format!("Action={}&Version={}", op.name, service.query_version().unwrap());
            let headers =
                [("authorization", auth.as_str()), ("content-type", "application/x-www-form-urlencoded; charset=utf-8")];
            raw(&t.url(), "POST", "/", &headers, body).await
        }
        Protocol::RpcV2Cbor => {
            let path = format!("/service/{}/operation/{}", service.target_prefix().unwrap(), op.name);
            let headers =
                [("authorization", auth.as_str()), ("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor")];
            raw(&t.url(), "POST", &path, &headers, vec![0xA0u8]).await
        }
    }
}

/// Checks one answer: the protocol's code and status, a message naming the operation.
fn check(protocol: Protocol, op: &str, res: &RawResponse) -> Result<(), String> {
    let body = res.text();
    let (status, code, message) = match protocol {
        Protocol::RestJson1 => {
            let json = res.json();
            let code = res.header("x-amzn-ErrorType").unwrap_or_default().split(':').next().unwrap_or_default().to_owned();
            (404, code, json["message"].as_str().unwrap_or_default().to_owned())
        }
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
            let json = res.json();
            (400, json["__type"].as_str().unwrap_or_default().to_owned(), json["message"].as_str().unwrap_or_default().to_owned())
        }
        Protocol::RpcV2Cbor => {
            if res.header("smithy-protocol") != Some("rpc-v2-cbor") {
                return Err(format!("no smithy-protocol header: {:?}", res.headers));
            }
            let json = cbor_to_json(&res.body).map_err(|e| format!("not CBOR ({e}): {:?}", res.body))?;
            (404, json["__type"].as_str().unwrap_or_default().to_owned(), json["message"].as_str().unwrap_or_default().to_owned())
        }
        Protocol::AwsQuery => {
            let between = |tag: &str| {
                body.split(&format!("<{tag}>")).nth(1).and_then(|s| s.split('<').next()).unwrap_or_default().to_owned()
            };
            if !body.contains("<ErrorResponse") {
                return Err(format!("not an ErrorResponse: {body}"));
            }
            (400, between("Code"), between("Message"))
        }
        Protocol::RestXml => {
            let between = |tag: &str| {
                body.split(&format!("<{tag}>")).nth(1).and_then(|s| s.split('<').next()).unwrap_or_default().to_owned()
            };
            (501, between("Code"), between("Message"))
        }
    };
    let want_code = match protocol {
        Protocol::AwsQuery => "InvalidAction",
        Protocol::RestXml => "NotImplemented",
        _ => "UnknownOperationException",
    };
    if res.status != status || code != want_code || !message.contains(&format!("operation {op}")) {
        return Err(format!("status {} code {code:?} message {message:?} (wanted {status} {want_code} naming {op})", res.status));
    }
    Ok(())
}

#[tokio::test]
async fn every_unimplemented_operation_is_refused_in_its_protocol_naming_it() {
    let t = TestEmulator::start().await;
    let ops = unimplemented(&t);
    let total: usize = ServiceId::ALL.iter().map(|s| tables::operations(*s).len()).sum();
    let shadowed = ServiceId::ALL.iter().flat_map(|s| tables::operations(*s)).filter(|op| op.shadowed_by.is_some()).count();
    let implemented = t.emulator.implemented_operations().len();
    assert!(total > 700, "the nine models have over 700 operations, not {total}");
    assert_eq!(ops.len() + implemented + shadowed, total, "every operation is implemented, shadowed or refused here");
    let mut failures = Vec::new();
    let mut sent = 0;
    for (service, op) in &ops {
        for &protocol in service.protocols() {
            let res = send(&t, *service, op, protocol).await;
            sent += 1;
            if let Err(why) = check(protocol, &op.name, &res) {
                failures.push(format!("{} {} ({protocol:?}): {why}", service.model_stem(), op.name));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {sent} requests answered wrongly:\n{}", failures.len(), failures.join("\n"));
    // Still serving.
    assert_eq!(raw(&t.url(), "GET", "/_emulator/health", &[], "").await.status, 200);
    eprintln!("{sent} requests for {} unimplemented operations, each refused naming it", ops.len());
}

#[tokio::test]
async fn boto3_sees_each_unimplemented_operation_refused_naming_it() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let t = TestEmulator::start().await;
    let ops = unimplemented(&t);
    let input: String = ops
        .iter()
        .map(|(service, op)| format!("{{\"service\": \"{}\", \"operation\": \"{}\"}}\n", service.model_stem(), op.name))
        .collect();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/unimplemented_operations.py");
    let url = t.url();
    let output = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(python)
            .arg(script)
            .arg(url)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ENDPOINT_URL")
            .spawn()
            .expect("python runs");
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut failures = Vec::new();
    let (mut checked, mut unsent) = (0, Vec::new());
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let (service, op) = (v["service"].as_str().unwrap(), v["operation"].as_str().unwrap());
        if v["sent"] == false {
            unsent.push(format!("{service} {op}: {}", v["why"]));
            continue;
        }
        checked += 1;
        let code = v["code"].as_str().unwrap_or_default();
        let message = v["message"].as_str().unwrap_or_default();
        let ok = ["UnknownOperationException", "InvalidAction", "NotImplemented"].contains(&code)
            && message.contains(&format!("operation {op}"));
        if !ok {
            failures.push(format!("{service} {op}: code {code:?} message {message:?} status {}", v["status"]));
        }
    }
    assert_eq!(checked + unsent.len(), ops.len(), "one answer line per operation");
    assert!(failures.is_empty(), "{} of {checked} boto3 calls answered wrongly:\n{}", failures.len(), failures.join("\n"));
    // What boto3 cannot send to a custom endpoint (a hostPrefix endpoint trait) was sent raw above.
    assert!(unsent.iter().all(|u| u.contains("hostPrefix")), "{unsent:?}");
    eprintln!("boto3: {checked} operations refused naming them; not sendable through boto3: {unsent:?}");
}

#[tokio::test]
async fn aws_sdk_rust_clients_see_unimplemented_operations_refused() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    let err = c.bedrock.list_custom_models().send().await.unwrap_err();
    let text = format!("{:?}", err.into_service_error());
    assert!(text.contains("UnknownOperationException") && text.contains("ListCustomModels"), "{text}");
    let err = c.logs.describe_subscription_filters().log_group_name("g").send().await.unwrap_err();
    let text = format!("{:?}", err.into_service_error());
    assert!(text.contains("UnknownOperationException") && text.contains("DescribeSubscriptionFilters"), "{text}");
    let err = c
        .runtime
        .apply_guardrail()
        .guardrail_identifier("g")
        .guardrail_version("1")
        .source(aws_sdk_bedrockruntime::types::GuardrailContentSource::Input)
        .send()
        .await
        .unwrap_err();
    let text = format!("{:?}", err.into_service_error());
    assert!(text.contains("UnknownOperationException") && text.contains("ApplyGuardrail"), "{text}");
    // Smithy RPC v2 CBOR (aws-sdk-cloudwatch).
    let err = c.cloudwatch.list_metric_streams().send().await.unwrap_err();
    let text = format!("{:?}", err.into_service_error());
    assert!(text.contains("UnknownOperationException") && text.contains("ListMetricStreams"), "{text}");
    // awsQuery (aws-sdk-sts).
    let err = c.sts.get_access_key_info().access_key_id("AKIAIOSFODNN7EXAMPLE").send().await.unwrap_err();
    let text = format!("{:?}", err.into_service_error());
    assert!(text.contains("InvalidAction") && text.contains("GetAccessKeyInfo"), "{text}");
    let err = c.iam.list_groups().send().await.unwrap_err();
    let text = format!("{:?}", err.into_service_error());
    assert!(text.contains("InvalidAction") && text.contains("ListGroups"), "{text}");
    // restXml (aws-sdk-s3), path-style and virtual-hosted.
    let err = c.s3.get_bucket_acl().bucket("some-bucket").send().await.unwrap_err();
    let text = format!("{:?}", err.into_service_error());
    assert!(text.contains("NotImplemented") && text.contains("GetBucketAcl"), "{text}");
}
