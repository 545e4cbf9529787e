//! The logging control plane through aws-sdk-bedrock, and its effect on records.

use aws_sdk_bedrock::types::{CloudWatchConfig, LoggingConfig};
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use bedrock_emulator::InitialLogging;

use crate::support::{HAIKU, TestEmulator};

fn cw_config(group: &str, text: bool) -> LoggingConfig {
    LoggingConfig::builder()
        .cloud_watch_config(
            CloudWatchConfig::builder()
                .log_group_name(group)
                .role_arn("arn:aws:iam::123456789012:role/BedrockLogging")
                .build()
                .unwrap(),
        )
        .text_data_delivery_enabled(text)
        .build()
}

async fn converse(t: &TestEmulator) {
    let msg = Message::builder().role(ConversationRole::User).content(ContentBlock::Text("hi".into())).build().unwrap();
    t.runtime("us-east-1").converse().model_id(HAIKU).messages(msg).request_metadata("team", "a").send().await.unwrap();
}

#[tokio::test]
async fn default_configuration_logs_to_the_conventional_group() {
    let t = TestEmulator::start().await;
    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    let cfg = got.logging_config().expect("logging is on by default");
    assert_eq!(cfg.cloud_watch_config().unwrap().log_group_name(), "/aws/bedrock/modelinvocations");
    assert_eq!(cfg.text_data_delivery_enabled(), Some(true));
}

#[tokio::test]
async fn put_moves_records_and_text_delivery_off_drops_bodies() {
    let t = TestEmulator::start().await;
    t.control()
        .put_model_invocation_logging_configuration()
        .logging_config(cw_config("/platform/bedrock-usage", false))
        .send()
        .await
        .unwrap();
    converse(&t).await;
    assert!(t.records("/aws/bedrock/modelinvocations").is_empty());
    let records = t.records("/platform/bedrock-usage");
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert!(r["input"].get("inputBodyJson").is_none(), "{r}");
    assert!(r["output"].get("outputBodyJson").is_none(), "{r}");
    assert!(r["input"]["inputTokenCount"].as_u64().unwrap() > 0);
    assert!(r["output"]["outputTokenCount"].as_u64().unwrap() > 0);
    assert_eq!(r["requestMetadata"]["team"], "a");

    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    assert_eq!(got.logging_config(), Some(&cw_config("/platform/bedrock-usage", false)));
}

#[tokio::test]
async fn delete_turns_logging_off_and_it_stays_off_after_restart() {
    let t = TestEmulator::start().await;
    t.control().delete_model_invocation_logging_configuration().send().await.unwrap();
    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    assert_eq!(got.logging_config(), None);
    converse(&t).await;
    assert!(t.records("/aws/bedrock/modelinvocations").is_empty());

    let t = t.restart().await;
    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    assert_eq!(got.logging_config(), None);
}

#[tokio::test]
async fn a_put_configuration_survives_restart() {
    let t = TestEmulator::start().await;
    t.control().put_model_invocation_logging_configuration().logging_config(cw_config("/kept/group", true)).send().await.unwrap();
    let t = t.restart().await;
    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    assert_eq!(got.logging_config(), Some(&cw_config("/kept/group", true)));
}

#[tokio::test]
async fn logging_off_flag_starts_like_a_fresh_account() {
    let t = TestEmulator::start_with(|c| c.initial_logging = InitialLogging::Off).await;
    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    assert_eq!(got.logging_config(), None);
    converse(&t).await;
    assert!(t.records("/aws/bedrock/modelinvocations").is_empty());
}

#[tokio::test]
async fn invalid_configurations_are_rejected() {
    let t = TestEmulator::start().await;
    let bad_role = LoggingConfig::builder()
        .cloud_watch_config(CloudWatchConfig::builder().log_group_name("g").role_arn("not-an-arn").build().unwrap())
        .build();
    let err = t
        .control()
        .put_model_invocation_logging_configuration()
        .logging_config(bad_role)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    // The previous configuration is still in force.
    let got = t.control().get_model_invocation_logging_configuration().send().await.unwrap();
    assert_eq!(got.logging_config().unwrap().cloud_watch_config().unwrap().log_group_name(), "/aws/bedrock/modelinvocations");
}
