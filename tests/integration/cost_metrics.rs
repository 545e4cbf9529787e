//! `serve --cost-metrics requestMetadata.cost_center` through aws-sdk-rust: Converse,
//! ConverseStream, InvokeModel (text and embedding) and InvokeModelWithResponseStream calls
//! with declared usage for three cost centres publish
//! `CustomMetrics` `EstimatedCost` (USD, from the embedded price table) per cost centre and in
//! total; GetMetricStatistics, GetMetricData (a SEARCH per cost centre) and ListMetrics read the
//! hand-computed costs back, and an alarm on one cost centre's hourly spend goes to ALARM when
//! the hour is over on the emulator's clock.

use aws_sdk_bedrockruntime::primitives::Blob;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, MetricDataQuery, Statistic};
use bedrock_emulator::cost_metrics::{CostMetricsConfig, parse_keys};
use bedrock_emulator::prices::PriceTable;
use bedrock_emulator::responder::Responder;

use crate::cloudwatch_alarms::emulator_post;
use crate::support::{HAIKU, TestEmulator};

const SONNET_45_US: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const TITAN_EMBED: &str = "amazon.titan-embed-text-v2:0";

/// Usage per prompt: "cached" 1,000 in / 500 out / 2,000 cache read / 400 cache write;
/// "plain" 2,000 / 1,000; "small" 400 / 200.
const DECLARED: &str = r#"{"responses": [
    {"promptContains": "cached", "text": "From the cache.",
     "usage": {"inputTokens": 1000, "outputTokens": 500, "cacheReadInputTokens": 2000, "cacheWriteInputTokens": 400}},
    {"promptContains": "plain", "text": "Plain answer.", "usage": {"inputTokens": 2000, "outputTokens": 1000}},
    {"promptContains": "small", "text": "Small.", "usage": {"inputTokens": 400, "outputTokens": 200}}]}"#;

// Hand-computed from crates/service-bedrock/data/prices.json (us-east-1, on demand, 2025-12-03):
// Claude Sonnet 4.5 through its us. profile: 0.0033 in, 0.0165 out, 0.00033 cache read,
// 0.004125 cache write per 1,000 → "cached": 3.3 + 8.25 + 0.66 + 1.65 = 13.86 thousandths.
const SONNET_CACHED: f64 = 0.01386;
// Claude 3 Haiku: 0.00025 in, 0.00125 out → "plain": 0.5 + 1.25 thousandths; "small": 0.1 + 0.25.
const HAIKU_PLAIN: f64 = 0.00175;
const HAIKU_SMALL: f64 = 0.00035;
// Titan Text Embeddings V2: 0.00002 per 1,000 input tokens.
const TITAN_PER_TOKEN: f64 = 0.00002 / 1000.0;

fn user(text: &str) -> Message {
    Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.to_owned())).build().unwrap()
}

async fn start() -> TestEmulator {
    TestEmulator::start_with(|config| {
        config.responder = Responder::from_declared_json(DECLARED).unwrap();
        let keys = parse_keys(&["requestMetadata.cost_center"]).unwrap();
        config.cost_metrics = Some(CostMetricsConfig { keys, prices: PriceTable::embedded() });
    })
    .await
}

