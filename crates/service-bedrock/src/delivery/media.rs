//! Converse media delivery: the bytes of image, document, video and audio blocks leave the
//! logged request body and become `data/{requestId}_input_media_NN.<format>` objects beside the
//! hour's records; the block's `source` becomes `{"s3Uri": "s3://…"}`, as in the real
//! ConverseStream record of elastic/integrations' test log (`../shared/reference/bedrock-api.md` §4.2:
//! `…/data/19926a63-…_input_media_00.pdf`, `_01.pdf`, `_02.pdf` for three PDF documents of one
//! message).
//!
//! AWS: "When using the Converse API, any image or document data that you pass is logged in
//! Amazon S3 (if you have enabled delivery and image logging in Amazon S3)", and for CloudWatch
//! "binary data … will be uploaded to the Amazon S3 bucket under the data prefix" of
//! `largeDataDeliveryS3Config`. So a block's bytes are delivered only when its modality switch
//! is on (`imageDataDeliveryEnabled` for images and documents, `videoDataDeliveryEnabled`,
//! `audioDataDeliveryEnabled`) and the destination has an S3 location; otherwise the logged
//! block keeps its `format` (and `name`) and loses its `source` (ARCHITECTURE.md, behaviour
//! choices). Sources already in S3 (`s3Location`) and text documents stay as sent.

use std::collections::BTreeSet;

use bedrock_model::logging::LoggingConfig;
use bedrock_model::record::{ModelInvocationLog, Operation};
use serde_json::{Map, Value};

use crate::delivery::keys as names;
use crate::delivery::large_body::DataLocation;
use object_store::bucket_store::{BucketStore, BucketStoreError};

/// Why media could not be delivered.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MediaError {
    #[error(transparent)]
    Store(#[from] BucketStoreError),
    /// The request layer validates every blob, so this means a block escaped validation.
    #[error("the {kind} block's source.bytes is not valid base64: {reason}")]
    NotBase64 { kind: &'static str, reason: String },
}

/// The modalities of content blocks whose bytes Bedrock logs as media objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Modality {
    Image,
    Document,
    Video,
    Audio,
}

impl Modality {
    fn of_member(name: &str) -> Option<Modality> {
        match name {
            "image" => Some(Modality::Image),
            "document" => Some(Modality::Document),
            "video" => Some(Modality::Video),
            "audio" => Some(Modality::Audio),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Modality::Image => "image",
            Modality::Document => "document",
            Modality::Video => "video",
            Modality::Audio => "audio",
        }
    }

    /// The delivery switch that governs this modality (documents follow the image switch).
    fn delivered(self, cfg: &LoggingConfig) -> bool {
        match self {
            Modality::Image | Modality::Document => cfg.image_delivery(),
            Modality::Video => cfg.video_delivery(),
            Modality::Audio => cfg.audio_delivery(),
        }
    }
}

/// Where and how the media of one record version goes.
pub(crate) struct MediaDestination<'a> {
    pub(crate) store: &'a BucketStore,
    /// The destination's S3 location (`s3Config`, or `largeDataDeliveryS3Config` for
    /// CloudWatch); `None` when it has none.
    pub(crate) location: Option<&'a DataLocation>,
    pub(crate) now_ms: i64,
}

/// Moves the media bytes of a Converse/ConverseStream record's `inputBodyJson` into media
/// objects (or drops them where they are not delivered). `written` remembers the objects
/// already written for this invocation, so media delivered by both destinations to the same
/// place is written once. Other operations' bodies are provider JSON and are left alone.
pub(crate) fn offload(
    dest: &MediaDestination<'_>,
    cfg: &LoggingConfig,
    record: &mut ModelInvocationLog,
    written: &mut BTreeSet<(String, String)>,
) -> Result<(), MediaError> {
    if !matches!(record.context.operation, Operation::Converse | Operation::ConverseStream) {
        return Ok(());
    }
    let Some(body) = record.input.input_body_json.as_mut() else { return Ok(()) };
    let mut walk = MediaWalk { dest, cfg, request_id: &record.context.request_id, next_index: 0, written };
    // Messages in order, then the system prompt (whose guard content may hold an image).
    for message in array_items(body.get_mut("messages")) {
        for block in array_items(message.get_mut("content")) {
            walk.content_block(block)?;
        }
    }
    for block in array_items(body.get_mut("system")) {
        walk.content_block(block)?;
    }
    Ok(())
}

fn array_items(v: Option<&mut Value>) -> impl Iterator<Item = &mut Value> {
    v.and_then(Value::as_array_mut).into_iter().flatten()
}

/// One record's walk: numbers the delivered media `00`, `01`, … in body order.
struct MediaWalk<'a, 'w> {
    dest: &'a MediaDestination<'a>,
    cfg: &'a LoggingConfig,
    request_id: &'a str,
    next_index: usize,
    written: &'w mut BTreeSet<(String, String)>,
}

