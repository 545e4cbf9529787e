//! Runs one scenario on a target: put the logging configuration (bedrock control plane), make
//! the runtime calls (bedrock-runtime), wait for their records (CloudWatch Logs
//! FilterLogEvents, with backoff on a live account), check them against what was sent, then run
//! each catalog query (StartQuery/GetQueryResults) and compare it with the harness's own
//! expectation and the snapshot.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use anyhow::Context;
use aws_sdk_bedrockruntime::error::ProvideErrorMetadata;
use aws_sdk_bedrockruntime::operation::RequestId;
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, InferenceConfiguration, Message};

use super::compare::{self, Actual, Row};
use super::expected;
use super::report::{self, QueryOutcome, ScenarioReport, Status};
use super::scenario::{Call, Operation, QueryCase, Scenario};
use super::snapshot;
use super::target::{MOCK_CALL_SPACING_MS, Mode, Target};

/// How long a live run waits for log delivery (AWS documents up to 15 minutes).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How long a live run waits for one query to complete.
const QUERY_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Usage and answer of a successful call.
#[derive(Debug, Clone)]
pub(crate) struct Usage {
    pub(crate) input_tokens: u64,
    pub(crate) output_tokens: u64,
    /// Prompt-cache tokens (0 when the response reports none): priced apart from input.
    pub(crate) cache_read_tokens: u64,
    pub(crate) cache_write_tokens: u64,
    /// `metrics.latencyMs` (Converse only; InvokeModel bodies carry none).
    pub(crate) latency_ms: Option<i64>,
    pub(crate) text: String,
}

/// How a call ended.
#[derive(Debug, Clone)]
pub(crate) enum CallResult {
    Ok(Usage),
    Err { code: String, message: String },
}

/// One call as the harness saw it.
#[derive(Debug, Clone)]
pub(crate) struct CallOutcome {
    pub(crate) index: usize,
    pub(crate) operation: Operation,
    pub(crate) model_id: String,
    pub(crate) metadata: Option<BTreeMap<String, String>>,
    pub(crate) request_id: Option<String>,
    /// The harness clock just before sending and just after the answer.
    pub(crate) sent_lo_ms: i64,
    pub(crate) sent_hi_ms: i64,
    pub(crate) result: CallResult,
}

impl CallOutcome {
    /// The usage when the call succeeded.
    pub(crate) fn usage(&self) -> Option<&Usage> {
        match &self.result {
            CallResult::Ok(u) => Some(u),
            CallResult::Err { .. } => None,
        }
    }
}

/// Everything a scenario run produced (the recorder saves parts of it).
pub(crate) struct ScenarioRun {
    pub(crate) report: ScenarioReport,
    pub(crate) calls: Vec<Call>,
    pub(crate) outcomes: Vec<CallOutcome>,
    pub(crate) records: Vec<serde_json::Value>,
    /// When the harness's logging PUT was sent and answered (epoch ms): Bedrock writes its
    /// permission-check line to the log group then.
    pub(crate) logging_put: Option<(i64, i64)>,
}

/// Runs one scenario; `index` places it on the mock clock; `update_snapshots` lets a differing
/// snapshot be rewritten (and only then).
pub(crate) async fn run(
    target: &Target,
    scenario: &Scenario,
    index: usize,
    role_arn: &str,
    update_snapshots: bool,
) -> ScenarioRun {
    let started = Instant::now();
    let mut run = ScenarioRun {
        report: ScenarioReport::new(&scenario.name),
        calls: scenario.calls.clone(),
        outcomes: Vec::new(),
        records: Vec::new(),
        logging_put: None,
    };
    report::scenario_header(scenario);
    steps(target, scenario, index, role_arn, update_snapshots, &mut run).await;
    run.report.elapsed = started.elapsed();
    run
}

