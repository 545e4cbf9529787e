//! The Athena half of a scenario (issue 17): Bedrock delivers the scenario's records to S3 as
//! well as CloudWatch Logs, under a key prefix of this run; the harness creates its own database
//! and the seed's table (`create_athena_table.sh`'s columns) over that prefix, waits until
//! `SELECT count(*)` sees every successful call (S3 delivery takes minutes on AWS; the mock
//! writes its batches when told), then checks a GROUP BY on an application key and a filter on
//! a tenant key against the usage the runtime returned, and that each result file exists where
//! Athena writes it (`{OutputLocation}{QueryExecutionId}.csv`, through S3). The table and the
//! database are dropped at the end, whatever happened.
//!
//! The bucket: `--mock` creates `e2e-invocation-logs`; `--aws` needs one Bedrock may write to
//! (the seed's `setup-s3-bucket-for-bedrock.sh`), named by `E2E_S3_BUCKET`; CreateBucket is
//! tried first, and "already owned by you" is fine.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use aws_sdk_athena::types::{QueryExecutionContext, QueryExecutionState, ResultConfiguration};

use super::report::{self, ScenarioReport};
use super::runner::CallOutcome;
use super::scenario::{AthenaCase, Scenario};
use super::target::{Mode, Target};

/// Environment variable naming the delivery bucket on a live account.
pub(crate) const BUCKET_ENV: &str = "E2E_S3_BUCKET";
/// The bucket `--mock` creates.
const MOCK_BUCKET: &str = "e2e-invocation-logs";
/// How long a live run waits for S3 delivery (AWS documents no bound; minutes in practice).
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(20 * 60);
/// How long one Athena query may run.
const QUERY_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// Where this run's records go and where Athena writes.
pub(crate) struct AthenaRun {
    pub(crate) bucket: String,
    /// The logging configuration's `keyPrefix` (no trailing `/`).
    pub(crate) key_prefix: String,
    database: String,
    output: String,
}

/// Before the logging PUT: the bucket exists, and this run's prefix and database are named.
pub(crate) async fn prepare(target: &Target, scenario: &Scenario, index: usize) -> anyhow::Result<Option<AthenaRun>> {
    let Some(case) = &scenario.athena else { return Ok(None) };
    let bucket = match target.mode {
        Mode::Mock => MOCK_BUCKET.to_owned(),
        Mode::Aws => std::env::var(BUCKET_ENV).map_err(|_| {
            anyhow::anyhow!(
                "scenario {} delivers to S3 and needs a bucket Bedrock may write to (the seed's \
                 setup-s3-bucket-for-bedrock.sh): set {BUCKET_ENV}",
                scenario.name
            )
        })?,
    };
    let mut create = target.s3.create_bucket().bucket(&bucket);
    if target.region != "us-east-1" {
        use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
        create = create.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(target.region.as_str()))
                .build(),
        );
    }
    match create.send().await {
        Ok(_) => {}
        Err(err) if err.as_service_error().is_some_and(|e| e.is_bucket_already_owned_by_you()) => {}
        Err(err) => return Err(aws_sdk_s3::Error::from(err)).with_context(|| format!("CreateBucket {bucket}")),
    }
    // Unique per run on a live account (earlier runs' objects stay out of the table).
    let run = match target.mode {
        Mode::Mock => format!("{index}"),
        Mode::Aws => format!("{}", target.now_ms()),
    };
    Ok(Some(AthenaRun {
        key_prefix: format!("{}/{run}", case.key_prefix),
        database: format!("{}_{run}", case.database),
        output: format!("s3://{bucket}/{}/{run}/", case.results_prefix),
        bucket,
    }))
}

/// The seed's table over `location` (`create_athena_table.sh`, its columns as written there).
fn table_ddl(table: &str, location: &str) -> String {
    format!(
        "CREATE EXTERNAL TABLE IF NOT EXISTS {table} (\n  timestamp string,\n  accountId string,\n  \
         identity struct<arn:string>,\n  region string,\n  requestId string,\n  operation string,\n  modelId string,\n  \
         input struct<inputContentType:string, inputTokenCount:int>,\n  \
         output struct<outputContentType:string, outputTokenCount:int>,\n  \
         requestMetadata struct<application_name:string, application_id:string, environment:string, team:string, \
         cost_center:string, tenant_id:string, user_id:string, timestamp:string>,\n  \
         schemaType string,\n  schemaVersion string\n)\nROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n\
         LOCATION '{location}'"
    )
}

