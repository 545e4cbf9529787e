//! Whose call a record names: `identity.arn` is the caller resolved from its access key: an IAM
//! user's key the user, AssumeRole credentials the assumed-role session (as Bedrock logs it), the
//! test key the principal map's ARN, and a key nobody issued the default user.

use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};

use crate::support::{ACCOUNT_TRUST, HAIKU, PRINCIPAL_ARN, TestEmulator, clients_as};

async fn converse(runtime: &aws_sdk_bedrockruntime::Client) {
    let message = Message::builder().role(ConversationRole::User).content(ContentBlock::Text("hi".into())).build().unwrap();
    runtime.converse().model_id(HAIKU).messages(message).send().await.unwrap();
}

#[tokio::test]
async fn records_name_the_caller_resolved_from_its_key() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    c.iam.create_user().user_name("app-runner").send().await.unwrap();
    let key = c.iam.create_access_key().user_name("app-runner").send().await.unwrap();
    let key = key.access_key().unwrap().clone();
    let trust = ACCOUNT_TRUST.replace("arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:user/app-runner");
    c.iam.create_role().role_name("InvokeRole").assume_role_policy_document(trust).send().await.unwrap();
    let user = clients_as(&t, key.access_key_id(), key.secret_access_key(), None);
    let assumed = user
        .sts
        .assume_role()
        .role_arn("arn:aws:iam::123456789012:role/InvokeRole")
        .role_session_name("batch-42")
        .send()
        .await
        .unwrap();
    let creds = assumed.credentials().unwrap();
    let session = clients_as(&t, creds.access_key_id(), creds.secret_access_key(), Some(creds.session_token()));

    converse(&c.runtime).await;
    converse(&user.runtime).await;
    converse(&session.runtime).await;
    converse(&clients_as(&t, "AKIDNOBODYISSUED000", "x", None).runtime).await;
    let arns: Vec<String> = t
        .records(bedrock_emulator::DEFAULT_LOG_GROUP)
        .iter()
        .map(|r| r["identity"]["arn"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        arns,
        [
            PRINCIPAL_ARN,
            "arn:aws:iam::123456789012:user/app-runner",
            "arn:aws:sts::123456789012:assumed-role/InvokeRole/batch-42",
            "arn:aws:iam::123456789012:user/bedrock-emulator",
        ]
    );
}