async fn steps(
    target: &Target,
    scenario: &Scenario,
    index: usize,
    role_arn: &str,
    update_snapshots: bool,
    run: &mut ScenarioRun,
) {
    let report = &mut run.report;

    // 1. Logging configuration (on the mock clock, one call spacing before the first call).
    let base = super::target::MOCK_T0_MS + index as i64 * super::target::MOCK_SCENARIO_SPACING_MS;
    target.set_time(base);
    let put_lo_ms = target.now_ms();
    let athena = match super::athena::prepare(target, scenario, index).await {
        Ok(a) => a,
        Err(err) => {
            report::step("athena", &format!("{err:#}"), false);
            report.fail(format!("preparing S3 delivery: {err:#}"));
            return;
        }
    };
    if let Err(err) = enable_logging(target, scenario, role_arn, athena.as_ref()).await {
        report::step("logging", &format!("{err:#}"), false);
        report.fail(format!("enabling invocation logging: {err:#}"));
        return;
    }
    run.logging_put = Some((put_lo_ms, target.now_ms()));
    let s3 = athena.as_ref().map_or(String::new(), |a| format!(" and s3://{}/{}/", a.bucket, a.key_prefix));
    report::step("logging", &format!("PutModelInvocationLoggingConfiguration → {}{s3}", scenario.logging.log_group_name), true);
    match super::monitoring::prepare(target, scenario).await {
        Ok(None) => {}
        Ok(Some(why)) => {
            report::skip("metrics", &why);
            report.status = Status::Skipped(why);
            return;
        }
        Err(err) => {
            report::step("metrics", &format!("{err:#}"), false);
            report.fail(format!("putting the metric filter: {err:#}"));
            return;
        }
    }

    // 2. Calls, under the scenario's fault rules where the target takes them.
    let faults_installed = match &scenario.faults {
        None => false,
        Some(doc) => match target.fault_route.send("POST", doc).await {
            Ok(installed) => {
                let what = if installed { "installed on the emulator" } else { "not installed (a live account takes none)" };
                report::step("faults", &format!("the scenario's fault rules {what}"), true);
                installed
            }
            Err(err) => {
                report::step("faults", &format!("{err:#}"), false);
                report.fail(format!("installing the fault rules: {err:#}"));
                return;
            }
        },
    };
    let replayed = target.replayed_faults.get(&scenario.name).cloned().unwrap_or_default();
    for (i, call) in scenario.calls.iter().enumerate() {
        target.set_time(base + (i as i64 + 1) * MOCK_CALL_SPACING_MS);
        // A recorded run's transient error on this call, replayed through the fault engine.
        let replay = replayed.iter().find(|(n, _)| *n == i).map(|(_, rule)| serde_json::json!({"rules": [rule]}));
        if let Some(doc) = &replay
            && let Err(err) = target.fault_route.send("PATCH", doc).await
        {
            report.fail(format!("replaying call #{}'s recorded error: {err:#}", i + 1));
        }
        let outcome = invoke(target, call, i).await;
        if let Some(doc) = &replay {
            let _ = target.fault_route.send("DELETE", doc).await;
        }
        if let Some(why) = skip_reason(&scenario.requires, &outcome.result) {
            report::skip("call", &format!("#{} {}: {why}", i + 1, call.operation.as_str()));
            report.status = Status::Skipped(why);
            return;
        }
        let (ok, line) = describe_call(call, &outcome, faults_installed || replay.is_some());
        report::step("call", &line, ok);
        report.calls += 1;
        if !ok {
            report.fail(match &call.note {
                Some(note) => format!("call {line} ({note})"),
                None => format!("call {line}"),
            });
        }
        run.outcomes.push(outcome);
    }
    if faults_installed && let Err(err) = target.fault_route.send("DELETE", &serde_json::json!({"rules": []})).await {
        report.fail(format!("removing the fault rules: {err:#}"));
    }

    // 3. Records: delivery, records == calls, metadata round trip. The window starts at the
    // logging PUT, so queries see what Bedrock wrote then (its permission-check line) as on AWS.
    let (lo, hi) = window(&run.outcomes, run.logging_put);
    let margin = target.knowledge.skew_ms;
    let (start_ms, end_ms) = (lo - margin, hi + margin);
    report.window_end_ms = end_ms;
    match wait_for_records(target, &scenario.logging.log_group_name, start_ms, end_ms, &run.outcomes).await {
        Ok(records) => {
            let problems = check_records(&run.outcomes, &records);
            let ok_calls = run.outcomes.iter().filter(|o| o.usage().is_some()).count();
            report::step(
                "records",
                &format!("{} record(s) for {ok_calls} successful call(s); metadata and usage round-trip", records.len()),
                problems.is_empty(),
            );
            for p in problems {
                report.fail(format!("records: {p}"));
            }
            run.records = records;
        }
        Err(err) => {
            report::step("records", &format!("{err:#}"), false);
            report.fail(format!("records: {err:#}"));
        }
    }

    // 4. CloudWatch: AWS/Bedrock metrics, the metric filter, the alarm.
    super::monitoring::check(target, scenario, &run.outcomes, start_ms, end_ms, &mut run.report).await;
    if let Some(athena) = &athena {
        super::athena::check(target, scenario, athena, &run.outcomes, &mut run.report).await;
    }
    let report = &mut run.report;

    // 5. Queries. The snapshots show the calls a scenario's fault rules reject as absent: where a
    // call with a `faultError` succeeded (a live account, which takes no rules), its rows differ
    // from them by design, and only the harness's own expectation is checked.
    let unfaulted = super::faults::a_faulted_call_succeeded(&scenario.calls, &run.outcomes);
    if unfaulted {
        report::step("snapshot", "not checked: a call the scenario's fault rules reject succeeded on this target", true);
    }
    for case in &scenario.queries {
        let delivered = expected::Delivered { calls: &run.outcomes, logging_put: run.logging_put };
        let snapshots = if unfaulted { Snapshots::Skip } else { Snapshots::Check { update: update_snapshots } };
        let outcome = run_query(target, scenario, case, &delivered, start_ms, end_ms, snapshots).await;
        report::step("query", &format!("{} {}", case.file, outcome.summary()), outcome.passed());
        if let Some(detail) = outcome.detail() {
            if let Some(note) = &case.note {
                report::detail(&format!("note: {note}"));
            }
            report::detail(&detail);
        }
        report.queries.push(outcome);
    }
}

