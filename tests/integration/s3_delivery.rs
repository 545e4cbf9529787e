//! Invocation logging to S3 (`s3Config`, `largeDataDeliveryS3Config`): the seed's three
//! configurations (CloudWatch only, S3 only, both) through aws-sdk-bedrock and
//! aws-sdk-bedrockruntime; the delivered gzip objects read back from the data directory with
//! flate2; large bodies; Converse media objects; PUT validation and path safety.

use std::io::Read;
use std::path::{Path, PathBuf};

use aws_sdk_bedrock::types::{CloudWatchConfig, LoggingConfig, S3Config};
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use bedrock_emulator::DEFAULT_LOG_GROUP;

use crate::support::{HAIKU, T0_MS, TestEmulator, raw};

pub(crate) const BUCKET: &str = "bedrock-logs-123456789012-us-east-1";
pub(crate) const PREFIX: &str = "bedrock/invocation-logs/";
/// The hour directory of `T0_MS` (2025-12-03T10:54:44.250Z) under `PREFIX`.
pub(crate) const HOUR_DIR: &str =
    "bedrock/invocation-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2025/12/03/10/";
const ROLE: &str = "arn:aws:iam::123456789012:role/BedrockLoggingRole";

pub(crate) fn s3(bucket: &str, prefix: Option<&str>) -> S3Config {
    S3Config::builder().bucket_name(bucket).set_key_prefix(prefix.map(str::to_owned)).build().unwrap()
}

fn cloud_watch(large: Option<S3Config>) -> CloudWatchConfig {
    CloudWatchConfig::builder()
        .log_group_name(DEFAULT_LOG_GROUP)
        .role_arn(ROLE)
        .set_large_data_delivery_s3_config(large)
        .build()
        .unwrap()
}

/// The seed's flags: text, image and embedding delivery on.
fn seed_config(cw: Option<CloudWatchConfig>, s3: Option<S3Config>) -> LoggingConfig {
    LoggingConfig::builder()
        .set_cloud_watch_config(cw)
        .set_s3_config(s3)
        .text_data_delivery_enabled(true)
        .image_data_delivery_enabled(true)
        .embedding_data_delivery_enabled(true)
        .build()
}

/// An emulator without the background flush timer: tests flush explicitly.
pub(crate) async fn start() -> TestEmulator {
    TestEmulator::start_with(|c| c.s3_flush_interval = None).await
}

pub(crate) async fn put(t: &TestEmulator, cfg: LoggingConfig) {
    t.control().put_model_invocation_logging_configuration().logging_config(cfg).send().await.unwrap();
}

pub(crate) async fn converse(t: &TestEmulator, text: &str) -> String {
    let msg = Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.into())).build().unwrap();
    let out = t.runtime("us-east-1").converse().model_id(HAIKU).messages(msg).send().await.unwrap();
    let id = aws_sdk_bedrockruntime::operation::RequestId::request_id(&out).unwrap().to_owned();
    t.clock.advance(1_000);
    id
}

/// Every file under `dir`, as (relative path with `/`, bytes), sorted.
fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries {
            let path = entry.unwrap().path();
            // The store's own directories beside the objects (object-store's `layout.rs`).
            if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| ["%bucket", "%tmp", "%uploads"].contains(&n)) {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

pub(crate) fn bucket_dir(t: &TestEmulator, bucket: &str) -> PathBuf {
    t.dir.path().join("s3").join(bucket)
}

pub(crate) fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_string(&mut out).unwrap();
    out
}

/// The records of every batch object in a bucket, read with flate2 from the data directory.
fn s3_records(t: &TestEmulator, bucket: &str) -> Vec<serde_json::Value> {
    files_under(&bucket_dir(t, bucket))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".json.gz") && !path.contains("/data/"))
        .flat_map(|(_, gz)| gunzip(&gz).lines().map(|l| serde_json::from_str(l).unwrap()).collect::<Vec<_>>())
        .collect()
}

