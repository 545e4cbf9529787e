//! Property tests of the account's handlers: arbitrary awsQuery forms sent to every IAM and STS
//! operation the emulator answers, and arbitrary XML (and noise) sent to every S3 operation it
//! answers, never panic it: each answer is the protocol's success or its error document (a
//! `<Code>` and a request id), never a 5xx, and the emulator keeps serving.

use proptest::prelude::*;

use aws_protocol::ServiceId;
use aws_protocol::tables::{self, example_request};

use crate::support::{ACCESS_KEY, RawResponse, TestEmulator, raw, scope_authorization};

/// Form parameters built from the models' member names, IAM's naming styles and noise.
fn form() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        proptest::sample::select(vec![
            "RoleName",
            "UserName",
            "PolicyName",
            "PolicyArn",
            "PolicyDocument",
            "AssumeRolePolicyDocument",
            "Path",
            "PathPrefix",
            "Marker",
            "MaxItems",
            "Tags.member.1.Key",
            "Tags.member.1.Value",
            "TagKeys.member.1",
            "AccessKeyId",
            "Status",
            "VersionId",
            "Scope",
            "OnlyAttached",
            "RoleArn",
            "RoleSessionName",
            "DurationSeconds",
            "Policy",
            "MaxSessionDuration",
            "Description",
            "PolicyArns.member.1.arn",
        ])
        .prop_map(str::to_owned),
        "[A-Za-z.0-9]{0,16}",
    ];
    let value = prop_oneof![
        Just("BedrockLoggingRole".to_owned()),
        Just("arn:aws:iam::123456789012:role/BedrockLoggingRole".to_owned()),
        Just("arn:aws:iam::aws:policy/AdministratorAccess".to_owned()),
        Just("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D".to_owned()),
        Just("3600".to_owned()),
        Just("-1".to_owned()),
        Just("Inactive".to_owned()),
        "[ -~]{0,24}".prop_map(|v| percent_encoding::utf8_percent_encode(&v, percent_encoding::NON_ALPHANUMERIC).to_string()),
    ];
    proptest::collection::vec((key, value), 0..6)
        .prop_map(|pairs| pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
}

/// XML made of S3's body element names, and noise.
fn xml() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        proptest::sample::select(vec![
            "<CreateBucketConfiguration>",
            "</CreateBucketConfiguration>",
            "<LocationConstraint>",
            "</LocationConstraint>",
            "<PublicAccessBlockConfiguration>",
            "<BlockPublicAcls>",
            "</BlockPublicAcls>",
            "<OwnershipControls>",
            "<Rule>",
            "<ObjectOwnership>",
            "</ObjectOwnership>",
            "</Rule>",
            "<Delete>",
            "<Object>",
            "<Key>",
            "</Key>",
            "</Object>",
            "<Quiet>",
            "</Quiet>",
            "</Delete>",
            "<CompleteMultipartUpload>",
            "<Part>",
            "<PartNumber>",
            "</PartNumber>",
            "<ETag>",
            "</ETag>",
            "</Part>",
            "true",
            "1",
            "us-west-2",
            "BucketOwnerEnforced",
            "&amp;",
            "&#0;",
            "<!DOCTYPE x>",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,8}",
    ];
    prop_oneof![
        proptest::collection::vec(piece, 0..20).prop_map(|p| p.concat().into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..64),
        Just(
            br#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#
                .to_vec()
        ),
    ]
}

/// An XML error document (awsQuery's `ErrorResponse` or S3's `Error`) or a success.
fn check(res: &RawResponse, s3: bool) -> Result<(), String> {
    let id = if s3 { res.header("x-amz-request-id") } else { res.header("x-amzn-RequestId") };
    if id.is_none() {
        return Err(format!("no request id: {res:?}"));
    }
    match res.status {
        200 | 204 | 206 | 304 => Ok(()),
        400..=499 => {
            let body = res.text();
            if body.is_empty() && s3 {
                return Ok(()); // a HEAD
            }
            if body.contains("<Code>") && body.contains("<Message>") {
                Ok(())
            } else {
                Err(format!("not an error document: {body}"))
            }
        }
        other => Err(format!("status {other}: {}", res.text())),
    }
}

#[test]
fn arbitrary_forms_and_xml_never_break_the_account_handlers() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let t = rt.block_on(TestEmulator::start());
    let url = t.url();
    let implemented = t.emulator.implemented_operations();
    let query_ops: Vec<(ServiceId, &str)> =
        implemented.iter().copied().filter(|(s, _)| matches!(s, ServiceId::Iam | ServiceId::Sts)).collect();
    let s3_ops: Vec<&'static tables::Operation> =
        implemented.iter().filter(|(s, _)| *s == ServiceId::S3).filter_map(|(s, op)| tables::find(*s, op)).collect();
    assert!(query_ops.len() >= 38 && s3_ops.len() >= 27, "{} {}", query_ops.len(), s3_ops.len());
    // Something to find: a bucket, a role, an object.
    rt.block_on(async {
        let c = t.clients("us-east-1");
        c.s3.create_bucket().bucket("emulator-test-bucket").send().await.unwrap();
        c.iam
            .create_role()
            .role_name("BedrockLoggingRole")
            .assume_role_policy_document(crate::support::ACCOUNT_TRUST)
            .send()
            .await
            .unwrap();
    });
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig { cases: 400, ..ProptestConfig::default() });
    let strategy = (0..query_ops.len(), form(), 0..s3_ops.len(), xml());
    runner
        .run(&strategy, |(qi, form, si, body)| {
            let (service, op) = query_ops[qi];
            let auth = scope_authorization(ACCESS_KEY, "us-east-1", service.signing_name());
            let form = format!("Action={op}&Version={}&{form}", service.query_version().unwrap_or_default());
            let headers =
                [("authorization", auth.as_str()), ("content-type", "application/x-www-form-urlencoded; charset=utf-8")];
            let res = rt.block_on(raw(&url, "POST", "/", &headers, form.clone()));
            check(&res, false).map_err(|why| TestCaseError::fail(format!("{op} {form}: {why}")))?;

            let example = example_request(s3_ops[si]);
            // The bucket label is `x`: make it the bucket that exists.
            let path = match example.path.strip_prefix("/x") {
                Some(rest) => format!("/emulator-test-bucket{rest}"),
                None => example.path.clone(),
            };
            let query = example.query_string();
            let path = if query.is_empty() { path } else { format!("{path}?{query}") };
            let auth = scope_authorization(ACCESS_KEY, "us-east-1", "s3");
            let mut headers: Vec<(&str, &str)> = vec![("authorization", &auth)];
            headers.extend(example.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let res = rt.block_on(raw(&url, example.method.as_str(), &path, &headers, body.clone()));
            check(&res, true).map_err(|why| TestCaseError::fail(format!("{} {path}: {why}", s3_ops[si].name)))?;
            Ok(())
        })
        .unwrap();
    let res = rt.block_on(raw(&url, "GET", "/_emulator/health", &[], ""));
    assert_eq!(res.status, 200);
    rt.block_on(t.emulator.shutdown());
}
