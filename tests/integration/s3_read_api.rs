//! The S3 read API over delivered logs: the aws CLI (`aws s3 ls`, `aws s3 cp`, `aws s3api`),
//! boto3 (ListObjectsV2 pages, GetObject), and raw HTTP for the error shapes and path safety.

use crate::s3_delivery::{BUCKET, HOUR_DIR, PREFIX, bucket_dir, converse, gunzip, put, s3, start};
use crate::support::{PyTool, RawResponse, TestEmulator, py_tool, raw, run_py_tool};
use aws_sdk_bedrock::types::LoggingConfig;

const S3_AUTH: &str =
    "AWS4-HMAC-SHA256 Credential=AKIDINTEGRATIONTEST/20251203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";

/// An emulator with S3-only logging, `n` records delivered in `n` batches (one per flush).
async fn delivered(n: usize) -> (TestEmulator, Vec<String>) {
    let t = start().await;
    put(&t, LoggingConfig::builder().s3_config(s3(BUCKET, Some(PREFIX))).text_data_delivery_enabled(true).build()).await;
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(converse(&t, &format!("question {i}")).await);
        t.emulator.flush_deliveries().unwrap();
    }
    (t, ids)
}

/// Every delivered batch key, from the data directory.
fn batch_keys(t: &TestEmulator) -> Vec<String> {
    let dir = bucket_dir(t, BUCKET).join(HOUR_DIR);
    let mut keys: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json.gz"))
        .map(|n| format!("{HOUR_DIR}{n}"))
        .collect();
    keys.sort();
    keys
}