#[tokio::test]
async fn s3_only_delivers_one_gzip_batch_named_as_aws_names_it() {
    let t = start().await;
    put(&t, seed_config(None, Some(s3(BUCKET, Some(PREFIX))))).await;
    // The permission-check marker is written at PUT, zero bytes, inside the policy's path.
    let files = files_under(&bucket_dir(&t, BUCKET));
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(
        files[0].0,
        "bedrock/invocation-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check"
    );
    assert!(files[0].1.is_empty());

    let id1 = converse(&t, "first").await;
    let id2 = converse(&t, "second").await;
    assert!(t.records(DEFAULT_LOG_GROUP).is_empty(), "S3 only: nothing in CloudWatch");
    assert_eq!(t.emulator.pending_deliveries(), 2);
    let report = t.emulator.flush_deliveries().unwrap();
    assert_eq!((report.objects, report.records), (1, 2));
    assert_eq!(t.emulator.pending_deliveries(), 0);

    let files = files_under(&bucket_dir(&t, BUCKET));
    let batches: Vec<_> = files.iter().filter(|(p, _)| p.ends_with(".json.gz")).collect();
    assert_eq!(batches.len(), 1);
    let name = batches[0].0.strip_prefix(HOUR_DIR).expect("under the hour directory");
    // {YYYYMMDDTHHMMSSmmmZ}_{16 hex}.json.gz, timed by the batch's first record.
    assert!(name.starts_with("20251203T105444250Z_") && name.ends_with(".json.gz") && name.len() == 44, "{name}");
    assert!(name[20..36].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{name}");
    let text = gunzip(&batches[0].1);
    assert!(text.ends_with('\n') && text.lines().count() == 2, "newline-delimited: {text:?}");
    let records: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records[0]["requestId"], id1.as_str());
    assert_eq!(records[1]["requestId"], id2.as_str());
    assert_eq!(records[0]["timestamp"], "2025-12-03T10:54:44Z");
    assert_eq!(records[1]["timestamp"], "2025-12-03T10:54:45Z");
    assert_eq!(records[0]["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"], "first");
    assert_eq!(records[0]["schemaType"], "ModelInvocationLog");
}

#[tokio::test]
async fn cloudwatch_only_writes_no_s3_object() {
    let t = start().await;
    put(&t, seed_config(Some(cloud_watch(None)), None)).await;
    converse(&t, "hi").await;
    assert_eq!(t.records(DEFAULT_LOG_GROUP).len(), 1);
    assert_eq!(t.emulator.pending_deliveries(), 0);
    assert_eq!(t.emulator.flush_deliveries().unwrap().objects, 0);
    assert!(!t.dir.path().join("s3").exists() || files_under(&t.dir.path().join("s3")).is_empty());
}

#[tokio::test]
async fn both_destinations_receive_the_same_record() {
    let t = start().await;
    put(&t, seed_config(Some(cloud_watch(None)), Some(s3(BUCKET, None)))).await;
    let id = converse(&t, "to both").await;
    t.emulator.flush_deliveries().unwrap();
    let cw = t.records(DEFAULT_LOG_GROUP);
    let s3 = s3_records(&t, BUCKET);
    assert_eq!(cw.len(), 1);
    assert_eq!(cw, s3);
    assert_eq!(s3[0]["requestId"], id.as_str());
    // No keyPrefix: keys start at AWSLogs/.
    let keys: Vec<String> = files_under(&bucket_dir(&t, BUCKET)).into_iter().map(|(k, _)| k).collect();
    assert!(keys.iter().all(|k| k.starts_with("AWSLogs/123456789012/BedrockModelInvocationLogs/")), "{keys:?}");
}

#[tokio::test]
async fn records_in_different_hours_go_to_different_objects() {
    let t = start().await;
    put(&t, seed_config(None, Some(s3(BUCKET, Some(PREFIX))))).await;
    converse(&t, "ten o'clock").await;
    t.clock.advance(3_600_000);
    converse(&t, "eleven o'clock").await;
    assert_eq!(t.emulator.flush_deliveries().unwrap().objects, 2);
    let keys: Vec<String> = files_under(&bucket_dir(&t, BUCKET)).into_iter().map(|(k, _)| k).collect();
    assert!(keys.iter().any(|k| k.starts_with(HOUR_DIR)), "{keys:?}");
    assert!(keys.iter().any(|k| k.starts_with(&HOUR_DIR.replace("/10/", "/11/"))), "{keys:?}");
}

