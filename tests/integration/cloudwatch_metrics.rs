//! CloudWatch metrics through aws-sdk-cloudwatch (Smithy RPC v2 CBOR) on a real socket:
//! PutMetricData in every form, GetMetricStatistics, GetMetricData (metric math, SEARCH, labels,
//! paging), ListMetrics, and the errors the SDK matches by their awsQuery codes.

use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    Dimension, DimensionFilter, LabelOptions, Metric, MetricDataQuery, MetricDatum, MetricStat, RecentlyActive, ScanBy,
    StandardUnit, Statistic, StatisticSet,
};

use crate::support::TestEmulator;

/// A minute boundary an hour before the test clock (2025-12-03T09:54:00Z).
fn minute(t: &TestEmulator) -> i64 {
    t.options.t0_ms / 60_000 * 60_000 - 3_600_000
}

fn at(ms: i64) -> DateTime {
    DateTime::from_millis(ms)
}

fn dim(name: &str, value: &str) -> Dimension {
    Dimension::builder().name(name).value(value).build()
}

fn datum(name: &str, model: &str, ms: i64, value: f64) -> MetricDatum {
    MetricDatum::builder()
        .metric_name(name)
        .dimensions(dim("ModelId", model))
        .timestamp(at(ms))
        .value(value)
        .unit(StandardUnit::Count)
        .build()
}

async fn put(cw: &aws_sdk_cloudwatch::Client, data: Vec<MetricDatum>) {
    cw.put_metric_data().namespace("App").set_metric_data(Some(data)).send().await.unwrap();
}

fn stat_query(id: &str, model: &str, stat: &str) -> MetricDataQuery {
    stat_builder(id, model, stat).build()
}

fn stat_builder(id: &str, model: &str, stat: &str) -> aws_sdk_cloudwatch::types::builders::MetricDataQueryBuilder {
    let metric = Metric::builder().namespace("App").metric_name("Tokens").dimensions(dim("ModelId", model)).build();
    MetricDataQuery::builder().id(id).metric_stat(MetricStat::builder().metric(metric).period(60).stat(stat).build())
}

#[tokio::test]
async fn put_metric_data_then_statistics_per_aligned_period() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let m = minute(&t);
    put(
        &cw,
        vec![
            datum("Tokens", "a", m + 5_000, 10.0),
            datum("Tokens", "a", m + 30_000, 30.0),
            datum("Tokens", "a", m + 65_000, 5.0),
        ],
    )
    .await;
    // Values with counts and a statistic set, in one request.
    let values = MetricDatum::builder()
        .metric_name("Tokens")
        .dimensions(dim("ModelId", "a"))
        .timestamp(at(m + 70_000))
        .values(1.0)
        .values(2.0)
        .counts(3.0)
        .counts(1.0)
        .unit(StandardUnit::Count)
        .build();
    let set = MetricDatum::builder()
        .metric_name("Tokens")
        .dimensions(dim("ModelId", "a"))
        .timestamp(at(m + 80_000))
        .statistic_values(StatisticSet::builder().sample_count(2.0).sum(8.0).minimum(4.0).maximum(4.0).build())
        .unit(StandardUnit::Count)
        .build();
    put(&cw, vec![values, set]).await;

    let out = cw
        .get_metric_statistics()
        .namespace("App")
        .metric_name("Tokens")
        .dimensions(dim("ModelId", "a"))
        .start_time(at(m + 12_345))
        .end_time(at(m + 180_000))
        .period(60)
        .statistics(Statistic::Sum)
        .statistics(Statistic::SampleCount)
        .statistics(Statistic::Maximum)
        .send()
        .await
        .unwrap();
    assert_eq!(out.label(), Some("Tokens"));
    let mut points: Vec<_> = out
        .datapoints()
        .iter()
        .map(|d| (d.timestamp().unwrap().to_millis().unwrap(), d.sum(), d.sample_count(), d.maximum()))
        .collect();
    points.sort_by_key(|p| p.0);
    // The start is rounded down to its minute; periods step from there.
    assert_eq!(points, vec![(m, Some(40.0), Some(2.0), Some(30.0)), (m + 60_000, Some(18.0), Some(7.0), Some(5.0))]);
    assert_eq!(out.datapoints()[0].unit(), Some(&StandardUnit::Count));

    let out = cw
        .get_metric_statistics()
        .namespace("App")
        .metric_name("Tokens")
        .dimensions(dim("ModelId", "a"))
        .start_time(at(m))
        .end_time(at(m + 120_000))
        .period(120)
        .extended_statistics("p50")
        .extended_statistics("p99")
        .send()
        .await
        .unwrap();
    let ext = out.datapoints()[0].extended_statistics().unwrap();
    assert_eq!(ext.get("p50"), Some(&4.0), "values 1,1,1,2,4,4,5,10,30 (the set has equal min and max)");
    assert_eq!(ext.get("p99"), Some(&30.0));
}