/// After the calls: the checks, then the table and database are dropped.
pub(crate) async fn check(
    target: &Target,
    scenario: &Scenario,
    run: &AthenaRun,
    outcomes: &[CallOutcome],
    report: &mut ScenarioReport,
) {
    let Some(case) = &scenario.athena else { return };
    if let Err(err) = run_checks(target, case, run, outcomes, report).await {
        report::step("athena", &format!("{err:#}"), false);
        report.fail(format!("athena: {err:#}"));
    }
    let table = format!("{}.{}", run.database, case.table);
    for ddl in [format!("DROP TABLE IF EXISTS {table}"), format!("DROP DATABASE IF EXISTS {}", run.database)] {
        match query(target, run, &ddl).await {
            Ok(_) => report::step("athena", &ddl, true),
            Err(err) => {
                report::step("athena", &format!("{ddl}: {err:#}"), false);
                report.fail(format!("athena cleanup: {err:#}"));
            }
        }
    }
}

/// The expected (key value, calls, input tokens, output tokens) per value of `key`, over the
/// successful calls (those write a record).
fn sums_by(outcomes: &[CallOutcome], key: &str) -> BTreeMap<Option<String>, (u64, u64, u64)> {
    let mut out = BTreeMap::<Option<String>, (u64, u64, u64)>::new();
    for o in outcomes {
        let Some(u) = o.usage() else { continue };
        let value = o.metadata.as_ref().and_then(|m| m.get(key)).cloned();
        let e = out.entry(value).or_default();
        e.0 += 1;
        e.1 += u.input_tokens;
        e.2 += u.output_tokens;
    }
    out
}

async fn run_checks(
    target: &Target,
    case: &AthenaCase,
    run: &AthenaRun,
    outcomes: &[CallOutcome],
    report: &mut ScenarioReport,
) -> anyhow::Result<()> {
    let table = format!("{}.{}", run.database, case.table);
    let location = format!("s3://{}/{}/", run.bucket, run.key_prefix);
    query(target, run, &format!("CREATE DATABASE IF NOT EXISTS {}", run.database)).await?;
    query(target, run, &table_ddl(&table, &location)).await?;
    report::step(
        "athena",
        &format!("CREATE DATABASE {}, CREATE EXTERNAL TABLE {table} LOCATION '{location}'", run.database),
        true,
    );

    // 1. Delivery: every successful call's record under the table's LOCATION.
    let want = outcomes.iter().filter(|o| o.usage().is_some()).count();
    target.flush_s3_deliveries();
    let deadline = Instant::now() + DELIVERY_TIMEOUT;
    let mut delay = Duration::from_secs(15);
    let count_sql = format!("SELECT count(*) FROM {table}");
    let seen = loop {
        let (_, rows) = query(target, run, &count_sql).await?;
        let seen: usize = rows.first().and_then(|r| r.first()).and_then(|v| v.as_deref()?.parse().ok()).unwrap_or(0);
        if seen >= want || target.mode == Mode::Mock || Instant::now() + delay > deadline {
            break seen;
        }
        report::step("athena", &format!("{seen} of {want} record(s) in S3 so far; next look in {delay:?}"), true);
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(120));
    };
    report::step("athena", &format!("{count_sql}: {seen} (harness: {want} successful calls)"), seen == want);
    anyhow::ensure!(seen == want, "S3 holds {seen} record(s) for {want} successful call(s)");

    // 2. Tokens by application, largest first (ties by name).
    let key = &case.group_key;
    let sql = format!(
        "SELECT requestMetadata.{key} AS {key}, COUNT(*) AS calls, SUM(input.inputTokenCount) AS input_tokens, \
         SUM(output.outputTokenCount) AS output_tokens FROM {table} \
         GROUP BY requestMetadata.{key} ORDER BY input_tokens + output_tokens DESC, 1"
    );
    let mut expected: Vec<_> = sums_by(outcomes, key).into_iter().collect();
    expected.sort_by(|a, b| (b.1.1 + b.1.2).cmp(&(a.1.1 + a.1.2)).then_with(|| cmp_nulls_last(&a.0, &b.0)));
    let expected: Vec<Vec<Option<String>>> = expected
        .into_iter()
        .map(|(k, (n, i, o))| vec![k, Some(n.to_string()), Some(i.to_string()), Some(o.to_string())])
        .collect();
    let (id, got) = query(target, run, &sql).await?;
    check_rows(&format!("tokens by requestMetadata.{key}"), &expected, &got, report);
    check_result_file(target, &id, report).await?;

    // 3. One tenant's calls and tokens.
    let (tenant_key, tenant) = (&case.filter_key, &case.filter_value);
    let sql = format!(
        "SELECT COUNT(*) AS calls, SUM(input.inputTokenCount + output.outputTokenCount) AS total_tokens \
         FROM {table} WHERE requestMetadata.{tenant_key} = '{tenant}'"
    );
    let mine = sums_by(outcomes, tenant_key).remove(&Some(tenant.clone())).unwrap_or_default();
    anyhow::ensure!(mine.0 > 0, "the scenario makes no successful call with {tenant_key}={tenant}");
    let expected = vec![vec![Some(mine.0.to_string()), Some((mine.1 + mine.2).to_string())]];
    let (id, got) = query(target, run, &sql).await?;
    check_rows(&format!("calls and tokens where requestMetadata.{tenant_key} = '{tenant}'"), &expected, &got, report);
    check_result_file(target, &id, report).await
}

