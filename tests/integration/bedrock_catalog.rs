//! The model catalog through aws-sdk-bedrock: ListFoundationModels with each filter,
//! GetFoundationModel, ListInferenceProfiles (paged) and GetInferenceProfile; whatever a user
//! finds by listing, the runtime accepts. And the side effect of a logging PUT: Bedrock's
//! permission-check line in the log stream.

use aws_sdk_bedrock::types::{CloudWatchConfig, InferenceProfileType, LoggingConfig, ModelModality};
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};

use crate::support::{TestEmulator, error_code};

fn hello() -> Message {
    Message::builder().role(ConversationRole::User).content(ContentBlock::Text("hello".into())).build().unwrap()
}

#[tokio::test]
async fn listed_models_and_profiles_are_the_ones_the_runtime_accepts() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    let all = c.bedrock.list_foundation_models().send().await.unwrap();
    assert!(all.model_summaries().len() >= 30);
    let anthropic = c.bedrock.list_foundation_models().by_provider("anthropic").send().await.unwrap();
    assert!(anthropic.model_summaries().iter().all(|m| m.provider_name() == Some("Anthropic")));
    let haiku = anthropic.model_summaries().iter().find(|m| m.model_id() == "anthropic.claude-3-haiku-20240307-v1:0").unwrap();
    assert_eq!(haiku.model_name(), Some("Claude 3 Haiku"));
    assert_eq!(haiku.model_arn(), "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0");
    let embeddings = c.bedrock.list_foundation_models().by_output_modality(ModelModality::Embedding).send().await.unwrap();
    assert_eq!(embeddings.model_summaries().iter().map(|m| m.model_id()).collect::<Vec<_>>(), ["amazon.titan-embed-text-v2:0"]);
    let on_demand = c
        .bedrock
        .list_foundation_models()
        .by_inference_type(aws_sdk_bedrock::types::InferenceType::OnDemand)
        .send()
        .await
        .unwrap();
    let fine_tunable = c
        .bedrock
        .list_foundation_models()
        .by_customization_type(aws_sdk_bedrock::types::ModelCustomization::FineTuning)
        .send()
        .await
        .unwrap();
    assert!(!fine_tunable.model_summaries().is_empty() && fine_tunable.model_summaries().len() < all.model_summaries().len());
    // Every on-demand model answers Converse by its id (embedding models are refused by Converse, as on AWS).
    for m in on_demand.model_summaries().iter().filter(|m| m.output_modalities().contains(&ModelModality::Text)) {
        c.runtime
            .converse()
            .model_id(m.model_id())
            .messages(hello())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", m.model_id()));
    }
    let details = c.bedrock.get_foundation_model().model_identifier("amazon.nova-micro-v1:0").send().await.unwrap();
    assert_eq!(details.model_details().unwrap().model_name(), Some("Nova Micro"));
    assert_eq!(
        error_code(c.bedrock.get_foundation_model().model_identifier("anthropic.claude-9").send().await),
        "ValidationException"
    );

    // Profiles, page by page; every profile answers Converse.
    let mut profiles = Vec::new();
    let mut token = None;
    loop {
        let page = c.bedrock.list_inference_profiles().max_results(10).set_next_token(token).send().await.unwrap();
        assert!(page.inference_profile_summaries().len() <= 10);
        profiles.extend(page.inference_profile_summaries().iter().cloned());
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert!(profiles.len() > 30);
    let sonnet = profiles.iter().find(|p| p.inference_profile_id() == "us.anthropic.claude-sonnet-4-5-20250929-v1:0").unwrap();
    assert_eq!(sonnet.inference_profile_name(), "US Anthropic Claude Sonnet 4.5");
    assert_eq!(sonnet.r#type(), &InferenceProfileType::SystemDefined);
    for p in &profiles {
        c.runtime
            .converse()
            .model_id(p.inference_profile_id())
            .messages(hello())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", p.inference_profile_id()));
    }
    let got =
        c.bedrock.get_inference_profile().inference_profile_identifier(sonnet.inference_profile_arn()).send().await.unwrap();
    let regions: Vec<_> = got.models().iter().filter_map(|m| m.model_arn()).collect();
    assert_eq!(
        regions,
        [
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
            "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
            "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
        ]
    );
    assert_eq!(
        error_code(c.bedrock.get_inference_profile().inference_profile_identifier("us.nope").send().await),
        "ResourceNotFoundException"
    );
    let apps = c.bedrock.list_inference_profiles().type_equals(InferenceProfileType::Application).send().await.unwrap();
    assert!(apps.inference_profile_summaries().is_empty());
}

#[tokio::test]
async fn a_logging_put_writes_the_permission_check_line() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    let cw = CloudWatchConfig::builder()
        .log_group_name("/custom/bedrock")
        .role_arn("arn:aws:iam::123456789012:role/BedrockLoggingRole")
        .build()
        .unwrap();
    c.bedrock
        .put_model_invocation_logging_configuration()
        .logging_config(LoggingConfig::builder().cloud_watch_config(cw).build())
        .send()
        .await
        .unwrap();
    c.runtime.converse().model_id(crate::support::HAIKU).messages(hello()).send().await.unwrap();
    let events = c
        .logs
        .get_log_events()
        .log_group_name("/custom/bedrock")
        .log_stream_name("aws/bedrock/modelinvocations")
        .start_from_head(true)
        .send()
        .await
        .unwrap();
    // Events come in time order: the record's second-precision timestamp, then the line's instant.
    let messages: Vec<_> = events.events().iter().map(|e| (e.timestamp(), e.message().unwrap_or_default())).collect();
    assert_eq!(messages.len(), 2);
    assert!(messages[0].1.starts_with('{'));
    assert_eq!(messages[1], (Some(test_support::emulator::T0_MS), "Permissions are correctly set for Amazon Bedrock logs."));
    // Insights sees it: one more event per hour.
    let started = c
        .logs
        .start_query()
        .log_group_name("/custom/bedrock")
        .start_time(test_support::emulator::T0_MS / 1000 - 60)
        .end_time(test_support::emulator::T0_MS / 1000 + 60)
        .query_string("stats count(*) as n")
        .send()
        .await
        .unwrap();
    let results = loop {
        let r = c.logs.get_query_results().query_id(started.query_id().unwrap()).send().await.unwrap();
        if r.status().is_some_and(|s| s.as_str() == "Complete") {
            break r;
        }
    };
    assert_eq!(results.results()[0][0].value(), Some("2"));
}