async fn s3_get(t: &TestEmulator, method: &str, path: &str) -> RawResponse {
    raw(&t.url(), method, path, &[("authorization", S3_AUTH)], "").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_cli_lists_and_copies_the_delivered_logs() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let (t, _) = delivered(3).await;
    let keys = batch_keys(&t);
    assert_eq!(keys.len(), 3);
    let url = t.url();
    let out_dir = tempfile::tempdir().unwrap();
    let local = out_dir.path().join("copy.json.gz");
    let local_s = local.to_string_lossy().into_owned();
    let key0 = keys[0].clone();
    let (ls, ls_dirs, cp, put_attempt, missing) = tokio::task::spawn_blocking(move || {
        let run = |args: &[&str]| run_py_tool(&aws, &url, args);
        (
            run(&["s3", "ls", &format!("s3://{BUCKET}/{PREFIX}"), "--recursive"]),
            run(&["s3", "ls", &format!("s3://{BUCKET}/{PREFIX}AWSLogs/123456789012/BedrockModelInvocationLogs/")]),
            run(&["s3", "cp", &format!("s3://{BUCKET}/{key0}"), &local_s]),
            run(&["s3api", "get-bucket-acl", "--bucket", BUCKET]),
            run(&["s3api", "get-object", "--bucket", BUCKET, "--key", "no/such/key", "/dev/null"]),
        )
    })
    .await
    .unwrap();

    // --recursive: every object with its size, the marker included.
    assert_eq!(ls.0, 0, "aws s3 ls failed: {}", ls.2);
    let listed: Vec<&str> = ls.1.lines().map(|l| l.split_whitespace().last().unwrap()).collect();
    let marker = format!("{PREFIX}AWSLogs/123456789012/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check");
    let mut expected: Vec<&str> = keys.iter().map(String::as_str).collect();
    expected.insert(0, &marker);
    assert_eq!(listed, expected, "{}", ls.1);
    for line in ls.1.lines().skip(1) {
        let size: u64 = line.split_whitespace().nth(2).unwrap().parse().unwrap();
        assert!(size > 100, "{line}");
    }
    // Without --recursive: delimiter "/" rolls the region directory up, the marker is a file.
    assert_eq!(ls_dirs.0, 0, "aws s3 ls failed: {}", ls_dirs.2);
    let lines: Vec<&str> = ls_dirs.1.lines().map(str::trim).collect();
    assert_eq!(lines.len(), 2, "{}", ls_dirs.1);
    assert_eq!(lines[0], "PRE us-east-1/");
    assert!(lines[1].ends_with(" 0 amazon-bedrock-logs-permission-check"), "{}", lines[1]);

    // cp: the same bytes as delivered, which gunzip to the record.
    assert_eq!(cp.0, 0, "aws s3 cp failed: {}", cp.2);
    let copied = std::fs::read(&local).unwrap();
    assert_eq!(copied, std::fs::read(bucket_dir(&t, BUCKET).join(&keys[0])).unwrap());
    let record: serde_json::Value = serde_json::from_str(gunzip(&copied).trim()).unwrap();
    assert_eq!(record["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"], "question 0");

    // Operations not served are refused by name; a missing key is NoSuchKey.
    assert_ne!(put_attempt.0, 0);
    assert!(put_attempt.2.contains("NotImplemented") && put_attempt.2.contains("GetBucketAcl"), "{}", put_attempt.2);
    assert_ne!(missing.0, 0);
    assert!(missing.2.contains("NoSuchKey"), "{}", missing.2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boto3_pages_through_list_objects_v2_and_reads_every_record() {
    let Some(python) = py_tool(PyTool::Python) else { return };
    let (t, ids) = delivered(5).await;
    let script = format!(
        r#"
import boto3, gzip, json
s3 = boto3.client("s3")
pages = list(s3.get_paginator("list_objects_v2").paginate(
    Bucket="{BUCKET}", Prefix="{HOUR_DIR}", PaginationConfig={{"PageSize": 2}}))
keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
ids = []
for k in keys:
    body = s3.get_object(Bucket="{BUCKET}", Key=k)["Body"].read()
    ids += [json.loads(l)["requestId"] for l in gzip.decompress(body).decode().splitlines()]
head = s3.head_object(Bucket="{BUCKET}", Key=keys[0])
rng = s3.get_object(Bucket="{BUCKET}", Key=keys[0], Range="bytes=0-1")
try:
    s3.head_object(Bucket="{BUCKET}", Key="missing")
    missing = "found"
except s3.exceptions.ClientError as e:
    missing = e.response["Error"]["Code"]
try:
    s3.list_objects_v2(Bucket="no-such-bucket")
    nobucket = "found"
except s3.exceptions.NoSuchBucket as e:
    nobucket = e.response["Error"]["Code"]
print(json.dumps({{"pages": len(pages), "counts": [p["KeyCount"] for p in pages], "ids": ids,
    "etag": head["ETag"], "size": head["ContentLength"], "range": list(rng["Body"].read()),
    "range_header": rng["ContentRange"], "missing": missing, "nobucket": nobucket}}))
"#
    );
    let url = t.url();
    let (code, stdout, stderr) = tokio::task::spawn_blocking(move || run_py_tool(&python, &url, &["-c", &script])).await.unwrap();
    assert_eq!(code, 0, "boto3 failed: {stderr}");
    let out: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(out["pages"], 3);
    assert_eq!(out["counts"], serde_json::json!([2, 2, 1]));
    assert_eq!(out["ids"], serde_json::json!(ids));
    let first = std::fs::read(bucket_dir(&t, BUCKET).join(&batch_keys(&t)[0])).unwrap();
    assert_eq!(out["size"], first.len());
    assert_eq!(out["range"], serde_json::json!([0x1f, 0x8b]));
    assert_eq!(out["range_header"], format!("bytes 0-1/{}", first.len()));
    assert_eq!(out["etag"].as_str().unwrap().len(), 34);
    assert_eq!(out["missing"], "404");
    assert_eq!(out["nobucket"], "NoSuchBucket");
}

#[tokio::test]
async fn errors_are_s3_xml_and_keys_cannot_escape_the_bucket() {
    let (t, _) = delivered(1).await;
    // A file outside the bucket that traversal would reach.
    std::fs::write(t.dir.path().join("secret.txt"), b"TOP-SECRET-CONTENT").unwrap();
    for path in [
        format!("/{BUCKET}/../../secret.txt"),
        format!("/{BUCKET}/..%2F..%2Fsecret.txt"),
        format!("/{BUCKET}/%2E%2E/%2E%2E/secret.txt"),
        format!("/{BUCKET}/%2Fetc%2Fpasswd"),
        format!("/{BUCKET}/a%00b"),
    ] {
        let res = s3_get(&t, "GET", &path).await;
        assert_eq!(res.status, 404, "{path}: {:?}", res.body);
        let body = String::from_utf8_lossy(&res.body);
        assert!(body.contains("<Code>NoSuchKey</Code>") && body.contains("<Key>"), "{body}");
        assert!(!body.contains("TOP-SECRET-CONTENT"), "{body}");
    }
    let res = s3_get(&t, "GET", "/..%2F..").await;
    assert_eq!(res.status, 400);
    assert!(String::from_utf8_lossy(&res.body).contains("<Code>InvalidBucketName</Code>"));
    let res = s3_get(&t, "GET", "/no-such-bucket?list-type=2").await;
    assert_eq!(res.status, 404);
    let body = String::from_utf8_lossy(&res.body);
    assert!(body.contains("<Code>NoSuchBucket</Code>") && body.contains("<BucketName>no-such-bucket</BucketName>"), "{body}");
    assert!(body.contains("<RequestId>") && res.header("x-amz-request-id").is_some());
    // HEAD errors carry the status only.
    let res = s3_get(&t, "HEAD", &format!("/{BUCKET}/missing")).await;
    assert_eq!((res.status, res.body.len()), (404, 0));
    // Operations not served are named as unsupported.
    let res = raw(&t.url(), "PUT", &format!("/{BUCKET}?acl"), &[("authorization", S3_AUTH)], "data").await;
    assert_eq!(res.status, 501);
    let body = String::from_utf8_lossy(&res.body);
    assert!(body.contains("<Code>NotImplemented</Code>") && body.contains("PutBucketAcl"), "{body}");
    let res = s3_get(&t, "GET", &format!("/{BUCKET}?acl")).await;
    assert_eq!(res.status, 501);
    assert!(String::from_utf8_lossy(&res.body).contains("?acl"));
    let res = s3_get(&t, "GET", &format!("/{BUCKET}?list-type=2&max-keys=-1")).await;
    assert_eq!(res.status, 400);
    assert!(String::from_utf8_lossy(&res.body).contains("<Code>InvalidArgument</Code>"));
    let res = s3_get(&t, "GET", &format!("/{BUCKET}?list-type=2&continuation-token=zz")).await;
    assert_eq!(res.status, 400);
    // Nothing was written by any of it.
    assert!(!t.dir.path().join("s3").join(BUCKET).join("x").exists());
}

#[tokio::test]
async fn list_objects_v2_xml_and_virtual_host_addressing() {
    let (t, _) = delivered(2).await;
    let res = s3_get(&t, "GET", &format!("/{BUCKET}?list-type=2&prefix={PREFIX}&delimiter=/&encoding-type=url")).await;
    assert_eq!(res.status, 200);
    let body = String::from_utf8_lossy(&res.body).into_owned();
    assert!(body.contains("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"), "{body}");
    assert!(body.contains("<KeyCount>1</KeyCount>") && body.contains("<IsTruncated>false</IsTruncated>"), "{body}");
    assert!(body.contains("<CommonPrefixes><Prefix>bedrock/invocation-logs/AWSLogs/</Prefix></CommonPrefixes>"), "{body}");
    assert!(body.contains("<MaxKeys>1000</MaxKeys>") && body.contains("<EncodingType>url</EncodingType>"), "{body}");

    let res = s3_get(&t, "GET", &format!("/{BUCKET}?list-type=2&prefix={HOUR_DIR}&max-keys=1")).await;
    let body = String::from_utf8_lossy(&res.body).into_owned();
    assert!(body.contains("<IsTruncated>true</IsTruncated>") && body.contains("<NextContinuationToken>"), "{body}");
    let token = body.split("<NextContinuationToken>").nth(1).unwrap().split('<').next().unwrap();
    let res = s3_get(&t, "GET", &format!("/{BUCKET}?list-type=2&prefix={HOUR_DIR}&max-keys=1&continuation-token={token}")).await;
    let second = String::from_utf8_lossy(&res.body).into_owned();
    assert!(second.contains("<IsTruncated>false</IsTruncated>") && second.contains("<KeyCount>1</KeyCount>"), "{second}");
    let key_of = |b: &str| b.split("<Key>").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert_eq!(vec![key_of(&body), key_of(&second)], batch_keys(&t));

    // <bucket>.localhost addressing serves the same object.
    let key = &batch_keys(&t)[0];
    let host = format!("{BUCKET}.localhost:{}", t.emulator.local_addr().port());
    let res = raw(&t.url(), "GET", &format!("/{key}"), &[("authorization", S3_AUTH), ("host", &host)], "").await;
    assert_eq!(res.status, 200);
    assert_eq!(&res.body[..], &std::fs::read(bucket_dir(&t, BUCKET).join(key)).unwrap()[..]);
    assert!(res.header("etag").is_some() && res.header("last-modified") == Some("Wed, 03 Dec 2025 10:54:44 GMT"));
}
