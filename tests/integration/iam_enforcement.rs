//! `--enforce-iam` through aws-sdk-rust: seed 000's policy 4-1 denied on a `us.` profile call
//! (its resource names neither the profile nor the model) and allowed once corrected, with no
//! record written for the denial and the denial explained at `/_emulator/iam/denials`; policy
//! 4-2 on its log group and another; the seed's logging role passing Bedrock's checks and roles
//! without the trust or the permissions failing with Bedrock's message; a delivery dropped when
//! the role changes after the PUT; S3 under a bucket policy; AssumeRole under a trust policy;
//! SigV4 failures per protocol (unknown keys, wrong secrets, session tokens, expiry, clock skew);
//! soft enforcement letting a denied call through.

use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};
use bedrock_emulator::Enforcement;

use crate::support::{TestEmulator, clients_as, raw};

const ACCOUNT: &str = "123456789012";
const SONNET_PROFILE: &str = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const GROUP: &str = "/aws/bedrock/modelinvocations";

/// Seed 000's policy 4-1, verbatim.
const POLICY_4_1: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream"
      ],
      "Resource": "arn:aws:bedrock:*::foundation-model/us.anthropic.claude-sonnet-4-5-*"
    }
  ]
}"#;

/// 4-1 corrected: the profile's ARN and the foundation model's, in every region.
const POLICY_4_1_FIXED: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
      "Resource": [
        "arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-sonnet-4-5-*",
        "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-*"
      ]
    }
  ]
}"#;

/// Seed 000's policy 4-2, verbatim.
const POLICY_4_2: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "logs:DescribeLogGroups",
        "logs:DescribeLogStreams",
        "logs:GetLogEvents",
        "logs:FilterLogEvents",
        "logs:StartQuery",
        "logs:GetQueryResults"
      ],
      "Resource": "arn:aws:logs:*:*:log-group:/aws/bedrock/modelinvocations:*"
    }
  ]
}"#;

/// The trust policy of the seed's `create-bedrock-logging-role.sh` (us-east-1).
const BEDROCK_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:bedrock:us-east-1:123456789012:*"}}}]}"#;
/// Its CloudWatch Logs policy.
const BEDROCK_LOGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/aws/bedrock/modelinvocations:*"}]}"#;

fn user_message(text: &str) -> Message {
    Message::builder().role(ConversationRole::User).content(ContentBlock::Text(text.to_owned())).build().unwrap()
}

/// The code and message of an SDK error.
fn failure<E: aws_sdk_iam::error::ProvideErrorMetadata, R: std::fmt::Debug>(
    result: Result<R, aws_sdk_iam::error::SdkError<E>>,
) -> (String, String) {
    match result {
        Ok(ok) => panic!("expected an error, got {ok:?}"),
        Err(err) => {
            let meta = aws_sdk_iam::error::ProvideErrorMetadata::meta(&err);
            (meta.code().unwrap_or("?").to_owned(), meta.message().unwrap_or("").to_owned())
        }
    }
}

/// Creates user `name` with an inline policy (when given) and an access key, as the root.
async fn user_with_policy(t: &TestEmulator, name: &str, policy: Option<&str>) -> (String, String) {
    let iam = t.clients("us-east-1").iam;
    iam.create_user().user_name(name).send().await.unwrap();
    if let Some(policy) = policy {
        iam.put_user_policy().user_name(name).policy_name("app").policy_document(policy).send().await.unwrap();
    }
    let key = iam.create_access_key().user_name(name).send().await.unwrap();
    let key = key.access_key().unwrap();
    (key.access_key_id().to_owned(), key.secret_access_key().to_owned())
}

async fn denials(t: &TestEmulator) -> serde_json::Value {
    raw(&t.url(), "GET", "/_emulator/iam/denials", &[], "").await.json()
}

