//! S3 writes through aws-sdk-s3, path-style and virtual-hosted (`<bucket>.localhost`, the SDK's
//! default): CreateBucket's location-constraint rules, DeleteBucket, GetBucketLocation, objects
//! with metadata, copies, deletes, multipart uploads, the bucket controls (public access block,
//! ownership controls, policy) with S3's errors, and checksums (BadDigest) over raw HTTP. Objects
//! users write sit beside Bedrock's deliveries without disturbing them.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CompletedMultipartUpload, CompletedPart, CreateBucketConfiguration, Delete, ObjectIdentifier,
    ObjectOwnership, OwnershipControls, OwnershipControlsRule, PublicAccessBlockConfiguration,
};

use crate::support::{ACCESS_KEY, SECRET_KEY, TestEmulator, error_code, raw, scope_authorization};

fn s3(t: &TestEmulator, region: &str) -> aws_sdk_s3::Client {
    t.clients(region).s3
}

/// The SDK's default addressing: `http://<bucket>.localhost:<port>/`.
fn s3_virtual(t: &TestEmulator) -> aws_sdk_s3::Client {
    let url = t.url().replace("127.0.0.1", "localhost");
    test_support::s3_virtual_hosted(&test_support::sdk_config(&url, "us-east-1", ACCESS_KEY, SECRET_KEY))
}

fn message<E: aws_sdk_s3::error::ProvideErrorMetadata, R>(result: Result<R, aws_sdk_s3::error::SdkError<E>>) -> String {
    match result {
        Ok(_) => "no error".to_owned(),
        Err(err) => err.as_service_error().and_then(|e| e.message()).unwrap_or_default().to_owned(),
    }
}

#[tokio::test]
async fn create_bucket_follows_s3s_location_constraint_rules() {
    let t = TestEmulator::start().await;
    let east = s3(&t, "us-east-1");
    east.create_bucket().bucket("logs-east").send().await.unwrap();
    // us-east-1 spelled out is refused there; re-creating one's bucket is 200 there.
    let config = |c: &str| CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::from(c)).build();
    let err = east.create_bucket().bucket("x-east").create_bucket_configuration(config("us-east-1")).send().await;
    assert_eq!(error_code(err), "InvalidLocationConstraint");
    east.create_bucket().bucket("logs-east").send().await.unwrap();
    let west = s3(&t, "us-west-2");
    let err = west.create_bucket().bucket("logs-west").send().await;
    assert_eq!(error_code(err), "IllegalLocationConstraintException");
    let err = west.create_bucket().bucket("logs-west").create_bucket_configuration(config("eu-west-1")).send().await;
    assert_eq!(
        message(err),
        "The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to."
    );
    west.create_bucket().bucket("logs-west").create_bucket_configuration(config("us-west-2")).send().await.unwrap();
    let again = west.create_bucket().bucket("logs-west").create_bucket_configuration(config("us-west-2")).send().await;
    assert_eq!(error_code(again), "BucketAlreadyOwnedByYou");
    assert_eq!(error_code(east.create_bucket().bucket("Bad_Name").send().await), "InvalidBucketName");
    // Locations, and the region HeadBucket reports.
    let loc = east.get_bucket_location().bucket("logs-west").send().await.unwrap();
    assert_eq!(loc.location_constraint().map(|c| c.as_str()), Some("us-west-2"));
    let loc = east.get_bucket_location().bucket("logs-east").send().await.unwrap();
    assert!(loc.location_constraint().is_none_or(|c| c.as_str().is_empty()), "{loc:?}");
    let head = east.head_bucket().bucket("logs-west").send().await.unwrap();
    assert_eq!(head.bucket_region(), Some("us-west-2"));
    let listed = east.list_buckets().send().await.unwrap();
    assert_eq!(listed.buckets().iter().filter_map(|b| b.name()).collect::<Vec<_>>(), ["logs-east", "logs-west"]);
    // DeleteBucket: only when empty.
    east.put_object().bucket("logs-east").key("k").body(ByteStream::from_static(b"v")).send().await.unwrap();
    let err = east.delete_bucket().bucket("logs-east").send().await.unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 409);
    assert_eq!(err.as_service_error().and_then(|e| aws_sdk_s3::error::ProvideErrorMetadata::code(e)), Some("BucketNotEmpty"));
    east.delete_object().bucket("logs-east").key("k").send().await.unwrap();
    east.delete_bucket().bucket("logs-east").send().await.unwrap();
    assert_eq!(error_code(east.head_bucket().bucket("logs-east").send().await), "NotFound");
    assert_eq!(error_code(east.delete_bucket().bucket("logs-east").send().await), "NoSuchBucket");
}

