//! The seed's `create_athena_table.sh` (`fixtures/seed-scripts/`, verbatim) against the
//! emulator with the aws CLI: in us-west-2 it completes (output bucket, database, table,
//! `SHOW TABLES` listing `model_invocation_logs`); in us-east-1 the script's CreateBucket with
//! `LocationConstraint=us-east-1` fails as on S3 and Athena refuses the missing output bucket
//! in its own words. Then SELECTs over records Bedrock delivered to the table's LOCATION
//! answer the sums of the usage the runtime returned, and the result files are where Athena
//! writes them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use aws_sdk_athena::types::{QueryExecutionState, ResultConfiguration};
use aws_sdk_bedrock::types::{LoggingConfig, S3Config};
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use bedrock_emulator::InitialLogging;

use crate::support::{ACCESS_KEY, HAIKU, PyTool, SECRET_KEY, TestEmulator, py_tool};

pub(crate) const OUTPUT: &str = "s3://athena-query-results-123456789012/";
const TABLE: &str = "bedrock_logs_db.model_invocation_logs";

/// Runs the seed script with the aws CLI on `PATH` and `AWS_REGION=region`; (status, output).
fn run_script(aws: &Path, url: &str, region: &str) -> (i32, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/seed-scripts/create_athena_table.sh");
    let bin: PathBuf = aws.parent().expect("the aws CLI lives in a directory").to_owned();
    let path =
        std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())))
            .unwrap();
    let out = Command::new("bash")
        .arg(&script)
        .env("PATH", path)
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_REGION", region)
        .env("AWS_DEFAULT_REGION", region)
        .env("AWS_PAGER", "")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("bash runs");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

pub(crate) fn athena(t: &TestEmulator, region: &str) -> aws_sdk_athena::Client {
    aws_sdk_athena::Client::new(&test_support::clients::sdk_config(&t.url(), region, ACCESS_KEY, SECRET_KEY))
}

/// Starts a query and polls GetQueryExecution until it is no longer QUEUED or RUNNING.
pub(crate) async fn run_query(athena: &aws_sdk_athena::Client, sql: &str) -> (String, QueryExecutionState) {
    let out = athena
        .start_query_execution()
        .query_string(sql)
        .result_configuration(ResultConfiguration::builder().output_location(OUTPUT).build())
        .send()
        .await
        .unwrap();
    let id = out.query_execution_id().unwrap().to_owned();
    for _ in 0..100_000 {
        let e = athena.get_query_execution().query_execution_id(&id).send().await.unwrap();
        let state = e.query_execution().unwrap().status().unwrap().state().unwrap().clone();
        if !matches!(state, QueryExecutionState::Queued | QueryExecutionState::Running) {
            return (id, state);
        }
        tokio::task::yield_now().await;
    }
    panic!("{sql} did not finish");
}

