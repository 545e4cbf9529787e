//! The CloudWatch half of a scenario: before the calls, a metric filter on the scenario's log
//! group; after them, the `AWS/Bedrock` metrics per `ModelId` against the harness's own usage
//! sums, the filter's sum for one application, and an alarm on that metric reaching ALARM. On a
//! live account metrics arrive minutes later, so each check polls with backoff (up to 15
//! minutes); the mock target answers at once and evaluates its alarms on its moved clock.
//!
//! Two behaviours AWS does not document are reported rather than checked on `--aws`: whether a
//! refused call counts in `Invocations`, and which `ModelId` an inference-profile call is
//! published under (`--mock` checks the emulator's choices, ARCHITECTURE.md).

use std::time::{Duration, Instant};

use anyhow::Context;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, HistoryItemType, Metric, MetricDataQuery, MetricStat, Statistic};
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::types::{MetricTransformation, StandardUnit};

use super::expected::{bedrock_metric_sums, input_tokens_where};
use super::report::{self, ScenarioReport};
use super::runner::CallOutcome;
use super::scenario::{Monitoring, Scenario};
use super::target::{Mode, Target};

/// How long a live run waits for metrics and the alarm.
const METRICS_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Puts the scenario's metric filter (before the calls, so their records are counted); `Ok(Some)`
/// names a required operation the target does not have.
pub(crate) async fn prepare(target: &Target, scenario: &Scenario) -> anyhow::Result<Option<String>> {
    let Some(m) = &scenario.monitoring else { return Ok(None) };
    let f = &m.metric_filter;
    let transformation = MetricTransformation::builder()
        .metric_name(&f.metric_name)
        .metric_namespace(&f.metric_namespace)
        .metric_value(&f.metric_value)
        .dimensions(&f.dimension, format!("$.requestMetadata.{}", f.metadata_key))
        .unit(StandardUnit::Count)
        .build()?;
    let put = target
        .logs
        .put_metric_filter()
        .log_group_name(&scenario.logging.log_group_name)
        .filter_name(&f.filter_name)
        .filter_pattern(&f.filter_pattern)
        .metric_transformations(transformation)
        .send()
        .await;
    match put {
        Ok(_) => Ok(None),
        Err(err)
            if err.code() == Some("UnknownOperationException") && scenario.requires.iter().any(|r| r == "PutMetricFilter") =>
        {
            Ok(Some(format!("requires PutMetricFilter (not emulated by this target yet: {})", err.message().unwrap_or_default())))
        }
        Err(err) => Err(aws_sdk_cloudwatchlogs::Error::from(err)).context("PutMetricFilter"),
    }
}

/// The sum of `name`'s `Sum` per minute over the window (GetMetricData, all pages).
async fn metric_sum(
    target: &Target,
    namespace: &str,
    name: &str,
    dims: &[(&str, &str)],
    start_ms: i64,
    end_ms: i64,
) -> anyhow::Result<f64> {
    let mut metric = Metric::builder().namespace(namespace).metric_name(name);
    for (n, v) in dims {
        metric = metric.dimensions(Dimension::builder().name(*n).value(*v).build());
    }
    let query = MetricDataQuery::builder()
        .id("m")
        .metric_stat(MetricStat::builder().metric(metric.build()).period(60).stat("Sum").build())
        .build();
    let (start, end) = (start_ms.div_euclid(60_000) * 60_000 - 60_000, (end_ms.div_euclid(60_000) + 2) * 60_000);
    let mut total = 0.0;
    let mut token: Option<String> = None;
    loop {
        let out = target
            .cloudwatch
            .get_metric_data()
            .metric_data_queries(query.clone())
            .start_time(DateTime::from_millis(start))
            .end_time(DateTime::from_millis(end))
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(aws_sdk_cloudwatch::Error::from)
            .context("GetMetricData")?;
        total += out.metric_data_results().iter().flat_map(|r| r.values()).sum::<f64>();
        match out.next_token() {
            Some(t) if Some(t) != token.as_deref() => token = Some(t.to_owned()),
            _ => return Ok(total),
        }
    }
}

/// Polls `read` until it equals `want` (mock: once); the last value read.
async fn settle(
    target: &Target,
    what: &str,
    want: f64,
    mut read: impl AsyncFnMut() -> anyhow::Result<f64>,
) -> anyhow::Result<f64> {
    let deadline = Instant::now() + METRICS_TIMEOUT;
    let mut delay = Duration::from_secs(10);
    loop {
        let got = read().await?;
        if (got - want).abs() < 1e-6 || target.mode == Mode::Mock || Instant::now() + delay > deadline {
            return Ok(got);
        }
        report::step("metrics", &format!("{what}: {got} of {want} so far; next read in {delay:?}"), true);
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(60));
    }
}

/// The profile prefix of an inference-profile id (`us.`, `eu.`, `apac.`, `global.`), removed.
fn base_model_id(model_id: &str) -> Option<&str> {
    ["us.", "eu.", "apac.", "global."].iter().find_map(|p| model_id.strip_prefix(p))
}

/// The checks after the calls.
pub(crate) async fn check(
    target: &Target,
    scenario: &Scenario,
    outcomes: &[CallOutcome],
    start_ms: i64,
    end_ms: i64,
    report: &mut ScenarioReport,
) {
    let Some(m) = &scenario.monitoring else { return };
    if let Err(err) = run_checks(target, m, outcomes, start_ms, end_ms, report).await {
        report::step("metrics", &format!("{err:#}"), false);
        report.fail(format!("monitoring: {err:#}"));
    }
    cleanup(target, scenario, m).await;
}