#[tokio::test]
async fn seed_policy_4_1_is_denied_on_a_profile_call_and_the_corrected_policy_allowed() {
    let t = TestEmulator::start_enforcing(Enforcement::Strict).await;
    let (key, secret) = user_with_policy(&t, "app", Some(POLICY_4_1)).await;
    let app = clients_as(&t, &key, &secret, None);
    let records_before = t.records(GROUP).len();
    let denied = app.runtime.converse().model_id(SONNET_PROFILE).messages(user_message("hi")).send().await;
    let (code, message) = failure(denied);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::{ACCOUNT}:user/app is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{SONNET_PROFILE} because no identity-based policy allows the bedrock:InvokeModel action"
        )
    );
    assert_eq!(t.records(GROUP).len(), records_before, "a denied call writes no record");
    let listed = denials(&t).await;
    let last = listed["denials"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "bedrock:InvokeModel");
    assert_eq!(last["reason"], "NoIdentityAllow");
    assert_eq!(last["statements"][0]["resource"], false, "{last}");
    assert!(last["statements"][0]["reason"].as_str().unwrap().contains("Resource does not cover"), "{last}");

    // A policy naming the profile only still fails, on the model the profile routes to.
    let profile_only = POLICY_4_1.replace(
        "arn:aws:bedrock:*::foundation-model/us.anthropic.claude-sonnet-4-5-*",
        "arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-sonnet-4-5-*",
    );
    let iam = t.clients("us-east-1").iam;
    iam.put_user_policy().user_name("app").policy_name("app").policy_document(profile_only).send().await.unwrap();
    let (_, message) = failure(app.runtime.converse().model_id(SONNET_PROFILE).messages(user_message("hi")).send().await);
    assert!(
        message.contains(
            "on resource: arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0 because"
        ),
        "{message}"
    );

    iam.put_user_policy().user_name("app").policy_name("app").policy_document(POLICY_4_1_FIXED).send().await.unwrap();
    let out = app.runtime.converse().model_id(SONNET_PROFILE).messages(user_message("hi")).send().await.unwrap();
    assert!(out.usage().is_some());
    let records = t.records(GROUP);
    assert_eq!(records.len(), records_before + 1);
    assert_eq!(records.last().unwrap()["identity"]["arn"], format!("arn:aws:iam::{ACCOUNT}:user/app"));
    // The stream is its own action: the corrected policy grants it too; CountTokens is not granted.
    let stream = app.runtime.converse_stream().model_id(SONNET_PROFILE).messages(user_message("hi")).send().await;
    assert!(stream.is_ok(), "{stream:?}");
    let (code, message) = failure(
        app.runtime
            .count_tokens()
            .model_id("anthropic.claude-3-haiku-20240307-v1:0")
            .input(aws_sdk_bedrockruntime::types::CountTokensInput::Converse(
                aws_sdk_bedrockruntime::types::ConverseTokensRequest::builder().messages(user_message("hi")).build(),
            ))
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");
    assert!(
        message.contains("bedrock:CountTokens on resource: arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku")
    );
}

