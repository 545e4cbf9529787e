//! Property tests: detection, body decoding and document decoding never panic, whatever the
//! request; every rejection renders.

use aws_protocol::{BodyKind, BodyLimits, cbor_to_json, decode_body, detect, form_to_json, parse_form, parse_query, xml_to_json};
use aws_shapes::ShapeIndex;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use proptest::prelude::*;

/// The header names detection and decoding read, and a few others.
const NAMES: &[&str] = &[
    "authorization",
    "x-amz-target",
    "smithy-protocol",
    "content-type",
    "content-encoding",
    "host",
    "x-amz-content-sha256",
    "x-amz-decoded-content-length",
    "x-amzn-query-mode",
    "x-amz-copy-source",
    "x-amz-checksum-crc32",
    "x-amz-checksum-crc64nvme",
    "content-md5",
    "x-other",
];

/// A model with every shape kind the XML and form readers meet (flattened and wrapped lists,
/// maps with and without location names, scalars of each type).
const MODEL: &str = r#"{"shapes": {
    "Root": {"type": "structure", "members": {
        "Objects": {"shape": "Flat", "locationName": "Object"}, "Wrapped": {"shape": "Wrapped"},
        "Tags": {"shape": "Tags"}, "Named": {"shape": "Named", "locationName": "N"},
        "Flag": {"shape": "Bool"}, "Count": {"shape": "Int"}, "Size": {"shape": "Dbl"}, "At": {"shape": "Stamp"},
        "Nested": {"shape": "Root"}}},
    "Flat": {"type": "list", "member": {"shape": "Item"}, "flattened": true},
    "Wrapped": {"type": "list", "member": {"shape": "Item", "locationName": "Part"}},
    "Item": {"type": "structure", "members": {"Key": {"shape": "Str"}, "Value": {"shape": "Int"}}},
    "Tags": {"type": "map", "key": {"shape": "Str"}, "value": {"shape": "Str"}},
    "Named": {"type": "map", "key": {"shape": "Str", "locationName": "Name"}, "value": {"shape": "Item", "locationName": "V"}, "flattened": true},
    "Str": {"type": "string"}, "Bool": {"type": "boolean"}, "Int": {"type": "integer"}, "Dbl": {"type": "double"},
    "Stamp": {"type": "timestamp"}
}}"#;

/// XML made of the model's element names, text, entities and noise.
fn xml_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        proptest::sample::select(vec![
            "Object", "Wrapped", "Part", "Tags", "entry", "key", "value", "N", "Name", "V", "Key", "Value", "Flag", "Count",
            "Size", "At", "Nested", "Root"
        ])
        .prop_map(|n| format!("<{n}>")),
        proptest::sample::select(vec![
            "Object", "Wrapped", "Part", "Tags", "entry", "key", "value", "N", "Key", "Value", "Flag", "Nested", "Root"
        ])
        .prop_map(|n| format!("</{n}>")),
        Just("<Flag/>".to_owned()),
        Just("true".to_owned()),
        Just("12".to_owned()),
        Just("&amp;".to_owned()),
        Just("&#x41;".to_owned()),
        Just("&bogus;".to_owned()),
        Just("<![CDATA[x]]>".to_owned()),
        Just("<!-- c -->".to_owned()),
        "[ -~]{0,6}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

/// Header values that steer detection, and arbitrary text.
fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("AWS4-HMAC-SHA256 Credential=AK/20251203/us-east-1/s3/aws4_request, Signature=0".to_owned()),
        Just("AWS4-HMAC-SHA256 Credential=AK/20251203/us-east-1/bedrock/aws4_request".to_owned()),
        Just("AWS4-HMAC-SHA256 Credential=AK/20251203/us-east-1/monitoring/aws4_request".to_owned()),
        Just("Logs_20140328.StartQuery".to_owned()),
        Just("GraniteServiceVersion20100801.PutMetricData".to_owned()),
        Just("rpc-v2-cbor".to_owned()),
        Just("application/x-www-form-urlencoded".to_owned()),
        Just("gzip".to_owned()),
        Just("aws-chunked,gzip".to_owned()),
        Just("STREAMING-UNSIGNED-PAYLOAD-TRAILER".to_owned()),
        Just("bkt.localhost:4566".to_owned()),
        "[ -~]{0,40}",
    ]
}

