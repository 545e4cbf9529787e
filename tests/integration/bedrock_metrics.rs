//! Bedrock's `AWS/Bedrock` metrics and Logs metric filters, read back through aws-sdk-cloudwatch
//! (CBOR) after runtime calls through aws-sdk-bedrockruntime and PutLogEvents through
//! aws-sdk-cloudwatchlogs.

use std::collections::BTreeMap;

use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, DimensionFilter, Statistic};
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::types::{InputLogEvent, MetricTransformation, StandardUnit};

use crate::support::{HAIKU, TestEmulator};

const SONNET_PROFILE: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

fn user(text: &str) -> Message {
    Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.to_owned())).build().unwrap()
}

/// The Sum of `name` over the test's hour, per `dimension` value.
async fn sums(t: &TestEmulator, namespace: &str, name: &str, dimension: Option<(&str, &str)>) -> Option<f64> {
    let cw = t.clients("us-east-1").cloudwatch;
    let hour = t.options.t0_ms / 3_600_000 * 3_600_000;
    let mut req = cw
        .get_metric_statistics()
        .namespace(namespace)
        .metric_name(name)
        .start_time(DateTime::from_millis(hour))
        .end_time(DateTime::from_millis(hour + 3_600_000))
        .period(3600)
        .statistics(Statistic::Sum);
    if let Some((n, v)) = dimension {
        req = req.dimensions(Dimension::builder().name(n).value(v).build());
    }
    req.send().await.unwrap().datapoints().first().and_then(|d| d.sum())
}

#[tokio::test]
async fn runtime_calls_publish_aws_bedrock_metrics_per_model_id() {
    let t = TestEmulator::start().await;
    let rt = t.runtime("us-east-1");
    let (mut input, mut output) = (0i64, 0i64);
    for prompt in ["What is Amazon Bedrock?", "Explain RAG in simple terms.", "List 3 benefits of serverless computing."] {
        let out = rt.converse().model_id(HAIKU).messages(user(prompt)).send().await.unwrap();
        input += i64::from(out.usage().unwrap().input_tokens());
        output += i64::from(out.usage().unwrap().output_tokens());
    }
    let profile = rt.converse().model_id(SONNET_PROFILE).messages(user("hello")).send().await.unwrap();
    let mut stream = rt.converse_stream().model_id(HAIKU).messages(user("stream please")).send().await.unwrap();
    let mut streamed = (0i64, 0i64);
    while let Some(event) = stream.stream.recv().await.unwrap() {
        if let aws_sdk_bedrockruntime::types::ConverseStreamOutput::Metadata(m) = event {
            streamed = (i64::from(m.usage().unwrap().input_tokens()), i64::from(m.usage().unwrap().output_tokens()));
        }
    }
    // A request refused at validation: a client error, not an invocation.
    let bad = rt
        .converse()
        .model_id(HAIKU)
        .messages(Message::builder().role(ConversationRole::Assistant).content(ContentBlock::Text("x".into())).build().unwrap())
        .send()
        .await;
    assert!(bad.is_err());

    let haiku = Some(("ModelId", HAIKU));
    assert_eq!(sums(&t, "AWS/Bedrock", "Invocations", haiku).await, Some(4.0));
    assert_eq!(sums(&t, "AWS/Bedrock", "InputTokenCount", haiku).await, Some((input + streamed.0) as f64));
    assert_eq!(sums(&t, "AWS/Bedrock", "OutputTokenCount", haiku).await, Some((output + streamed.1) as f64));
    assert_eq!(sums(&t, "AWS/Bedrock", "InvocationClientErrors", haiku).await, Some(1.0));
    assert_eq!(sums(&t, "AWS/Bedrock", "CacheReadInputTokens", haiku).await, Some(0.0));
    assert!(sums(&t, "AWS/Bedrock", "TimeToFirstToken", haiku).await.is_some(), "the stream's TTFT");
    // A profile call is published under the profile id, with Sonnet 4.5's 5x output burndown.
    let p = profile.usage().unwrap();
    assert_eq!(sums(&t, "AWS/Bedrock", "Invocations", Some(("ModelId", SONNET_PROFILE))).await, Some(1.0));
    let tpm = f64::from(p.input_tokens()) + 5.0 * f64::from(p.output_tokens());
    assert_eq!(sums(&t, "AWS/Bedrock", "EstimatedTPMQuotaUsage", Some(("ModelId", SONNET_PROFILE))).await, Some(tpm));
    // Every successful call's record reached the log group.
    assert_eq!(sums(&t, "AWS/Bedrock", "ModelInvocationLogsCloudWatchDeliverySuccess", None).await, Some(5.0));

    let cw = t.clients("us-east-1").cloudwatch;
    let listed = cw
        .list_metrics()
        .namespace("AWS/Bedrock")
        .dimensions(DimensionFilter::builder().name("ModelId").build())
        .send()
        .await
        .unwrap();
    let mut models: Vec<String> = listed.metrics().iter().map(|m| m.dimensions()[0].value().unwrap().to_owned()).collect();
    models.dedup();
    models.sort();
    models.dedup();
    assert_eq!(models, vec![HAIKU.to_owned(), SONNET_PROFILE.to_owned()]);
}