#[tokio::test]
async fn seed_policy_4_2_lets_start_query_on_the_bedrock_group_only() {
    let t = TestEmulator::start_enforcing(Enforcement::Strict).await;
    let root = t.clients("us-east-1");
    root.logs.create_log_group().log_group_name("/app/other").send().await.unwrap();
    let (key, secret) = user_with_policy(&t, "analyst", Some(POLICY_4_2)).await;
    let analyst = clients_as(&t, &key, &secret, None);
    let now = t.options.t0_ms / 1000;
    let query = |group: &'static str| {
        analyst
            .logs
            .start_query()
            .log_group_name(group)
            .start_time(now - 3600)
            .end_time(now)
            .query_string("stats count(*)")
            .send()
    };
    let started = query(GROUP).await.unwrap();
    assert!(started.query_id().is_some());
    // GetQueryResults has no resource type: 4-2's group-scoped statement does not cover it (as
    // on AWS); a statement on "*" does.
    let results = || analyst.logs.get_query_results().query_id(started.query_id().unwrap()).send();
    let (code, message) = failure(results().await);
    assert_eq!(code, "AccessDeniedException");
    assert!(
        message.contains(&format!(
            "logs:GetQueryResults on resource: arn:aws:logs:us-east-1:{ACCOUNT}:log-group::log-stream: because"
        )),
        "{message}"
    );
    let results_policy =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:GetQueryResults","Resource":"*"}]}"#;
    let root_iam = t.clients("us-east-1").iam;
    root_iam.put_user_policy().user_name("analyst").policy_name("results").policy_document(results_policy).send().await.unwrap();
    results().await.unwrap();
    let (code, message) = failure(query("/app/other").await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::{ACCOUNT}:user/analyst is not authorized to perform: logs:StartQuery on resource: arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/app/other:* because no identity-based policy allows the logs:StartQuery action"
        )
    );
    // 4-2 does not allow writing.
    let (code, _) = failure(analyst.logs.create_log_group().log_group_name("/mine").send().await);
    assert_eq!(code, "AccessDeniedException");
}

#[tokio::test]
async fn the_seed_logging_role_passes_bedrocks_checks_and_broken_roles_fail() {
    let t = TestEmulator::start_enforcing(Enforcement::Strict).await;
    let root = t.clients("us-east-1");
    let put = |role: &str| {
        let cw = aws_sdk_bedrock::types::CloudWatchConfig::builder()
            .log_group_name(GROUP)
            .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/{role}"))
            .build()
            .unwrap();
        let cfg =
            aws_sdk_bedrock::types::LoggingConfig::builder().cloud_watch_config(cw).text_data_delivery_enabled(true).build();
        root.bedrock.put_model_invocation_logging_configuration().logging_config(cfg).send()
    };
    let expected = |role: &str| {
        format!(
            "Failed to validate permissions for log group: {GROUP}, with role: arn:aws:iam::{ACCOUNT}:role/{role}. Verify the IAM role permissions are correct."
        )
    };
    // The role does not exist yet.
    assert_eq!(failure(put("BedrockLoggingRole").await), ("ValidationException".to_owned(), expected("BedrockLoggingRole")));
    // The seed's script: the role, its trust and logs policy, the group.
    root.iam.create_role().role_name("BedrockLoggingRole").assume_role_policy_document(BEDROCK_TRUST).send().await.unwrap();
    root.iam
        .put_role_policy()
        .role_name("BedrockLoggingRole")
        .policy_name("BedrockCloudWatchLogsPolicy")
        .policy_document(BEDROCK_LOGS)
        .send()
        .await
        .unwrap();
    // The group does not exist yet (a fresh data directory has the default group: delete it).
    let _ = root.logs.delete_log_group().log_group_name(GROUP).send().await;
    assert_eq!(failure(put("BedrockLoggingRole").await).1, expected("BedrockLoggingRole"));
    root.logs.create_log_group().log_group_name(GROUP).send().await.unwrap();
    put("BedrockLoggingRole").await.unwrap();

    // A role trusting another service.
    let ec2_trust = BEDROCK_TRUST.replace("bedrock.amazonaws.com", "ec2.amazonaws.com");
    root.iam.create_role().role_name("NoTrust").assume_role_policy_document(ec2_trust).send().await.unwrap();
    root.iam.put_role_policy().role_name("NoTrust").policy_name("logs").policy_document(BEDROCK_LOGS).send().await.unwrap();
    assert_eq!(failure(put("NoTrust").await).1, expected("NoTrust"));
    // A role trusting Bedrock for another account.
    let other_account = BEDROCK_TRUST.replace("\"aws:SourceAccount\":\"123456789012\"", "\"aws:SourceAccount\":\"999999999999\"");
    root.iam.create_role().role_name("OtherAccount").assume_role_policy_document(other_account).send().await.unwrap();
    root.iam.put_role_policy().role_name("OtherAccount").policy_name("logs").policy_document(BEDROCK_LOGS).send().await.unwrap();
    assert_eq!(failure(put("OtherAccount").await).1, expected("OtherAccount"));
    // A role without the log permissions.
    root.iam.create_role().role_name("NoLogs").assume_role_policy_document(BEDROCK_TRUST).send().await.unwrap();
    assert_eq!(failure(put("NoLogs").await).1, expected("NoLogs"));
    let denied = raw(&t.url(), "GET", "/_emulator/deliveries", &[], "").await.json();
    assert_eq!(denied["cloudWatch"]["dropped"], 0);

    // Back to the seed's role; a call is delivered; then the role loses its policy: the next
    // call succeeds and its record is dropped, as AWS's delivery fails.
    put("BedrockLoggingRole").await.unwrap();
    let ask = || root.runtime.converse().model_id("anthropic.claude-3-haiku-20240307-v1:0").messages(user_message("hi")).send();
    ask().await.unwrap();
    let delivered = t.records(GROUP).len();
    root.iam
        .delete_role_policy()
        .role_name("BedrockLoggingRole")
        .policy_name("BedrockCloudWatchLogsPolicy")
        .send()
        .await
        .unwrap();
    ask().await.unwrap();
    assert_eq!(t.records(GROUP).len(), delivered, "the record of a call after the role changed is dropped");
    let report = raw(&t.url(), "GET", "/_emulator/deliveries", &[], "").await.json();
    assert_eq!(report["cloudWatch"]["dropped"], 1, "{report}");
    assert!(report["dropped"][0]["reason"].as_str().unwrap().contains("does not allow logs:PutLogEvents"), "{report}");
}

