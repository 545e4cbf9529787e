//! IAM through aws-sdk-iam (awsQuery): roles, inline and managed policies, attachments, users
//! and access keys, each with IAM's errors (EntityAlreadyExists 409, NoSuchEntity 404,
//! DeleteConflict 409, MalformedPolicyDocument, ValidationError, LimitExceeded), policy documents
//! returned URL-encoded as IAM sends them, and everything still there after a restart.

use aws_sdk_iam::types::Tag;
use percent_encoding::percent_decode_str;

use crate::support::{ACCOUNT_TRUST, TestEmulator, error_code};

const LOGS_POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"logs:CreateLogStream\", \"logs:PutLogEvents\"], \"Resource\": \"arn:aws:logs:us-east-1:123456789012:log-group:/aws/bedrock/modelinvocations:*\"}]\n}";

fn decoded(document: &str) -> String {
    percent_decode_str(document).decode_utf8().unwrap().into_owned()
}

/// An SDK error's HTTP status.
fn status<E, R>(result: Result<R, aws_sdk_iam::error::SdkError<E>>) -> u16 {
    match result {
        Ok(_) => 200,
        Err(err) => err.raw_response().map_or(0, |r| r.status().as_u16()),
    }
}

#[tokio::test]
async fn roles_round_trip_with_their_trust_policy_and_tags() {
    let t = TestEmulator::start().await;
    let iam = t.clients("us-east-1").iam;
    let created = iam
        .create_role()
        .role_name("BedrockLoggingRole")
        .path("/service/")
        .assume_role_policy_document(ACCOUNT_TRUST)
        .description("Role for Amazon Bedrock model invocation logging")
        .tags(Tag::builder().key("team").value("ml").build().unwrap())
        .send()
        .await
        .unwrap();
    let role = created.role().unwrap();
    assert_eq!(role.arn(), "arn:aws:iam::123456789012:role/service/BedrockLoggingRole");
    assert!(role.role_id().starts_with("AROA") && role.role_id().len() == 21);
    // IAM returns documents URL-encoded; decoded, the bytes sent.
    assert!(role.assume_role_policy_document().unwrap().starts_with("%7B%22Version%22"));
    assert_eq!(decoded(role.assume_role_policy_document().unwrap()), ACCOUNT_TRUST);
    // Names are unique without regard to case; lookups find the name as created.
    let got = iam.get_role().role_name("bedrockloggingrole").send().await.unwrap();
    assert_eq!(got.role().unwrap().role_name(), "BedrockLoggingRole");
    assert_eq!(got.role().unwrap().max_session_duration(), Some(3600));
    let dup = iam.create_role().role_name("BEDROCKLOGGINGROLE").assume_role_policy_document(ACCOUNT_TRUST).send().await;
    assert_eq!(status(dup), 409);
    let dup = iam.create_role().role_name("BedrockLoggingRole").assume_role_policy_document(ACCOUNT_TRUST).send().await;
    assert_eq!(error_code(dup), "EntityAlreadyExists");
    let missing = iam.get_role().role_name("Nope").send().await;
    let err = missing.unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 404);
    let message = aws_sdk_iam::error::ProvideErrorMetadata::message(err.as_service_error().unwrap());
    assert_eq!(message, Some("The role with name Nope cannot be found."));
    // Trust policy update, tags, listing.
    let trust_bedrock = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    iam.update_assume_role_policy().role_name("BedrockLoggingRole").policy_document(trust_bedrock).send().await.unwrap();
    let got = iam.get_role().role_name("BedrockLoggingRole").send().await.unwrap();
    assert_eq!(decoded(got.role().unwrap().assume_role_policy_document().unwrap()), trust_bedrock);
    iam.tag_role()
        .role_name("BedrockLoggingRole")
        .tags(Tag::builder().key("env").value("dev").build().unwrap())
        .send()
        .await
        .unwrap();
    iam.untag_role().role_name("BedrockLoggingRole").tag_keys("TEAM").send().await.unwrap();
    let tags = iam.list_role_tags().role_name("BedrockLoggingRole").send().await.unwrap();
    assert_eq!(tags.tags().iter().map(|t| (t.key(), t.value())).collect::<Vec<_>>(), [("env", "dev")]);
    iam.create_role().role_name("Other").assume_role_policy_document(ACCOUNT_TRUST).send().await.unwrap();
    let page = iam.list_roles().max_items(1).send().await.unwrap();
    assert_eq!((page.roles().len(), page.is_truncated()), (1, true));
    let rest = iam.list_roles().marker(page.marker().unwrap()).send().await.unwrap();
    assert_eq!((rest.roles().len(), rest.is_truncated()), (1, false));
    let prefixed = iam.list_roles().path_prefix("/service/").send().await.unwrap();
    assert_eq!(prefixed.roles().len(), 1);
    // Validation in IAM's words.
    let err = iam.create_role().role_name("bad name").assume_role_policy_document(ACCOUNT_TRUST).send().await.unwrap_err();
    let text = aws_sdk_iam::error::ProvideErrorMetadata::message(err.as_service_error().unwrap()).unwrap().to_owned();
    assert_eq!(
        text,
        "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+"
    );
    iam.delete_role().role_name("Other").send().await.unwrap();
    assert_eq!(error_code(iam.delete_role().role_name("Other").send().await), "NoSuchEntity");
}