/// A scenario is skipped only when the target itself says it lacks an operation the scenario
/// `requires`: `UnknownOperationException` with a message naming it. Any other answer, on any
/// target, is a result to check, so the skip disappears once the operation exists.
fn skip_reason(requires: &[String], result: &CallResult) -> Option<String> {
    let CallResult::Err { code, message } = result else { return None };
    if code != "UnknownOperationException" {
        return None;
    }
    let op = requires.iter().find(|op| message.contains(op.as_str()))?;
    Some(format!("requires {op} (not emulated by this target yet: {message})"))
}

async fn enable_logging(
    target: &Target,
    scenario: &Scenario,
    role_arn: &str,
    athena: Option<&super::athena::AthenaRun>,
) -> anyhow::Result<()> {
    use aws_sdk_bedrock::types::{CloudWatchConfig, LoggingConfig, S3Config};
    let group = &scenario.logging.log_group_name;
    // The seed's setup script creates the group before Bedrock delivers to it.
    match target.logs.create_log_group().log_group_name(group).send().await {
        Ok(_) => {}
        Err(err) if err.as_service_error().is_some_and(|e| e.is_resource_already_exists_exception()) => {}
        Err(err) => {
            let err = aws_sdk_cloudwatchlogs::Error::from(err);
            return Err(anyhow::anyhow!("CreateLogGroup {group}: {err}"));
        }
    }
    let cloudwatch = CloudWatchConfig::builder().log_group_name(group).role_arn(role_arn).build()?;
    let config = LoggingConfig::builder()
        .cloud_watch_config(cloudwatch)
        .text_data_delivery_enabled(scenario.logging.text_data_delivery_enabled)
        .image_data_delivery_enabled(scenario.logging.image_data_delivery_enabled)
        .embedding_data_delivery_enabled(scenario.logging.embedding_data_delivery_enabled)
        .set_s3_config(athena.map(|a| S3Config::builder().bucket_name(&a.bucket).key_prefix(&a.key_prefix).build()).transpose()?)
        .build();
    target
        .bedrock
        .put_model_invocation_logging_configuration()
        .logging_config(config)
        .send()
        .await
        .map_err(aws_sdk_bedrock::Error::from)
        .context("PutModelInvocationLoggingConfiguration")?;
    Ok(())
}

