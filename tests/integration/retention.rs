//! Retention through aws-sdk-cloudwatchlogs: PutRetentionPolicy / DeleteRetentionPolicy with
//! CloudWatch's allowed values, DescribeLogGroups' `retentionInDays`, expired segment files
//! deleted on the emulator's (manual) clock, expired events refused by PutLogEvents, and the
//! emulator-wide default (`serve --retention-days`) for groups without a policy.

use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::types::{InputLogEvent, LogGroup};
use bedrock_emulator::DEFAULT_LOG_GROUP;

use crate::support::{HAIKU, T0_MS, TestEmulator};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

async fn describe(logs: &Client, name: &str) -> LogGroup {
    let out = logs.describe_log_groups().log_group_name_prefix(name).send().await.unwrap();
    out.log_groups().iter().find(|g| g.log_group_name() == Some(name)).cloned().expect("the group is listed")
}

async fn put(
    logs: &Client,
    group: &str,
    stream: &str,
    times: &[i64],
) -> aws_sdk_cloudwatchlogs::operation::put_log_events::PutLogEventsOutput {
    let events = times.iter().map(|t| InputLogEvent::builder().timestamp(*t).message(format!("at {t}")).build().unwrap());
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(events.collect()))
        .send()
        .await
        .unwrap()
}

async fn messages(logs: &Client, group: &str) -> Vec<String> {
    let out = logs.filter_log_events().log_group_name(group).send().await.unwrap();
    out.events().iter().map(|e| e.message().unwrap().to_owned()).collect()
}

fn segment_files(dir: &std::path::Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        n += if path.is_dir() { segment_files(&path) } else { usize::from(path.extension().is_some_and(|e| e == "seg")) };
    }
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policies_are_validated_shown_and_deleted() {
    let t = TestEmulator::start().await;
    let logs = t.logs();
    logs.create_log_group().log_group_name("/app/a").send().await.unwrap();
    assert_eq!(describe(&logs, "/app/a").await.retention_in_days(), None);
    logs.put_retention_policy().log_group_name("/app/a").retention_in_days(7).send().await.unwrap();
    assert_eq!(describe(&logs, "/app/a").await.retention_in_days(), Some(7));

    let err = logs.put_retention_policy().log_group_name("/app/a").retention_in_days(2).send().await.unwrap_err();
    let err = err.into_service_error();
    assert!(err.is_invalid_parameter_exception(), "{err:?}");
    let message = aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata::message(&err).unwrap().to_owned();
    assert!(message.starts_with("1 validation error detected: Value '2' at 'retentionInDays'"), "{message}");
    assert!(message.contains("enum value set: [1, 3, 5, 7, 14, 30,"), "{message}");
    assert_eq!(describe(&logs, "/app/a").await.retention_in_days(), Some(7), "a refused value changes nothing");

    let err = logs.put_retention_policy().log_group_name("/nope").retention_in_days(1).send().await.unwrap_err();
    assert!(err.into_service_error().is_resource_not_found_exception());
    logs.delete_retention_policy().log_group_name("/app/a").send().await.unwrap();
    assert_eq!(describe(&logs, "/app/a").await.retention_in_days(), None);
    let err = logs.delete_retention_policy().log_group_name("/nope").send().await.unwrap_err();
    assert!(err.into_service_error().is_resource_not_found_exception());

    // The policy is kept across a restart.
    logs.put_retention_policy().log_group_name("/app/a").retention_in_days(3653).send().await.unwrap();
    let t = t.restart().await;
    assert_eq!(describe(&t.logs(), "/app/a").await.retention_in_days(), Some(3653));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_segment_files_are_deleted_on_the_emulators_clock() {
    let t = TestEmulator::start().await;
    let logs = t.logs();
    logs.create_log_group().log_group_name("/app/r").send().await.unwrap();
    logs.create_log_stream().log_group_name("/app/r").log_stream_name("s").send().await.unwrap();
    put(&logs, "/app/r", "s", &[T0_MS - 2 * HOUR, T0_MS]).await;
    let files = segment_files(t.dir.path());
    logs.put_retention_policy().log_group_name("/app/r").retention_in_days(1).send().await.unwrap();

    // A day later the older hour has wholly expired, T0's hour not yet; the next append sweeps.
    t.clock.advance(DAY);
    let now = T0_MS + DAY;
    // An event older than the retention is refused as expired, as PutLogEvents does.
    let out = put(&logs, "/app/r", "s", &[now - DAY - HOUR]).await;
    assert_eq!(out.rejected_log_events_info().and_then(|r| r.expired_log_event_end_index()), Some(1));
    put(&logs, "/app/r", "s", &[now]).await;
    assert_eq!(messages(&logs, "/app/r").await, [format!("at {T0_MS}"), format!("at {now}")]);
    assert_eq!(segment_files(t.dir.path()), files, "one whole file deleted, one created");

    t.clock.advance(DAY);
    put(&logs, "/app/r", "s", &[now + DAY]).await;
    assert_eq!(messages(&logs, "/app/r").await, [format!("at {now}"), format!("at {}", now + DAY)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_retention_covers_groups_without_a_policy_and_bedrocks_records() {
    let t = TestEmulator::start_with(|c| c.retention_days = Some(3)).await;
    let logs = t.logs();
    assert_eq!(describe(&logs, DEFAULT_LOG_GROUP).await.retention_in_days(), Some(3));
    logs.create_log_group().log_group_name("/app/own").send().await.unwrap();
    logs.put_retention_policy().log_group_name("/app/own").retention_in_days(30).send().await.unwrap();
    assert_eq!(describe(&logs, "/app/own").await.retention_in_days(), Some(30));
    logs.delete_retention_policy().log_group_name("/app/own").send().await.unwrap();
    assert_eq!(describe(&logs, "/app/own").await.retention_in_days(), Some(3), "back to the default");

    let runtime = t.runtime("us-east-1");
    let converse = |text: &'static str| {
        let msg = Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.into())).build().unwrap();
        runtime.converse().model_id(HAIKU).messages(msg).send()
    };
    converse("first").await.unwrap();
    t.clock.advance(4 * DAY);
    converse("four days later").await.unwrap();
    let records = t.records(DEFAULT_LOG_GROUP);
    assert_eq!(records.len(), 1, "the first record expired with its segment file");
    assert_eq!(records[0]["input"]["inputBodyJson"]["messages"][0]["content"][0]["text"], "four days later");
}
