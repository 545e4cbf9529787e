//! What the integration tests share beyond test-support: the model they call most and the
//! helpers bound to the test-support defaults (one access key, one principal).

pub(crate) use test_support::emulator::{ACCESS_KEY, PRINCIPAL_ARN, SECRET_KEY, T0_MS};
pub(crate) use test_support::raw_http::scope_authorization;
pub(crate) use test_support::tools::{PyTool, py_tool};
pub(crate) use test_support::{RawResponse, TestEmulator, raw};

/// The Claude 3 Haiku model id (on-demand).
pub(crate) const HAIKU: &str = "anthropic.claude-3-haiku-20240307-v1:0";

/// A Converse request over raw HTTP, signed-looking (credential scope only) for `us-east-1`.
pub(crate) async fn raw_converse(url: &str, model_id_encoded: &str, body: impl Into<bytes::Bytes>) -> RawResponse {
    let auth = scope_authorization(ACCESS_KEY, "us-east-1", "bedrock");
    raw(
        url,
        "POST",
        &format!("/model/{model_id_encoded}/converse"),
        &[("content-type", "application/json"), ("authorization", &auth)],
        body,
    )
    .await
}

/// Runs a Python client tool against `url` with the test credentials; returns (status, stdout,
/// stderr).
pub(crate) fn run_py_tool(path: &std::path::Path, url: &str, args: &[&str]) -> (i32, String, String) {
    test_support::tools::run_py_tool(path, url, ACCESS_KEY, SECRET_KEY, args)
}

/// Every client, signing with `access_key`/`secret_key` (and `session_token`, for STS
/// credentials) for us-east-1.
pub(crate) fn clients_as(
    t: &TestEmulator,
    access_key: &str,
    secret_key: &str,
    session_token: Option<&str>,
) -> test_support::Clients {
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            access_key,
            secret_key,
            session_token.map(str::to_owned),
            None,
            "integration-tests",
        )))
        .endpoint_url(t.url())
        .build();
    test_support::Clients::new(&sdk)
}

/// The error code of an SDK error (`NoSuchEntity`, `AccessDenied`...), or a description of what
/// came back instead.
pub(crate) fn error_code<E, R>(result: Result<R, aws_sdk_iam::error::SdkError<E>>) -> String
where
    E: aws_sdk_iam::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match result {
        Ok(ok) => format!("no error: {ok:?}"),
        Err(err) => err.as_service_error().and_then(|e| e.code()).map_or_else(|| format!("{err:?}"), str::to_owned),
    }
}

/// A trust policy letting the emulated account's principals assume a role.
pub(crate) const ACCOUNT_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}"#;

/// The Sum of an `AWS/Bedrock` metric of `model` over the test's hour and the next (`None` when
/// nothing was published), through aws-sdk-rust's GetMetricStatistics.
pub(crate) async fn bedrock_metric_sum(t: &TestEmulator, name: &str, model: &str) -> Option<f64> {
    use aws_sdk_cloudwatch::primitives::DateTime;
    use aws_sdk_cloudwatch::types::{Dimension, Statistic};
    let hour = t.options.t0_ms / 3_600_000 * 3_600_000;
    t.clients("us-east-1")
        .cloudwatch
        .get_metric_statistics()
        .namespace("AWS/Bedrock")
        .metric_name(name)
        .dimensions(Dimension::builder().name("ModelId").value(model).build())
        .start_time(DateTime::from_millis(hour))
        .end_time(DateTime::from_millis(hour + 2 * 3_600_000))
        .period(3600)
        .statistics(Statistic::Sum)
        .send()
        .await
        .unwrap()
        .datapoints()
        .iter()
        .filter_map(|d| d.sum())
        .reduce(|a, b| a + b)
}