/// The calls: CS-100 twice on Sonnet 4.5 (Converse and ConverseStream), ENG-200 twice on
/// Claude 3 Haiku (InvokeModel and InvokeModelWithResponseStream, metadata in the header), a
/// Titan embedding for EMB-300, one call without metadata, one with another key only, and one
/// CS-100 call the table cannot price (cache reads of Claude 3 Haiku). Returns the embedding's
/// input tokens.
async fn make_calls(t: &TestEmulator) -> u64 {
    let runtime = t.runtime("us-east-1");
    runtime
        .converse()
        .model_id(SONNET_45_US)
        .messages(user("cached question"))
        .request_metadata("cost_center", "CS-100")
        .send()
        .await
        .unwrap();
    let mut stream = runtime
        .converse_stream()
        .model_id(SONNET_45_US)
        .messages(user("cached question again"))
        .request_metadata("cost_center", "CS-100")
        .send()
        .await
        .unwrap();
    while stream.stream.recv().await.unwrap().is_some() {}
    let body = serde_json::json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 100,
        "messages": [{"role": "user", "content": "plain question"}]});
    runtime
        .invoke_model()
        .model_id(HAIKU)
        .content_type("application/json")
        .body(Blob::new(serde_json::to_vec(&body).unwrap()))
        .request_metadata(r#"{"cost_center": "ENG-200"}"#)
        .send()
        .await
        .unwrap();
    let mut stream = runtime
        .invoke_model_with_response_stream()
        .model_id(HAIKU)
        .content_type("application/json")
        .body(Blob::new(serde_json::to_vec(&body).unwrap()))
        .request_metadata(r#"{"cost_center": "ENG-200"}"#)
        .send()
        .await
        .unwrap();
    while stream.body.recv().await.unwrap().is_some() {}
    let embedding = runtime
        .invoke_model()
        .model_id(TITAN_EMBED)
        .content_type("application/json")
        .body(Blob::new(br#"{"inputText": "what a retrieval costs"}"#.to_vec()))
        .request_metadata(r#"{"cost_center": "EMB-300"}"#)
        .send()
        .await
        .unwrap();
    let embedding: serde_json::Value = serde_json::from_slice(embedding.body().as_ref()).unwrap();
    runtime.converse().model_id(HAIKU).messages(user("small question")).send().await.unwrap();
    runtime.converse().model_id(HAIKU).messages(user("plain again")).request_metadata("tenant_id", "t-9").send().await.unwrap();
    // Succeeds, but has no price: published nowhere, not as zero.
    runtime
        .converse()
        .model_id(HAIKU)
        .messages(user("cached on haiku"))
        .request_metadata("cost_center", "CS-100")
        .send()
        .await
        .unwrap();
    embedding["inputTextTokenCount"].as_u64().unwrap()
}

/// (Sum, SampleCount, unit) of `EstimatedCost` with `dimensions` over the test's hour.
async fn statistics(t: &TestEmulator, dimensions: &[(&str, &str)]) -> Option<(f64, f64, String)> {
    let hour = t.options.t0_ms / 3_600_000 * 3_600_000;
    let out = t
        .clients("us-east-1")
        .cloudwatch
        .get_metric_statistics()
        .namespace("CustomMetrics")
        .metric_name("EstimatedCost")
        .set_dimensions(Some(dimensions.iter().map(|(n, v)| Dimension::builder().name(*n).value(*v).build()).collect()))
        .start_time(DateTime::from_millis(hour))
        .end_time(DateTime::from_millis(hour + 3_600_000))
        .period(3600)
        .statistics(Statistic::Sum)
        .statistics(Statistic::SampleCount)
        .send()
        .await
        .unwrap();
    let d = out.datapoints().first()?;
    Some((d.sum().unwrap(), d.sample_count().unwrap(), d.unit().unwrap().as_str().to_owned()))
}

fn close(got: f64, want: f64) -> bool {
    (got - want).abs() < 1e-12
}

#[tokio::test]
async fn estimated_cost_per_cost_centre_reads_back_through_cloudwatch() {
    let t = start().await;
    let embedding_tokens = make_calls(&t).await;

    let (sum, count, unit) = statistics(&t, &[("cost_center", "CS-100")]).await.unwrap();
    assert!(close(sum, 2.0 * SONNET_CACHED), "CS-100: {sum}");
    assert_eq!((count, unit.as_str()), (2.0, "None"), "the unpriced CS-100 call is not a zero sample");
    let (sum, count, _) = statistics(&t, &[("cost_center", "ENG-200")]).await.unwrap();
    assert!(close(sum, 2.0 * HAIKU_PLAIN) && count == 2.0, "ENG-200: {sum} ({count})");
    let embedding = embedding_tokens as f64 * TITAN_PER_TOKEN;
    let (sum, count, _) = statistics(&t, &[("cost_center", "EMB-300")]).await.unwrap();
    assert!(embedding_tokens > 0 && close(sum, embedding) && count == 1.0, "EMB-300: {sum} ({count})");
    let (sum, count, _) = statistics(&t, &[]).await.unwrap();
    assert!(close(sum, 2.0 * SONNET_CACHED + 3.0 * HAIKU_PLAIN + HAIKU_SMALL + embedding), "total: {sum}");
    assert_eq!(count, 7.0, "every priced call, with or without a cost centre");
    assert_eq!(statistics(&t, &[("tenant_id", "t-9")]).await, None, "only the chosen key is a dimension");

    // One series per cost centre through SEARCH, labelled by its value.
    let hour = t.options.t0_ms / 3_600_000 * 3_600_000;
    let out = t
        .clients("us-east-1")
        .cloudwatch
        .get_metric_data()
        .metric_data_queries(
            MetricDataQuery::builder()
                .id("by_centre")
                .expression(r#"SEARCH('{CustomMetrics,cost_center} MetricName="EstimatedCost"', 'Sum', 3600)"#)
                .build(),
        )
        .start_time(DateTime::from_millis(hour))
        .end_time(DateTime::from_millis(hour + 3_600_000))
        .send()
        .await
        .unwrap();
    let mut series: Vec<(String, Vec<f64>)> =
        out.metric_data_results().iter().map(|r| (r.label().unwrap_or_default().to_owned(), r.values().to_vec())).collect();
    series.sort_by(|a, b| a.0.cmp(&b.0));
    let labels: Vec<&str> = series.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(labels, ["CS-100", "EMB-300", "ENG-200"]);
    assert!(close(series[0].1[0], 2.0 * SONNET_CACHED), "{series:?}");
    assert!(close(series[2].1[0], 2.0 * HAIKU_PLAIN), "{series:?}");

    let listed = t.clients("us-east-1").cloudwatch.list_metrics().namespace("CustomMetrics").send().await.unwrap();
    let mut metrics: Vec<String> = listed
        .metrics()
        .iter()
        .map(|m| {
            let dims: Vec<String> =
                m.dimensions().iter().map(|d| format!("{}={}", d.name().unwrap(), d.value().unwrap())).collect();
            format!("{} {}", m.metric_name().unwrap(), dims.join(","))
        })
        .collect();
    metrics.sort();
    assert_eq!(
        metrics,
        [
            "EstimatedCost ",
            "EstimatedCost cost_center=CS-100",
            "EstimatedCost cost_center=EMB-300",
            "EstimatedCost cost_center=ENG-200"
        ]
    );
}

#[tokio::test]
async fn an_alarm_on_one_cost_centres_spend_goes_to_alarm() {
    let t = start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    for (name, centre) in [("cs-100-hourly-spend", "CS-100"), ("eng-200-hourly-spend", "ENG-200")] {
        cw.put_metric_alarm()
            .alarm_name(name)
            .metric_name("EstimatedCost")
            .namespace("CustomMetrics")
            .dimensions(Dimension::builder().name("cost_center").value(centre).build())
            .statistic(Statistic::Sum)
            .period(3600)
            .threshold(0.02)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .evaluation_periods(1)
            .send()
            .await
            .unwrap();
    }
    make_calls(&t).await;
    // The 10:00 hour is complete once the clock passes 11:00.
    emulator_post(&t, "/_emulator/clock", r#"{"advance": "PT1H"}"#).await;
    let alarms = cw.describe_alarms().send().await.unwrap();
    let state = |name: &str| {
        let a = alarms.metric_alarms().iter().find(|a| a.alarm_name() == Some(name)).unwrap();
        (a.state_value().unwrap().as_str().to_owned(), a.state_reason().unwrap_or_default().to_owned())
    };
    let (value, reason) = state("cs-100-hourly-spend");
    assert_eq!(value, "ALARM", "{reason}");
    assert!(reason.contains("[0.02772 (03/12/25 10:00:00)] was greater than the threshold (0.02)"), "{reason}");
    let (value, reason) = state("eng-200-hourly-spend");
    assert_eq!(value, "OK", "0.0035 is under the threshold: {reason}");
}

#[tokio::test]
async fn without_the_flag_no_cost_is_published() {
    let t = TestEmulator::start_with(|config| config.responder = Responder::from_declared_json(DECLARED).unwrap()).await;
    make_calls(&t).await;
    let listed = t.clients("us-east-1").cloudwatch.list_metrics().namespace("CustomMetrics").send().await.unwrap();
    assert!(listed.metrics().is_empty(), "{:?}", listed.metrics());
    assert!(crate::support::bedrock_metric_sum(&t, "Invocations", HAIKU).await.is_some(), "AWS/Bedrock is published as before");
}