#[tokio::test]
async fn shutdown_writes_pending_records() {
    let t = start().await;
    put(&t, seed_config(None, Some(s3(BUCKET, Some(PREFIX))))).await;
    let id = converse(&t, "before the stop").await;
    let stopped = t.stop().await;
    let got = bedrock_emulator::s3::delivered_records(stopped.dir.path(), BUCKET, PREFIX).unwrap();
    assert_eq!(got.len(), 1, "the clean stop wrote the pending batch");
    let record: serde_json::Value = serde_json::from_str(&got[0].1).unwrap();
    assert_eq!(record["requestId"], id.as_str());
    assert_eq!(got[0].0, T0_MS / 1000 * 1000);
}

#[tokio::test]
async fn the_flush_route_writes_pending_batches() {
    let t = start().await;
    put(&t, seed_config(None, Some(s3(BUCKET, None)))).await;
    converse(&t, "a").await;
    converse(&t, "b").await;
    let res = raw(&t.url(), "POST", "/_emulator/flush-deliveries", &[], "").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json(), serde_json::json!({"objects": 1, "records": 2}));
    assert_eq!(s3_records(&t, BUCKET).len(), 2);
}

#[tokio::test]
async fn large_bodies_move_to_data_objects_in_both_destinations() {
    let t = start().await;
    let large = s3("bedrock-large-bodies", Some("large"));
    put(&t, seed_config(Some(cloud_watch(Some(large))), Some(s3(BUCKET, Some(PREFIX))))).await;
    let big = "lorem ipsum ".repeat(12_000); // 144,000 characters: over 100 KB
    let id = converse(&t, &big).await;
    converse(&t, "small stays inline").await;
    t.emulator.flush_deliveries().unwrap();

    let cw = t.records(DEFAULT_LOG_GROUP);
    let s3r = s3_records(&t, BUCKET);
    assert_eq!((cw.len(), s3r.len()), (2, 2));
    let expect = |bucket: &str, prefix: &str, side: &str| {
        format!(
            "s3://{bucket}/{prefix}/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2025/12/03/10/data/{id}_{side}.json.gz"
        )
    };
    let cw_path = expect("bedrock-large-bodies", "large", "input");
    let s3_path = expect(BUCKET, "bedrock/invocation-logs", "input");
    for (record, path) in [(&cw[0], &cw_path), (&s3r[0], &s3_path)] {
        assert!(record["input"].get("inputBodyJson").is_none(), "{record}");
        assert_eq!(record["input"]["inputBodyS3Path"], path.as_str());
        // The short answer stays in the record.
        assert!(record["output"].get("outputBodyJson").is_some());
        assert!(record["output"].get("outputBodyS3Path").is_none());
        assert!(record["input"]["inputTokenCount"].as_u64().unwrap() > 30_000);
    }
    assert!(cw[1]["input"]["inputBodyJson"].is_object() && s3r[1]["input"]["inputBodyJson"].is_object());

    // Each data object is the gzipped request body as the record would have held it.
    for path in [&cw_path, &s3_path] {
        let (bucket, key) = path.strip_prefix("s3://").unwrap().split_once('/').unwrap();
        let gz = std::fs::read(bucket_dir(&t, bucket).join(key)).unwrap();
        let body: serde_json::Value = serde_json::from_str(&gunzip(&gz)).unwrap();
        assert_eq!(body["messages"][0]["content"][0]["text"], big.as_str());
        assert!(body.get("modelId").is_none());
    }
}

#[tokio::test]
async fn large_bodies_stay_inline_in_cloudwatch_without_a_large_data_location() {
    let t = start().await;
    put(&t, seed_config(Some(cloud_watch(None)), None)).await;
    let big = "lorem ipsum ".repeat(12_000);
    converse(&t, &big).await;
    let cw = t.records(DEFAULT_LOG_GROUP);
    assert_eq!(cw[0]["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"], big.as_str());
    assert!(cw[0]["input"].get("inputBodyS3Path").is_none());
}

/// A Converse call with a PNG image and a PDF document beside its text.
async fn converse_with_media(t: &TestEmulator, png: &[u8], pdf: &[u8]) -> String {
    use aws_sdk_bedrockruntime::primitives::Blob;
    use aws_sdk_bedrockruntime::types::{DocumentBlock, DocumentFormat, DocumentSource, ImageBlock, ImageFormat, ImageSource};
    let image = ImageBlock::builder().format(ImageFormat::Png).source(ImageSource::Bytes(Blob::new(png))).build().unwrap();
    let document = DocumentBlock::builder()
        .format(DocumentFormat::Pdf)
        .name("quarterly report")
        .source(DocumentSource::Bytes(Blob::new(pdf)))
        .build()
        .unwrap();
    let msg = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text("What do these show?".into()))
        .content(ContentBlock::Image(image))
        .content(ContentBlock::Document(document))
        .build()
        .unwrap();
    let out = t.runtime("us-east-1").converse().model_id(HAIKU).messages(msg).send().await.unwrap();
    let id = aws_sdk_bedrockruntime::operation::RequestId::request_id(&out).unwrap().to_owned();
    t.clock.advance(1_000);
    id
}

