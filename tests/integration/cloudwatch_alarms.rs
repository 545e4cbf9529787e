//! CloudWatch alarms through aws-sdk-cloudwatch (CBOR) on the emulator's clock: creation in
//! INSUFFICIENT_DATA, evaluation on demand (`POST /_emulator/alarms/evaluate`) and after the
//! clock moves (`POST /_emulator/clock`), M of N, TreatMissingData, metric-math and composite
//! alarms, SetAlarmState, history, actions, deletion, and CloudWatch's validation.

use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    AlarmType, ComparisonOperator, HistoryItemType, Metric, MetricDataQuery, MetricDatum, MetricStat, StandardUnit, StateValue,
    Statistic,
};
use serde_json::Value;

use crate::support::{TestEmulator, raw};

/// `POST` a JSON body to an emulator route; the answer as JSON.
pub(crate) async fn emulator_post(t: &TestEmulator, path: &str, body: &str) -> Value {
    let res = raw(&t.url(), "POST", path, &[("content-type", "application/json")], body.to_owned()).await;
    assert_eq!(res.status, 200, "{path}: {}", res.text());
    res.json()
}

async fn put_tokens(cw: &aws_sdk_cloudwatch::Client, ms: i64, value: f64) {
    cw.put_metric_data()
        .namespace("CustomMetrics")
        .metric_data(
            MetricDatum::builder()
                .metric_name("BedrockTokenUsage")
                .timestamp(DateTime::from_millis(ms))
                .value(value)
                .unit(StandardUnit::Count)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

async fn state(cw: &aws_sdk_cloudwatch::Client, name: &str) -> (String, String) {
    let out = cw
        .describe_alarms()
        .alarm_names(name)
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .send()
        .await
        .unwrap();
    let (value, reason) = match (out.metric_alarms().first(), out.composite_alarms().first()) {
        (Some(a), _) => (a.state_value().unwrap().as_str().to_owned(), a.state_reason().unwrap().to_owned()),
        (None, Some(a)) => (a.state_value().unwrap().as_str().to_owned(), a.state_reason().unwrap().to_owned()),
        (None, None) => panic!("no alarm {name}"),
    };
    (value, reason)
}

fn seed_alarm(
    cw: &aws_sdk_cloudwatch::Client,
) -> aws_sdk_cloudwatch::operation::put_metric_alarm::builders::PutMetricAlarmFluentBuilder {
    cw.put_metric_alarm()
        .alarm_name("bedrock-high-token-usage")
        .alarm_description("Alert when hourly token usage exceeds 10000")
        .metric_name("BedrockTokenUsage")
        .namespace("CustomMetrics")
        .statistic(Statistic::Sum)
        .period(3600)
        .threshold(10000.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .evaluation_periods(1)
        .alarm_actions("arn:aws:sns:us-east-1:123456789012:my-alerts")
}

#[tokio::test]
async fn the_seed_alarm_goes_to_alarm_when_the_hour_is_over() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    let cw = &c.cloudwatch;
    seed_alarm(cw).send().await.unwrap();
    assert_eq!(
        state(cw, "bedrock-high-token-usage").await,
        ("INSUFFICIENT_DATA".into(), "Unchecked: Initial alarm creation".into())
    );
    let now = t.options.t0_ms; // 10:54:44
    put_tokens(cw, now - 1000, 7000.0).await;
    put_tokens(cw, now, 5000.0).await;
    // The hour 10:00–11:00 is not over: evaluating now looks at 09:00–10:00, which has no data.
    let report = emulator_post(&t, "/_emulator/alarms/evaluate", "").await;
    assert_eq!(report["evaluated"], 1);
    assert_eq!(state(cw, "bedrock-high-token-usage").await.0, "INSUFFICIENT_DATA");
    // One hour later the 10:00 period is complete.
    let moved = emulator_post(&t, "/_emulator/clock", r#"{"advance": "PT1H"}"#).await;
    assert_eq!(moved["nowMs"], now + 3_600_000);
    assert_eq!(moved["alarms"]["transitions"][0]["newState"], "ALARM");
    let (value, reason) = state(cw, "bedrock-high-token-usage").await;
    assert_eq!(value, "ALARM");
    assert_eq!(
        reason,
        "Threshold Crossed: 1 out of the last 1 datapoints [12000.0 (03/12/25 10:00:00)] was greater than the threshold (10000.0) (minimum 1 datapoint for OK -> ALARM transition)."
    );
    let alarm = cw.describe_alarms().alarm_names("bedrock-high-token-usage").send().await.unwrap().metric_alarms()[0].clone();
    let data: Value = serde_json::from_str(alarm.state_reason_data().unwrap()).unwrap();
    assert_eq!(data["recentDatapoints"], serde_json::json!([12000.0]));
    assert_eq!(data["statistic"], "Sum");
    assert_eq!(data["period"], 3600);
    assert_eq!(alarm.datapoints_to_alarm(), Some(1));
    assert_eq!(alarm.treat_missing_data(), Some("missing"));
    // The topic does not exist: the action failed, and history says so.
    let history = cw.describe_alarm_history().alarm_name("bedrock-high-token-usage").send().await.unwrap();
    let items: Vec<_> = history
        .alarm_history_items()
        .iter()
        .map(|h| (h.history_item_type().unwrap().as_str().to_owned(), h.history_summary().unwrap().to_owned()))
        .collect();
    assert_eq!(items[0].0, "Action");
    assert!(items[0].1.starts_with("Failed to execute action arn:aws:sns:us-east-1:123456789012:my-alerts"), "{items:?}");
    assert_eq!(items[1], ("StateUpdate".into(), "Alarm updated from INSUFFICIENT_DATA to ALARM".into()));
    assert_eq!(items[2], ("ConfigurationUpdate".into(), "Alarm \"bedrock-high-token-usage\" created".into()));
    let only_state = cw.describe_alarm_history().history_item_type(HistoryItemType::StateUpdate).send().await.unwrap();
    assert_eq!(only_state.alarm_history_items().len(), 1);

    // The clock never moves back.
    let res = raw(&t.url(), "POST", "/_emulator/clock", &[], r#"{"advance": "-PT1H"}"#).await;
    assert_eq!(res.status, 400);
    let res = raw(&t.url(), "POST", "/_emulator/clock", &[], r#"{"to": "2020-01-01T00:00:00Z"}"#).await;
    assert_eq!(res.status, 400);

    // Another hour without data: back to INSUFFICIENT_DATA under TreatMissingData=missing.
    emulator_post(&t, "/_emulator/clock", r#"{"advance": "PT1H"}"#).await;
    assert_eq!(
        state(cw, "bedrock-high-token-usage").await,
        ("INSUFFICIENT_DATA".into(), "Insufficient Data: 1 datapoint was unknown.".into())
    );
}

#[tokio::test]
async fn m_of_n_missing_data_and_set_alarm_state() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let now = t.options.t0_ms;
    let minute = now / 60_000 * 60_000;
    cw.put_metric_alarm()
        .alarm_name("two-of-three")
        .metric_name("BedrockTokenUsage")
        .namespace("CustomMetrics")
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(3)
        .datapoints_to_alarm(2)
        .threshold(100.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .treat_missing_data("notBreaching")
        .send()
        .await
        .unwrap();
    put_tokens(&cw, minute - 240_000, 150.0).await;
    put_tokens(&cw, minute - 60_000, 100.0).await;
    emulator_post(&t, "/_emulator/alarms/evaluate", "").await;
    let (value, reason) = state(&cw, "two-of-three").await;
    assert_eq!(value, "OK", "only one breaching point in the last three minutes");
    assert!(reason.contains("not greater than or equal to the threshold (100.0)"), "{reason}");
    put_tokens(&cw, minute - 120_000, 200.0).await;
    emulator_post(&t, "/_emulator/alarms/evaluate", "").await;
    let (value, reason) = state(&cw, "two-of-three").await;
    assert_eq!(value, "ALARM");
    assert!(reason.starts_with("Threshold Crossed: 2 out of the last 3 datapoints [100.0 (03/12/25 10:53:00), 200.0 (03/12/25 10:52:00)] were greater than or equal to the threshold (100.0) (minimum 2 datapoints"), "{reason}");

    cw.set_alarm_state().alarm_name("two-of-three").state_value(StateValue::Ok).state_reason("testing").send().await.unwrap();
    assert_eq!(state(&cw, "two-of-three").await, ("OK".into(), "testing".into()));
    let err = cw
        .set_alarm_state()
        .alarm_name("two-of-three")
        .state_value(StateValue::Ok)
        .state_reason("x")
        .state_reason_data("{nope")
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_invalid_format_fault()), "{err:?}");
    let err = cw.set_alarm_state().alarm_name("missing").state_value(StateValue::Ok).state_reason("x").send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_resource_not_found()), "{err:?}");
    // The next evaluation returns it to its actual state.
    emulator_post(&t, "/_emulator/alarms/evaluate", "").await;
    assert_eq!(state(&cw, "two-of-three").await.0, "ALARM");
}

#[tokio::test]
async fn metric_math_and_composite_alarms() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let now = t.options.t0_ms;
    let minute = now / 60_000 * 60_000;
    put_tokens(&cw, minute - 60_000, 30.0).await;
    let metric = Metric::builder().namespace("CustomMetrics").metric_name("BedrockTokenUsage").build();
    cw.put_metric_alarm()
        .alarm_name("doubled")
        .metrics(
            MetricDataQuery::builder()
                .id("m1")
                .metric_stat(MetricStat::builder().metric(metric).period(60).stat("Sum").build())
                .return_data(false)
                .build(),
        )
        .metrics(MetricDataQuery::builder().id("e1").expression("m1 * 2").build())
        .evaluation_periods(1)
        .threshold(50.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    seed_alarm(&cw).send().await.unwrap();
    cw.put_composite_alarm()
        .alarm_name("both")
        .alarm_rule(r#"ALARM("doubled") AND NOT ALARM(bedrock-high-token-usage)"#)
        .send()
        .await
        .unwrap();
    let report = emulator_post(&t, "/_emulator/alarms/evaluate", "").await;
    assert_eq!(state(&cw, "doubled").await.0, "ALARM", "{report}");
    assert_eq!(state(&cw, "both").await, ("ALARM".into(), "Alarm rule evaluated to TRUE".into()));
    let composites = cw.describe_alarms().alarm_types(AlarmType::CompositeAlarm).send().await.unwrap();
    assert_eq!(
        composites.composite_alarms()[0].alarm_rule(),
        Some(r#"ALARM("doubled") AND NOT ALARM(bedrock-high-token-usage)"#)
    );
    assert!(composites.metric_alarms().is_empty());
    let children = cw.describe_alarms().children_of_alarm_name("both").send().await.unwrap();
    assert_eq!(children.metric_alarms().len(), 2);
    let parents =
        cw.describe_alarms().parents_of_alarm_name("doubled").alarm_types(AlarmType::CompositeAlarm).send().await.unwrap();
    assert_eq!(parents.composite_alarms().len(), 1);
    let err = cw.delete_alarms().alarm_names("doubled").send().await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"), "a child of a composite alarm");
    let err = cw.put_composite_alarm().alarm_name("bad").alarm_rule("ALARM(nope)").send().await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"));

    let for_metric =
        cw.describe_alarms_for_metric().namespace("CustomMetrics").metric_name("BedrockTokenUsage").send().await.unwrap();
    assert_eq!(for_metric.metric_alarms().len(), 1, "the metric-math alarm names no metric");
    cw.disable_alarm_actions().alarm_names("doubled").send().await.unwrap();
    let a = cw.describe_alarms().alarm_names("doubled").send().await.unwrap();
    assert_eq!(a.metric_alarms()[0].actions_enabled(), Some(false));
    cw.enable_alarm_actions().alarm_names("doubled").send().await.unwrap();
    cw.delete_alarms().alarm_names("both").alarm_names("doubled").send().await.unwrap();
    let left = cw.describe_alarms().alarm_name_prefix("d").send().await.unwrap();
    assert!(left.metric_alarms().is_empty());
    let err = cw.delete_alarms().alarm_names("both").send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_resource_not_found()), "{err:?}");
    // History outlives the alarm.
    let history = cw.describe_alarm_history().alarm_name("doubled").send().await.unwrap();
    assert_eq!(history.alarm_history_items()[0].history_summary(), Some("Alarm \"doubled\" deleted"));
}

#[tokio::test]
async fn put_metric_alarm_validation() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let code = |e: &dyn ProvideErrorMetadata| e.code().map(str::to_owned);
    let err = seed_alarm(&cw).period(45).send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("ValidationError"));
    assert!(err.message().unwrap().contains("10, 20, 30 or a multiple of 60"), "{err:?}");
    let err = seed_alarm(&cw).evaluation_periods(2).period(60).datapoints_to_alarm(3).send().await.unwrap_err();
    assert_eq!(err.message(), Some("DatapointsToAlarm must be less than or equal to EvaluationPeriods"));
    let err = seed_alarm(&cw).period(3600).evaluation_periods(200).send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("ValidationError"));
    let err = seed_alarm(&cw).extended_statistic("p99").send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("ValidationError"), "Statistic and ExtendedStatistic");
    let err = seed_alarm(&cw).treat_missing_data("sometimes").send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("ValidationError"));
    let err = cw
        .put_metric_alarm()
        .alarm_name("x")
        .metric_name("m")
        .namespace("n")
        .statistic(Statistic::Sum)
        .period(60)
        .threshold(1.0)
        .evaluation_periods(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("MissingParameter"), "no ComparisonOperator");
    let err = seed_alarm(&cw).alarm_actions("not-an-arn").send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("ValidationError"));
    // An update keeps the state and records the configuration change.
    seed_alarm(&cw).send().await.unwrap();
    seed_alarm(&cw).threshold(5.0).send().await.unwrap();
    let a = cw.describe_alarms().send().await.unwrap();
    assert_eq!(a.metric_alarms()[0].threshold(), Some(5.0));
    let h = cw.describe_alarm_history().send().await.unwrap();
    assert_eq!(h.alarm_history_items()[0].history_summary(), Some("Alarm \"bedrock-high-token-usage\" updated"));
    let err = cw.describe_alarms().next_token("zz").send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_invalid_next_token()), "{err:?}");
}

