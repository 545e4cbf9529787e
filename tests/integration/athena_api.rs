//! Amazon Athena through aws-sdk-rust: every operation the emulator answers and its errors, over
//! JSON objects put through the S3 API (plain and gzip); the result files through S3; state kept
//! across a restart. The aws CLI drives the same calls as a user types them.

use std::io::Write;

use aws_sdk_athena::error::ProvideErrorMetadata;
use aws_sdk_athena::types::{
    QueryExecutionContext, QueryExecutionState, ResultConfiguration, StatementType, WorkGroupConfiguration,
};
use aws_sdk_s3::primitives::ByteStream;

use crate::athena_seed::{OUTPUT, athena, rows, run_query};
use crate::support::{PyTool, TestEmulator, py_tool, run_py_tool};

const DATA: &str = "athena-data";
const RESULTS: &str = "athena-query-results-123456789012";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Two buckets: results, and data with one plain and one gzip object under `logs/`.
pub(crate) async fn seed_buckets(t: &TestEmulator) {
    let s3 = t.clients("us-east-1").s3;
    for b in [DATA, RESULTS] {
        s3.create_bucket().bucket(b).send().await.unwrap();
    }
    let a = b"{\"modelId\":\"m1\",\"input\":{\"inputTokenCount\":10},\"requestMetadata\":{\"team\":\"a\"}}\n{\"modelId\":\"m2\",\"input\":{\"inputTokenCount\":20}}\n";
    let b = b"{\"modelId\":\"m1\",\"input\":{\"inputTokenCount\":5},\"requestMetadata\":{\"team\":\"b\"}}\n";
    s3.put_object().bucket(DATA).key("logs/2025/12/03/a.jsonl").body(ByteStream::from(a.to_vec())).send().await.unwrap();
    s3.put_object().bucket(DATA).key("logs/2025/12/03/b.json.gz").body(ByteStream::from(gzip(b))).send().await.unwrap();
}

pub(crate) const CREATE_TABLE: &str = "CREATE EXTERNAL TABLE logs_db.calls (modelId string, input struct<inputTokenCount:int>, \
    requestMetadata map<string,string>) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://athena-data/logs/'";