#[tokio::test]
async fn converse_media_become_input_media_objects_in_both_destinations() {
    let t = start().await;
    let large = s3("bedrock-large-bodies", Some("large"));
    put(&t, seed_config(Some(cloud_watch(Some(large))), Some(s3(BUCKET, Some(PREFIX))))).await;
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n".iter().copied().chain((0..=255u8).cycle().take(3000)).collect();
    let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    let id = converse_with_media(&t, &png, &pdf).await;
    t.emulator.flush_deliveries().unwrap();

    let cw = t.records(DEFAULT_LOG_GROUP);
    let s3r = s3_records(&t, BUCKET);
    let media_uri = |bucket: &str, prefix: &str, name: &str| {
        format!(
            "s3://{bucket}/{prefix}/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2025/12/03/10/data/{id}_input_media_{name}"
        )
    };
    for (record, bucket, prefix) in [(&cw[0], "bedrock-large-bodies", "large"), (&s3r[0], BUCKET, "bedrock/invocation-logs")] {
        let content = &record["input"]["inputBodyJson"]["messages"][0]["content"];
        assert_eq!(content[0]["text"], "What do these show?");
        assert_eq!(
            content[1]["image"],
            serde_json::json!({"format": "png", "source": {"s3Uri": media_uri(bucket, prefix, "00.png")}})
        );
        assert_eq!(
            content[2]["document"],
            serde_json::json!({"format": "pdf", "name": "quarterly report", "source": {"s3Uri": media_uri(bucket, prefix, "01.pdf")}})
        );
        assert!(record["input"].get("inputBodyS3Path").is_none(), "the body without its bytes fits the record");
    }
    // Each media object holds the bytes the caller sent; the S3 read API serves them.
    for (bucket, prefix) in [("bedrock-large-bodies", "large"), (BUCKET, "bedrock/invocation-logs")] {
        for (name, bytes) in [("00.png", &png), ("01.pdf", &pdf)] {
            let uri = media_uri(bucket, prefix, name);
            let key = uri.strip_prefix(&format!("s3://{bucket}/")).unwrap();
            assert_eq!(&std::fs::read(bucket_dir(&t, bucket).join(key)).unwrap(), bytes);
            let auth = "AWS4-HMAC-SHA256 Credential=AKID/20251203/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
            let got = raw(&t.url(), "GET", &format!("/{bucket}/{key}"), &[("authorization", auth)], "").await;
            assert_eq!(got.status, 200);
            assert_eq!(&got.body[..], &bytes[..]);
        }
    }
}

#[tokio::test]
async fn media_bytes_are_not_logged_without_an_s3_location_or_with_image_delivery_off() {
    let t = start().await;
    let png = b"\x89PNG\r\n\x1a\n".to_vec();
    // CloudWatch without largeDataDeliveryS3Config: the blocks keep their format and name.
    put(&t, seed_config(Some(cloud_watch(None)), None)).await;
    converse_with_media(&t, &png, b"%PDF").await;
    let cw = t.records(DEFAULT_LOG_GROUP);
    let content = &cw[0]["input"]["inputBodyJson"]["messages"][0]["content"];
    assert_eq!(content[1]["image"], serde_json::json!({"format": "png"}));
    assert_eq!(content[2]["document"], serde_json::json!({"format": "pdf", "name": "quarterly report"}));
    // S3 delivery with imageDataDeliveryEnabled off: no media object either.
    let cfg = LoggingConfig::builder()
        .s3_config(s3(BUCKET, None))
        .text_data_delivery_enabled(true)
        .image_data_delivery_enabled(false)
        .build();
    put(&t, cfg).await;
    converse_with_media(&t, &png, b"%PDF").await;
    t.emulator.flush_deliveries().unwrap();
    let s3r = s3_records(&t, BUCKET);
    assert_eq!(s3r[0]["input"]["inputBodyJson"]["messages"][0]["content"][1]["image"], serde_json::json!({"format": "png"}));
    let keys: Vec<String> = files_under(&bucket_dir(&t, BUCKET)).into_iter().map(|(k, _)| k).collect();
    assert!(!keys.iter().any(|k| k.contains("/data/")), "{keys:?}");
}

