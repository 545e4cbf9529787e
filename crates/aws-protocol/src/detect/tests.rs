//! Detection tests: every operation of every model reaches itself from the request its table
//! row describes (or the operation it is `shadowed_by`), in every protocol its service speaks;
//! the cases of the emulator's former `routes.rs`; and the rejections.

use bytes::Bytes;
use http::{Method, Uri};

use super::*;
use crate::tables::{self, Location, example_request};
use crate::test_support::{body_bytes, header, headers, signed};

fn run(method: Method, uri: &str, pairs: &[(&str, &str)], body: &[u8]) -> Result<Detected, Rejection> {
    let uri: Uri = uri.parse().expect("test URI");
    detect(&method, &uri, &headers(pairs), Bytes::copy_from_slice(body), BodyLimits::default())
}

fn op_of(d: &Result<Detected, Rejection>) -> Result<(ServiceId, &str), String> {
    match d {
        Ok(d) => Ok((d.service, d.operation.as_ref())),
        Err(r) => Err(format!("{r}")),
    }
}

/// The (service, operation) a request for `op` must reach.
fn expected(op: &tables::Operation) -> (ServiceId, String) {
    match op.shadowed_by.as_deref() {
        None => (op.service, op.name.clone()),
        Some(winner) => match winner.split_once(':') {
            Some((stem, name)) => (ServiceId::from_model_stem(stem).expect("stem"), name.to_owned()),
            None => (op.service, winner.to_owned()),
        },
    }
}

/// The requests an SDK would send for `op`, one per protocol its service speaks.
fn requests(op: &tables::Operation) -> Vec<(String, Result<Detected, Rejection>)> {
    let service = op.service;
    let mut out = Vec::new();
    for protocol in service.protocols() {
        let name = op.name.as_str();
        let result = match protocol {
            Protocol::RestJson1 | Protocol::RestXml => {
                let ex = example_request(op);
                let query = ex.query_string();
                let uri = if query.is_empty() { ex.path.clone() } else { format!("{}?{query}", ex.path) };
                let auth = signed(service.signing_name());
                let mut pairs: Vec<(&str, &str)> = ex.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                pairs.push(("authorization", &auth));
                pairs.push(("host", "localhost:4566"));
                run(ex.method.clone(), &uri, &pairs, b"")
            }
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
                let target = format!("{}.{name}", service.target_prefix().expect("awsJson prefix"));
                let auth = signed(service.signing_name());
                let pairs = [
                    ("x-amz-target", target.as_str()),
                    ("content-type", protocol.content_type()),
                    ("authorization", auth.as_str()),
                ];
                run(Method::POST, "/", &pairs, b"{}")
            }
            Protocol::RpcV2Cbor => {
                let uri = format!("/service/{}/operation/{name}", service.target_prefix().expect("CBOR service name"));
                let pairs = [("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor")];
                run(Method::POST, &uri, &pairs, &[0xA0])
            }
            Protocol::AwsQuery => {
                let body = format!("Action={name}&Version={}", service.api_version());
                let auth = signed(service.signing_name());
                let pairs =
                    [("content-type", "application/x-www-form-urlencoded; charset=utf-8"), ("authorization", auth.as_str())];
                run(Method::POST, "/", &pairs, body.as_bytes())
            }
        };
        out.push((format!("{protocol}"), result));
    }
    out
}

