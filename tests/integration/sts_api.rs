//! STS through aws-sdk-sts (awsQuery): GetCallerIdentity for each kind of caller, AssumeRole
//! (trust policies, durations, role chaining, AccessDenied), GetSessionToken, and ExpiredToken
//! once temporary credentials run out on the emulator's clock.

use crate::support::{ACCOUNT_TRUST, PRINCIPAL_ARN, TestEmulator, clients_as, error_code};

/// A user with an access key; its (key id, secret).
async fn user_with_key(t: &TestEmulator, name: &str) -> (String, String) {
    let iam = t.clients("us-east-1").iam;
    iam.create_user().user_name(name).send().await.unwrap();
    let key = iam.create_access_key().user_name(name).send().await.unwrap();
    let key = key.access_key().unwrap();
    (key.access_key_id().to_owned(), key.secret_access_key().to_owned())
}

#[tokio::test]
async fn get_caller_identity_names_each_kind_of_caller() {
    let t = TestEmulator::start().await;
    // The test key: the principal map's ARN, with an id of the role session it names.
    let me = t.clients("us-east-1").sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(PRINCIPAL_ARN));
    assert_eq!(me.account(), Some("123456789012"));
    assert!(me.user_id().unwrap().starts_with("AROA") && me.user_id().unwrap().ends_with(":ci-session"), "{me:?}");
    // A key nobody issued: the default user.
    let stranger = clients_as(&t, "AKIDSTRANGER0000000", "x", None).sts.get_caller_identity().send().await.unwrap();
    assert_eq!(stranger.arn(), Some("arn:aws:iam::123456789012:user/bedrock-emulator"));
    assert!(stranger.user_id().unwrap().starts_with("AIDA"));
    // An IAM user's key: the user.
    let (key, secret) = user_with_key(&t, "alice").await;
    let alice = clients_as(&t, &key, &secret, None).sts.get_caller_identity().send().await.unwrap();
    assert_eq!(alice.arn(), Some("arn:aws:iam::123456789012:user/alice"));
    let stored = t.clients("us-east-1").iam.get_user().user_name("alice").send().await.unwrap();
    assert_eq!(alice.user_id(), Some(stored.user().unwrap().user_id()));
}

#[tokio::test]
async fn assume_role_returns_credentials_of_the_assumed_role() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    c.iam
        .create_role()
        .role_name("Analyst")
        .assume_role_policy_document(ACCOUNT_TRUST)
        .max_session_duration(7200)
        .send()
        .await
        .unwrap();
    let (key, secret) = user_with_key(&t, "alice").await;
    let alice = clients_as(&t, &key, &secret, None);
    let out = alice
        .sts
        .assume_role()
        .role_arn("arn:aws:iam::123456789012:role/Analyst")
        .role_session_name("alice-session")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap();
    let creds = out.credentials().unwrap();
    assert!(creds.access_key_id().starts_with("ASIA") && creds.access_key_id().len() == 20, "{creds:?}");
    assert_eq!(creds.secret_access_key().len(), 40);
    assert!(!creds.session_token().is_empty());
    assert_eq!(creds.expiration().secs() * 1000, test_support::emulator::T0_MS / 1000 * 1000 + 7_200_000);
    let user = out.assumed_role_user().unwrap();
    assert_eq!(user.arn(), "arn:aws:sts::123456789012:assumed-role/Analyst/alice-session");
    assert!(user.assumed_role_id().starts_with("AROA") && user.assumed_role_id().ends_with(":alice-session"));
    // The credentials name the session, everywhere.
    let session = clients_as(&t, creds.access_key_id(), creds.secret_access_key(), Some(creds.session_token()));
    let me = session.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:sts::123456789012:assumed-role/Analyst/alice-session"));
    assert_eq!(me.user_id(), Some(user.assumed_role_id()));
    // The role remembers its last use.
    let role = c.iam.get_role().role_name("Analyst").send().await.unwrap();
    assert_eq!(role.role().unwrap().role_last_used().unwrap().region(), Some("us-east-1"));
}

