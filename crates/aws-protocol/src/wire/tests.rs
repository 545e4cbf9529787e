//! Byte-exact responses of every protocol: errors (the emulator's former Bedrock, Logs and S3
//! bytes included), `unknown_operation`, and encoded replies; CBOR read back with ciborium, XML
//! read back with quick-xml.

use std::collections::BTreeMap;

use ciborium::Value;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde::Serialize;

use super::*;
use crate::shape::{Blob, Timestamp};
use crate::test_support::{body_bytes, header};

fn text(response: HttpResponse) -> String {
    String::from_utf8(body_bytes(response).to_vec()).expect("UTF-8 body")
}

/// Every element's text, by element name (last wins), from a document quick-xml reads without error.
fn xml_texts(doc: &str) -> BTreeMap<String, String> {
    let mut reader = Reader::from_str(doc);
    let mut stack: Vec<String> = Vec::new();
    let mut out = BTreeMap::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(e.name().as_ref().to_owned()),
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                if let Some(name) = stack.last() {
                    out.entry(name.clone()).or_insert_with(String::new).push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(name) = stack.last() {
                    let ch = match r.resolve_char_ref().expect("valid reference") {
                        Some(c) => c.to_string(),
                        None => match r.into_inner().as_ref() {
                            "amp" => "&".to_owned(),
                            "lt" => "<".to_owned(),
                            "gt" => ">".to_owned(),
                            "quot" => "\"".to_owned(),
                            "apos" => "'".to_owned(),
                            other => format!("&{other};"),
                        },
                    };
                    out.entry(name.clone()).or_insert_with(String::new).push_str(&ch);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    out
}

fn cbor(response: HttpResponse) -> Vec<(String, Value)> {
    let bytes = body_bytes(response);
    let value: Value = ciborium::from_reader(bytes.as_ref()).expect("CBOR body");
    let Value::Map(entries) = value else { panic!("a CBOR map") };
    entries.into_iter().map(|(k, v)| (k.into_text().expect("text key"), v)).collect()
}

// ---- errors ----

#[test]
fn rest_json_error_is_todays_bedrock_bytes() {
    let err = AwsError::new("ValidationException", 400, "1 validation error detected: \"x\"");
    let response = render_error(Protocol::RestJson1, ServiceId::BedrockRuntime, "rid-1", &err, false);
    assert_eq!(response.status(), 400);
    let names: Vec<&str> = response.headers().keys().map(|k| k.as_str()).collect();
    assert_eq!(names, vec!["content-type", "x-amzn-errortype", "x-amzn-requestid"]);
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/")
    );
    assert_eq!(header(&response, "x-amzn-requestid"), Some("rid-1"));
    assert_eq!(text(response), r#"{"message":"1 validation error detected: \"x\""}"#);
}

#[test]
fn rest_json_framework_errors_carry_corals_namespace() {
    let err = AwsError::serialization("Unexpected character");
    let response = render_error(Protocol::RestJson1, ServiceId::Bedrock, "r", &err, false);
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("SerializationException:http://internal.amazon.com/coral/com.amazon.coral.service/")
    );
    let err = AwsError::unknown_operation(ServiceId::Bedrock, Protocol::RestJson1, "ListFoundationModels");
    let response = render_error(Protocol::RestJson1, ServiceId::Bedrock, "r", &err, false);
    assert_eq!(response.status(), 404);
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("UnknownOperationException:http://internal.amazon.com/coral/com.amazon.coral.service/")
    );
    assert_eq!(
        text(response),
        r#"{"message":"The operation ListFoundationModels of Amazon Bedrock is not implemented by this emulator"}"#
    );
}