#[test]
fn every_operation_routes_to_itself() {
    let mut checked = 0;
    for service in ServiceId::ALL {
        for op in tables::operations(service) {
            let (want_service, want_op) = expected(op);
            for (protocol, result) in requests(op) {
                assert_eq!(
                    op_of(&result),
                    Ok((want_service, want_op.as_str())),
                    "{service:?} {} over {protocol} ({} {})",
                    op.name,
                    op.method,
                    op.request_uri
                );
                let d = result.expect("detected");
                assert!(d.is_known());
                if op.shadowed_by.is_none() {
                    for b in op.bindings.iter().filter(|b| b.location == Location::Uri) {
                        let want = if op.request_uri.contains(&format!("{{{}+}}", b.wire)) { "a/b" } else { "x" };
                        assert_eq!(d.labels.get(&b.member), Some(Ok(want)), "{} label {}", op.name, b.member);
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 750, "{checked} requests checked");
}

#[test]
fn s3_virtual_hosted_requests_route_like_path_style() {
    for op in tables::operations(ServiceId::S3) {
        let ex = example_request(op);
        let Some(key_path) = ex.path.strip_prefix("/x") else {
            continue;
        };
        let path = if key_path.is_empty() { "/" } else { key_path };
        let query = ex.query_string();
        let uri = if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") };
        let mut pairs: Vec<(&str, &str)> = ex.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        pairs.push(("host", "x.localhost:4566"));
        let d = run(ex.method.clone(), &uri, &pairs, b"");
        let (_, want) = expected(op);
        assert_eq!(op_of(&d), Ok((ServiceId::S3, want.as_str())), "{} virtual-hosted", op.name);
        assert_eq!(d.expect("detected").labels.get("Bucket"), Some(Ok("x")));
    }
}

#[test]
fn s3_addressing_details() {
    let auth = signed("s3");
    let s3 = [("authorization", auth.as_str())];
    let d = run(Method::GET, "/bkt/a%2Fb/c%20d.json", &s3, b"").unwrap();
    assert_eq!(d.operation, "GetObject");
    assert_eq!(d.labels.get("Bucket"), Some(Ok("bkt")));
    assert_eq!(d.labels.get("Key"), Some(Ok("a/b/c d.json")));
    assert_eq!(run(Method::GET, "/bkt/", &s3, b"").unwrap().operation, "ListObjects");
    let d = run(Method::GET, "/bkt?list-type=2&prefix=AWSLogs%2F", &s3, b"").unwrap();
    assert_eq!(d.operation, "ListObjectsV2");
    assert_eq!(d.query_param("prefix"), Some("AWSLogs/"));
    assert_eq!(run(Method::HEAD, "/bkt", &s3, b"").unwrap().operation, "HeadBucket");
    let d = run(Method::GET, "/bkt/%FF", &s3, b"").unwrap();
    assert_eq!(d.labels.get("Key"), Some(Err("%FF")));
    // The SDKs' `x-id` tells ListDirectoryBuckets from ListBuckets.
    assert_eq!(run(Method::GET, "/?x-id=ListDirectoryBuckets", &s3, b"").unwrap().operation, "ListDirectoryBuckets");
    // An unknown method on a bucket: S3's MethodNotAllowed; HEAD errors have no body.
    let r = run(Method::PATCH, "/bkt", &s3, b"").unwrap_err();
    assert_eq!((r.error.code.as_ref(), r.error.status), ("MethodNotAllowed", 405));
    let r = run(Method::POST, "/bkt", &s3, b"").unwrap_err();
    assert_eq!((r.error.code.as_ref(), r.error.status), ("NotImplemented", 501));
    assert_eq!(
        r.error.message,
        "The operation POST /{Bucket} of Amazon Simple Storage Service is not implemented by this emulator"
    );
    let r = run(Method::GET, "/bkt?prefix=%FF", &s3, b"").unwrap_err();
    assert_eq!(r.error.code, "InvalidURI");
    // A request signed for another service is never S3's, whatever its host.
    let bedrock = signed("bedrock");
    let r = run(Method::GET, "/", &[("host", "bkt.localhost"), ("authorization", &bedrock)], b"").unwrap_err();
    assert_eq!(r.protocol, Protocol::RestJson1);
    // An absolute-form (or HTTP/2) request names the virtual host in its URI.
    let d = run(Method::GET, "http://bkt.localhost:4566/k", &[], b"").unwrap();
    assert_eq!(
        (d.operation.as_ref(), d.labels.get("Bucket"), d.labels.get("Key")),
        ("GetObject", Some(Ok("bkt")), Some(Ok("k")))
    );
    // Presigned URLs carry the scope in the query string.
    let d = run(Method::GET, "/bkt/k?X-Amz-Credential=AKID%2F20251203%2Fus-east-1%2Fs3%2Faws4_request", &[], b"").unwrap();
    assert_eq!((d.service, d.operation.as_ref()), (ServiceId::S3, "GetObject"));
}

#[test]
fn s3_bodies_are_dechunked_with_their_trailers() {
    let auth = signed("s3");
    let pairs = [
        ("authorization", auth.as_str()),
        ("content-encoding", "aws-chunked"),
        ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
        ("x-amz-decoded-content-length", "3"),
    ];
    let d = run(Method::PUT, "/bkt/k", &pairs, b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n").unwrap();
    assert_eq!(d.operation, "PutObject");
    assert_eq!(d.body.bytes.as_ref(), b"abc");
    assert_eq!(d.body.trailer("x-amz-checksum-crc32"), Some("NSRBwg=="));
    let r = run(Method::PUT, "/bkt/k", &pairs, b"9\r\nabc").unwrap_err();
    assert_eq!((r.error.code.as_ref(), r.protocol), ("InvalidRequest", Protocol::RestXml));
}

/// The cases of the emulator's former `routes.rs`.
#[test]
fn runtime_routes_decode_the_model_id() {
    let bedrock = signed("bedrock");
    let auth = [("authorization", bedrock.as_str())];
    let route = |method: Method, path: &str| run(method, path, &auth, b"");
    let d = route(Method::POST, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse").unwrap();
    assert_eq!((d.service, d.protocol, d.operation.as_ref()), (ServiceId::BedrockRuntime, Protocol::RestJson1, "Converse"));
    assert_eq!(d.labels.get("modelId"), Some(Ok("anthropic.claude-3-haiku-20240307-v1:0")));
    assert_eq!(d.caller.service.as_deref(), Some("bedrock"));
    assert_eq!(d.caller.access_key.as_deref(), Some("AKIDEXAMPLE"));
    let arn = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fx/converse";
    assert_eq!(
        route(Method::POST, arn).unwrap().labels.get("modelId"),
        Some(Ok("arn:aws:bedrock:us-east-1::foundation-model/x"))
    );
    let d = route(Method::POST, "/model/%FF/converse").unwrap();
    assert_eq!((d.operation.as_ref(), d.labels.get("modelId")), ("Converse", Some(Err("%FF"))));
    let r = route(Method::GET, "/model/x/converse").unwrap_err();
    assert_eq!((r.error.code.as_ref(), r.error.status), ("UnknownOperationException", 404));
    assert_eq!(r.error.message, "The requested method is not supported for this resource");
    for (path, op, id) in [
        ("/model/x/invoke", "InvokeModel", "x"),
        ("/model/a%3A0/invoke-with-response-stream", "InvokeModelWithResponseStream", "a:0"),
        ("/model/x/converse-stream", "ConverseStream", "x"),
        ("/model/x/count-tokens", "CountTokens", "x"),
    ] {
        let d = route(Method::POST, path).unwrap();
        assert_eq!((d.operation.as_ref(), d.labels.get("modelId")), (op, Some(Ok(id))), "{path}");
    }
    // Unsigned requests route the same.
    assert_eq!(run(Method::POST, "/model/x/converse", &[], b"").unwrap().operation, "Converse");
}

#[test]
fn control_plane_logs_and_unknown() {
    let route = |method: Method, path: &str| op_of(&run(method, path, &[], b"")).map(|(s, o)| (s, o.to_owned()));
    for (method, op) in [
        (Method::PUT, "PutModelInvocationLoggingConfiguration"),
        (Method::GET, "GetModelInvocationLoggingConfiguration"),
        (Method::DELETE, "DeleteModelInvocationLoggingConfiguration"),
    ] {
        assert_eq!(route(method, "/logging/modelinvocations"), Ok((ServiceId::Bedrock, op.to_owned())));
    }
    let r = run(Method::POST, "/logging/modelinvocations", &[], b"").unwrap_err();
    assert_eq!(r.error.message, "The requested method is not supported for this resource");
    let d = run(Method::POST, "/", &[("x-amz-target", "Logs_20140328.StartQuery")], b"{}").unwrap();
    assert_eq!((d.service, d.protocol, d.operation.as_ref()), (ServiceId::Logs, Protocol::AwsJson1_1, "StartQuery"));
    let d = run(Method::POST, "/", &[("x-amz-target", "Logs_20140328.NoSuchThing")], b"{}").unwrap();
    assert!(!d.is_known());
    assert_eq!(d.operation, "NoSuchThing");
    assert_eq!(
        d.unknown_operation().message,
        "The operation NoSuchThing of Amazon CloudWatch Logs is not implemented by this emulator"
    );
    // An unknown target prefix: awsJson's UnknownOperationException naming it.
    let r = run(Method::POST, "/", &[("x-amz-target", "DynamoDB_20120810.GetItem")], b"{}").unwrap_err();
    assert_eq!((r.protocol, r.error.code.as_ref(), r.error.status), (Protocol::AwsJson1_1, "UnknownOperationException", 400));
    assert_eq!(r.error.message, "The operation GetItem of DynamoDB_20120810 is not implemented by this emulator");
    let response = r.to_response("rid");
    assert_eq!(header(&response, "content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(
        body_bytes(response).as_ref(),
        br#"{"__type":"UnknownOperationException","message":"The operation GetItem of DynamoDB_20120810 is not implemented by this emulator"}"#
    );
    let r = run(Method::GET, "/nothing", &[], b"").unwrap_err();
    assert_eq!((r.protocol, r.error.code.as_ref(), r.error.status), (Protocol::RestJson1, "UnknownOperationException", 404));
    assert_eq!(r.error.message, "Unknown operation");
    let response = r.to_response("rid");
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("UnknownOperationException:http://internal.amazon.com/coral/com.amazon.coral.service/")
    );
    assert_eq!(body_bytes(response).as_ref(), br#"{"message":"Unknown operation"}"#);
}

#[test]
fn cloudwatch_in_three_protocols() {
    let auth = signed("monitoring");
    let d = run(
        Method::POST,
        "/service/GraniteServiceVersion20100801/operation/PutMetricData",
        &[("smithy-protocol", "rpc-v2-cbor"), ("x-amzn-query-mode", "true"), ("authorization", &auth)],
        &[0xA1, 0x69, b'N', b'a', b'm', b'e', b's', b'p', b'a', b'c', b'e', 0x61, b'X'],
    )
    .unwrap();
    assert_eq!(
        (d.service, d.protocol, d.operation.as_ref(), d.query_mode),
        (ServiceId::CloudWatch, Protocol::RpcV2Cbor, "PutMetricData", true)
    );
    assert_eq!(d.json_input().unwrap().as_ref(), br#"{"Namespace":"X"}"#);
    let d = run(
        Method::POST,
        "/",
        &[("x-amz-target", "GraniteServiceVersion20100801.DescribeAlarms"), ("content-type", "application/x-amz-json-1.0")],
        b"{}",
    )
    .unwrap();
    assert_eq!((d.protocol, d.operation.as_ref()), (Protocol::AwsJson1_0, "DescribeAlarms"));
    // The awsQuery form, gzipped as the SDKs send a large PutMetricData.
    let form = b"Action=PutMetricData&Version=2010-08-01&Namespace=X";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, form).unwrap();
    let gz = gz.finish().unwrap();
    let d = run(
        Method::POST,
        "/",
        &[("content-type", "application/x-www-form-urlencoded"), ("content-encoding", "gzip"), ("authorization", &auth)],
        &gz,
    )
    .unwrap();
    assert_eq!((d.service, d.protocol, d.operation.as_ref()), (ServiceId::CloudWatch, Protocol::AwsQuery, "PutMetricData"));
    assert_eq!(d.form_param("Namespace"), Some("X"));
    let r = run(
        Method::POST,
        "/",
        &[("content-type", "application/x-www-form-urlencoded"), ("content-encoding", "gzip"), ("authorization", &auth)],
        b"not gzip",
    )
    .unwrap_err();
    assert_eq!(
        (r.service, r.protocol, r.error.code.as_ref()),
        (Some(ServiceId::CloudWatch), Protocol::AwsQuery, "SerializationException")
    );
}

#[test]
fn rpc_rejections() {
    let cbor = [("smithy-protocol", "rpc-v2-cbor")];
    let r = run(Method::POST, "/service/Nope/operation/Op", &cbor, b"").unwrap_err();
    assert_eq!((r.protocol, r.error.code.as_ref(), r.error.status), (Protocol::RpcV2Cbor, "UnknownOperationException", 404));
    let r = run(Method::POST, "/service/Logs_20140328/operation/StartQuery", &cbor, b"").unwrap_err();
    assert_eq!(r.error.message, "The operation StartQuery of Logs_20140328 is not implemented by this emulator");
    assert!(run(Method::POST, "/elsewhere", &cbor, b"").is_err());
    assert!(run(Method::GET, "/service/GraniteServiceVersion20100801/operation/ListMetrics", &cbor, b"").is_err());
    // A path prefix before /service/ is allowed.
    let d = run(Method::POST, "/prefix/service/GraniteServiceVersion20100801/operation/ListMetrics", &cbor, b"").unwrap();
    assert_eq!(d.operation, "ListMetrics");
    let r = run(
        Method::POST,
        "/service/GraniteServiceVersion20100801/operation/ListMetrics",
        &[("smithy-protocol", "rpc-v2-cbor"), ("content-encoding", "gzip")],
        b"x",
    )
    .unwrap_err();
    assert_eq!((r.protocol, r.error.code.as_ref()), (Protocol::RpcV2Cbor, "SerializationException"));
}

#[test]
fn aws_query_services_and_rejections() {
    let form = [("content-type", "application/x-www-form-urlencoded")];
    let d = run(Method::POST, "/", &form, b"Action=GetCallerIdentity&Version=2011-06-15").unwrap();
    assert_eq!((d.service, d.operation.as_ref()), (ServiceId::Sts, "GetCallerIdentity"));
    let iam = signed("iam");
    let d = run(Method::POST, "/", &[form[0], ("authorization", &iam)], b"Action=GetRole&RoleName=r%2Bx+y").unwrap();
    assert_eq!((d.service, d.operation.as_ref(), d.form_param("RoleName")), (ServiceId::Iam, "GetRole", Some("r+x y")));
    let d = run(Method::GET, "/?Action=ListTopics&Version=2010-03-31", &[], b"").unwrap();
    assert_eq!((d.service, d.operation.as_ref()), (ServiceId::Sns, "ListTopics"));
    let d = run(Method::POST, "/", &form, b"Action=NoSuchAction&Version=2010-05-08").unwrap();
    assert!(!d.is_known());
    assert_eq!(d.unknown_operation().code, "InvalidAction");
    let r = run(Method::POST, "/", &form, b"Version=2011-06-15").unwrap_err();
    assert_eq!((r.service, r.error.code.as_ref()), (Some(ServiceId::Sts), "MissingAction"));
    let r = run(Method::POST, "/", &form, b"Action=DescribeInstances&Version=2016-11-15").unwrap_err();
    assert_eq!((r.service, r.error.code.as_ref()), (None, "InvalidAction"));
    // `curl -d` sends Bedrock's JSON with the form content type: still Bedrock.
    let d = run(Method::POST, "/model/x/converse", &form, b"{\"messages\":[]}").unwrap();
    assert_eq!((d.service, d.operation.as_ref()), (ServiceId::BedrockRuntime, "Converse"));
    let r = run(Method::POST, "/", &form, b"Action=%FF").unwrap_err();
    assert_eq!(r.error.code, "SerializationException");
    let response = r.to_response("rid");
    assert_eq!(header(&response, "content-type"), Some("text/xml"));
}

#[test]
fn rejections_render_in_their_protocol() {
    let r = run(Method::HEAD, "/bkt?x-id=Nope", &[("authorization", &signed("s3"))], b"");
    assert!(r.is_ok(), "HEAD /bkt is HeadBucket");
    let r = run(Method::PATCH, "/bkt", &[("authorization", &signed("s3"))], b"").unwrap_err();
    let response = r.to_response("rid");
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "x-amz-request-id"), Some("rid"));
    let text = String::from_utf8(body_bytes(response).to_vec()).unwrap();
    assert!(text.contains("<Code>MethodNotAllowed</Code>") && text.contains("<Method>PATCH</Method>"), "{text}");
}