#[tokio::test]
async fn malformed_policy_documents_are_refused_in_iams_words() {
    let t = TestEmulator::start().await;
    let iam = t.clients("us-east-1").iam;
    iam.create_role().role_name("R").assume_role_policy_document(ACCOUNT_TRUST).send().await.unwrap();
    let cases = [
        ("{\"Version\": \"2012-10-17\",", "This policy contains invalid Json"),
        (r#"{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}"#, "Missing required field Effect"),
        (
            r#"{"Version":"2013-01-01","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
            "Syntax errors in policy.",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}"#,
            "Policy document should not specify a principal.",
        ),
    ];
    for (document, want) in cases {
        let err = iam.put_role_policy().role_name("R").policy_name("p").policy_document(document).send().await.unwrap_err();
        let meta = err.as_service_error().unwrap();
        assert_eq!(aws_sdk_iam::error::ProvideErrorMetadata::code(meta), Some("MalformedPolicyDocument"), "{document}");
        assert_eq!(aws_sdk_iam::error::ProvideErrorMetadata::message(meta), Some(want), "{document}");
        let err = iam.create_policy().policy_name("mp").policy_document(document).send().await.unwrap_err();
        assert_eq!(aws_sdk_iam::error::ProvideErrorMetadata::message(err.as_service_error().unwrap()), Some(want));
    }
    // A trust policy needs a principal and no resource.
    let no_principal = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}"#;
    let err = iam.create_role().role_name("T").assume_role_policy_document(no_principal).send().await.unwrap_err();
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::message(err.as_service_error().unwrap()),
        Some("Missing required field Principal")
    );
    assert_eq!(status(iam.create_role().role_name("T").assume_role_policy_document("nope").send().await), 400);
    // Nothing was stored.
    assert!(iam.list_role_policies().role_name("R").send().await.unwrap().policy_names().is_empty());
    assert_eq!(error_code(iam.get_role().role_name("T").send().await), "NoSuchEntity");
}

#[tokio::test]
async fn inline_policies_of_roles_and_users() {
    let t = TestEmulator::start().await;
    let iam = t.clients("us-east-1").iam;
    iam.create_role().role_name("R").assume_role_policy_document(ACCOUNT_TRUST).send().await.unwrap();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.put_role_policy()
        .role_name("R")
        .policy_name("BedrockCloudWatchLogsPolicy")
        .policy_document(LOGS_POLICY)
        .send()
        .await
        .unwrap();
    iam.put_user_policy().user_name("u").policy_name("p").policy_document(LOGS_POLICY).send().await.unwrap();
    let got = iam.get_role_policy().role_name("r").policy_name("bedrockcloudwatchlogspolicy").send().await.unwrap();
    assert_eq!((got.role_name(), got.policy_name()), ("R", "BedrockCloudWatchLogsPolicy"));
    assert_eq!(decoded(got.policy_document()), LOGS_POLICY);
    let got = iam.get_user_policy().user_name("u").policy_name("p").send().await.unwrap();
    assert_eq!(decoded(got.policy_document()), LOGS_POLICY);
    assert_eq!(iam.list_role_policies().role_name("R").send().await.unwrap().policy_names(), ["BedrockCloudWatchLogsPolicy"]);
    assert_eq!(iam.list_user_policies().user_name("u").send().await.unwrap().policy_names(), ["p"]);
    // A role or user with inline policies cannot be deleted.
    let err = iam.delete_role().role_name("R").send().await.unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 409);
    let meta = err.as_service_error().unwrap();
    assert_eq!(aws_sdk_iam::error::ProvideErrorMetadata::code(meta), Some("DeleteConflict"));
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::message(meta),
        Some("Cannot delete entity, must delete policies first.")
    );
    assert_eq!(error_code(iam.delete_user().user_name("u").send().await), "DeleteConflict");
    let missing = iam.get_role_policy().role_name("R").policy_name("nope").send().await.unwrap_err();
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::message(missing.as_service_error().unwrap()),
        Some("The role policy with name nope cannot be found.")
    );
    assert_eq!(
        error_code(iam.put_role_policy().role_name("Nope").policy_name("p").policy_document(LOGS_POLICY).send().await),
        "NoSuchEntity"
    );
    iam.delete_role_policy().role_name("R").policy_name("BedrockCloudWatchLogsPolicy").send().await.unwrap();
    iam.delete_user_policy().user_name("u").policy_name("p").send().await.unwrap();
    assert_eq!(error_code(iam.delete_user_policy().user_name("u").policy_name("p").send().await), "NoSuchEntity");
    iam.delete_role().role_name("R").send().await.unwrap();
    iam.delete_user().user_name("u").send().await.unwrap();
}