#[tokio::test]
async fn a_metric_filter_sums_input_tokens_per_application() {
    let t = TestEmulator::start().await;
    let logs = t.logs();
    let group = bedrock_emulator::DEFAULT_LOG_GROUP;
    logs.put_metric_filter()
        .log_group_name(group)
        .filter_name("input-tokens-by-app")
        .filter_pattern("{ $.input.inputTokenCount > 0 }")
        .metric_transformations(
            MetricTransformation::builder()
                .metric_name("InputTokens")
                .metric_namespace("BedrockUsage")
                .metric_value("$.input.inputTokenCount")
                .dimensions("Application", "$.requestMetadata.application_name")
                .unit(StandardUnit::Count)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let rt = t.runtime("us-east-1");
    let mut expected: BTreeMap<&str, i64> = BTreeMap::new();
    for (app, prompt) in [
        ("CustomerServiceApp", "Where is my order?"),
        ("DeveloperToolsApp", "Write a SQL query"),
        ("CustomerServiceApp", "Cancel it"),
    ] {
        let out =
            rt.converse().model_id(HAIKU).messages(user(prompt)).request_metadata("application_name", app).send().await.unwrap();
        *expected.entry(app).or_default() += i64::from(out.usage().unwrap().input_tokens());
    }
    // A record without the dimension's field publishes nothing.
    rt.converse().model_id(HAIKU).messages(user("no metadata")).send().await.unwrap();
    for (app, tokens) in &expected {
        assert_eq!(sums(&t, "BedrockUsage", "InputTokens", Some(("Application", app))).await, Some(*tokens as f64), "{app}");
    }

    // PutLogEvents: a term filter with a default value; non-matching events publish it.
    logs.create_log_group().log_group_name("app").send().await.unwrap();
    logs.create_log_stream().log_group_name("app").log_stream_name("s").send().await.unwrap();
    logs.put_metric_filter()
        .log_group_name("app")
        .filter_name("errors")
        .filter_pattern("ERROR")
        .metric_transformations(
            MetricTransformation::builder()
                .metric_name("Errors")
                .metric_namespace("App")
                .metric_value("1")
                .default_value(0.0)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let now = t.options.t0_ms;
    let events =
        ["ERROR one", "fine", "ERROR two"].iter().map(|m| InputLogEvent::builder().timestamp(now).message(*m).build().unwrap());
    logs.put_log_events().log_group_name("app").log_stream_name("s").set_log_events(Some(events.collect())).send().await.unwrap();
    assert_eq!(sums(&t, "App", "Errors", None).await, Some(2.0));
    let cw = t.clients("us-east-1").cloudwatch;
    let hour = now / 3_600_000 * 3_600_000;
    let count = cw
        .get_metric_statistics()
        .namespace("App")
        .metric_name("Errors")
        .start_time(DateTime::from_millis(hour))
        .end_time(DateTime::from_millis(hour + 3_600_000))
        .period(3600)
        .statistics(Statistic::SampleCount)
        .send()
        .await
        .unwrap();
    assert_eq!(count.datapoints()[0].sample_count(), Some(3.0), "the default value for the event that did not match");

    let described = logs.describe_metric_filters().log_group_name(group).send().await.unwrap();
    let f = &described.metric_filters()[0];
    assert_eq!(f.filter_name(), Some("input-tokens-by-app"));
    assert_eq!(f.metric_transformations()[0].metric_value(), "$.input.inputTokenCount");
    assert_eq!(
        logs.describe_metric_filters().metric_name("Errors").metric_namespace("App").send().await.unwrap().metric_filters().len(),
        1
    );

    let tested = logs
        .test_metric_filter()
        .filter_pattern("{ $.input.inputTokenCount > 5 }")
        .log_event_messages(r#"{"input": {"inputTokenCount": 9}}"#)
        .log_event_messages(r#"{"input": {"inputTokenCount": 1}}"#)
        .log_event_messages("Permissions are correctly set for Amazon Bedrock logs.")
        .send()
        .await
        .unwrap();
    assert_eq!(tested.matches().len(), 1);
    assert_eq!(tested.matches()[0].event_number(), 1);
    assert_eq!(tested.matches()[0].extracted_values().unwrap().get("$.input.inputTokenCount").map(String::as_str), Some("9"));

    let err = logs
        .put_metric_filter()
        .log_group_name("app")
        .filter_name("bad")
        .filter_pattern("{ $.a > 0 }")
        .metric_transformations(
            MetricTransformation::builder()
                .metric_name("m")
                .metric_namespace("n")
                .metric_value("1")
                .default_value(0.0)
                .dimensions("A", "$.a")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterException"));
    assert_eq!(
        err.message(),
        Some("Invalid metric transformation: dimensions and default value are mutually exclusive properties")
    );
    let err = logs
        .put_metric_filter()
        .log_group_name("nope")
        .filter_name("x")
        .filter_pattern("")
        .metric_transformations(
            MetricTransformation::builder().metric_name("m").metric_namespace("n").metric_value("1").build().unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));

    logs.delete_metric_filter().log_group_name("app").filter_name("errors").send().await.unwrap();
    let err = logs.delete_metric_filter().log_group_name("app").filter_name("errors").send().await.unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFoundException"));

    // Filters are saved: after a restart the next record still publishes.
    let t = t.restart().await;
    t.runtime("us-east-1")
        .converse()
        .model_id(HAIKU)
        .messages(user("again"))
        .request_metadata("application_name", "DeveloperToolsApp")
        .send()
        .await
        .unwrap();
    let after = sums(&t, "BedrockUsage", "InputTokens", Some(("Application", "DeveloperToolsApp"))).await.unwrap();
    assert!(after > expected["DeveloperToolsApp"] as f64);
}