#[tokio::test]
async fn assume_role_refusals_are_sts_errors() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    let bedrock_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    c.iam.create_role().role_name("BedrockLoggingRole").assume_role_policy_document(bedrock_only).send().await.unwrap();
    c.iam.create_role().role_name("Open").assume_role_policy_document(ACCOUNT_TRUST).send().await.unwrap();
    let assume = |role: &str, session: &str, duration: Option<i32>| {
        c.sts
            .assume_role()
            .role_arn(format!("arn:aws:iam::123456789012:role/{role}"))
            .role_session_name(session)
            .set_duration_seconds(duration)
            .send()
    };
    // A role that trusts only Bedrock, and a role that does not exist.
    let err = assume("BedrockLoggingRole", "s1", None).await.unwrap_err();
    assert_eq!(err.as_service_error().and_then(|e| aws_sdk_sts::error::ProvideErrorMetadata::code(e)), Some("AccessDenied"));
    let message = aws_sdk_sts::error::ProvideErrorMetadata::message(err.as_service_error().unwrap()).unwrap().to_owned();
    assert_eq!(
        message,
        format!(
            "User: {PRINCIPAL_ARN} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/BedrockLoggingRole"
        )
    );
    assert_eq!(error_code(assume("Missing", "s1", None).await), "AccessDenied");
    // The test key is a role session: one hour at most (role chaining).
    let err = assume("Open", "s1", Some(3601)).await.unwrap_err();
    let meta = err.as_service_error().unwrap();
    assert_eq!(aws_sdk_sts::error::ProvideErrorMetadata::code(meta), Some("ValidationError"));
    assert!(aws_sdk_sts::error::ProvideErrorMetadata::message(meta).unwrap().contains("role chaining"));
    // The model's constraints: DurationSeconds ≥ 900, RoleSessionName's length and pattern.
    assert_eq!(error_code(assume("Open", "s", None).await), "ValidationError");
    let err = error_code(assume("Open", "s1", Some(100)).await);
    assert_eq!(err, "ValidationError");
    let err = assume("Open", "bad name!", None).await.unwrap_err();
    let text = aws_sdk_sts::error::ProvideErrorMetadata::message(err.as_service_error().unwrap()).unwrap().to_owned();
    assert!(text.contains("at 'roleSessionName' failed to satisfy constraint"), "{text}");
    // Beyond the role's maximum, for a caller that is not a role session.
    let alice = {
        c.iam.create_user().user_name("alice").send().await.unwrap();
        let k = c.iam.create_access_key().user_name("alice").send().await.unwrap();
        let k = k.access_key().unwrap();
        clients_as(&t, k.access_key_id(), k.secret_access_key(), None)
    };
    let err = alice
        .sts
        .assume_role()
        .role_arn("arn:aws:iam::123456789012:role/Open")
        .role_session_name("s1")
        .duration_seconds(7200)
        .send()
        .await
        .unwrap_err();
    let text = aws_sdk_sts::error::ProvideErrorMetadata::message(err.as_service_error().unwrap()).unwrap().to_owned();
    assert_eq!(text, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
}

#[tokio::test]
async fn session_tokens_and_their_expiry() {
    let t = TestEmulator::start().await;
    let c = t.clients("us-east-1");
    // A role session may not ask for a session token.
    assert_eq!(error_code(c.sts.get_session_token().send().await), "AccessDenied");
    c.iam.create_user().user_name("bob").send().await.unwrap();
    let k = c.iam.create_access_key().user_name("bob").send().await.unwrap();
    let k = k.access_key().unwrap();
    let bob = clients_as(&t, k.access_key_id(), k.secret_access_key(), None);
    let token = bob.sts.get_session_token().duration_seconds(900).send().await.unwrap();
    let creds = token.credentials().unwrap();
    assert!(creds.access_key_id().starts_with("ASIA"));
    let session = clients_as(&t, creds.access_key_id(), creds.secret_access_key(), Some(creds.session_token()));
    let me = session.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/bob"));
    // 900 s later the credentials are expired, for STS and IAM alike.
    t.clock.advance(900_000);
    let err = session.sts.get_caller_identity().send().await.unwrap_err();
    let meta = err.as_service_error().unwrap();
    assert_eq!(aws_sdk_sts::error::ProvideErrorMetadata::code(meta), Some("ExpiredToken"));
    assert_eq!(
        aws_sdk_sts::error::ProvideErrorMetadata::message(meta),
        Some("The security token included in the request is expired")
    );
    assert_eq!(error_code(session.iam.list_roles().send().await), "ExpiredToken");
    // The long-term key still works.
    assert!(bob.sts.get_caller_identity().send().await.is_ok());
}