fn headers() -> impl Strategy<Value = HeaderMap> {
    proptest::collection::vec((proptest::sample::select(NAMES), header_value()), 0..6).prop_map(|pairs| {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(&value) {
                h.append(HeaderName::from_static(name), value);
            }
        }
        h
    })
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::GET),
        Just(Method::POST),
        Just(Method::PUT),
        Just(Method::DELETE),
        Just(Method::HEAD),
        Just(Method::PATCH),
        "[A-Z]{1,8}".prop_filter_map("a method", |m| Method::from_bytes(m.as_bytes()).ok()),
    ]
}

/// Paths made of the segments the tables know, labels, encodings and noise.
fn path_and_query() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("model".to_owned()),
        Just("converse".to_owned()),
        Just("logging".to_owned()),
        Just("modelinvocations".to_owned()),
        Just("service".to_owned()),
        Just("GraniteServiceVersion20100801".to_owned()),
        Just("operation".to_owned()),
        Just("%FF".to_owned()),
        Just("%3A".to_owned()),
        Just(String::new()),
        "[a-zA-Z0-9._~%-]{0,12}",
    ];
    let query = prop_oneof![
        Just(String::new()),
        Just("?list-type=2".to_owned()),
        Just("?uploads".to_owned()),
        Just("?Action=GetCallerIdentity&Version=2011-06-15".to_owned()),
        Just("?x-id=ListDirectoryBuckets".to_owned()),
        "\\?[a-zA-Z0-9=&%+-]{0,20}",
    ];
    (proptest::collection::vec(segment, 0..6), query).prop_map(|(segs, q)| format!("/{}{q}", segs.join("/")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn detect_never_panics(method in method(), uri in path_and_query(), headers in headers(), body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let Ok(uri) = uri.parse::<Uri>() else { return Ok(()) };
        match detect(&method, &uri, &headers, Bytes::from(body), BodyLimits { max_decoded_bytes: 4096 }) {
            Ok(d) => {
                let _ = d.json_input();
                let _ = d.render_error("rid", &d.unknown_operation());
            }
            Err(rejection) => {
                let response = rejection.to_response("rid");
                prop_assert!(response.status().as_u16() >= 400);
            }
        }
    }

    #[test]
    fn body_decoding_never_panics(headers in headers(), body in proptest::collection::vec(any::<u8>(), 0..512)) {
        for kind in [BodyKind::S3Object, BodyKind::Request] {
            if let Err(e) = decode_body(kind, &headers, Bytes::from(body.clone()), BodyLimits { max_decoded_bytes: 1024 }) {
                let _ = e.to_aws_error(aws_protocol::Protocol::RestXml);
                let _ = e.to_aws_error(aws_protocol::Protocol::AwsJson1_0);
            }
        }
    }

    #[test]
    fn chunked_bodies_never_panic(chunks in proptest::collection::vec(("[0-9a-fA-F]{0,18}", "(;chunk-signature=[a-z0-9]{0,8})?", proptest::collection::vec(any::<u8>(), 0..20)), 0..5),
                                  tail in "[ -~\r\n]{0,40}") {
        let mut body = Vec::new();
        for (size, ext, data) in &chunks {
            body.extend_from_slice(size.as_bytes());
            body.extend_from_slice(ext.as_bytes());
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(tail.as_bytes());
        let mut h = HeaderMap::new();
        h.insert("content-encoding", HeaderValue::from_static("aws-chunked"));
        let _ = decode_body(BodyKind::S3Object, &h, Bytes::from(body), BodyLimits::default());
    }

    #[test]
    fn form_and_query_decoding_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), text in "\\PC{0,64}") {
        let _ = parse_form(&bytes);
        let _ = parse_query(&text);
        let _ = parse_query(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn xml_and_form_documents_never_panic(xml in xml_text(), bytes in proptest::collection::vec(any::<u8>(), 0..128),
                                          keys in proptest::collection::vec(("(Objects|Wrapped|Tags|Named|Flag|Count|Size|At|Nested)(\\.(member|entry|[0-9]|key|value|Key|Value|Name|V|Nested)){0,5}", "[ -~]{0,8}"), 0..12)) {
        let index = ShapeIndex::from_json(MODEL);
        let _ = xml_to_json(&index, "Root", xml.as_bytes());
        let _ = xml_to_json(&index, "Root", &bytes);
        let form: Vec<(String, String)> = keys;
        let _ = form_to_json(&index, "Root", &form);
    }

    #[test]
    fn cbor_decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Err(e) = cbor_to_json(&bytes) {
            prop_assert_eq!(e.to_aws_error().code, "SerializationException");
        }
        // Behind a map header, the bytes are read as keys and values.
        let mut framed = vec![0xBF];
        framed.extend_from_slice(&bytes);
        let _ = cbor_to_json(&framed);
    }
}