#[tokio::test]
async fn get_metric_data_math_search_labels_and_paging() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let m = minute(&t);
    let mut data = Vec::new();
    for i in 0..3 {
        data.push(datum("Tokens", "a", m + i * 60_000, 1.0 + i as f64));
        data.push(datum("Tokens", "b", m + i * 60_000, 10.0 * (1.0 + i as f64)));
    }
    put(&cw, data).await;
    let query = |id: &str, expr: &str| MetricDataQuery::builder().id(id).expression(expr).build();
    let out = cw
        .get_metric_data()
        .metric_data_queries(stat_builder("m1", "a", "Sum").return_data(false).build())
        .metric_data_queries(stat_builder("m2", "b", "Sum").label("b ${SUM}").build())
        .metric_data_queries(query("total", "m1 + m2"))
        .metric_data_queries(query("avg", "AVG(METRICS())"))
        .metric_data_queries(query("filled", "FILL(m1, 0)"))
        .metric_data_queries(
            MetricDataQuery::builder()
                .id("search")
                .expression(r#"SEARCH('{App,ModelId} MetricName="Tokens"', 'Sum', 60)"#)
                .label("${PROP('Dim.ModelId')}")
                .build(),
        )
        .start_time(at(m))
        .end_time(at(m + 300_000))
        .scan_by(ScanBy::TimestampAscending)
        .label_options(LabelOptions::builder().timezone("+0100").build())
        .send()
        .await
        .unwrap();
    let results = out.metric_data_results();
    let by = |id: &str| results.iter().filter(|r| r.id() == Some(id)).collect::<Vec<_>>();
    assert!(by("m1").is_empty(), "ReturnData false");
    assert_eq!(by("m2")[0].label(), Some("b 60"));
    assert_eq!(by("total")[0].values(), &[11.0, 22.0, 33.0]);
    assert_eq!(by("avg")[0].values(), &[5.5, 11.0, 16.5]);
    assert_eq!(by("filled")[0].values(), &[1.0, 2.0, 3.0, 0.0, 0.0]);
    let search = by("search");
    assert_eq!(search.len(), 2);
    let mut labels: Vec<_> = search.iter().map(|r| r.label().unwrap().to_owned()).collect();
    labels.sort();
    assert_eq!(labels, vec!["a", "b"]);
    assert!(results.iter().all(|r| r.status_code().map(|s| s.as_str()) == Some("Complete")));
    let ts = by("total")[0].timestamps();
    assert_eq!(ts[0].to_millis().unwrap(), m);

    // Newest first by default; pages of MaxDatapoints with a NextToken.
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = cw
            .get_metric_data()
            .metric_data_queries(stat_query("m1", "a", "Sum"))
            .start_time(at(m))
            .end_time(at(m + 300_000))
            .max_datapoints(2)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        seen.extend(page.metric_data_results()[0].values().iter().copied());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, vec![3.0, 2.0, 1.0]);

    let err = cw
        .get_metric_data()
        .metric_data_queries(query("e1", "m9 +"))
        .start_time(at(m))
        .end_time(at(m + 60_000))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ValidationError"), "{err:?}");
    let err = cw
        .get_metric_data()
        .metric_data_queries(stat_query("m1", "a", "Sum"))
        .start_time(at(m))
        .end_time(at(m + 60_000))
        .next_token("garbage")
        .send()
        .await
        .unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_invalid_next_token()), "{err:?}");
}