/// A PUT over raw HTTP, signed-looking for the control plane.
async fn raw_put(t: &TestEmulator, logging_config: serde_json::Value) -> crate::support::RawResponse {
    let auth = "AWS4-HMAC-SHA256 Credential=AKID/20251203/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=0";
    let body = serde_json::json!({ "loggingConfig": logging_config }).to_string();
    raw(&t.url(), "PUT", "/logging/modelinvocations", &[("content-type", "application/json"), ("authorization", auth)], body)
        .await
}

#[tokio::test]
async fn invalid_buckets_and_prefixes_are_rejected_and_nothing_escapes_the_data_directory() {
    let t = start().await;
    let cases = [
        serde_json::json!({"s3Config": {"bucketName": "../../escape"}}),
        serde_json::json!({"s3Config": {"bucketName": "/tmp/absolute"}}),
        serde_json::json!({"s3Config": {"bucketName": "UPPER-case"}}),
        serde_json::json!({"s3Config": {"bucketName": "a..b"}}),
        serde_json::json!({"s3Config": {"bucketName": "a%2Fb"}}),
        serde_json::json!({"s3Config": {"bucketName": "nul\u{0}bucket"}}),
        serde_json::json!({"s3Config": {"bucketName": "192.168.0.1"}}),
        serde_json::json!({"s3Config": {"bucketName": "good-bucket", "keyPrefix": "a\u{0}b"}}),
        serde_json::json!({"cloudWatchConfig": {"logGroupName": "g", "roleArn": ROLE,
            "largeDataDeliveryS3Config": {"bucketName": "../x"}}}),
    ];
    for case in cases {
        let res = raw_put(&t, case.clone()).await;
        assert_eq!(res.status, 400, "{case}: {:?}", res.body);
        assert_eq!(res.header("x-amzn-ErrorType").map(|h| h.split(':').next().unwrap()), Some("ValidationException"));
        let message = res.json()["message"].as_str().unwrap().to_owned();
        assert!(message.starts_with("Failed to validate permissions for S3 bucket: "), "{message}");
    }
    // The model's own constraint (3..63) comes first, in Coral's words.
    let res = raw_put(&t, serde_json::json!({"s3Config": {"bucketName": "ab"}})).await;
    assert_eq!(res.status, 400);
    assert!(res.json()["message"].as_str().unwrap().contains("length greater than or equal to 3"), "{:?}", res.body);
    // Nothing was configured and no bucket was created.
    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    assert!(got.logging_config().unwrap().s3_config().is_none());
    assert!(!t.dir.path().join("s3").exists() || std::fs::read_dir(t.dir.path().join("s3")).unwrap().count() == 0);
    assert!(!t.dir.path().parent().unwrap().join("escape").exists());

    // Prefixes are keys, not paths: `..`, `/`-led and percent-encoded ones stay inside the bucket.
    let res =
        raw_put(&t, serde_json::json!({"s3Config": {"bucketName": "good-bucket", "keyPrefix": "../../../../tmp/x/%2e%2e/"}}))
            .await;
    assert_eq!(res.status, 200, "{:?}", res.body);
    converse(&t, "inside").await;
    t.emulator.flush_deliveries().unwrap();
    let files = files_under(t.dir.path());
    assert!(files.iter().any(|(p, _)| p.starts_with("s3/good-bucket/") && p.ends_with(".json.gz")), "{files:?}");
    for (p, _) in &files {
        assert!(
            p.starts_with("s3/good-bucket/") || p.starts_with("logs/") || p.starts_with("bedrock/") || p.starts_with("metrics/"),
            "{p}"
        );
    }
    let got = bedrock_emulator::s3::delivered_records(t.dir.path(), "good-bucket", "../../../../tmp/x/%2e%2e/AWSLogs/").unwrap();
    assert_eq!(got.len(), 1);
    // GET returns the prefix as stored.
    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    assert_eq!(got.logging_config().unwrap().s3_config().unwrap().key_prefix(), Some("../../../../tmp/x/%2e%2e/"));
}