#[tokio::test]
async fn managed_policies_and_attachments() {
    let t = TestEmulator::start().await;
    let iam = t.clients("us-east-1").iam;
    let created = iam.create_policy().policy_name("BedrockLoggingPolicy").policy_document(LOGS_POLICY).send().await.unwrap();
    let arn = created.policy().unwrap().arn().unwrap().to_owned();
    assert_eq!(arn, "arn:aws:iam::123456789012:policy/BedrockLoggingPolicy");
    assert_eq!(created.policy().unwrap().default_version_id(), Some("v1"));
    assert_eq!(
        error_code(iam.create_policy().policy_name("BedrockLoggingPolicy").policy_document(LOGS_POLICY).send().await),
        "EntityAlreadyExists"
    );
    let version = iam.get_policy_version().policy_arn(&arn).version_id("v1").send().await.unwrap();
    assert_eq!(decoded(version.policy_version().unwrap().document().unwrap()), LOGS_POLICY);
    assert_eq!(error_code(iam.get_policy_version().policy_arn(&arn).version_id("v2").send().await), "NoSuchEntity");
    assert_eq!(error_code(iam.get_policy().policy_arn("arn:aws:iam::123456789012:policy/Nope").send().await), "NoSuchEntity");
    assert_eq!(error_code(iam.get_policy().policy_arn("not-an-arn-but-long-enough").send().await), "InvalidInput");

    iam.create_role().role_name("R").assume_role_policy_document(ACCOUNT_TRUST).send().await.unwrap();
    iam.create_user().user_name("u").send().await.unwrap();
    iam.attach_role_policy().role_name("R").policy_arn(&arn).send().await.unwrap();
    iam.attach_role_policy().role_name("R").policy_arn("arn:aws:iam::aws:policy/AmazonBedrockFullAccess").send().await.unwrap();
    iam.attach_user_policy().user_name("u").policy_arn(&arn).send().await.unwrap();
    let attached = iam.list_attached_role_policies().role_name("R").send().await.unwrap();
    let names: Vec<_> = attached.attached_policies().iter().filter_map(|p| p.policy_name()).collect();
    assert_eq!(names, ["BedrockLoggingPolicy", "AmazonBedrockFullAccess"]);
    assert_eq!(iam.list_attached_user_policies().user_name("u").send().await.unwrap().attached_policies().len(), 1);
    assert_eq!(iam.get_policy().policy_arn(&arn).send().await.unwrap().policy().unwrap().attachment_count(), Some(2));
    assert_eq!(
        error_code(iam.attach_role_policy().role_name("R").policy_arn("arn:aws:iam::aws:policy/Nope").send().await),
        "NoSuchEntity"
    );
    let local = iam.list_policies().scope(aws_sdk_iam::types::PolicyScopeType::Local).send().await.unwrap();
    assert_eq!(local.policies().len(), 1);
    let aws = iam.list_policies().scope(aws_sdk_iam::types::PolicyScopeType::Aws).only_attached(true).send().await.unwrap();
    assert_eq!(aws.policies().iter().filter_map(|p| p.policy_name()).collect::<Vec<_>>(), ["AmazonBedrockFullAccess"]);
    // Attached: neither the policy nor the role can go.
    let err = iam.delete_policy().policy_arn(&arn).send().await.unwrap_err();
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::message(err.as_service_error().unwrap()),
        Some("Cannot delete a policy attached to entities.")
    );
    assert_eq!(error_code(iam.delete_role().role_name("R").send().await), "DeleteConflict");
    iam.detach_role_policy().role_name("R").policy_arn(&arn).send().await.unwrap();
    assert_eq!(error_code(iam.detach_role_policy().role_name("R").policy_arn(&arn).send().await), "NoSuchEntity");
    iam.detach_role_policy().role_name("R").policy_arn("arn:aws:iam::aws:policy/AmazonBedrockFullAccess").send().await.unwrap();
    iam.detach_user_policy().user_name("u").policy_arn(&arn).send().await.unwrap();
    iam.delete_policy().policy_arn(&arn).send().await.unwrap();
    iam.delete_role().role_name("R").send().await.unwrap();
}