/// One runtime call through aws-sdk-bedrockruntime.
async fn invoke(target: &Target, call: &Call, index: usize) -> CallOutcome {
    let sent_lo_ms = target.now_ms();
    let (request_id, result) = match call.operation {
        Operation::Converse => converse(target, call).await,
        Operation::InvokeModel => invoke_model(target, call).await,
    };
    CallOutcome {
        index,
        operation: call.operation,
        model_id: call.model_id.clone(),
        metadata: call.request_metadata.clone(),
        request_id,
        sent_lo_ms,
        sent_hi_ms: target.now_ms(),
        result,
    }
}

fn error_result<E: ProvideErrorMetadata + std::fmt::Display>(err: &E) -> CallResult {
    CallResult::Err {
        code: err.code().unwrap_or("(no error code)").to_owned(),
        message: err.message().map_or_else(|| err.to_string(), str::to_owned),
    }
}

async fn converse(target: &Target, call: &Call) -> (Option<String>, CallResult) {
    let prompt = call.prompt.clone().unwrap_or_default();
    let message = Message::builder()
        .role(ConversationRole::User)
        .content(ContentBlock::Text(prompt))
        .build()
        .expect("role and content are set");
    let mut req = target.runtime.converse().model_id(&call.model_id).messages(message);
    if let Some(max) = call.max_tokens {
        req = req.inference_config(InferenceConfiguration::builder().max_tokens(max).build());
    }
    if let Some(meta) = &call.request_metadata {
        req = req.set_request_metadata(Some(meta.clone().into_iter().collect()));
    }
    match req.send().await {
        Ok(out) => {
            let id = out.request_id().map(str::to_owned);
            let usage = out.usage();
            let text = out
                .output()
                .and_then(|o| o.as_message().ok())
                .map(|m| m.content().iter().filter_map(|c| c.as_text().ok().cloned()).collect::<Vec<_>>().join(""))
                .unwrap_or_default();
            let n = |v: Option<i32>| v.map_or(0, |v| v.max(0) as u64);
            let result = CallResult::Ok(Usage {
                input_tokens: usage.map_or(0, |u| u.input_tokens().max(0) as u64),
                output_tokens: usage.map_or(0, |u| u.output_tokens().max(0) as u64),
                cache_read_tokens: n(usage.and_then(|u| u.cache_read_input_tokens())),
                cache_write_tokens: n(usage.and_then(|u| u.cache_write_input_tokens())),
                latency_ms: out.metrics().map(|m| m.latency_ms()),
                text,
            });
            (id, result)
        }
        Err(err) => {
            let id = err.request_id().map(str::to_owned);
            (id, error_result(&err))
        }
    }
}

async fn invoke_model(target: &Target, call: &Call) -> (Option<String>, CallResult) {
    let body = call.body.clone().unwrap_or_default();
    let mut req = target
        .runtime
        .invoke_model()
        .model_id(&call.model_id)
        .content_type("application/json")
        .accept("application/json")
        .body(aws_smithy_types::Blob::new(body.to_string()));
    if let Some(meta) = &call.request_metadata {
        req = req.request_metadata(serde_json::to_string(meta).expect("a string map serializes"));
    }
    match req.send().await {
        Ok(out) => {
            let id = out.request_id().map(str::to_owned);
            let parsed: serde_json::Value = serde_json::from_slice(out.body().as_ref()).unwrap_or_default();
            // Anthropic Messages bodies: usage.input_tokens / usage.output_tokens and the
            // prompt cache's cache_read_input_tokens / cache_creation_input_tokens; Titan
            // embeddings: inputTextTokenCount (an embedding generates no output tokens).
            let n = |k: &str| parsed.pointer(&format!("/usage/{k}")).and_then(|v| v.as_u64()).unwrap_or(0);
            let text = parsed.pointer("/content/0/text").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let usage = match parsed.get("inputTextTokenCount").and_then(|v| v.as_u64()) {
                Some(input) if parsed.get("embedding").is_some() => Usage {
                    input_tokens: input,
                    output_tokens: 0,
                    cache_read_tokens: 0,
                    cache_write_tokens: 0,
                    latency_ms: None,
                    text,
                },
                _ => Usage {
                    input_tokens: n("input_tokens"),
                    output_tokens: n("output_tokens"),
                    cache_read_tokens: n("cache_read_input_tokens"),
                    cache_write_tokens: n("cache_creation_input_tokens"),
                    latency_ms: None,
                    text,
                },
            };
            let result = CallResult::Ok(usage);
            (id, result)
        }
        Err(err) => {
            let id = err.request_id().map(str::to_owned);
            (id, error_result(&err))
        }
    }
}