#[tokio::test]
async fn s3_delivery_needs_a_bucket_policy_for_bedrock() {
    let t = TestEmulator::start_enforcing(Enforcement::Strict).await;
    let root = t.clients("us-east-1");
    let put = |bucket: &str| {
        let s3 = aws_sdk_bedrock::types::S3Config::builder().bucket_name(bucket).key_prefix("bedrock-logs").build().unwrap();
        let cfg = aws_sdk_bedrock::types::LoggingConfig::builder().s3_config(s3).text_data_delivery_enabled(true).build();
        root.bedrock.put_model_invocation_logging_configuration().logging_config(cfg).send()
    };
    let (code, message) = failure(put("my-bedrock-logs-bucket").await);
    assert_eq!(
        (code.as_str(), message.starts_with("Failed to validate permissions for bucket: my-bedrock-logs-bucket.")),
        ("ValidationException", true),
        "{message}"
    );
    root.s3.create_bucket().bucket("my-bedrock-logs-bucket").send().await.unwrap();
    assert!(failure(put("my-bedrock-logs-bucket").await).1.starts_with("Failed to validate permissions for bucket"));
    // The seed's setup-s3-bucket-for-bedrock.sh policy.
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AmazonBedrockLogsWrite","Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::my-bedrock-logs-bucket/bedrock-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/*","Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnLike":{"aws:SourceArn":"arn:aws:bedrock:us-east-1:123456789012:*"}}}]}"#;
    root.s3.put_bucket_policy().bucket("my-bedrock-logs-bucket").policy(policy).send().await.unwrap();
    put("my-bedrock-logs-bucket").await.unwrap();
    // A user named by the bucket policy reads without an identity policy; another does not.
    let (key, secret) = user_with_policy(&t, "reader", None).await;
    let reader = clients_as(&t, &key, &secret, None);
    let marker = "bedrock-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check";
    let (code, message) = failure(reader.s3.get_object().bucket("my-bedrock-logs-bucket").key(marker).send().await);
    assert_eq!(code, "AccessDenied");
    assert!(
        message.contains(&format!("s3:GetObject on resource: \"arn:aws:s3:::my-bedrock-logs-bucket/{marker}\"")),
        "{message}"
    );
    let with_reader = policy.replace(
        "]}",
        r#",{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bedrock-logs-bucket/*"}]}"#,
    );
    root.s3.put_bucket_policy().bucket("my-bedrock-logs-bucket").policy(with_reader).send().await.unwrap();
    reader.s3.get_object().bucket("my-bedrock-logs-bucket").key(marker).send().await.unwrap();
    // Chunked uploads (the SDK's aws-chunked body with its trailing checksum) verify.
    root.s3
        .put_object()
        .bucket("my-bedrock-logs-bucket")
        .key("notes/a.txt")
        .body(aws_sdk_s3::primitives::ByteStream::from(vec![b'x'; 70_000]))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn assume_role_follows_the_trust_policy_and_session_credentials_are_checked() {
    let t = TestEmulator::start_enforcing(Enforcement::Strict).await;
    let root = t.clients("us-east-1");
    let (key, secret) = user_with_policy(&t, "ci", None).await;
    let ci = clients_as(&t, &key, &secret, None);
    let trust_ci = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/ci"},"Action":"sts:AssumeRole"}]}"#;
    let trust_account = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;
    root.iam.create_role().role_name("Named").assume_role_policy_document(trust_ci).send().await.unwrap();
    root.iam.create_role().role_name("Account").assume_role_policy_document(trust_account).send().await.unwrap();
    root.iam
        .put_role_policy()
        .role_name("Named")
        .policy_name("invoke")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let assume = |role: &str| {
        ci.sts.assume_role().role_arn(format!("arn:aws:iam::{ACCOUNT}:role/{role}")).role_session_name("ci-run").send()
    };
    // Named in the trust policy: no identity policy needed. Trusting the account: it is.
    let creds = assume("Named").await.unwrap().credentials().unwrap().clone();
    let (code, message) = failure(assume("Account").await);
    assert_eq!(code, "AccessDenied");
    assert!(message.starts_with(&format!("User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{ACCOUNT}:role/Account")), "{message}");
    // The session works with its token, and is the role's.
    let session = clients_as(&t, creds.access_key_id(), creds.secret_access_key(), Some(creds.session_token()));
    let me = session.sts.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some(format!("arn:aws:sts::{ACCOUNT}:assumed-role/Named/ci-run").as_str()));
    session
        .runtime
        .converse()
        .model_id("anthropic.claude-3-haiku-20240307-v1:0")
        .messages(user_message("hi"))
        .send()
        .await
        .unwrap();
    // Without its token, or with another one: refused.
    let tokenless = clients_as(&t, creds.access_key_id(), creds.secret_access_key(), None);
    assert_eq!(failure(tokenless.sts.get_caller_identity().send().await).0, "InvalidClientTokenId");
    let wrong = clients_as(&t, creds.access_key_id(), creds.secret_access_key(), Some("IQoJb3JpZ2luX2VjEnotthetoken"));
    assert_eq!(
        failure(
            wrong.runtime.converse().model_id("anthropic.claude-3-haiku-20240307-v1:0").messages(user_message("hi")).send().await
        )
        .0,
        "UnrecognizedClientException"
    );
    // An hour and a minute later the session has expired (the emulator's clock moves; the
    // signature's time would be skewed too, so the clients sign at the emulator's time).
    t.clock.advance(3_660_000);
    let later = clients_at(
        &t,
        creds.access_key_id(),
        creds.secret_access_key(),
        Some(creds.session_token()),
        t.options.t0_ms + 3_660_000,
    );
    assert_eq!(failure(later.sts.get_caller_identity().send().await).0, "ExpiredToken");
    assert_eq!(
        failure(
            later.runtime.converse().model_id("anthropic.claude-3-haiku-20240307-v1:0").messages(user_message("hi")).send().await
        )
        .0,
        "ExpiredTokenException"
    );
}

/// Clients signing at `at_ms` (the emulator's clock after it moved), without retries: the SDK
/// retries a skewed request after learning the server's time from its `Date` header, which
/// would hide the first answer.
fn clients_at(t: &TestEmulator, key: &str, secret: &str, token: Option<&str>, at_ms: i64) -> test_support::Clients {
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(at_ms as u64);
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(key, secret, token.map(str::to_owned), None, "t")))
        .time_source(aws_smithy_async::time::StaticTimeSource::new(at))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .endpoint_url(t.url())
        .build();
    test_support::Clients::new(&sdk)
}

#[tokio::test]
async fn signature_failures_in_each_protocol() {
    let t = TestEmulator::start_enforcing(Enforcement::Strict).await;
    let stranger = clients_as(&t, "AKIDNOBODYKNOWS", "secret", None);
    let converse = |c: &test_support::Clients| {
        c.runtime.converse().model_id("anthropic.claude-3-haiku-20240307-v1:0").messages(user_message("hi")).send()
    };
    assert_eq!(failure(converse(&stranger).await).0, "UnrecognizedClientException");
    assert_eq!(failure(stranger.sts.get_caller_identity().send().await).0, "InvalidClientTokenId");
    assert_eq!(failure(stranger.s3.list_buckets().send().await).0, "InvalidAccessKeyId");
    assert_eq!(failure(stranger.logs.describe_log_groups().send().await).0, "UnrecognizedClientException");
    let wrong_secret = clients_as(&t, "test", "not-test", None);
    assert_eq!(failure(converse(&wrong_secret).await).0, "InvalidSignatureException");
    assert_eq!(failure(wrong_secret.iam.list_users().send().await).0, "SignatureDoesNotMatch");
    assert_eq!(failure(wrong_secret.s3.list_buckets().send().await).0, "SignatureDoesNotMatch");
    // CloudWatch is awsQueryCompatible: the SDK reports the awsQuery code.
    assert_eq!(failure(wrong_secret.cloudwatch.list_metrics().send().await).0, "SignatureDoesNotMatch");
    // Twenty minutes of skew against the emulator's clock.
    let skewed = clients_at(&t, "test", "test", None, t.options.t0_ms - 20 * 60_000);
    let (code, message) = failure(converse(&skewed).await);
    assert_eq!(code, "InvalidSignatureException");
    assert!(message.starts_with("Signature expired: "), "{message}");
    assert_eq!(failure(skewed.s3.list_buckets().send().await).0, "RequestTimeTooSkewed");
    // Unsigned requests: Bedrock asks for a token.
    let unsigned = raw(
        &t.url(),
        "POST",
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse",
        &[("content-type", "application/json")],
        "{}",
    )
    .await;
    assert_eq!(
        (
            unsigned.status,
            unsigned.header("x-amzn-errortype").unwrap_or_default().starts_with("MissingAuthenticationTokenException")
        ),
        (403, true)
    );
    // The root's key pair is allowed everything.
    converse(&t.clients("us-east-1")).await.unwrap();
    let listed = denials(&t).await;
    assert!(listed["denials"].as_array().unwrap().iter().any(|d| d["reason"] == "InvalidSignatureException"), "{listed}");
}

#[tokio::test]
async fn soft_enforcement_lets_denied_calls_through_and_lists_them() {
    let t = TestEmulator::start_enforcing(Enforcement::Soft).await;
    let (key, secret) = user_with_policy(&t, "app", Some(POLICY_4_1)).await;
    let app = clients_as(&t, &key, &secret, None);
    app.runtime.converse().model_id(SONNET_PROFILE).messages(user_message("hi")).send().await.unwrap();
    let listed = denials(&t).await;
    assert_eq!(listed["enforcement"], "soft");
    let last = listed["denials"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["letThrough"].as_bool(), last["action"].as_str()), (Some(true), Some("bedrock:InvokeModel")), "{last}");
}

/// The `{"check", "ok", "detail"}` lines a script printed: every one passed, and at least `n`.
fn assert_checks(tool: &str, status: i32, stdout: &str, stderr: &str, at_least: usize) {
    assert_eq!(status, 0, "{tool} failed:\n{stderr}\n{stdout}");
    let checks: Vec<serde_json::Value> =
        stdout.lines().filter(|l| l.starts_with('{')).map(|l| serde_json::from_str(l).unwrap()).collect();
    let failed: Vec<&serde_json::Value> = checks.iter().filter(|c| c["ok"] != true).collect();
    assert!(failed.is_empty(), "{tool}: {} of {} checks failed: {failed:#?}", failed.len(), checks.len());
    assert!(checks.len() >= at_least, "{tool}: only {} checks ran:\n{stdout}\n{stderr}", checks.len());
}

#[tokio::test]
async fn boto3_meets_the_same_policies() {
    use test_support::tools::{PyTool, py_tool, run_py_tool};
    let Some(python) = py_tool(PyTool::Python) else { return };
    let t = TestEmulator::start_enforcing(Enforcement::Strict).await;
    let url = t.url();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/iam_enforcement.py");
    let (status, out, err) =
        tokio::task::spawn_blocking(move || run_py_tool(&python, &url, "test", "test", &[script, &url])).await.unwrap();
    assert_checks("boto3", status, &out, &err, 17);
}

#[tokio::test]
async fn aws_cli_copies_and_presigns_under_enforcement() {
    use test_support::tools::{PyTool, py_tool, run_py_tool};
    let Some(aws) = py_tool(PyTool::AwsCli) else { return };
    let t = TestEmulator::start_enforcing(Enforcement::Strict).await;
    let url = t.url();
    let work = tempfile::tempdir().unwrap();
    let big = work.path().join("big.bin");
    std::fs::write(&big, vec![b'y'; 12 * 1024 * 1024]).unwrap();
    let small = work.path().join("small.txt");
    std::fs::write(&small, b"presigned body").unwrap();
    let (presigned, stranger) = tokio::task::spawn_blocking(move || {
        let ok = |args: &[&str]| {
            let (status, out, err) = run_py_tool(&aws, &url, "test", "test", args);
            assert_eq!(status, 0, "aws {args:?} failed: {err}");
            out
        };
        ok(&["s3", "mb", "s3://cli-enforced"]);
        ok(&["s3", "cp", big.to_str().unwrap(), "s3://cli-enforced/big.bin"]);
        ok(&["s3", "cp", small.to_str().unwrap(), "s3://cli-enforced/small.txt"]);
        let listed = ok(&["s3", "ls", "s3://cli-enforced/"]);
        assert!(listed.contains("big.bin") && listed.contains("12582912"), "{listed}");
        let presigned = ok(&["s3", "presign", "s3://cli-enforced/small.txt", "--expires-in", "300"]);
        let stranger = run_py_tool(&aws, &url, "AKIDNOBODYKNOWS", "x", &["s3", "ls", "s3://cli-enforced/"]);
        (presigned.trim().to_owned(), stranger)
    })
    .await
    .unwrap();
    assert_ne!(stranger.0, 0);
    assert!(stranger.2.contains("InvalidAccessKeyId"), "{}", stranger.2);
    let path = presigned.strip_prefix(&t.url()).expect("a URL on the emulator").to_owned();
    let got = raw(&t.url(), "GET", &path, &[], "").await;
    assert_eq!((got.status, got.text()), (200, "presigned body".to_owned()));
    // The signature names its key: another key under the same signature is refused.
    let moved = raw(&t.url(), "GET", &path.replace("small.txt", "big.bin"), &[], "").await;
    assert_eq!(moved.status, 403);
    assert!(moved.text().contains("<Code>SignatureDoesNotMatch</Code>"), "{}", moved.text());
    // After its expiry (the emulator's clock moved on): "Request has expired".
    t.clock.advance(400_000);
    let expired = raw(&t.url(), "GET", &path, &[], "").await;
    assert_eq!(expired.status, 403);
    assert!(expired.text().contains("Request has expired"), "{}", expired.text());
}