#[tokio::test]
async fn list_metrics_filters_by_namespace_name_and_dimensions() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let now = t.options.t0_ms;
    put(&cw, vec![datum("Tokens", "a", now, 1.0), datum("Tokens", "b", now, 1.0), datum("Latency", "a", now, 1.0)]).await;
    let names = |out: aws_sdk_cloudwatch::operation::list_metrics::ListMetricsOutput| {
        let mut v: Vec<String> = out
            .metrics()
            .iter()
            .map(|m| format!("{} {}", m.metric_name().unwrap(), m.dimensions()[0].value().unwrap()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(cw.list_metrics().namespace("App").send().await.unwrap()), vec!["Latency a", "Tokens a", "Tokens b"]);
    assert_eq!(names(cw.list_metrics().metric_name("Tokens").send().await.unwrap()), vec!["Tokens a", "Tokens b"]);
    let only_a =
        cw.list_metrics().dimensions(DimensionFilter::builder().name("ModelId").value("a").build()).send().await.unwrap();
    assert_eq!(names(only_a), vec!["Latency a", "Tokens a"]);
    assert_eq!(names(cw.list_metrics().recently_active(RecentlyActive::Pt3H).send().await.unwrap()).len(), 3);
    t.emulator.advance_clock(4 * 3_600_000).unwrap();
    assert!(cw.list_metrics().recently_active(RecentlyActive::Pt3H).send().await.unwrap().metrics().is_empty());
    assert_eq!(cw.list_metrics().send().await.unwrap().metrics().len(), 3, "two weeks without RecentlyActive");
}

#[tokio::test]
async fn errors_carry_cloudwatch_query_codes() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let now = t.options.t0_ms;
    let code = |e: &dyn ProvideErrorMetadata| e.code().map(str::to_owned);

    let old = cw
        .put_metric_data()
        .namespace("App")
        .metric_data(datum("Tokens", "a", now - 15 * 86_400_000, 1.0))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&old).as_deref(), Some("InvalidParameterValue"));
    assert!(old.message().unwrap().contains("no more than two weeks in the past"), "{old:?}");
    assert!(old.as_service_error().is_some_and(|e| e.is_invalid_parameter_value_exception()));
    let ahead = cw
        .put_metric_data()
        .namespace("App")
        .metric_data(datum("Tokens", "a", now + 3 * 3_600_000, 1.0))
        .send()
        .await
        .unwrap_err();
    assert!(ahead.message().unwrap().contains("two hours in the future"));

    let both = MetricDatum::builder()
        .metric_name("Tokens")
        .value(1.0)
        .statistic_values(StatisticSet::builder().sample_count(1.0).sum(1.0).minimum(1.0).maximum(1.0).build())
        .build();
    let err = cw.put_metric_data().namespace("App").metric_data(both).send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_invalid_parameter_combination_exception()), "{err:?}");

    let err = cw.put_metric_data().namespace("App").send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_missing_required_parameter_exception()), "{err:?}");

    let err = cw.put_metric_data().namespace("AWS/Bedrock").metric_data(datum("Tokens", "a", now, 1.0)).send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("InvalidParameterValue"));

    let hi_res = MetricDatum::builder().metric_name("Tokens").value(1.0).storage_resolution(5).build();
    let err = cw.put_metric_data().namespace("App").metric_data(hi_res).send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("InvalidParameterValue"));

    let stats =
        || cw.get_metric_statistics().namespace("App").metric_name("Tokens").start_time(at(now - 86_400_000)).end_time(at(now));
    let err = stats().period(60).statistics(Statistic::Sum).send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_invalid_parameter_combination_exception()), "{err:?}");
    assert!(err.message().unwrap().starts_with("You have requested up to 1,441 datapoints"), "{err:?}");
    let err = stats().period(7).statistics(Statistic::Sum).send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("InvalidParameterValue"));
    let err = stats().period(3600).send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_missing_required_parameter_exception()), "{err:?}");
    let err = stats().period(3600).statistics(Statistic::Sum).extended_statistics("p99").send().await.unwrap_err();
    assert!(err.as_service_error().is_some_and(|e| e.is_invalid_parameter_combination_exception()));
    // A model constraint: Coral's message, CloudWatch's ValidationError.
    let long = "x".repeat(256);
    let err = cw.put_metric_data().namespace(&long).metric_data(datum("Tokens", "a", now, 1.0)).send().await.unwrap_err();
    assert_eq!(code(&err).as_deref(), Some("ValidationError"));
    assert!(err.message().unwrap().contains("1 validation error detected"), "{err:?}");
}

#[tokio::test]
async fn gzip_bodies_of_ten_kib_and_more_are_read() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let now = t.options.t0_ms;
    // 1000 datums make a body well over the SDK's 10,240-byte compression threshold.
    let data: Vec<MetricDatum> = (0..1000).map(|i| datum("Big", &format!("model-{}", i % 10), now - i * 1000, 1.0)).collect();
    put(&cw, data).await;
    let out = cw.list_metrics().metric_name("Big").send().await.unwrap();
    assert_eq!(out.metrics().len(), 10);
}

#[tokio::test]
async fn metrics_survive_a_restart() {
    let t = TestEmulator::start().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let m = minute(&t);
    put(&cw, vec![datum("Tokens", "a", m, 42.0)]).await;
    let t = t.restart().await;
    let cw = t.clients("us-east-1").cloudwatch;
    let out = cw
        .get_metric_statistics()
        .namespace("App")
        .metric_name("Tokens")
        .dimensions(dim("ModelId", "a"))
        .start_time(at(m))
        .end_time(at(m + 60_000))
        .period(60)
        .statistics(Statistic::Sum)
        .send()
        .await
        .unwrap();
    assert_eq!(out.datapoints()[0].sum(), Some(42.0));
}