async fn ok(athena: &aws_sdk_athena::Client, sql: &str) -> String {
    let (id, state) = run_query(athena, sql).await;
    assert_eq!(state, QueryExecutionState::Succeeded, "{sql}");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_athena_operation_through_aws_sdk_rust() {
    let t = TestEmulator::start().await;
    seed_buckets(&t).await;
    let athena = athena(&t, "us-east-1");

    // Output location: none anywhere, then a bucket that does not exist.
    let err = athena.start_query_execution().query_string("SELECT 1").send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidRequestException"));
    assert!(err.message().unwrap().starts_with("No output location provided."), "{err:?}");
    let err = athena
        .start_query_execution()
        .query_string("SELECT 1")
        .result_configuration(ResultConfiguration::builder().output_location("s3://no-such-bucket/x/").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.message(), Some("Unable to verify/create output bucket no-such-bucket"));

    // DDL: the database and the table; DDL results are .txt files with no header row.
    let id = ok(&athena, "CREATE DATABASE IF NOT EXISTS logs_db").await;
    let e = athena.get_query_execution().query_execution_id(&id).send().await.unwrap();
    let e = e.query_execution().unwrap();
    assert_eq!(e.statement_type(), Some(&StatementType::Ddl));
    assert_eq!(e.result_configuration().unwrap().output_location(), Some(format!("{OUTPUT}{id}.txt").as_str()));
    assert_eq!(e.work_group(), Some("primary"));
    assert!(e.status().unwrap().submission_date_time().is_some() && e.status().unwrap().completion_date_time().is_some());
    ok(&athena, CREATE_TABLE).await;
    let id = ok(&athena, "SHOW TABLES IN logs_db").await;
    let out = athena.get_query_results().query_execution_id(&id).send().await.unwrap();
    let set = out.result_set().unwrap();
    assert_eq!(set.result_set_metadata().unwrap().column_info()[0].name(), "tab_name");
    assert_eq!(set.rows()[0].data()[0].var_char_value(), Some("calls"));
    assert_eq!(set.rows().len(), 1);

    // A query: the header row first, Trino's types, NULLs without a value, paging.
    let id = ok(
        &athena,
        "SELECT modelid, SUM(input.inputtokencount) AS tokens, element_at(requestmetadata, 'team') AS team \
         FROM logs_db.calls GROUP BY 1, 3 ORDER BY tokens DESC",
    )
    .await;
    let page = athena.get_query_results().query_execution_id(&id).max_results(2).send().await.unwrap();
    let set = page.result_set().unwrap();
    let types: Vec<&str> = set.result_set_metadata().unwrap().column_info().iter().map(|c| c.r#type()).collect();
    assert_eq!(types, ["varchar", "bigint", "varchar"]);
    let values =
        |r: &aws_sdk_athena::types::Row| r.data().iter().map(|d| d.var_char_value().map(str::to_owned)).collect::<Vec<_>>();
    assert_eq!(values(&set.rows()[0]), [Some("modelid".into()), Some("tokens".into()), Some("team".into())]);
    assert_eq!(values(&set.rows()[1]), [Some("m2".into()), Some("20".into()), None]);
    let token = page.next_token().unwrap();
    let rest = athena.get_query_results().query_execution_id(&id).next_token(token).send().await.unwrap();
    let rest: Vec<_> = rest.result_set().unwrap().rows().iter().map(values).collect();
    assert_eq!(
        rest,
        [[Some("m1".into()), Some("10".into()), Some("a".into())], [Some("m1".into()), Some("5".into()), Some("b".into())]]
    );
    let e = athena.get_query_execution().query_execution_id(&id).send().await.unwrap();
    let stats = e.query_execution().unwrap().statistics().unwrap();
    assert!(stats.data_scanned_in_bytes().unwrap() > 100);
    let err = athena.get_query_results().query_execution_id(&id).next_token("bogus").send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidRequestException"));

    // The result file, readable through S3.
    let s3 = t.clients("us-east-1").s3;
    let csv = s3.get_object().bucket(RESULTS).key(format!("{id}.csv")).send().await.unwrap();
    let csv = String::from_utf8(csv.body.collect().await.unwrap().to_vec()).unwrap();
    assert_eq!(csv, "\"modelid\",\"tokens\",\"team\"\n\"m2\",\"20\",\n\"m1\",\"10\",\"a\"\n\"m1\",\"5\",\"b\"\n");

    // A failed query: FAILED with Athena's reason; its results are refused.
    let (failed, state) = run_query(&athena, "SELECT nosuch FROM logs_db.calls").await;
    assert_eq!(state, QueryExecutionState::Failed);
    let e = athena.get_query_execution().query_execution_id(&failed).send().await.unwrap();
    let status = e.query_execution().unwrap().status().unwrap();
    assert!(status.state_change_reason().unwrap().starts_with("COLUMN_NOT_FOUND"), "{status:?}");
    assert_eq!(status.athena_error().unwrap().error_category(), Some(2));
    let err = athena.get_query_results().query_execution_id(&failed).send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidRequestException"));
    assert!(err.message().unwrap().starts_with("COLUMN_NOT_FOUND"));
    let err = athena.get_query_execution().query_execution_id("no-such-id").send().await.unwrap_err();
    assert_eq!(err.message(), Some("QueryExecution no-such-id was not found"));

    // ClientRequestToken: the same call gives the same id; another query under it is refused.
    let token = "a-client-request-token-of-32-chars-or-more";
    let start = |sql: &str| {
        athena
            .start_query_execution()
            .query_string(sql)
            .client_request_token(token)
            .query_execution_context(QueryExecutionContext::builder().database("logs_db").build())
            .result_configuration(ResultConfiguration::builder().output_location(OUTPUT).build())
            .send()
    };
    let first = start("SELECT COUNT(*) FROM calls").await.unwrap().query_execution_id().unwrap().to_owned();
    let again = start("SELECT COUNT(*) FROM calls").await.unwrap().query_execution_id().unwrap().to_owned();
    assert_eq!(first, again);
    let err = start("SELECT 2").await.unwrap_err();
    assert_eq!(err.message(), Some("Idempotent parameters do not match"));

    // Stop: a finished query stays as it is; a stopped one is CANCELLED and has no results.
    athena.stop_query_execution().query_execution_id(&id).send().await.unwrap();
    let e = athena.get_query_execution().query_execution_id(&id).send().await.unwrap();
    assert_eq!(e.query_execution().unwrap().status().unwrap().state(), Some(&QueryExecutionState::Succeeded));
    let started = athena
        .start_query_execution()
        .query_string("SELECT COUNT(*) FROM logs_db.calls")
        .result_configuration(ResultConfiguration::builder().output_location(OUTPUT).build())
        .send()
        .await
        .unwrap();
    let stopped = started.query_execution_id().unwrap();
    athena.stop_query_execution().query_execution_id(stopped).send().await.unwrap();
    let e = athena.get_query_execution().query_execution_id(stopped).send().await.unwrap();
    let state = e.query_execution().unwrap().status().unwrap().state().unwrap().clone();
    assert!(matches!(state, QueryExecutionState::Cancelled | QueryExecutionState::Succeeded), "{state:?}");
    if state == QueryExecutionState::Cancelled {
        assert!(athena.get_query_results().query_execution_id(stopped).send().await.is_err());
    }

    // Listing: newest first, paged; BatchGet names what it did not find.
    let listed = athena.list_query_executions().max_results(2).send().await.unwrap();
    assert_eq!(listed.query_execution_ids()[0], stopped);
    assert!(listed.next_token().is_some());
    let batch =
        athena.batch_get_query_execution().query_execution_ids(&id).query_execution_ids("missing-id").send().await.unwrap();
    assert_eq!(batch.query_executions().len(), 1);
    assert_eq!(batch.unprocessed_query_execution_ids()[0].query_execution_id(), Some("missing-id"));

    // The catalog.
    let catalogs = athena.list_data_catalogs().send().await.unwrap();
    assert_eq!(catalogs.data_catalogs_summary()[0].catalog_name(), Some("AwsDataCatalog"));
    let dbs = athena.list_databases().catalog_name("AwsDataCatalog").send().await.unwrap();
    let names: Vec<&str> = dbs.database_list().iter().map(|d| d.name()).collect();
    assert_eq!(names, ["default", "logs_db"]);
    athena.get_database().catalog_name("AwsDataCatalog").database_name("logs_db").send().await.unwrap();
    let err = athena.get_database().catalog_name("AwsDataCatalog").database_name("nope").send().await.unwrap_err();
    assert_eq!(err.code(), Some("MetadataException"));
    let err = athena.list_databases().catalog_name("OtherCatalog").send().await.unwrap_err();
    assert_eq!(err.code(), Some("MetadataException"));
    let tables = athena
        .list_table_metadata()
        .catalog_name("AwsDataCatalog")
        .database_name("logs_db")
        .expression("ca*")
        .send()
        .await
        .unwrap();
    assert_eq!(tables.table_metadata_list()[0].name(), "calls");
    let table = athena
        .get_table_metadata()
        .catalog_name("AwsDataCatalog")
        .database_name("logs_db")
        .table_name("calls")
        .send()
        .await
        .unwrap();
    let table = table.table_metadata().unwrap();
    let columns: Vec<(&str, Option<&str>)> = table.columns().iter().map(|c| (c.name(), c.r#type())).collect();
    assert_eq!(
        columns,
        [
            ("modelid", Some("string")),
            ("input", Some("struct<inputtokencount:int>")),
            ("requestmetadata", Some("map<string,string>"))
        ]
    );
    assert_eq!(table.table_type(), Some("EXTERNAL_TABLE"));
    assert_eq!(table.parameters().unwrap()["location"], "s3://athena-data/logs/");
    let err = athena
        .get_table_metadata()
        .catalog_name("AwsDataCatalog")
        .database_name("logs_db")
        .table_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("MetadataException"));

    // Work groups: primary; a group's output location serves queries that give none.
    let primary = athena.get_work_group().work_group("primary").send().await.unwrap();
    assert_eq!(primary.work_group().unwrap().state().map(|s| s.as_str()), Some("ENABLED"));
    let err = athena.get_work_group().work_group("nope").send().await.unwrap_err();
    assert_eq!(err.message(), Some("WorkGroup nope is not found."));
    let config = WorkGroupConfiguration::builder()
        .result_configuration(ResultConfiguration::builder().output_location(format!("s3://{RESULTS}/analysts/")).build())
        .build();
    athena.create_work_group().name("analysts").configuration(config).send().await.unwrap();
    let groups = athena.list_work_groups().send().await.unwrap();
    let names: Vec<&str> = groups.work_groups().iter().filter_map(|g| g.name()).collect();
    assert_eq!(names, ["analysts", "primary"]);
    let started = athena.start_query_execution().query_string("SELECT 1").work_group("analysts").send().await.unwrap();
    let gid = started.query_execution_id().unwrap().to_owned();
    let e = athena.get_query_execution().query_execution_id(&gid).send().await.unwrap();
    assert_eq!(
        e.query_execution().unwrap().result_configuration().unwrap().output_location(),
        Some(format!("s3://{RESULTS}/analysts/{gid}.csv").as_str())
    );
    athena.delete_work_group().work_group("analysts").send().await.unwrap();

    // Everything survives a restart: the catalog, the executions, their results.
    let t = t.restart().await;
    let athena = crate::athena_seed::athena(&t, "us-east-1");
    let e = athena.get_query_execution().query_execution_id(&id).send().await.unwrap();
    assert_eq!(e.query_execution().unwrap().status().unwrap().state(), Some(&QueryExecutionState::Succeeded));
    let again = rows(&athena, &id).await;
    assert_eq!(again[0], [Some("m2".into()), Some("20".into()), None]);
    let id = ok(&athena, "SELECT COUNT(*) AS n FROM logs_db.calls").await;
    assert_eq!(rows(&athena, &id).await, [[Some("3".to_owned())]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aws_cli_starts_polls_and_reads_athena_queries() {
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let t = TestEmulator::start().await;
    seed_buckets(&t).await;
    let url = t.url();
    let cli = move |args: Vec<String>| {
        let (aws, url) = (aws.clone(), url.clone());
        async move {
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                run_py_tool(&aws, &url, &args)
            })
            .await
            .unwrap()
        }
    };
    let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<String>>();
    let start = |sql: &str| {
        s(&[
            "athena",
            "start-query-execution",
            "--query-string",
            sql,
            "--result-configuration",
            &format!("OutputLocation={OUTPUT}"),
            "--query",
            "QueryExecutionId",
            "--output",
            "text",
        ])
    };
    for sql in [
        "CREATE DATABASE logs_db",
        CREATE_TABLE,
        "SELECT modelid, COUNT(*) AS n FROM logs_db.calls GROUP BY modelid ORDER BY modelid",
    ] {
        let (code, id, err) = cli(start(sql)).await;
        assert_eq!(code, 0, "{err}");
        let id = id.trim().to_owned();
        let mut state = String::new();
        for _ in 0..10_000 {
            let (_, out, _) = cli(s(&[
                "athena",
                "get-query-execution",
                "--query-execution-id",
                &id,
                "--query",
                "QueryExecution.Status.State",
                "--output",
                "text",
            ]))
            .await;
            state = out.trim().to_owned();
            if state != "QUEUED" && state != "RUNNING" {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert_eq!(state, "SUCCEEDED", "{sql}");
        if sql.starts_with("SELECT") {
            let (code, out, err) = cli(s(&[
                "athena",
                "get-query-results",
                "--query-execution-id",
                &id,
                "--output",
                "text",
                "--query",
                "ResultSet.Rows[].Data[].VarCharValue",
            ]))
            .await;
            assert_eq!(code, 0, "{err}");
            assert_eq!(out.split_whitespace().collect::<Vec<_>>(), ["modelid", "n", "m1", "2", "m2", "1"]);
            let (code, out, _) = cli(s(&["s3", "cp", &format!("{OUTPUT}{id}.csv"), "-"])).await;
            assert_eq!(code, 0);
            assert_eq!(out, "\"modelid\",\"n\"\n\"m1\",\"2\"\n\"m2\",\"1\"\n");
        }
    }
    let (code, out, _) = cli(s(&["athena", "list-work-groups", "--query", "WorkGroups[].Name", "--output", "text"])).await;
    assert_eq!((code, out.trim()), (0, "primary"));
    let (code, out, _) = cli(s(&[
        "athena",
        "list-table-metadata",
        "--catalog-name",
        "AwsDataCatalog",
        "--database-name",
        "logs_db",
        "--query",
        "TableMetadataList[].Name",
        "--output",
        "text",
    ]))
    .await;
    assert_eq!((code, out.trim()), (0, "calls"));
    let (code, _, err) = cli(s(&["athena", "get-query-results", "--query-execution-id", "nope"])).await;
    assert_ne!(code, 0);
    assert!(err.contains("InvalidRequestException") && err.contains("QueryExecution nope was not found"), "{err}");
}