#[tokio::test]
async fn users_and_access_keys() {
    let t = TestEmulator::start().await;
    let iam = t.clients("us-east-1").iam;
    let user = iam.create_user().user_name("alice").path("/dev/").send().await.unwrap();
    assert_eq!(user.user().unwrap().arn(), "arn:aws:iam::123456789012:user/dev/alice");
    assert_eq!(error_code(iam.create_user().user_name("Alice").send().await), "EntityAlreadyExists");
    assert_eq!(iam.get_user().user_name("alice").send().await.unwrap().user().unwrap().path(), "/dev/");
    assert_eq!(iam.list_users().send().await.unwrap().users().len(), 1);
    // The calling identity is a role session: GetUser and CreateAccessKey need a name.
    assert_eq!(error_code(iam.get_user().send().await), "ValidationError");
    let k1 = iam.create_access_key().user_name("alice").send().await.unwrap();
    let k1 = k1.access_key().unwrap().clone();
    assert!(k1.access_key_id().starts_with("AKIA") && k1.access_key_id().len() == 20);
    assert_eq!(k1.secret_access_key().len(), 40);
    iam.create_access_key().user_name("alice").send().await.unwrap();
    let err = iam.create_access_key().user_name("alice").send().await.unwrap_err();
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 409);
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::message(err.as_service_error().unwrap()),
        Some("Cannot exceed quota for AccessKeysPerUser: 2")
    );
    iam.update_access_key()
        .user_name("alice")
        .access_key_id(k1.access_key_id())
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let keys = iam.list_access_keys().user_name("alice").send().await.unwrap();
    let status_of = |id: &str| {
        keys.access_key_metadata()
            .iter()
            .find(|k| k.access_key_id() == Some(id))
            .and_then(|k| k.status())
            .map(|s| s.as_str().to_owned())
    };
    assert_eq!(keys.access_key_metadata().len(), 2);
    assert_eq!(status_of(k1.access_key_id()).as_deref(), Some("Inactive"));
    // The key's owner calls without a user name: itself.
    let alice = crate::support::clients_as(&t, k1.access_key_id(), k1.secret_access_key(), None);
    assert_eq!(alice.iam.get_user().send().await.unwrap().user().unwrap().user_name(), "alice");
    assert_eq!(alice.iam.list_access_keys().send().await.unwrap().access_key_metadata().len(), 2);
    assert_eq!(error_code(iam.delete_user().user_name("alice").send().await), "DeleteConflict");
    assert_eq!(
        error_code(iam.delete_access_key().user_name("alice").access_key_id("AKIAIOSFODNN7EXAMPLE").send().await),
        "NoSuchEntity"
    );
    for k in keys.access_key_metadata() {
        iam.delete_access_key().user_name("alice").access_key_id(k.access_key_id().unwrap()).send().await.unwrap();
    }
    iam.delete_user().user_name("alice").send().await.unwrap();
    assert_eq!(error_code(iam.get_user().user_name("alice").send().await), "NoSuchEntity");
}

#[tokio::test]
async fn identities_survive_a_restart() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    c.iam.create_role().role_name("BedrockLoggingRole").assume_role_policy_document(ACCOUNT_TRUST).send().await.unwrap();
    c.iam.put_role_policy().role_name("BedrockLoggingRole").policy_name("p").policy_document(LOGS_POLICY).send().await.unwrap();
    c.iam.create_user().user_name("alice").send().await.unwrap();
    let key = c.iam.create_access_key().user_name("alice").send().await.unwrap();
    let key = key.access_key().unwrap().clone();
    let t = t.restart().await;
    let c = t.clients("us-east-1");
    let role = c.iam.get_role().role_name("BedrockLoggingRole").send().await.unwrap();
    assert_eq!(decoded(role.role().unwrap().assume_role_policy_document().unwrap()), ACCOUNT_TRUST);
    assert_eq!(c.iam.list_role_policies().role_name("BedrockLoggingRole").send().await.unwrap().policy_names(), ["p"]);
    let alice = crate::support::clients_as(&t, key.access_key_id(), key.secret_access_key(), None);
    let me = alice.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/alice"));
    assert!(t.dir.path().join("iam/state.json").is_file());
}
