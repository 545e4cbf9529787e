//! SDK clients for an endpoint: one `SdkConfig` (region, static credentials, endpoint URL) and
//! every service's client built from it with `Client::new`, as an application builds them; and
//! an S3 client in the SDK's default virtual-hosted style (`http://<bucket>.localhost:<port>/`),
//! whose `*.localhost` names a resolver sends to the loopback address (the system resolver here
//! does not).

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

/// An `SdkConfig` for `url`, signing for `region` with static credentials.
pub fn sdk_config(url: &str, region: &str, access_key: &str, secret_key: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_owned()))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            access_key, secret_key, None, None, "test-support",
        )))
        .endpoint_url(url)
        .build()
}

/// Resolves `localhost` and every `*.localhost` name to 127.0.0.1, as RFC 6761 reserves them.
#[derive(Debug, Clone, Copy)]
struct LoopbackResolver;

impl aws_smithy_runtime_api::client::dns::ResolveDns for LoopbackResolver {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> aws_smithy_runtime_api::client::dns::DnsFuture<'a> {
        use aws_smithy_runtime_api::client::dns::{DnsFuture, ResolveDnsError};
        let loopback = name == "localhost" || name.ends_with(".localhost");
        DnsFuture::ready(if loopback {
            Ok(vec![std::net::IpAddr::from([127, 0, 0, 1])])
        } else {
            Err(ResolveDnsError::new(format!("{name} is not a loopback name")))
        })
    }
}

/// An S3 client addressing buckets as `<bucket>.localhost` (the SDK's default style), for an
/// endpoint URL `http://localhost:<port>`.
pub fn s3_virtual_hosted(sdk: &SdkConfig) -> aws_sdk_s3::Client {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
        .build_with_resolver(LoopbackResolver);
    aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(sdk).http_client(http).build())
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
    /// CloudWatch (metrics, alarms, dashboards): Smithy RPC v2 CBOR.
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// STS (awsQuery).
    pub sts: aws_sdk_sts::Client,
    /// IAM (awsQuery).
    pub iam: aws_sdk_iam::Client,
    /// SNS (awsQuery).
    pub sns: aws_sdk_sns::Client,
    /// S3 (restXml), path-style (`http://127.0.0.1:port/bucket/key`).
    pub s3: aws_sdk_s3::Client,
}

impl Clients {
    /// Every client from one configuration.
    pub fn new(sdk: &SdkConfig) -> Self {
        Self {
            runtime: aws_sdk_bedrockruntime::Client::new(sdk),
            bedrock: aws_sdk_bedrock::Client::new(sdk),
            logs: aws_sdk_cloudwatchlogs::Client::new(sdk),
            cloudwatch: aws_sdk_cloudwatch::Client::new(sdk),
            sts: aws_sdk_sts::Client::new(sdk),
            iam: aws_sdk_iam::Client::new(sdk),
            sns: aws_sdk_sns::Client::new(sdk),
            s3: aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(sdk).force_path_style(true).build()),
        }
    }
}
