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