/// Whether the call ended as the scenario says, and its progress line. A call with a
/// `faultError` must fail with it where fault rules are in force, and may succeed elsewhere.
fn describe_call(call: &Call, outcome: &CallOutcome, faults_in_force: bool) -> (bool, String) {
    let app = call
        .request_metadata
        .as_ref()
        .and_then(|m| m.get("application_name").or_else(|| m.get("tenant_id")))
        .map_or(String::new(), |a| format!(" [{a}]"));
    let head = format!("#{} {} {}{app}", outcome.index + 1, call.operation.as_str(), call.model_id);
    let expected = call.expect_error.as_ref().or(call.fault_error.as_ref().filter(|_| faults_in_force));
    if let (CallResult::Err { code, .. }, None, Some(fault)) = (&outcome.result, expected, &call.fault_error)
        && code == fault
    {
        return (true, format!("{head}: {code}, as the scenario's fault rules would give"));
    }
    match (&outcome.result, expected) {
        (CallResult::Ok(u), None) => (true, format!("{head}: {} in / {} out tokens", u.input_tokens, u.output_tokens)),
        (CallResult::Ok(u), Some(code)) => {
            (false, format!("{head}: expected {code}, got 200 ({} in / {} out tokens)", u.input_tokens, u.output_tokens))
        }
        (CallResult::Err { code, .. }, Some(want)) if code == want => (true, format!("{head}: rejected with {code} as expected")),
        (CallResult::Err { code, message }, _) => (false, format!("{head}: {code}: {message}")),
    }
}

/// The harness-clock window of the calls.
fn window(outcomes: &[CallOutcome], logging_put: Option<(i64, i64)>) -> (i64, i64) {
    let lo = outcomes.iter().map(|o| o.sent_lo_ms).chain(logging_put.map(|(lo, _)| lo)).min().unwrap_or(0);
    let hi = outcomes.iter().map(|o| o.sent_hi_ms).max().unwrap_or(0);
    (lo / 1000 * 1000, hi)
}

/// Reads every record of the group in the window (FilterLogEvents, all pages) until each
/// successful call's record is there; on a live target with exponential backoff up to 15
/// minutes (delivery is asynchronous), on the emulator the first read finds them.
async fn wait_for_records(
    target: &Target,
    group: &str,
    start_ms: i64,
    end_ms: i64,
    outcomes: &[CallOutcome],
) -> anyhow::Result<Vec<serde_json::Value>> {
    let wanted: BTreeSet<&str> =
        outcomes.iter().filter(|o| o.usage().is_some()).filter_map(|o| o.request_id.as_deref()).collect();
    let deadline = Instant::now() + DELIVERY_TIMEOUT;
    let mut delay = Duration::from_secs(5);
    let mut attempt = 1;
    loop {
        let records = read_records(target, group, start_ms, end_ms).await?;
        let seen: BTreeSet<&str> = records.iter().filter_map(|r| r.get("requestId")?.as_str()).collect();
        let missing = wanted.iter().filter(|id| !seen.contains(**id)).count();
        if missing == 0 {
            return Ok(records);
        }
        if target.mode == Mode::Mock || Instant::now() + delay > deadline {
            if target.mode == Mode::Mock {
                return Ok(records);
            }
            anyhow::bail!("{missing} of {} record(s) not delivered after {attempt} poll(s) (15 minutes)", wanted.len());
        }
        report::step(
            "records",
            &format!("{missing} of {} record(s) not delivered yet; next poll in {delay:?}", wanted.len()),
            true,
        );
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(60));
        attempt += 1;
    }
}