#[tokio::test]
async fn alarms_survive_a_restart() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    seed_alarm(&cw).send().await.unwrap();
    cw.set_alarm_state()
        .alarm_name("bedrock-high-token-usage")
        .state_value(StateValue::Alarm)
        .state_reason("manual")
        .send()
        .await
        .unwrap();
    let t = t.restart().await;
    let cw = t.clients("us-east-1").cloudwatch;
    assert_eq!(state(&cw, "bedrock-high-token-usage").await, ("ALARM".into(), "manual".into()));
    // Created, the manual state update, the (failed) SNS action.
    assert_eq!(cw.describe_alarm_history().send().await.unwrap().alarm_history_items().len(), 3);
}

#[tokio::test]
async fn low_sample_count_percentiles_are_ignored_or_evaluated() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let minute = t.options.t0_ms / 60_000 * 60_000;
    for v in [10.0, 20.0, 30.0, 40.0, 500.0] {
        put_tokens(&cw, minute - 30_000, v).await;
    }
    for (name, mode) in [("p99-ignore", "ignore"), ("p99-evaluate", "evaluate")] {
        cw.put_metric_alarm()
            .alarm_name(name)
            .metric_name("BedrockTokenUsage")
            .namespace("CustomMetrics")
            .extended_statistic("p99")
            .period(60)
            .evaluation_periods(1)
            .threshold(100.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .evaluate_low_sample_count_percentile(mode)
            .send()
            .await
            .unwrap();
    }
    emulator_post(&t, "/_emulator/alarms/evaluate", "").await;
    // Five samples are fewer than p99 needs (10 / (1 - 0.99) = 1000).
    assert_eq!(state(&cw, "p99-ignore").await.0, "INSUFFICIENT_DATA");
    assert_eq!(state(&cw, "p99-evaluate").await.0, "ALARM");
}