async fn run_checks(
    target: &Target,
    m: &Monitoring,
    outcomes: &[CallOutcome],
    start_ms: i64,
    end_ms: i64,
    report: &mut ScenarioReport,
) -> anyhow::Result<()> {
    // 1. AWS/Bedrock per ModelId against the harness's sums.
    for metric in &m.bedrock_metrics {
        for (model, want) in bedrock_metric_sums(outcomes, metric) {
            let got = settle(target, &format!("AWS/Bedrock {metric} {model}"), want, async || {
                metric_sum(target, "AWS/Bedrock", metric, &[("ModelId", &model)], start_ms, end_ms).await
            })
            .await?;
            let ok = (got - want).abs() < 1e-6;
            report::step("metrics", &format!("AWS/Bedrock {metric} ModelId={model}: {got} (harness: {want})"), ok);
            if !ok {
                report.fail(format!("AWS/Bedrock {metric} for {model} is {got}, the harness's calls make {want}"));
            }
        }
    }

    // 2. What AWS leaves open: refused calls in Invocations; the ModelId of profile calls.
    let refused: Vec<&CallOutcome> = outcomes.iter().filter(|o| o.usage().is_none()).collect();
    for model in refused.iter().map(|o| o.model_id.clone()).collect::<std::collections::BTreeSet<_>>() {
        let errors =
            metric_sum(target, "AWS/Bedrock", "InvocationClientErrors", &[("ModelId", &model)], start_ms, end_ms).await?;
        let n = refused.iter().filter(|o| o.model_id == model).count();
        report::step("choice", &format!("{n} refused call(s) of {model}: InvocationClientErrors {errors} on this target"), true);
        if target.mode == Mode::Mock && (errors - n as f64).abs() > 1e-6 {
            report.fail(format!("the emulator should count {n} client error(s) for {model}, it has {errors}"));
        }
    }
    for model in outcomes
        .iter()
        .filter(|o| o.usage().is_some())
        .filter_map(|o| base_model_id(&o.model_id).map(|b| (o.model_id.clone(), b.to_owned())))
        .collect::<std::collections::BTreeSet<_>>()
    {
        let (profile, base) = model;
        let under_base = metric_sum(target, "AWS/Bedrock", "Invocations", &[("ModelId", &base)], start_ms, end_ms).await?;
        let direct = outcomes.iter().filter(|o| o.model_id == base && o.usage().is_some()).count() as f64;
        let line = format!(
            "a call to profile {profile} is published under ModelId={} on this target",
            if under_base > direct { base.as_str() } else { profile.as_str() }
        );
        report::step("choice", &line, true);
        if target.mode == Mode::Mock && under_base > direct {
            report.fail(format!("the emulator publishes profile calls under the profile id, not {base}"));
        }
    }

    // 3. The metric filter's sum for one application.
    let f = &m.metric_filter;
    let tokens = input_tokens_where(outcomes, &f.metadata_key, &f.application);
    anyhow::ensure!(!tokens.is_empty(), "the scenario makes no successful call with {}={}", f.metadata_key, f.application);
    let want: f64 = tokens.iter().map(|t| *t as f64).sum();
    let dims = [(f.dimension.as_str(), f.application.as_str())];
    let got = settle(target, "metric filter sum", want, async || {
        metric_sum(target, &f.metric_namespace, &f.metric_name, &dims, start_ms, end_ms).await
    })
    .await?;
    let ok = (got - want).abs() < 1e-6;
    report::step(
        "metrics",
        &format!("metric filter {} {}={}: sum {got} (harness: {want})", f.metric_name, f.dimension, f.application),
        ok,
    );
    if !ok {
        report.fail(format!("the metric filter's sum for {} is {got}, the harness's calls make {want}", f.application));
    }

    // 4. An alarm on it: any minute holding one of those calls crosses the smallest of them.
    let threshold = tokens.iter().copied().min().unwrap_or(0) as f64;
    target
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(&m.alarm_name)
        .namespace(&f.metric_namespace)
        .metric_name(&f.metric_name)
        .dimensions(Dimension::builder().name(&f.dimension).value(&f.application).build())
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(threshold)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .treat_missing_data("notBreaching")
        .send()
        .await
        .map_err(aws_sdk_cloudwatch::Error::from)
        .context("PutMetricAlarm")?;
    target.evaluate_alarms_after(end_ms).await;
    let deadline = Instant::now() + METRICS_TIMEOUT;
    let mut delay = Duration::from_secs(10);
    let reached = loop {
        let history = target
            .cloudwatch
            .describe_alarm_history()
            .alarm_name(&m.alarm_name)
            .history_item_type(HistoryItemType::StateUpdate)
            .send()
            .await
            .map_err(aws_sdk_cloudwatch::Error::from)
            .context("DescribeAlarmHistory")?;
        let alarmed = history.alarm_history_items().iter().any(|h| h.history_summary().is_some_and(|s| s.ends_with("to ALARM")));
        if alarmed || target.mode == Mode::Mock || Instant::now() + delay > deadline {
            break alarmed;
        }
        report::step("alarm", &format!("{} not in ALARM yet; next look in {delay:?}", m.alarm_name), true);
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(60));
    };
    report::step("alarm", &format!("{} (Sum >= {threshold} over 60 s) reached ALARM", m.alarm_name), reached);
    if !reached {
        report.fail(format!("the alarm {} never reached ALARM", m.alarm_name));
    }
    Ok(())
}

/// Deletes the alarm and the metric filter, so the next run starts clean.
async fn cleanup(target: &Target, scenario: &Scenario, m: &Monitoring) {
    let _ = target.cloudwatch.delete_alarms().alarm_names(&m.alarm_name).send().await;
    let _ = target
        .logs
        .delete_metric_filter()
        .log_group_name(&scenario.logging.log_group_name)
        .filter_name(&m.metric_filter.filter_name)
        .send()
        .await;
}