#[tokio::test]
async fn objects_round_trip_with_metadata_in_both_addressing_styles() {
    let t = TestEmulator::start().await;
    for (client, bucket) in [(s3(&t, "us-east-1"), "path-style"), (s3_virtual(&t), "virtual-hosted")] {
        client.create_bucket().bucket(bucket).send().await.unwrap();
        let put = client
            .put_object()
            .bucket(bucket)
            .key("reports/2025/usage.json")
            .content_type("application/json")
            .metadata("team", "ml")
            .body(ByteStream::from_static(b"{\"tokens\": 42}"))
            .send()
            .await
            .unwrap();
        assert!(put.e_tag().is_some_and(|e| e.len() == 34 && e.starts_with('"')), "{put:?}");
        let got = client.get_object().bucket(bucket).key("reports/2025/usage.json").send().await.unwrap();
        assert_eq!(got.content_type(), Some("application/json"));
        assert_eq!(got.metadata().and_then(|m| m.get("team")).map(String::as_str), Some("ml"));
        assert_eq!(got.e_tag(), put.e_tag());
        assert_eq!(got.body.collect().await.unwrap().into_bytes().as_ref(), b"{\"tokens\": 42}");
        // A key that is also the directory of another key.
        client.put_object().bucket(bucket).key("reports").body(ByteStream::from_static(b"top")).send().await.unwrap();
        let listed = client.list_objects_v2().bucket(bucket).send().await.unwrap();
        let keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
        assert_eq!(keys, ["reports", "reports/2025/usage.json"]);
        // Copy (metadata copied), then delete one and many.
        client
            .copy_object()
            .bucket(bucket)
            .key("copy.json")
            .copy_source(format!("{bucket}/reports/2025/usage.json"))
            .send()
            .await
            .unwrap();
        let head = client.head_object().bucket(bucket).key("copy.json").send().await.unwrap();
        assert_eq!(head.content_type(), Some("application/json"));
        let err = client.copy_object().bucket(bucket).key("copy.json").copy_source(format!("{bucket}/copy.json")).send().await;
        assert_eq!(error_code(err), "InvalidRequest");
        assert_eq!(
            error_code(client.copy_object().bucket(bucket).key("c").copy_source(format!("{bucket}/missing")).send().await),
            "NoSuchKey"
        );
        client.delete_object().bucket(bucket).key("reports").send().await.unwrap();
        let delete = Delete::builder()
            .objects(ObjectIdentifier::builder().key("copy.json").build().unwrap())
            .objects(ObjectIdentifier::builder().key("reports/2025/usage.json").build().unwrap())
            .objects(ObjectIdentifier::builder().key("never-there").build().unwrap())
            .build()
            .unwrap();
        let deleted = client.delete_objects().bucket(bucket).delete(delete).send().await.unwrap();
        assert_eq!(deleted.deleted().len(), 3);
        assert!(deleted.errors().is_empty());
        assert_eq!(client.list_objects_v2().bucket(bucket).send().await.unwrap().key_count(), Some(0));
        // Conditional write.
        client.put_object().bucket(bucket).key("once").body(ByteStream::from_static(b"1")).send().await.unwrap();
        let err =
            client.put_object().bucket(bucket).key("once").if_none_match("*").body(ByteStream::from_static(b"2")).send().await;
        assert_eq!(error_code(err), "PreconditionFailed");
    }
}

