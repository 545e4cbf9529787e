//! Opt-in realism through aws-sdk-rust: `--pacing realistic` (answers take their model family's
//! time, streams space their frames, and what is reported is what was spent: exactly, on the
//! test's clock; within generous bounds in real time) and `--delivery-delay` (records held,
//! journaled at once, visible only once due on the emulator's clock, released by
//! `flush-deliveries`, kept across a restart).

use std::sync::Arc;
use std::time::Instant;

use aws_sdk_bedrock::types::{LoggingConfig, S3Config};
use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, ConverseStreamOutput, Message, ResponseStream};
use bedrock_emulator::s3::DeliveryDelay;
use bedrock_emulator::{PacingMode, Waits};
use serde_json::json;

use crate::support::{HAIKU, TestEmulator, bedrock_metric_sum};

const NOVA_MICRO: &str = "amazon.nova-micro-v1:0";

fn user(text: &str) -> Message {
    Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.to_owned())).build().unwrap()
}

fn realistic(c: &mut bedrock_emulator::EmulatorConfig) {
    c.pacing = PacingMode::Realistic;
}

/// The family figures of the embedded catalog: (time to first token, output tokens per second).
fn figures(model: &str) -> (u64, f64) {
    let family = bedrock_emulator::catalog::Catalog::embedded().family(model);
    (family.time_to_first_token_ms, family.output_tokens_per_second)
}

fn generation_ms(output_tokens: i32, tokens_per_second: f64) -> u64 {
    (f64::from(output_tokens) * 1000.0 / tokens_per_second).round() as u64
}

#[tokio::test]
async fn realistic_converse_takes_the_family_s_time_and_reports_what_it_spent() {
    let t = TestEmulator::start_with(realistic).await;
    let clock_before = t.clock_now().await;
    let out =
        t.runtime("us-east-1").converse().model_id(NOVA_MICRO).messages(user("What is Amazon Bedrock?")).send().await.unwrap();
    let (ttft, rate) = figures(NOVA_MICRO);
    let planned = ttft + generation_ms(out.usage().unwrap().output_tokens(), rate);
    assert_eq!(out.metrics().unwrap().latency_ms(), planned as i64);
    assert_eq!(t.clock_now().await - clock_before, planned as i64, "the time was spent on the emulator's clock");
    let records = t.records(bedrock_emulator::DEFAULT_LOG_GROUP);
    assert_eq!(records[0]["output"]["outputBodyJson"]["output"]["metrics"]["latencyMs"], planned);
    assert_eq!(bedrock_metric_sum(&t, "InvocationLatency", NOVA_MICRO).await, Some(planned as f64));
}

#[tokio::test]
async fn realistic_streams_space_their_frames_and_report_first_token_and_latency() {
    let t = TestEmulator::start_with(realistic).await;
    let rt = t.runtime("us-east-1");
    let mut out = rt.converse_stream().model_id(HAIKU).messages(user("Explain RAG in simple terms.")).send().await.unwrap();
    let mut metadata = None;
    while let Some(event) = out.stream.recv().await.unwrap() {
        if let ConverseStreamOutput::Metadata(m) = event {
            metadata = Some(m);
        }
    }
    let metadata = metadata.expect("a metadata frame");
    let (ttft, rate) = figures(HAIKU);
    let latency = ttft + generation_ms(metadata.usage().unwrap().output_tokens(), rate);
    assert_eq!(metadata.metrics().unwrap().latency_ms(), latency as i64);
    assert_eq!(bedrock_metric_sum(&t, "TimeToFirstToken", HAIKU).await, Some(ttft as f64));
    assert_eq!(bedrock_metric_sum(&t, "InvocationLatency", HAIKU).await, Some(latency as f64));

    let body =
        json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]});
    let mut out = rt.invoke_model_with_response_stream().model_id(HAIKU).body(Blob::new(body.to_string())).send().await.unwrap();
    let mut last = serde_json::Value::Null;
    while let Some(event) = out.body.recv().await.unwrap() {
        if let ResponseStream::Chunk(part) = event {
            last = serde_json::from_slice(part.bytes().unwrap().as_ref()).unwrap();
        }
    }
    let metrics = &last["amazon-bedrock-invocationMetrics"];
    assert_eq!(metrics["firstByteLatency"], ttft);
    let output = metrics["outputTokenCount"].as_i64().unwrap() as i32;
    assert_eq!(metrics["invocationLatency"], ttft + generation_ms(output, rate));
}

