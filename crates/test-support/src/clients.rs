//! SDK clients for an endpoint: one `SdkConfig` (region, static credentials, endpoint URL) and
//! every service's client built from it with `Client::new`, as an application builds them.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

/// An `SdkConfig` for `url`, signing for `region` with static credentials.
pub fn sdk_config(url: &str, region: &str, access_key: &str, secret_key: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            access_key,
            secret_key,
            None,
            None,
            "test-support",
        )))
        .endpoint_url(url)
        .build()
}

/// The clients of every service the emulator serves.
#[derive(Debug, Clone)]
pub struct Clients {
    /// Bedrock runtime.
    pub runtime: aws_sdk_bedrockruntime::Client,
    /// The Bedrock control plane.
    pub bedrock: aws_sdk_bedrock::Client,
    /// CloudWatch Logs.
    pub logs: aws_sdk_cloudwatchlogs::Client,
}

impl Clients {
    /// Every client from one configuration.
    pub fn new(sdk: &SdkConfig) -> Self {
        Self {
            runtime: aws_sdk_bedrockruntime::Client::new(sdk),
            bedrock: aws_sdk_bedrock::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
        }
    }
}