#[tokio::test]
async fn multipart_uploads_join_parts_and_check_them() {
    let t = TestEmulator::start().await;
    let client = s3(&t, "us-east-1");
    client.create_bucket().bucket("big").send().await.unwrap();
    let part1: Vec<u8> = (0..5 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let part2 = b"tail".to_vec();
    let upload =
        client.create_multipart_upload().bucket("big").key("file.bin").content_type("application/x-test").send().await.unwrap();
    let id = upload.upload_id().unwrap().to_owned();
    let p1 = client
        .upload_part()
        .bucket("big")
        .key("file.bin")
        .upload_id(&id)
        .part_number(1)
        .body(ByteStream::from(part1.clone()))
        .send()
        .await
        .unwrap();
    let p2 = client
        .upload_part()
        .bucket("big")
        .key("file.bin")
        .upload_id(&id)
        .part_number(2)
        .body(ByteStream::from(part2.clone()))
        .send()
        .await
        .unwrap();
    let parts = client.list_parts().bucket("big").key("file.bin").upload_id(&id).send().await.unwrap();
    assert_eq!(
        parts.parts().iter().map(|p| (p.part_number(), p.size())).collect::<Vec<_>>(),
        [(Some(1), Some(5 * 1024 * 1024)), (Some(2), Some(4))]
    );
    let part = |n: i32, etag: Option<&str>| CompletedPart::builder().part_number(n).set_e_tag(etag.map(str::to_owned)).build();
    // Out of order, and a wrong ETag, are refused.
    let wrong = CompletedMultipartUpload::builder().parts(part(2, p2.e_tag())).parts(part(1, p1.e_tag())).build();
    assert_eq!(
        error_code(
            client.complete_multipart_upload().bucket("big").key("file.bin").upload_id(&id).multipart_upload(wrong).send().await
        ),
        "InvalidPartOrder"
    );
    let wrong = CompletedMultipartUpload::builder().parts(part(1, Some("\"00\""))).build();
    assert_eq!(
        error_code(
            client.complete_multipart_upload().bucket("big").key("file.bin").upload_id(&id).multipart_upload(wrong).send().await
        ),
        "InvalidPart"
    );
    let done = CompletedMultipartUpload::builder().parts(part(1, p1.e_tag())).parts(part(2, p2.e_tag())).build();
    let out = client
        .complete_multipart_upload()
        .bucket("big")
        .key("file.bin")
        .upload_id(&id)
        .multipart_upload(done)
        .send()
        .await
        .unwrap();
    assert!(out.e_tag().unwrap().ends_with("-2\""), "{out:?}");
    let got = client.get_object().bucket("big").key("file.bin").send().await.unwrap();
    assert_eq!(got.content_type(), Some("application/x-test"));
    let bytes = got.body.collect().await.unwrap().into_bytes();
    assert_eq!(bytes.len(), part1.len() + 4);
    assert_eq!(&bytes[part1.len()..], b"tail");
    assert_eq!(error_code(client.list_parts().bucket("big").key("file.bin").upload_id(&id).send().await), "NoSuchUpload");
    // A small first part is too small; an aborted upload is gone.
    let small = client.create_multipart_upload().bucket("big").key("small").send().await.unwrap();
    let sid = small.upload_id().unwrap().to_owned();
    let s1 = client
        .upload_part()
        .bucket("big")
        .key("small")
        .upload_id(&sid)
        .part_number(1)
        .body(ByteStream::from_static(b"a"))
        .send()
        .await
        .unwrap();
    let s2 = client
        .upload_part()
        .bucket("big")
        .key("small")
        .upload_id(&sid)
        .part_number(2)
        .body(ByteStream::from_static(b"b"))
        .send()
        .await
        .unwrap();
    let parts = CompletedMultipartUpload::builder().parts(part(1, s1.e_tag())).parts(part(2, s2.e_tag())).build();
    assert_eq!(
        error_code(
            client.complete_multipart_upload().bucket("big").key("small").upload_id(&sid).multipart_upload(parts).send().await
        ),
        "EntityTooSmall"
    );
    client.abort_multipart_upload().bucket("big").key("small").upload_id(&sid).send().await.unwrap();
    assert_eq!(
        error_code(client.abort_multipart_upload().bucket("big").key("small").upload_id(&sid).send().await),
        "NoSuchUpload"
    );
    assert_eq!(
        error_code(
            client
                .upload_part()
                .bucket("big")
                .key("small")
                .upload_id("nope")
                .part_number(1)
                .body(ByteStream::from_static(b"x"))
                .send()
                .await
        ),
        "NoSuchUpload"
    );
}

#[tokio::test]
async fn bucket_controls_are_stored_checked_and_removed() {
    let t = TestEmulator::start().await;
    let client = s3_virtual(&t);
    client.create_bucket().bucket("my-bedrock-logs-bucket").send().await.unwrap();
    let b = "my-bedrock-logs-bucket";
    assert_eq!(error_code(client.get_public_access_block().bucket(b).send().await), "NoSuchPublicAccessBlockConfiguration");
    let pab = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    client.put_public_access_block().bucket(b).public_access_block_configuration(pab).send().await.unwrap();
    let got = client.get_public_access_block().bucket(b).send().await.unwrap();
    assert_eq!(got.public_access_block_configuration().unwrap().restrict_public_buckets(), Some(true));
    client.delete_public_access_block().bucket(b).send().await.unwrap();
    assert_eq!(error_code(client.get_public_access_block().bucket(b).send().await), "NoSuchPublicAccessBlockConfiguration");

    assert_eq!(error_code(client.get_bucket_ownership_controls().bucket(b).send().await), "OwnershipControlsNotFoundError");
    let rule = OwnershipControlsRule::builder().object_ownership(ObjectOwnership::BucketOwnerEnforced).build().unwrap();
    let controls = OwnershipControls::builder().rules(rule).build().unwrap();
    client.put_bucket_ownership_controls().bucket(b).ownership_controls(controls).send().await.unwrap();
    let got = client.get_bucket_ownership_controls().bucket(b).send().await.unwrap();
    assert_eq!(got.ownership_controls().unwrap().rules()[0].object_ownership().as_str(), "BucketOwnerEnforced");
    client.delete_bucket_ownership_controls().bucket(b).send().await.unwrap();

    let err = client.get_bucket_policy().bucket(b).send().await.unwrap_err();
    assert_eq!(err.as_service_error().and_then(|e| aws_sdk_s3::error::ProvideErrorMetadata::code(e)), Some("NoSuchBucketPolicy"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 404);
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"AmazonBedrockLogsWrite","Effect":"Allow","Principal":{{"Service":"bedrock.amazonaws.com"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{b}/bedrock-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/*"}}]}}"#
    );
    client.put_bucket_policy().bucket(b).policy(&policy).send().await.unwrap();
    assert_eq!(client.get_bucket_policy().bucket(b).send().await.unwrap().policy(), Some(policy.as_str()));
    for (bad, want) in [
        ("not json", "Policies must be valid JSON and the first byte must be '{'"),
        (r#"{"Version":"2012-10-17"}"#, "Missing required field Statement"),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}"#,
            "Policy has invalid resource",
        ),
    ] {
        let err = client.put_bucket_policy().bucket(b).policy(bad).send().await.unwrap_err();
        let meta = err.as_service_error().unwrap();
        assert_eq!(aws_sdk_s3::error::ProvideErrorMetadata::code(meta), Some("MalformedPolicy"), "{bad}");
        assert_eq!(aws_sdk_s3::error::ProvideErrorMetadata::message(meta), Some(want), "{bad}");
    }
    assert_eq!(client.get_bucket_policy().bucket(b).send().await.unwrap().policy(), Some(policy.as_str()));
    client.delete_bucket_policy().bucket(b).send().await.unwrap();
    assert_eq!(error_code(client.get_bucket_policy().bucket(b).send().await), "NoSuchBucketPolicy");
    assert_eq!(error_code(client.put_bucket_policy().bucket("no-such-bucket").policy(&policy).send().await), "NoSuchBucket");
}

#[tokio::test]
async fn bodies_with_wrong_checksums_are_bad_digests() {
    let t = TestEmulator::start().await;
    s3(&t, "us-east-1").create_bucket().bucket("sums").send().await.unwrap();
    let auth = scope_authorization(ACCESS_KEY, "us-east-1", "s3");
    let put = |headers: Vec<(&'static str, &'static str)>, body: &'static [u8]| {
        let url = t.url();
        let auth = auth.clone();
        async move {
            let mut h: Vec<(&str, &str)> = vec![("authorization", auth.as_str())];
            h.extend(headers);
            raw(&url, "PUT", "/sums/k", &h, body).await
        }
    };
    // crc32("abc") = NSRBwg==.
    assert_eq!(put(vec![("x-amz-checksum-crc32", "NSRBwg==")], b"abc").await.status, 200);
    let bad = put(vec![("x-amz-checksum-crc32", "NSRBwg==")], b"abd").await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("<Code>BadDigest</Code>") && bad.text().contains("CRC32"), "{}", bad.text());
    // As an aws-chunked trailer, as boto3 and the aws CLI send it.
    let chunked = vec![
        ("content-encoding", "aws-chunked"),
        ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
        ("x-amz-decoded-content-length", "3"),
        ("x-amz-trailer", "x-amz-checksum-crc32"),
    ];
    let ok = put(chunked.clone(), b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n").await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    let bad = put(chunked, b"3\r\nabd\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n").await;
    assert!(bad.text().contains("<Code>BadDigest</Code>"), "{}", bad.text());
    let bad = put(vec![("content-md5", "AAAAAAAAAAAAAAAAAAAAAA==")], b"abc").await;
    assert!(bad.text().contains("<Code>BadDigest</Code>"), "{}", bad.text());
    // The object is the one good write.
    let got = s3(&t, "us-east-1").get_object().bucket("sums").key("k").send().await.unwrap();
    assert_eq!(got.body.collect().await.unwrap().into_bytes().as_ref(), b"abc");
    // Malformed XML bodies.
    let xml =
        raw(&t.url(), "PUT", "/sums?publicAccessBlock", &[("authorization", auth.as_str())], "<PublicAccessBlockConfiguration>")
            .await;
    assert!(xml.text().contains("<Code>MalformedXML</Code>"), "{}", xml.text());
}

#[tokio::test]
async fn user_objects_beside_bedrocks_deliveries_leave_them_intact() {
    let t = TestEmulator::start().await;
    let client = s3(&t, "us-east-1");
    client.create_bucket().bucket("shared-logs").send().await.unwrap();
    let config = aws_sdk_bedrock::types::LoggingConfig::builder()
        .s3_config(aws_sdk_bedrock::types::S3Config::builder().bucket_name("shared-logs").key_prefix("p").build().unwrap())
        .text_data_delivery_enabled(true)
        .build();
    t.control().put_model_invocation_logging_configuration().logging_config(config).send().await.unwrap();
    crate::support::raw_converse(&t.url(), crate::support::HAIKU, r#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#)
        .await;
    // Before the batch is written, the user puts objects where its directories will go.
    for key in ["p/AWSLogs", "p/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2025"] {
        client.put_object().bucket("shared-logs").key(key).body(ByteStream::from_static(b"user")).send().await.unwrap();
    }
    assert_eq!(t.emulator.flush_deliveries().unwrap().records, 1);
    let records = bedrock_emulator::s3::delivered_records(t.dir.path(), "shared-logs", "p/").unwrap();
    assert_eq!(records.len(), 1);
    let listed = client.list_objects_v2().bucket("shared-logs").prefix("p/").send().await.unwrap();
    let keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert!(keys.contains(&"p/AWSLogs") && keys.iter().any(|k| k.ends_with(".json.gz")), "{keys:?}");
    // Deleting the configuration leaves the permission-check object.
    t.control().delete_model_invocation_logging_configuration().send().await.unwrap();
    let marker = "p/AWSLogs/123456789012/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check";
    assert_eq!(client.head_object().bucket("shared-logs").key(marker).send().await.unwrap().content_length(), Some(0));
}

#[tokio::test]
async fn oversize_objects_are_entity_too_large_whatever_their_checksum() {
    let t = TestEmulator::start_with(|c| c.max_body_bytes = 1024).await;
    s3(&t, "us-east-1").create_bucket().bucket("small-limit").send().await.unwrap();
    let auth = scope_authorization(ACCESS_KEY, "us-east-1", "s3");
    // Refused from the headers alone: the body is not read, so its checksum is not looked at.
    let headers = [
        ("authorization", auth.as_str()),
        ("content-encoding", "aws-chunked"),
        ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
        ("x-amz-trailer", "x-amz-checksum-crc32"),
        ("x-amz-checksum-crc32", "AAAAAA=="),
    ];
    let res = raw(&t.url(), "PUT", "/small-limit/big", &headers, vec![b'x'; 4096]).await;
    assert_eq!(res.status, 400, "{}", res.text());
    assert!(
        res.text().contains("<Code>EntityTooLarge</Code>") && res.text().contains("<MaxSizeAllowed>1024</MaxSizeAllowed>"),
        "{}",
        res.text()
    );
}