#[test]
fn aws_json_error_is_todays_logs_bytes() {
    let qce = serde_json::json!({"location": {"startCharOffset": 1, "endCharOffset": 5}, "message": "bad"});
    let err = AwsError::new("MalformedQueryException", 400, "bad").with_field("queryCompileError", qce);
    let response = render_error(Protocol::AwsJson1_1, ServiceId::Logs, "rid", &err, false);
    assert_eq!(header(&response, "content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(header(&response, "x-amzn-requestid"), Some("rid"));
    assert!(header(&response, "x-amzn-query-error").is_none());
    assert_eq!(
        text(response),
        r#"{"__type":"MalformedQueryException","message":"bad","queryCompileError":{"location":{"startCharOffset":1,"endCharOffset":5},"message":"bad"}}"#
    );
    let unknown = AwsError::unknown_operation(ServiceId::Logs, Protocol::AwsJson1_1, "PutMetricFilter");
    let response = render_error(Protocol::AwsJson1_1, ServiceId::Logs, "rid", &unknown, false);
    assert_eq!(response.status(), 400);
    assert_eq!(
        text(response),
        r#"{"__type":"UnknownOperationException","message":"The operation PutMetricFilter of Amazon CloudWatch Logs is not implemented by this emulator"}"#
    );
}

#[test]
fn aws_json_query_compatible_errors_name_the_query_code() {
    let err = AwsError::new("InvalidParameterValueException", 400, "bad value").with_query_code("InvalidParameterValue");
    let response = render_error(Protocol::AwsJson1_0, ServiceId::CloudWatch, "rid", &err, false);
    assert_eq!(header(&response, "content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(header(&response, "x-amzn-query-error"), Some("InvalidParameterValue;Sender"));
    assert_eq!(text(response), r#"{"__type":"InvalidParameterValueException","message":"bad value"}"#);
    let fault = AwsError::new("InternalServiceFault", 500, "boom").with_query_code("InternalServiceError");
    let response = render_error(Protocol::AwsJson1_0, ServiceId::CloudWatch, "rid", &fault, false);
    assert_eq!(header(&response, "x-amzn-query-error"), Some("InternalServiceError;Receiver"));
}

#[test]
fn aws_query_error_document() {
    let err = AwsError::new("NoSuchEntity", 404, "The role with name r cannot be found.");
    let response = render_error(Protocol::AwsQuery, ServiceId::Iam, "rid", &err, false);
    assert_eq!(response.status(), 404);
    assert_eq!(header(&response, "content-type"), Some("text/xml"));
    assert_eq!(header(&response, "x-amzn-requestid"), Some("rid"));
    let body = text(response);
    assert_eq!(
        body,
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>\
         <Code>NoSuchEntity</Code><Message>The role with name r cannot be found.</Message></Error>\
         <RequestId>rid</RequestId></ErrorResponse>"
    );
    assert_eq!(xml_texts(&body)["Code"], "NoSuchEntity");
    // A query-compatible error sends its query code.
    let err = AwsError::new("ResourceNotFound", 404, "<none>").with_query_code("ResourceNotFound");
    let body = text(render_error(Protocol::AwsQuery, ServiceId::CloudWatch, "rid", &err, false));
    assert!(body.starts_with("<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">"));
    assert_eq!(xml_texts(&body)["Message"], "<none>");
    let unknown = AwsError::unknown_operation(ServiceId::Sts, Protocol::AwsQuery, "GetFederationToken");
    let body = text(render_error(Protocol::AwsQuery, ServiceId::Sts, "rid", &unknown, false));
    assert_eq!(
        body,
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
         <Code>InvalidAction</Code><Message>The operation GetFederationToken of AWS Security Token Service is not \
         implemented by this emulator</Message></Error><RequestId>rid</RequestId></ErrorResponse>"
    );
}

#[test]
fn rest_xml_error_is_todays_s3_bytes() {
    let err = AwsError::new("NoSuchKey", 404, "The specified key does not exist.").with_field("Key", "a&b");
    let response = render_error(Protocol::RestXml, ServiceId::S3, "rid", &err, false);
    assert_eq!(response.status(), 404);
    let names: Vec<&str> = response.headers().keys().map(|k| k.as_str()).collect();
    assert_eq!(names, vec!["content-type", "x-amz-request-id", "x-amz-id-2"]);
    let body = text(response);
    assert_eq!(
        body,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a&amp;b</Key><RequestId>rid</RequestId></Error>"
    );
    assert_eq!(xml_texts(&body)["Key"], "a&b");
    let head = render_error(Protocol::RestXml, ServiceId::S3, "rid", &err, true);
    assert_eq!(head.status(), 404);
    assert!(body_bytes(head).is_empty());
    let unknown = AwsError::unknown_operation(ServiceId::S3, Protocol::RestXml, "PutBucketPolicy");
    let response = render_error(Protocol::RestXml, ServiceId::S3, "rid", &unknown, false);
    assert_eq!(response.status(), 501);
    assert_eq!(
        text(response),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NotImplemented</Code><Message>The operation \
         PutBucketPolicy of Amazon Simple Storage Service is not implemented by this emulator</Message>\
         <RequestId>rid</RequestId></Error>"
    );
}

#[test]
fn cbor_errors_decode_back() {
    let err = AwsError::new("ResourceNotFound", 404, "no alarm")
        .with_query_code("ResourceNotFound")
        .with_field("detail", serde_json::json!({"n": 1}));
    let response = render_error(Protocol::RpcV2Cbor, ServiceId::CloudWatch, "rid", &err, false);
    assert_eq!(response.status(), 404);
    assert_eq!(header(&response, "content-type"), Some("application/cbor"));
    assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(header(&response, "x-amzn-query-error"), Some("ResourceNotFound;Sender"));
    let map = cbor(response);
    assert_eq!(map[0], ("__type".to_owned(), Value::Text("ResourceNotFound".into())));
    assert_eq!(map[1], ("message".to_owned(), Value::Text("no alarm".into())));
    assert_eq!(map[2].0, "detail");
    let unknown = AwsError::unknown_operation(ServiceId::CloudWatch, Protocol::RpcV2Cbor, "PutAnomalyDetector");
    let response = render_error(Protocol::RpcV2Cbor, ServiceId::CloudWatch, "rid", &unknown, false);
    assert_eq!(response.status(), 404);
    assert_eq!(cbor(response)[0].1, Value::Text("UnknownOperationException".into()));
}

// ---- replies ----

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConverseLike {
    stop_reason: &'static str,
    usage: BTreeMap<&'static str, u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    absent: Option<u8>,
}

#[test]
fn rest_json_replies() {
    let reply = Reply::shape(
        "ConverseResponse",
        ConverseLike { stop_reason: "end_turn", usage: BTreeMap::from([("inputTokens", 3)]), absent: None },
    )
    .with_header("x-amzn-bedrock-output-token-count", "7");
    let response = encode(Protocol::RestJson1, ServiceId::BedrockRuntime, "Converse", "rid", reply);
    let names: Vec<&str> = response.headers().keys().map(|k| k.as_str()).collect();
    assert_eq!(names, vec!["content-type", "x-amzn-requestid", "x-amzn-bedrock-output-token-count"]);
    assert_eq!(text(response), r#"{"stopReason":"end_turn","usage":{"inputTokens":3}}"#);
    let response =
        encode(Protocol::RestJson1, ServiceId::Bedrock, "PutModelInvocationLoggingConfiguration", "rid", Reply::empty());
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert!(body_bytes(response).is_empty());
    let response = encode(
        Protocol::RestJson1,
        ServiceId::BedrockRuntime,
        "InvokeModel",
        "rid",
        Reply::payload("application/json", "{\"x\":1}"),
    );
    assert_eq!(text(response), "{\"x\":1}");
}

#[test]
fn aws_json_replies() {
    let response = encode(Protocol::AwsJson1_1, ServiceId::Logs, "CreateLogGroup", "rid", Reply::empty());
    assert_eq!(header(&response, "content-type"), Some("application/x-amz-json-1.1"));
    assert!(body_bytes(response).is_empty());
    #[derive(Serialize)]
    struct Out {
        at: Timestamp,
    }
    let reply = Reply::shape("Out", Out { at: Timestamp::from_epoch_millis(1_767_225_600_500) });
    let response = encode(Protocol::AwsJson1_0, ServiceId::CloudWatch, "DescribeAlarms", "rid", reply);
    assert_eq!(header(&response, "content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(text(response), r#"{"at":1767225600.5}"#);
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Datapoint {
    timestamp: Timestamp,
    sum: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetMetricStatisticsOutput {
    label: String,
    datapoints: Vec<Datapoint>,
    raw: Blob,
}

fn metric_statistics() -> Reply {
    Reply::shape(
        "GetMetricStatisticsOutput",
        GetMetricStatisticsOutput {
            label: "Invocations".into(),
            datapoints: vec![Datapoint { timestamp: Timestamp::from_epoch_millis(1_764_759_284_000), sum: 3.0 }],
            raw: Blob::from(vec![1, 2]),
        },
    )
}

#[test]
fn cbor_replies_decode_back_with_timestamp_tags() {
    let response = encode(Protocol::RpcV2Cbor, ServiceId::CloudWatch, "GetMetricStatistics", "rid", metric_statistics());
    assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));
    assert_eq!(header(&response, "content-type"), Some("application/cbor"));
    let map = cbor(response);
    assert_eq!(map[0], ("Label".to_owned(), Value::Text("Invocations".into())));
    let Value::Array(points) = &map[1].1 else { panic!("datapoints array") };
    let Value::Map(point) = &points[0] else { panic!("datapoint map") };
    assert_eq!(point[0].1, Value::Tag(1, Box::new(Value::Integer(1_764_759_284.into()))));
    assert_eq!(point[1].1, Value::Float(3.0));
    assert_eq!(map[2].1, Value::Bytes(vec![1, 2]));
    let empty = encode(Protocol::RpcV2Cbor, ServiceId::CloudWatch, "PutMetricData", "rid", Reply::empty());
    assert_eq!(body_bytes(empty).as_ref(), &[0xA0]);
}

#[test]
fn aws_query_replies() {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct GetCallerIdentityResponse {
        user_id: &'static str,
        account: &'static str,
        arn: &'static str,
    }
    let reply = Reply::shape(
        "GetCallerIdentityResponse",
        GetCallerIdentityResponse { user_id: "AIDA", account: "123456789012", arn: "arn:aws:iam::123456789012:user/a&b" },
    );
    let response = encode(Protocol::AwsQuery, ServiceId::Sts, "GetCallerIdentity", "rid", reply);
    assert_eq!(header(&response, "content-type"), Some("text/xml"));
    let body = text(response);
    assert_eq!(
        body,
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
         <UserId>AIDA</UserId><Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/a&amp;b</Arn>\
         </GetCallerIdentityResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata>\
         </GetCallerIdentityResponse>"
    );
    assert_eq!(xml_texts(&body)["Arn"], "arn:aws:iam::123456789012:user/a&b");
    let response = encode(Protocol::AwsQuery, ServiceId::Iam, "PutRolePolicy", "rid", Reply::empty());
    assert_eq!(
        text(response),
        "<PutRolePolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><ResponseMetadata>\
         <RequestId>rid</RequestId></ResponseMetadata></PutRolePolicyResponse>"
    );
    let response = encode(Protocol::AwsQuery, ServiceId::CloudWatch, "GetMetricStatistics", "rid", metric_statistics());
    let body = text(response);
    assert!(
        body.contains("<Datapoints><member><Timestamp>2025-12-03T10:54:44.000Z</Timestamp><Sum>3.0</Sum></member></Datapoints>"),
        "{body}"
    );
    assert_eq!(xml_texts(&body)["Raw"], "AQI=");
}

#[test]
fn rest_xml_replies() {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Object {
        key: String,
        last_modified: Timestamp,
        size: u64,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct CommonPrefix {
        prefix: String,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct ListBucketResult {
        name: String,
        is_truncated: bool,
        contents: Vec<Object>,
        common_prefixes: Vec<CommonPrefix>,
    }
    let reply = Reply::shape(
        "ListBucketResult",
        ListBucketResult {
            name: "bkt".into(),
            is_truncated: false,
            contents: vec![
                Object { key: "a<b".into(), last_modified: Timestamp::from_epoch_millis(1_764_759_284_250), size: 3 },
                Object { key: "c".into(), last_modified: Timestamp::from_epoch_millis(0), size: 0 },
            ],
            common_prefixes: vec![CommonPrefix { prefix: "p/".into() }],
        },
    );
    let response = encode(Protocol::RestXml, ServiceId::S3, "ListObjectsV2", "rid", reply);
    assert_eq!(header(&response, "content-type"), Some("application/xml"));
    assert_eq!(header(&response, "x-amz-request-id"), Some("rid"));
    let body = text(response);
    assert_eq!(
        body,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
         <Name>bkt</Name><IsTruncated>false</IsTruncated>\
         <Contents><Key>a&lt;b</Key><LastModified>2025-12-03T10:54:44.250Z</LastModified><Size>3</Size></Contents>\
         <Contents><Key>c</Key><LastModified>1970-01-01T00:00:00.000Z</LastModified><Size>0</Size></Contents>\
         <CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes></ListBucketResult>"
    );
    assert_eq!(xml_texts(&body)["Name"], "bkt");
    // A wrapped list is a wrapper struct around the repeated element.
    #[derive(Serialize)]
    struct Buckets {
        #[serde(rename = "Bucket")]
        bucket: Vec<CommonPrefix>,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct ListAllMyBucketsResult {
        buckets: Buckets,
    }
    let reply = Reply::shape(
        "ListAllMyBucketsResult",
        ListAllMyBucketsResult {
            buckets: Buckets { bucket: vec![CommonPrefix { prefix: "a".into() }, CommonPrefix { prefix: "b".into() }] },
        },
    );
    let body = text(encode(Protocol::RestXml, ServiceId::S3, "ListBuckets", "rid", reply));
    assert!(
        body.ends_with(
            "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Buckets><Bucket><Prefix>a</Prefix></Bucket>\
             <Bucket><Prefix>b</Prefix></Bucket></Buckets></ListAllMyBucketsResult>"
        ),
        "{body}"
    );
    let empty = encode(Protocol::RestXml, ServiceId::S3, "DeleteObject", "rid", Reply::empty().with_status(204));
    assert_eq!(empty.status(), 204);
    assert!(header(&empty, "content-type").is_none());
    assert!(body_bytes(empty).is_empty());
}

#[test]
fn outputs_that_do_not_serialize_are_internal_errors() {
    let bad = BTreeMap::from([(vec![1u8], 1u8)]);
    let response = encode(Protocol::RestJson1, ServiceId::BedrockRuntime, "Converse", "rid", Reply::shape("X", bad.clone()));
    assert_eq!(response.status(), 500);
    assert_eq!(
        header(&response, "x-amzn-errortype"),
        Some("InternalServerException:http://internal.amazon.com/coral/com.amazon.bedrock/")
    );
    let response = encode(Protocol::RestXml, ServiceId::S3, "ListBuckets", "rid", Reply::shape("X", bad));
    assert_eq!(response.status(), 500);
    assert!(text(response).contains("<Code>InternalError</Code>"));
}

#[test]
fn streams_and_payloads_keep_their_content_type() {
    let (_tx, body) = crate::eventstream::channel();
    let reply = Reply::stream(crate::eventstream::CONTENT_TYPE, http_body_util::BodyExt::boxed(body));
    let response = encode(Protocol::RestJson1, ServiceId::BedrockRuntime, "ConverseStream", "rid", reply);
    assert_eq!(header(&response, "content-type"), Some("application/vnd.amazon.eventstream"));
    let reply = Reply::payload("application/octet-stream", vec![0u8, 1]).with_header("ETag", "\"abc\"");
    let response = encode(Protocol::RestXml, ServiceId::S3, "GetObject", "rid", reply);
    assert_eq!(header(&response, "etag"), Some("\"abc\""));
    assert_eq!(body_bytes(response).as_ref(), &[0, 1]);
}