/// Trino's default: NULL sorts last in ascending order.
fn cmp_nulls_last(a: &Option<String>, b: &Option<String>) -> std::cmp::Ordering {
    match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (Some(_), None) => std::cmp::Ordering::Less,
        (Some(a), Some(b)) => a.cmp(b),
    }
}

fn check_rows(what: &str, expected: &[Vec<Option<String>>], got: &[Vec<Option<String>>], report: &mut ScenarioReport) {
    let ok = expected == got;
    report::step("athena", &format!("{what}: {} row(s){}", got.len(), if ok { ", = the harness's sums" } else { "" }), ok);
    if !ok {
        report::detail(&format!("expected {expected:?}\n got      {got:?}"));
        report.fail(format!("athena {what}: rows differ from the harness's sums"));
    }
}

/// The query's `.csv` at its OutputLocation, through S3.
async fn check_result_file(target: &Target, id: &str, report: &mut ScenarioReport) -> anyhow::Result<()> {
    let execution = target.athena.get_query_execution().query_execution_id(id).send().await.context("GetQueryExecution")?;
    let location = execution
        .query_execution()
        .and_then(|e| e.result_configuration())
        .and_then(|r| r.output_location())
        .context("no OutputLocation")?
        .to_owned();
    let (bucket, key) = location.strip_prefix("s3://").and_then(|r| r.split_once('/')).context("OutputLocation is not s3://")?;
    let head = target.s3.head_object().bucket(bucket).key(key).send().await;
    let ok = head.is_ok() && key.ends_with(&format!("{id}.csv"));
    report::step("athena", &format!("result file {location}"), ok);
    if !ok {
        report.fail(format!("athena: no result file at {location}"));
    }
    Ok(())
}

/// Runs one statement to completion: its id and rows (the header row dropped for SELECT).
async fn query(target: &Target, run: &AthenaRun, sql: &str) -> anyhow::Result<(String, Vec<Vec<Option<String>>>)> {
    let started = target
        .athena
        .start_query_execution()
        .query_string(sql)
        .query_execution_context(QueryExecutionContext::builder().database(&run.database).build())
        .result_configuration(ResultConfiguration::builder().output_location(&run.output).build())
        .send()
        .await
        .map_err(aws_sdk_athena::Error::from)
        .with_context(|| format!("StartQueryExecution {}", first_line(sql)))?;
    let id = started.query_execution_id().context("no QueryExecutionId")?.to_owned();
    let deadline = Instant::now() + QUERY_TIMEOUT;
    let mut delay = Duration::from_millis(20);
    loop {
        let got = target.athena.get_query_execution().query_execution_id(&id).send().await.context("GetQueryExecution")?;
        let status = got.query_execution().and_then(|e| e.status());
        match status.and_then(|s| s.state()) {
            Some(QueryExecutionState::Succeeded) => break,
            Some(QueryExecutionState::Failed | QueryExecutionState::Cancelled) => {
                let why = status.and_then(|s| s.state_change_reason()).unwrap_or_default();
                anyhow::bail!("{}: {why}", first_line(sql));
            }
            _ if Instant::now() > deadline => anyhow::bail!("{} did not finish in {QUERY_TIMEOUT:?}", first_line(sql)),
            _ => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
            }
        }
    }
    let mut rows = Vec::new();
    let mut token: Option<String> = None;
    let mut first_page = true;
    loop {
        let page = target
            .athena
            .get_query_results()
            .query_execution_id(&id)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(aws_sdk_athena::Error::from)
            .context("GetQueryResults")?;
        let Some(set) = page.result_set() else { break };
        let columns = set.result_set_metadata().map_or(0, |m| m.column_info().len());
        for (i, row) in set.rows().iter().enumerate() {
            let values: Vec<Option<String>> = row.data().iter().map(|d| d.var_char_value().map(str::to_owned)).collect();
            // The header row (SELECT only): the column names.
            if first_page && i == 0 && sql.trim_start().to_ascii_uppercase().starts_with("SELECT") && values.len() == columns {
                continue;
            }
            rows.push(values);
        }
        first_page = false;
        match page.next_token() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    Ok((id, rows))
}

fn first_line(sql: &str) -> &str {
    sql.lines().next().unwrap_or_default()
}