async fn read_records(target: &Target, group: &str, start_ms: i64, end_ms: i64) -> anyhow::Result<Vec<serde_json::Value>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = target
            .logs
            .filter_log_events()
            .log_group_name(group)
            .start_time(start_ms)
            .end_time(end_ms)
            .set_next_token(token.clone())
            .send()
            .await;
        let page = match page {
            Ok(page) => page,
            // Nothing delivered yet: the group may not exist until the first record.
            Err(err) if err.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()) => return Ok(out),
            Err(err) => return Err(aws_sdk_cloudwatchlogs::Error::from(err)).context("FilterLogEvents"),
        };
        for event in page.events() {
            let Some(message) = event.message() else { continue };
            match serde_json::from_str::<serde_json::Value>(message) {
                Ok(v) if v.get("schemaType").and_then(|s| s.as_str()) == Some("ModelInvocationLog") => out.push(v),
                _ => {}
            }
        }
        match page.next_token() {
            Some(next) if Some(next) != token.as_deref() => token = Some(next.to_owned()),
            _ => return Ok(out),
        }
    }
}

/// records == calls (one record per successful call, none for rejected ones, none foreign),
/// and each record carries what was sent and what was returned.
fn check_records(outcomes: &[CallOutcome], records: &[serde_json::Value]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut by_id: BTreeMap<&str, Vec<&serde_json::Value>> = BTreeMap::new();
    for r in records {
        by_id.entry(r.get("requestId").and_then(|v| v.as_str()).unwrap_or("")).or_default().push(r);
    }
    let ours: BTreeSet<&str> = outcomes.iter().filter_map(|o| o.request_id.as_deref()).collect();
    for o in outcomes {
        let n = o.index + 1;
        let Some(id) = o.request_id.as_deref() else {
            problems.push(format!("call #{n} has no request id"));
            continue;
        };
        let found = by_id.get(id).map_or(&[][..], Vec::as_slice);
        let Some(usage) = o.usage() else {
            if !found.is_empty() {
                problems.push(format!("call #{n} was rejected but {} record(s) have its request id", found.len()));
            }
            continue;
        };
        if found.len() != 1 {
            problems.push(format!("call #{n} ({id}) has {} record(s), expected 1", found.len()));
            continue;
        }
        let r = found[0];
        let sent_meta = o.metadata.as_ref().map(|m| serde_json::to_value(m).expect("string map"));
        let got_meta = r.get("requestMetadata").cloned();
        if sent_meta != got_meta {
            problems.push(format!("call #{n}: requestMetadata sent {sent_meta:?}, recorded {got_meta:?}"));
        }
        let num = |p: &str| r.pointer(p).and_then(|v| v.as_u64());
        if num("/input/inputTokenCount") != Some(usage.input_tokens)
            || num("/output/outputTokenCount") != Some(usage.output_tokens)
        {
            problems.push(format!(
                "call #{n}: usage returned {}/{}, recorded {:?}/{:?}",
                usage.input_tokens,
                usage.output_tokens,
                num("/input/inputTokenCount"),
                num("/output/outputTokenCount")
            ));
        }
        if r.get("operation").and_then(|v| v.as_str()) != Some(o.operation.as_str()) {
            problems.push(format!("call #{n}: operation recorded as {:?}", r.get("operation")));
        }
        if r.get("modelId").and_then(|v| v.as_str()).is_none() {
            problems.push(format!("call #{n}: record has no modelId"));
        }
    }
    let foreign = by_id.keys().filter(|id| !ours.contains(**id)).count();
    if foreign > 0 {
        problems.push(format!(
            "{foreign} record(s) in the time range are not from this run (another client logs to this group; query results will not match)"
        ));
    }
    problems
}

/// Whether a query's result is checked against its snapshot.
#[derive(Debug, Clone, Copy)]
enum Snapshots {
    /// Checked; `update`: a differing snapshot is rewritten (`--update-snapshots`).
    Check { update: bool },
    /// Not checked: the run's calls ended otherwise than the snapshots show, by design.
    Skip,
}