/// The one test that measures real pacing: the emulator on a real clock waits in real time, a
/// stream's first event arrives after the time to first token and its last after the whole
/// answer's time, and what is reported is what was spent (generous bounds: a loaded machine is
/// slower, never faster).
#[tokio::test]
async fn realistic_pacing_waits_in_real_time() {
    let t = TestEmulator::start_with(|c| {
        realistic(c);
        c.clock = Arc::new(bedrock_emulator::clock::StartedClock::system());
        c.waits = Waits::RealTime;
    })
    .await;
    let rt = t.runtime("us-east-1");
    let (ttft, rate) = figures(NOVA_MICRO);
    let started = Instant::now();
    let out = rt.converse().model_id(NOVA_MICRO).messages(user("hi")).send().await.unwrap();
    let wall = started.elapsed().as_millis() as i64;
    let planned = (ttft + generation_ms(out.usage().unwrap().output_tokens(), rate)) as i64;
    let reported = out.metrics().unwrap().latency_ms();
    assert!(reported >= planned && reported <= planned + 5_000, "reported {reported} ms, planned {planned} ms");
    assert!(wall >= planned, "the answer took {wall} ms, less than the planned {planned} ms");

    let started = Instant::now();
    let mut out = rt.converse_stream().model_id(NOVA_MICRO).messages(user("hello there")).send().await.unwrap();
    let mut arrivals = Vec::new();
    let mut output_tokens = 0;
    while let Some(event) = out.stream.recv().await.unwrap() {
        arrivals.push(started.elapsed().as_millis() as u64);
        if let ConverseStreamOutput::Metadata(m) = event {
            output_tokens = m.usage().unwrap().output_tokens();
        }
    }
    assert!(arrivals[0] >= ttft, "the first event came after {} ms, before the first token's {ttft} ms", arrivals[0]);
    let total = ttft + generation_ms(output_tokens, rate);
    assert!(*arrivals.last().unwrap() >= total, "the stream ended after {arrivals:?} ms, before its {total} ms");
}

#[tokio::test]
async fn the_instant_default_is_unchanged() {
    let t = TestEmulator::start().await;
    let before = t.clock_now().await;
    let out = t.runtime("us-east-1").converse().model_id(NOVA_MICRO).messages(user("hi")).send().await.unwrap();
    assert_eq!(out.metrics().unwrap().latency_ms(), 100 + 8 * i64::from(out.usage().unwrap().output_tokens()));
    assert_eq!(t.clock_now().await, before, "nothing waited");
}

fn delayed(delay: &'static str) -> impl FnOnce(&mut bedrock_emulator::EmulatorConfig) {
    move |c| c.delivery_delay = Some(DeliveryDelay::parse(delay).unwrap())
}

#[tokio::test]
async fn delayed_records_appear_only_once_due_on_the_emulator_s_clock() {
    let t = TestEmulator::start_with(delayed("2m")).await;
    let out = t.runtime("us-east-1").converse().model_id(HAIKU).messages(user("hello")).send().await.unwrap();
    assert!(t.records(bedrock_emulator::DEFAULT_LOG_GROUP).is_empty(), "held, not visible yet");
    assert_eq!(t.emulator.held_deliveries(), 1);
    t.emulator.advance_clock(119_000).unwrap();
    assert!(t.records(bedrock_emulator::DEFAULT_LOG_GROUP).is_empty());
    // POST /_emulator/clock moves the clock and delivers what is due.
    let (status, _) = t.emulator_route("POST", "/_emulator/clock", r#"{"advance": "PT1S"}"#).await;
    assert_eq!(status, 200);
    let records = t.records(bedrock_emulator::DEFAULT_LOG_GROUP);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["requestId"].as_str(), aws_sdk_bedrockruntime::operation::RequestId::request_id(&out));
    // The record keeps the call's time; CloudWatch ingested it two minutes later.
    let events = t.logs().filter_log_events().log_group_name(bedrock_emulator::DEFAULT_LOG_GROUP).send().await.unwrap();
    let event = &events.events()[0];
    assert!(event.ingestion_time().unwrap() - event.timestamp().unwrap() >= 119_000, "{event:?}");
    assert_eq!(t.emulator.held_deliveries(), 0);
}

#[tokio::test]
async fn flush_deliveries_releases_every_held_record_and_a_restart_keeps_them() {
    let t = TestEmulator::start_with(delayed("1m..5m")).await;
    let rt = t.runtime("us-east-1");
    for prompt in ["a", "b", "c"] {
        rt.converse().model_id(HAIKU).messages(user(prompt)).send().await.unwrap();
    }
    assert_eq!(t.emulator.held_deliveries(), 3);
    // A restart (the journal replayed) loses nothing held.
    let t = t.stop().await.start_with(delayed("1m..5m")).await;
    assert_eq!(t.emulator.held_deliveries(), 3);
    assert!(t.records(bedrock_emulator::DEFAULT_LOG_GROUP).is_empty());
    let (status, _) = t.emulator_route("POST", "/_emulator/flush-deliveries", "").await;
    assert_eq!(status, 200);
    assert_eq!(t.records(bedrock_emulator::DEFAULT_LOG_GROUP).len(), 3);
    assert_eq!(t.emulator.held_deliveries(), 0);
}

#[tokio::test]
async fn a_held_record_joins_its_s3_batch_only_once_due() {
    let t = TestEmulator::start_with(|c| {
        delayed("3m")(c);
        c.s3_flush_interval = None;
    })
    .await;
    let config = LoggingConfig::builder()
        .s3_config(S3Config::builder().bucket_name("delayed-logs").build().unwrap())
        .text_data_delivery_enabled(true)
        .build();
    t.control().put_model_invocation_logging_configuration().logging_config(config).send().await.unwrap();
    t.runtime("us-east-1").converse().model_id(HAIKU).messages(user("to s3")).send().await.unwrap();
    assert_eq!(t.emulator.pending_deliveries(), 0, "not queued for a batch while held");
    t.emulator.advance_clock(180_000).unwrap();
    assert_eq!(t.emulator.pending_deliveries(), 1, "queued (and journaled) once due");
}