impl MediaWalk<'_, '_> {
    /// A `ContentBlock` (or `ToolResultContentBlock`, `SystemContentBlock`): a union with one
    /// member.
    fn content_block(&mut self, block: &mut Value) -> Result<(), MediaError> {
        let Some(block) = block.as_object_mut() else { return Ok(()) };
        for (member, value) in block.iter_mut() {
            match member.as_str() {
                "toolResult" => {
                    for inner in array_items(value.get_mut("content")) {
                        self.content_block(inner)?;
                    }
                }
                "guardContent" => {
                    if let Some(image) = value.get_mut("image").and_then(Value::as_object_mut) {
                        self.media(Modality::Image, image)?;
                    }
                }
                name => {
                    if let (Some(modality), Some(media)) = (Modality::of_member(name), value.as_object_mut()) {
                        self.media(modality, media)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// An `ImageBlock`/`DocumentBlock`/`VideoBlock`/`AudioBlock`: only `source.bytes` moves.
    fn media(&mut self, modality: Modality, block: &mut Map<String, Value>) -> Result<(), MediaError> {
        let Some(encoded) = block.get("source").and_then(|s| s.get("bytes")).and_then(Value::as_str) else {
            return Ok(());
        };
        let Some(location) = self.dest.location.filter(|_| modality.delivered(self.cfg)) else {
            block.remove("source");
            return Ok(());
        };
        let bucket = &location.target.bucket;
        let bytes = aws_smithy_types::base64::decode(encoded)
            .map_err(|e| MediaError::NotBase64 { kind: modality.as_str(), reason: e.to_string() })?;
        let key = names::media_object_key(&location.hour_dir, self.request_id, self.next_index, extension(block));
        self.next_index += 1;
        if self.written.insert((bucket.clone(), key.clone())) {
            self.dest.store.put_object(bucket, &key, &bytes, self.dest.now_ms)?;
        }
        let mut source = Map::new();
        source.insert("s3Uri".to_owned(), Value::String(format!("s3://{bucket}/{key}")));
        block.insert("source".to_owned(), Value::Object(source));
        Ok(())
    }
}

/// The object's extension: the block's `format` (`png`, `pdf`, `mp4`, `three_gp`, …; the
/// request layer checked it against the model's enum), or `bin` when absent (a document's
/// `format` is optional).
fn extension(block: &Map<String, Value>) -> &str {
    match block.get("format").and_then(Value::as_str) {
        Some(f) if !f.is_empty() && f.len() <= 16 && f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') => f,
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delivery::large_body::S3Target;
    use bedrock_model::record::{InvocationContext, RecordInput, RecordOutput};
    use serde_json::json;

    const PNG: &str = "iVBORw0KGgo="; // the 8-byte PNG signature
    const HOUR: &str = "AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2025/12/03/10/";

    fn record(operation: Operation, body: Value) -> ModelInvocationLog {
        ModelInvocationLog {
            context: InvocationContext {
                timestamp: service_kit::clock::utc_datetime(1_764_759_284_000),
                account_id: "123456789012".into(),
                identity_arn: "arn:aws:iam::123456789012:user/dev".into(),
                region: "us-east-1".into(),
                request_id: "rid".into(),
                operation,
                model_id: "m".into(),
            },
            input: RecordInput {
                input_content_type: "application/json".into(),
                input_body_json: Some(body),
                input_body_s3_path: None,
                input_token_count: 1,
                cache_read_input_token_count: None,
                cache_write_input_token_count: None,
            },
            output: RecordOutput {
                output_content_type: "application/json".into(),
                output_body_json: None,
                output_body_s3_path: None,
                output_token_count: 1,
            },
            request_metadata: None,
            inference_region: None,
        }
    }

    fn cfg(image: bool, video: bool) -> LoggingConfig {
        LoggingConfig {
            text_data_delivery_enabled: Some(true),
            image_data_delivery_enabled: Some(image),
            video_data_delivery_enabled: Some(video),
            ..LoggingConfig::default()
        }
    }

    /// Runs the walk into a fresh bucket; returns the logged body and the written objects.
    fn run(cfg: &LoggingConfig, target: bool, operation: Operation, body: Value) -> (Value, Vec<(String, Vec<u8>)>) {
        let dir = tempfile::tempdir().unwrap();
        let store = BucketStore::new(dir.path(), false);
        store.ensure_bucket("bkt", 0).unwrap();
        let loc = DataLocation { target: S3Target { bucket: "bkt".into(), prefix: String::new() }, hour_dir: HOUR.into() };
        let dest = MediaDestination { store: &store, location: target.then_some(&loc), now_ms: 0 };
        let mut rec = record(operation, body);
        offload(&dest, cfg, &mut rec, &mut BTreeSet::new()).unwrap();
        let objects = store
            .list_objects("bkt", "")
            .unwrap()
            .into_iter()
            .map(|o| (o.key.clone(), store.get_object("bkt", &o.key).unwrap().unwrap().0))
            .collect();
        (rec.input.input_body_json.unwrap(), objects)
    }

    fn uri(n: &str) -> Value {
        json!({"s3Uri": format!("s3://bkt/{HOUR}data/rid_input_media_{n}")})
    }

    #[test]
    fn media_are_numbered_in_body_order_and_replaced_by_their_s3_uri() {
        let body = json!({
            "messages": [
                {"role": "user", "content": [
                    {"text": "look"},
                    {"image": {"format": "png", "source": {"bytes": PNG}}},
                    {"document": {"format": "pdf", "name": "a", "source": {"bytes": "JVBERg=="}}}
                ]},
                {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t", "name": "n", "input": {"image": {"source": {"bytes": PNG}}}}}]},
                {"role": "user", "content": [
                    {"toolResult": {"toolUseId": "t", "content": [{"image": {"format": "jpeg", "source": {"bytes": PNG}}}]}},
                    {"guardContent": {"image": {"format": "png", "source": {"bytes": PNG}}}},
                    {"video": {"format": "three_gp", "source": {"bytes": PNG}}}
                ]}
            ]
        });
        let (logged, objects) = run(&cfg(true, true), true, Operation::Converse, body);
        let m = &logged["messages"];
        assert_eq!(m[0]["content"][1]["image"], json!({"format": "png", "source": uri("00.png")}));
        assert_eq!(m[0]["content"][2]["document"], json!({"format": "pdf", "name": "a", "source": uri("01.pdf")}));
        // A tool's input is the caller's JSON, not a content block.
        assert_eq!(m[1]["content"][0]["toolUse"]["input"]["image"]["source"]["bytes"], PNG);
        assert_eq!(m[2]["content"][0]["toolResult"]["content"][0]["image"]["source"], uri("02.jpeg"));
        assert_eq!(m[2]["content"][1]["guardContent"]["image"]["source"], uri("03.png"));
        assert_eq!(m[2]["content"][2]["video"]["source"], uri("04.three_gp"));
        let keys: Vec<&str> = objects.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
        let png = objects.iter().find(|(k, _)| k.ends_with("_00.png")).unwrap();
        assert_eq!(png.1, b"\x89PNG\r\n\x1a\n", "the object holds the decoded bytes");
        let pdf = objects.iter().find(|(k, _)| k.ends_with("_01.pdf")).unwrap();
        assert_eq!(pdf.1, b"%PDF");
    }

    #[test]
    fn switched_off_modalities_and_destinations_without_s3_drop_the_bytes() {
        let body = json!({"messages": [{"role": "user", "content": [
            {"image": {"format": "png", "source": {"bytes": PNG}}},
            {"video": {"format": "mp4", "source": {"bytes": PNG}}}
        ]}]});
        // Images on, video off: the video keeps its format, loses its bytes, takes no number.
        let (logged, objects) = run(&cfg(true, false), true, Operation::ConverseStream, body.clone());
        let content = &logged["messages"][0]["content"];
        assert_eq!(content[0]["image"]["source"], uri("00.png"));
        assert_eq!(content[1]["video"], json!({"format": "mp4"}));
        assert_eq!(objects.len(), 1);
        // No S3 location (CloudWatch without largeDataDeliveryS3Config): nothing delivered.
        let (logged, objects) = run(&cfg(true, true), false, Operation::Converse, body);
        assert_eq!(logged["messages"][0]["content"][0]["image"], json!({"format": "png"}));
        assert_eq!(logged["messages"][0]["content"][1]["video"], json!({"format": "mp4"}));
        assert!(objects.is_empty());
    }

    #[test]
    fn s3_sources_text_documents_and_invoke_model_bodies_stay_as_sent() {
        let body = json!({"messages": [{"role": "user", "content": [
            {"image": {"format": "png", "source": {"s3Location": {"uri": "s3://mine/cat.png"}}}},
            {"document": {"name": "notes", "source": {"text": "plain words"}}}
        ]}]});
        let (logged, objects) = run(&cfg(true, true), true, Operation::Converse, body.clone());
        assert_eq!(logged, body);
        assert!(objects.is_empty());
        let nova = json!({"messages": [{"role": "user", "content": [{"image": {"format": "png", "source": {"bytes": PNG}}}]}]});
        let (logged, objects) = run(&cfg(true, true), true, Operation::InvokeModel, nova.clone());
        assert_eq!(logged, nova);
        assert!(objects.is_empty());
    }

    #[test]
    fn a_document_without_a_format_gets_bin() {
        let body = json!({"messages": [{"role": "user", "content": [{"document": {"name": "x", "source": {"bytes": PNG}}}]}]});
        let (logged, _) = run(&cfg(true, false), true, Operation::Converse, body);
        assert_eq!(logged["messages"][0]["content"][0]["document"]["source"], uri("00.bin"));
    }
}
