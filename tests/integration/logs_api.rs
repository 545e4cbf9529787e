//! The CloudWatch Logs API through aws-sdk-cloudwatchlogs on a real socket: every operation,
//! its error codes, and Insights queries over records written by Converse calls.

use std::collections::BTreeMap;

use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
use aws_sdk_cloudwatchlogs::operation::start_query::StartQueryError;
use aws_sdk_cloudwatchlogs::types::{InputLogEvent, OrderBy, QueryStatus};

use crate::support::{HAIKU, T0_MS, TestEmulator};

const GROUP: &str = "/aws/bedrock/modelinvocations";
const T0_S: i64 = T0_MS / 1000;

fn code<E: ProvideErrorMetadata>(err: &E) -> String {
    err.code().unwrap_or("<no code>").to_owned()
}

fn event(ts: i64, msg: &str) -> InputLogEvent {
    InputLogEvent::builder().timestamp(ts).message(msg).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_groups_create_describe_page_and_delete() {
    let t = TestEmulator::start().await;
    let logs = t.logs();
    for name in ["/app/b", "/app/a", "/other/c"] {
        logs.create_log_group().log_group_name(name).send().await.unwrap();
    }
    let err = logs.create_log_group().log_group_name("/app/a").send().await.unwrap_err();
    assert_eq!(code(&err), "ResourceAlreadyExistsException");
    let err = logs.create_log_group().log_group_name("bad name").send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");
    assert!(err.message().unwrap().contains("failed to satisfy constraint: Member must satisfy regular expression pattern"));

    let first = logs.describe_log_groups().log_group_name_prefix("/app/").limit(1).send().await.unwrap();
    assert_eq!(first.log_groups()[0].log_group_name(), Some("/app/a"));
    assert_eq!(first.log_groups()[0].arn(), Some("arn:aws:logs:us-east-1:123456789012:log-group:/app/a:*"));
    let second = logs
        .describe_log_groups()
        .log_group_name_prefix("/app/")
        .limit(1)
        .next_token(first.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(second.log_groups()[0].log_group_name(), Some("/app/b"));
    assert!(second.next_token().is_none());
    let all = logs.describe_log_groups().send().await.unwrap();
    let names: Vec<_> = all.log_groups().iter().filter_map(|g| g.log_group_name()).collect();
    assert_eq!(names, ["/app/a", "/app/b", GROUP, "/other/c"], "ASCII order, Bedrock's group included");

    logs.delete_log_group().log_group_name("/app/a").send().await.unwrap();
    let err = logs.delete_log_group().log_group_name("/app/a").send().await.unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");
    assert_eq!(err.message(), Some("The specified log group does not exist."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_put_and_get_events_with_aws_time_rules() {
    let t = TestEmulator::start().await;
    let logs = t.logs();
    logs.create_log_group().log_group_name("/g").send().await.unwrap();
    for s in ["s-late", "s-early", "empty"] {
        logs.create_log_stream().log_group_name("/g").log_stream_name(s).send().await.unwrap();
    }
    let err = logs.create_log_stream().log_group_name("/nope").log_stream_name("s").send().await.unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");

    // 15 days old, fine, fine, 3 hours ahead: one too old, one too new.
    let day = 86_400_000;
    let out = logs
        .put_log_events()
        .log_group_name("/g")
        .log_stream_name("s-early")
        .log_events(event(T0_MS - 15 * day, "old"))
        .log_events(event(T0_MS - 1000, "one"))
        .log_events(event(T0_MS, "two"))
        .log_events(event(T0_MS + 3 * 3_600_000, "future"))
        .send()
        .await;
    let err = out.unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException", "a batch may not span more than 24 hours");
    let out = logs
        .put_log_events()
        .log_group_name("/g")
        .log_stream_name("s-early")
        .log_events(event(T0_MS - 1000, "one"))
        .log_events(event(T0_MS, "two"))
        .log_events(event(T0_MS + 2000, "three"))
        .log_events(event(T0_MS + 3 * 3_600_000, "future"))
        .send()
        .await
        .unwrap();
    let rejected = out.rejected_log_events_info().unwrap();
    assert_eq!(rejected.too_new_log_event_start_index(), Some(3));
    assert_eq!(rejected.too_old_log_event_end_index(), None);
    let out = logs
        .put_log_events()
        .log_group_name("/g")
        .log_stream_name("s-late")
        .log_events(event(T0_MS - 15 * day, "old"))
        .log_events(event(T0_MS - 15 * day + 5, "old too"))
        .log_events(event(T0_MS + 5000, "late"))
        .send()
        .await;
    assert_eq!(code(&out.unwrap_err()), "InvalidParameterException", "span over 24 hours");
    let out = logs
        .put_log_events()
        .log_group_name("/g")
        .log_stream_name("s-late")
        .log_events(event(T0_MS - 14 * day - 10, "old"))
        .log_events(event(T0_MS - 14 * day + 1000, "late"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.rejected_log_events_info().unwrap().too_old_log_event_end_index(), Some(1));
    let err = logs
        .put_log_events()
        .log_group_name("/g")
        .log_stream_name("s-late")
        .log_events(event(T0_MS, "b"))
        .log_events(event(T0_MS - 1, "a"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");
    assert!(err.message().unwrap().contains("chronological order"));

    // Streams by last event time, newest first; a prefix with that order is refused.
    let streams =
        logs.describe_log_streams().log_group_name("/g").order_by(OrderBy::LastEventTime).descending(true).send().await.unwrap();
    let names: Vec<_> = streams.log_streams().iter().filter_map(|s| s.log_stream_name()).collect();
    assert_eq!(names, ["s-early", "s-late", "empty"]);
    assert_eq!(streams.log_streams()[0].first_event_timestamp(), Some(T0_MS - 1000));
    assert_eq!(streams.log_streams()[0].last_event_timestamp(), Some(T0_MS + 2000));
    let page = logs.describe_log_streams().log_group_name("/g").limit(2).send().await.unwrap();
    assert_eq!(page.log_streams().len(), 2);
    let rest = logs.describe_log_streams().log_group_name("/g").next_token(page.next_token().unwrap()).send().await.unwrap();
    assert_eq!(rest.log_streams()[0].log_stream_name(), Some("s-late"));
    let err = logs
        .describe_log_streams()
        .log_group_name("/g")
        .log_stream_name_prefix("s")
        .order_by(OrderBy::LastEventTime)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");

    // Forward pages of 2 from the head, until the token comes back unchanged.
    let mut token: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let mut req = logs.get_log_events().log_group_name("/g").log_stream_name("s-early").start_from_head(true).limit(2);
        if let Some(t) = &token {
            req = req.next_token(t);
        }
        let out = req.send().await.unwrap();
        seen.extend(out.events().iter().filter_map(|e| e.message().map(str::to_owned)));
        let next = out.next_forward_token().unwrap().to_owned();
        if token.as_deref() == Some(next.as_str()) {
            break;
        }
        token = Some(next);
    }
    assert_eq!(seen, ["one", "two", "three"]);
    // Without startFromHead: the newest events.
    let tail = logs.get_log_events().log_group_name("/g").log_stream_name("s-early").limit(1).send().await.unwrap();
    assert_eq!(tail.events()[0].message(), Some("three"));
    assert_eq!(tail.events()[0].ingestion_time(), Some(T0_MS));
}

/// Three Converse calls for two tenants; returns the input tokens per tenant.
async fn converse_calls(t: &TestEmulator) -> BTreeMap<String, i64> {
    let client = t.runtime("us-east-1");
    let mut per_tenant = BTreeMap::new();
    for (tenant, prompt) in
        [("tenant-001", "Summarise this contract"), ("tenant-002", "Hi"), ("tenant-001", "Translate to French")]
    {
        let out = client
            .converse()
            .model_id(HAIKU)
            .messages(Message::builder().role(ConversationRole::User).content(ContentBlock::Text(prompt.into())).build().unwrap())
            .request_metadata("tenant_id", tenant)
            .request_metadata("application_name", "DocumentAnalysisApp")
            .send()
            .await
            .unwrap();
        *per_tenant.entry(tenant.to_owned()).or_insert(0) += i64::from(out.usage().unwrap().input_tokens());
    }
    per_tenant
}

/// `StartQuery` sent, its `queryId` returned.
trait Started {
    async fn started(self) -> String;
}

impl Started for aws_sdk_cloudwatchlogs::operation::start_query::builders::StartQueryFluentBuilder {
    async fn started(self) -> String {
        self.send().await.unwrap().query_id().unwrap().to_owned()
    }
}

/// GetQueryResults until the query has finished (the emulator holds each call up to a second
/// for an unfinished query, so this rarely loops).
async fn finished_results(
    logs: &aws_sdk_cloudwatchlogs::Client,
    id: &str,
) -> aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput {
    for _ in 0..60 {
        let out = logs.get_query_results().query_id(id).send().await.unwrap();
        match out.status() {
            Some(QueryStatus::Scheduled | QueryStatus::Running) => continue,
            _ => return out,
        }
    }
    panic!("query {id} did not finish");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_queries_over_converse_records_match_the_usage_returned() {
    let t = TestEmulator::start().await;
    let expected = converse_calls(&t).await;
    let logs = t.logs();

    let id = logs
        .start_query()
        .log_group_name(GROUP)
        .start_time(T0_S - 60)
        .end_time(T0_S + 60)
        .query_string(
            "stats sum(input.inputTokenCount) as tokens, count(*) as calls by requestMetadata.tenant_id as tenant | sort tenant",
        )
        .started()
        .await;
    let out = finished_results(&logs, &id).await;
    assert_eq!(out.status(), Some(&QueryStatus::Complete));
    let rows: Vec<BTreeMap<String, String>> = out
        .results()
        .iter()
        .map(|row| row.iter().map(|f| (f.field().unwrap().to_owned(), f.value().unwrap().to_owned())).collect())
        .collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(row["tokens"], expected[&row["tenant"]].to_string());
    }
    assert_eq!(rows[0]["calls"], "2");
    let stats = out.statistics().unwrap();
    assert_eq!(stats.records_scanned(), 3.0);
    assert_eq!(stats.records_matched(), 3.0);
    assert!(stats.bytes_scanned() > 1000.0);

    // Event rows carry @ptr, which GetLogRecord resolves.
    let id = logs
        .start_query()
        .log_group_names(GROUP)
        .start_time(T0_S)
        .end_time(T0_S)
        .query_string("fields requestId, @timestamp | filter requestMetadata.tenant_id = 'tenant-002'")
        .started()
        .await;
    let out = finished_results(&logs, &id).await;
    assert_eq!(out.results().len(), 1);
    let row = &out.results()[0];
    assert_eq!(row.last().unwrap().field(), Some("@ptr"));
    // The event time is the record's `timestamp`, which has whole seconds.
    assert_eq!(row[1].value(), Some("2025-12-03 10:54:44.000"));
    let record = logs.get_log_record().log_record_pointer(row.last().unwrap().value().unwrap()).send().await.unwrap();
    let record = record.log_record().unwrap();
    assert_eq!(record["requestMetadata.tenant_id"], "tenant-002");
    assert_eq!(record["requestId"], row[0].value().unwrap());
    assert_eq!(record["@logStream"], "aws/bedrock/modelinvocations");

    // A window before the calls sees nothing, having read nothing.
    let id = logs
        .start_query()
        .log_group_identifiers(format!("arn:aws:logs:us-east-1:123456789012:log-group:{GROUP}"))
        .start_time(T0_S - 7200)
        .end_time(T0_S - 3601)
        .query_string("stats count(*) as n")
        .started()
        .await;
    let out = finished_results(&logs, &id).await;
    assert_eq!(out.statistics().unwrap().records_scanned(), 0.0);

    // FilterLogEvents with a JSON pattern finds the same records.
    let filtered = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .filter_pattern(r#"{ $.requestMetadata.tenant_id = "tenant-001" }"#)
        .send()
        .await
        .unwrap();
    assert_eq!(filtered.events().len(), 2);
    assert!(filtered.events().iter().all(|e| e.log_stream_name() == Some("aws/bedrock/modelinvocations")));
    let err = logs.filter_log_events().log_group_name(GROUP).filter_pattern("{ $.x = ").send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");

    let described = logs.describe_queries().log_group_name(GROUP).send().await.unwrap();
    assert_eq!(described.queries().len(), 3);
    assert_eq!(described.queries()[0].query_id(), Some(id.as_str()), "newest first");
    assert_eq!(
        described.queries()[0].query_string(),
        Some(format!("SOURCE \"{GROUP}\" START={}000 END={}999 | stats count(*) as n", T0_S - 7200, T0_S - 3601).as_str())
    );
    assert_eq!(described.queries()[0].status(), Some(&QueryStatus::Complete));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_queries_missing_groups_and_stopping() {
    let t = TestEmulator::start_with(|c| {
        c.max_concurrent_queries = 0; // nothing runs: queries stay Scheduled
        c.query_results_wait = std::time::Duration::ZERO;
    })
    .await;
    let logs = t.logs();
    // The seed's `--` comment: a compile error with its location.
    let query = "fields @timestamp | filter @timestamp >= 1701388800000  -- 2024-12-01 00:00:00";
    let err = logs
        .start_query()
        .log_group_name(GROUP)
        .start_time(T0_S)
        .end_time(T0_S)
        .query_string(query)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let StartQueryError::MalformedQueryException(malformed) = &err else { panic!("{err:?}") };
    let location = malformed.query_compile_error().unwrap().location().unwrap();
    let start = location.start_char_offset().unwrap() as usize;
    assert!(start > query.find("--").unwrap(), "points past the `--`: {start}");

    let err = logs
        .start_query()
        .log_group_name("/missing")
        .start_time(T0_S)
        .end_time(T0_S)
        .query_string("fields @message")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");
    assert_eq!(err.message(), Some("Log group '/missing' does not exist for account ID '123456789012'"));
    let err = logs.start_query().start_time(T0_S).end_time(T0_S).query_string("fields @message").send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");
    let err = logs
        .start_query()
        .log_group_name(GROUP)
        .start_time(T0_S)
        .end_time(T0_S - 1)
        .query_string("fields @message")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException");

    let id =
        logs.start_query().log_group_name(GROUP).start_time(T0_S).end_time(T0_S).query_string("fields @message").started().await;
    let out = logs.get_query_results().query_id(&id).send().await.unwrap();
    assert_eq!(out.status(), Some(&QueryStatus::Scheduled));
    assert!(logs.stop_query().query_id(&id).send().await.unwrap().success());
    let out = logs.get_query_results().query_id(&id).send().await.unwrap();
    assert_eq!(out.status(), Some(&QueryStatus::Cancelled));
    let err = logs.stop_query().query_id(&id).send().await.unwrap_err();
    assert_eq!(code(&err), "InvalidParameterException", "a finished query cannot be stopped");
    let err = logs.get_query_results().query_id("no-such-query").send().await.unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");
    let cancelled = logs.describe_queries().status(QueryStatus::Cancelled).send().await.unwrap();
    assert_eq!(cancelled.queries().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_operations_and_bad_bodies_get_logs_error_shapes() {
    let t = TestEmulator::start().await;
    let target = |op: &str| format!("Logs_20140328.{op}");
    let ct = ("content-type", "application/x-amz-json-1.1");
    let res =
        crate::support::raw(&t.url(), "POST", "/", &[ct, ("x-amz-target", &target("DescribeSubscriptionFilters"))], "{}").await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["__type"], "UnknownOperationException");
    assert!(res.json()["message"].as_str().unwrap().contains("DescribeSubscriptionFilters"));
    let res = crate::support::raw(&t.url(), "POST", "/", &[ct, ("x-amz-target", &target("StartQuery"))], "{oops").await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["__type"], "SerializationException");
    let res =
        crate::support::raw(&t.url(), "POST", "/", &[ct, ("x-amz-target", &target("DescribeLogGroups"))], r#"{"limit": 51}"#)
            .await;
    assert_eq!(res.json()["__type"], "InvalidParameterException");
    assert_eq!(
        res.json()["message"],
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50"
    );
    assert_eq!(res.header("content-type"), Some("application/x-amz-json-1.1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_bedrocks_stream_or_group_behaves_as_on_aws() {
    let t = TestEmulator::start().await;
    let logs = t.logs();
    converse_calls(&t).await;
    logs.delete_log_stream().log_group_name(GROUP).log_stream_name("aws/bedrock/modelinvocations").send().await.unwrap();
    let err =
        logs.delete_log_stream().log_group_name(GROUP).log_stream_name("aws/bedrock/modelinvocations").send().await.unwrap_err();
    assert_eq!(code(&err), "ResourceNotFoundException");
    assert_eq!(err.message(), Some("The specified log stream does not exist."));
    // Bedrock recreates its stream on the next call.
    converse_calls(&t).await;
    assert_eq!(t.records(GROUP).len(), 3);
    // Without the group the calls still succeed; their records are dropped (a delivery failure).
    logs.delete_log_group().log_group_name(GROUP).send().await.unwrap();
    converse_calls(&t).await;
    assert!(t.records(GROUP).is_empty());
}