/// The rows of a SELECT's results, header row dropped.
pub(crate) async fn rows(athena: &aws_sdk_athena::Client, id: &str) -> Vec<Vec<Option<String>>> {
    let out = athena.get_query_results().query_execution_id(id).send().await.unwrap();
    let rows = out.result_set().unwrap().rows();
    rows.iter().skip(1).map(|r| r.data().iter().map(|d| d.var_char_value().map(str::to_owned)).collect()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_athena_script_completes_in_us_west_2_and_selects_sum_the_delivered_usage() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let t = TestEmulator::start_with(|c| {
        c.initial_logging = InitialLogging::Off;
        c.s3_flush_interval = None;
    })
    .await;
    let url = t.url();
    let cli = aws.clone();
    let (status, output) = tokio::task::spawn_blocking(move || run_script(&cli, &url, "us-west-2")).await.unwrap();
    assert_eq!(status, 0, "{output}");
    assert!(!output.contains("An error occurred"), "{output}");
    assert!(!output.contains("Bucket already exists"), "{output}");
    assert!(output.contains("Status: SUCCEEDED"), "{output}");
    assert!(output.contains("\"VarCharValue\": \"model_invocation_logs\""), "{output}");
    assert!(output.contains("Athena Setup Complete!"), "{output}");

    // Bedrock delivers to the table's LOCATION.
    let s3 = S3Config::builder().bucket_name("bedrock-invocation-logs-123456789012").key_prefix("bedrock-logs").build().unwrap();
    let config = LoggingConfig::builder().s3_config(s3).text_data_delivery_enabled(true).build();
    t.control().put_model_invocation_logging_configuration().logging_config(config).send().await.unwrap();
    let calls = [
        ("chatbot", Some("tenant-a"), "hello"),
        ("chatbot", Some("tenant-a"), "what is the weather like in Seoul today"),
        ("chatbot", Some("tenant-b"), "summarise this"),
        ("summarizer", Some("tenant-b"), "a long document to summarise in a few words"),
        ("summarizer", Some("tenant-b"), "another"),
        ("translator", None, "translate: good morning"),
    ];
    let runtime = t.runtime("us-east-1");
    let mut per_app: BTreeMap<&str, (i64, i64, i64)> = BTreeMap::new();
    let mut per_tenant: BTreeMap<&str, i64> = BTreeMap::new();
    for (app, tenant, text) in calls {
        let msg = Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.into())).build().unwrap();
        let mut req = runtime.converse().model_id(HAIKU).messages(msg).request_metadata("application_name", app);
        if let Some(tenant) = tenant {
            req = req.request_metadata("tenant_id", tenant);
        }
        let out = req.send().await.unwrap();
        let usage = out.usage().unwrap();
        let (i, o) = (i64::from(usage.input_tokens()), i64::from(usage.output_tokens()));
        let e = per_app.entry(app).or_default();
        *e = (e.0 + i, e.1 + o, e.2 + 1);
        if let Some(tenant) = tenant {
            *per_tenant.entry(tenant).or_default() += i + o;
        }
        t.clock.advance(1_000);
    }
    t.emulator.flush_deliveries().unwrap();

    let athena = athena(&t, "us-west-2");
    let (id, state) = run_query(
        &athena,
        &format!(
            "SELECT requestmetadata.application_name, SUM(input.inputtokencount) as total_input, \
             SUM(output.outputtokencount) as total_output, COUNT(*) as requests FROM {TABLE} \
             GROUP BY requestmetadata.application_name ORDER BY total_input + total_output DESC"
        ),
    )
    .await;
    assert_eq!(state, QueryExecutionState::Succeeded);
    let got = rows(&athena, &id).await;
    let mut expected: Vec<(&str, (i64, i64, i64))> = per_app.into_iter().collect();
    expected.sort_by_key(|(_, (i, o, _))| -(i + o));
    let expected: Vec<Vec<Option<String>>> = expected
        .iter()
        .map(|(app, (i, o, n))| vec![Some(app.to_string()), Some(i.to_string()), Some(o.to_string()), Some(n.to_string())])
        .collect();
    assert_eq!(got, expected);

    let (id, state) = run_query(
        &athena,
        &format!(
            "SELECT requestmetadata.tenant_id, SUM(input.inputtokencount + output.outputtokencount) as total_tokens \
             FROM {TABLE} WHERE requestmetadata.tenant_id IS NOT NULL GROUP BY requestmetadata.tenant_id ORDER BY 1"
        ),
    )
    .await;
    assert_eq!(state, QueryExecutionState::Succeeded);
    let expected: Vec<Vec<Option<String>>> =
        per_tenant.iter().map(|(tenant, n)| vec![Some(tenant.to_string()), Some(n.to_string())]).collect();
    assert_eq!(rows(&athena, &id).await, expected);

    let (id, state) =
        run_query(&athena, &format!("SELECT COUNT(*) FROM {TABLE} WHERE requestmetadata.tenant_id = 'tenant-b'")).await;
    assert_eq!(state, QueryExecutionState::Succeeded);
    assert_eq!(rows(&athena, &id).await, vec![vec![Some("3".to_owned())]]);
    let e = athena.get_query_execution().query_execution_id(&id).send().await.unwrap();
    let stats = e.query_execution().unwrap().statistics().unwrap();
    assert!(stats.data_scanned_in_bytes().unwrap() > 0);

    // The result file and its sidecar, through the S3 API.
    let s3 = t.clients("us-west-2").s3;
    let csv = s3.get_object().bucket("athena-query-results-123456789012").key(format!("{id}.csv")).send().await.unwrap();
    let body = csv.body.collect().await.unwrap().into_bytes();
    assert_eq!(String::from_utf8_lossy(&body), "\"_col0\"\n\"3\"\n");
    s3.head_object().bucket("athena-query-results-123456789012").key(format!("{id}.csv.metadata")).send().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_us_east_1_the_output_bucket_is_refused_and_the_script_stops() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let t = TestEmulator::start_with(|c| c.initial_logging = InitialLogging::Off).await;
    let url = t.url();
    let (status, output) = tokio::task::spawn_blocking(move || run_script(&aws, &url, "us-east-1")).await.unwrap();
    assert_ne!(status, 0, "{output}");
    // The script hides CreateBucket's InvalidLocationConstraint behind its own message.
    assert!(output.contains("Bucket already exists"), "{output}");
    assert!(
        output.contains(
            "An error occurred (InvalidRequestException) when calling the StartQueryExecution operation: \
             Unable to verify/create output bucket athena-query-results-123456789012"
        ),
        "{output}"
    );
    assert!(!output.contains("Athena Setup Complete!"), "{output}");
    let s3 = t.clients("us-east-1").s3;
    assert!(s3.head_bucket().bucket("athena-query-results-123456789012").send().await.is_err());
}