/// StartQuery + GetQueryResults for one catalog query, compared and snapshotted.
async fn run_query(
    target: &Target,
    scenario: &Scenario,
    case: &QueryCase,
    delivered: &expected::Delivered<'_>,
    start_ms: i64,
    end_ms: i64,
    snapshots: Snapshots,
) -> QueryOutcome {
    let path = crate::workspace_root().join("fixtures/queries").join(&case.file);
    let query = match std::fs::read_to_string(&path) {
        Ok(text) => strip_header(&text),
        Err(err) => return QueryOutcome::broken(&case.file, format!("cannot read {}: {err}", path.display())),
    };
    let actual = match query_once(target, &scenario.logging.log_group_name, &query, start_ms, end_ms).await {
        Ok(actual) => actual,
        Err(err) => return QueryOutcome::broken(&case.file, format!("{err:#}")),
    };
    let expected = expected::expected(&case.expect, delivered, &target.knowledge);
    let verdict = compare::compare(&expected, &actual);
    let snap = match snapshots {
        Snapshots::Check { update } => snapshot::check(&scenario.name, case, &actual, update),
        Snapshots::Skip => snapshot::SnapshotVerdict::NotChecked,
    };
    QueryOutcome::new(&case.file, &actual, verdict, snap)
}

/// The query text as the seed publishes it: the fixture's leading `#` header lines removed.
fn strip_header(text: &str) -> String {
    let mut lines = text.lines().skip_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n");
    lines.push('\n');
    lines
}

async fn query_once(target: &Target, group: &str, query: &str, start_ms: i64, end_ms: i64) -> anyhow::Result<Actual> {
    // A query that names its log groups with SOURCE (a dashboard widget's form) is sent without
    // logGroupName, as the console does; StartQuery takes seconds, both ends inclusive.
    let names_its_source = query.trim_start().get(..6).is_some_and(|w| w.eq_ignore_ascii_case("SOURCE"));
    let started = target
        .logs
        .start_query()
        .set_log_group_name((!names_its_source).then(|| group.to_owned()))
        .start_time(start_ms.div_euclid(1000))
        .end_time(end_ms.div_euclid(1000))
        .query_string(query)
        .send()
        .await;
    let query_id = match started {
        Ok(out) => out.query_id().unwrap_or_default().to_owned(),
        Err(err) => {
            let code = err.code().unwrap_or("").to_owned();
            if code == "MalformedQueryException" || code == "InvalidParameterException" {
                let message = err.message().unwrap_or_default().to_owned();
                return Ok(Actual::Error { code, message });
            }
            return Err(aws_sdk_cloudwatchlogs::Error::from(err)).context("StartQuery");
        }
    };
    let deadline = Instant::now() + QUERY_TIMEOUT;
    // Short first waits: the emulator finishes small queries in milliseconds.
    let mut delay = Duration::from_millis(5);
    loop {
        let out = target
            .logs
            .get_query_results()
            .query_id(&query_id)
            .send()
            .await
            .map_err(aws_sdk_cloudwatchlogs::Error::from)
            .context("GetQueryResults")?;
        use aws_sdk_cloudwatchlogs::types::QueryStatus;
        match out.status() {
            Some(QueryStatus::Complete) => {
                let rows: Vec<Row> = out
                    .results()
                    .iter()
                    .map(|row| {
                        row.iter()
                            .filter_map(|f| Some((f.field()?.to_owned(), f.value().unwrap_or_default().to_owned())))
                            .collect()
                    })
                    .collect();
                return Ok(Actual::Rows(rows));
            }
            Some(QueryStatus::Scheduled | QueryStatus::Running) | None => {}
            Some(other) => return Ok(Actual::Error { code: format!("query status {}", other.as_str()), message: String::new() }),
        }
        anyhow::ensure!(Instant::now() < deadline, "query {query_id} still running after {QUERY_TIMEOUT:?}");
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_only_on_unknown_operation_naming_a_required_operation() {
        let requires = vec!["InvokeModel".to_owned()];
        let err = |code: &str, message: &str| CallResult::Err { code: code.into(), message: message.into() };
        let unknown = err("UnknownOperationException", "InvokeModel is not supported by this emulator yet");
        assert!(skip_reason(&requires, &unknown).unwrap().starts_with("requires InvokeModel"));
        assert_eq!(skip_reason(&[], &unknown), None);
        assert_eq!(skip_reason(&requires, &err("UnknownOperationException", "Unknown operation")), None);
        assert_eq!(skip_reason(&requires, &err("ValidationException", "InvokeModel body is invalid")), None);
    }

    #[test]
    fn header_comments_are_stripped_but_the_query_is_kept_verbatim() {
        let text = "# seed: x\n# events: y\nfields a -- b\n| limit 1\n";
        assert_eq!(strip_header(text), "fields a -- b\n| limit 1\n");
    }
}
