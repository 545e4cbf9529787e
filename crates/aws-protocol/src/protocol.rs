//! The AWS wire protocols the emulator speaks, and what each one puts in a response's
//! `Content-Type`.

use std::fmt;

/// An AWS wire protocol (the botocore model's `protocols` entries, in Smithy's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `rest-json`: Bedrock runtime and control plane. Path and method name the operation.
    RestJson1,
    /// `json` with `jsonVersion` 1.0: CloudWatch (botocore, aws-cli, JS v3).
    AwsJson1_0,
    /// `json` with `jsonVersion` 1.1: CloudWatch Logs, Athena.
    AwsJson1_1,
    /// `query`: STS, IAM, SNS, CloudWatch (older SDKs). Form body `Action=...&Version=...`.
    AwsQuery,
    /// `rest-xml`: S3.
    RestXml,
    /// `smithy-rpc-v2-cbor`: CloudWatch (aws-sdk-rust, Go v2).
    RpcV2Cbor,
}

impl Protocol {
    /// Every protocol, for tables and tests.
    pub const ALL: [Protocol; 6] = [
        Protocol::RestJson1,
        Protocol::AwsJson1_0,
        Protocol::AwsJson1_1,
        Protocol::AwsQuery,
        Protocol::RestXml,
        Protocol::RpcV2Cbor,
    ];

    /// The `Content-Type` of a response body in this protocol.
    pub fn content_type(self) -> &'static str {
        match self {
            Protocol::RestJson1 => "application/json",
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
            Protocol::AwsQuery => "text/xml",
            Protocol::RestXml => "application/xml",
            Protocol::RpcV2Cbor => "application/cbor",
        }
    }

    /// The name in botocore's `metadata.protocols` (`rest-json`, `json`, `query`, ...).
    pub fn botocore_name(self) -> &'static str {
        match self {
            Protocol::RestJson1 => "rest-json",
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => "json",
            Protocol::AwsQuery => "query",
            Protocol::RestXml => "rest-xml",
            Protocol::RpcV2Cbor => "smithy-rpc-v2-cbor",
        }
    }

    /// `true` for the protocols whose operation is named by method and path.
    pub fn is_rest(self) -> bool {
        matches!(self, Protocol::RestJson1 | Protocol::RestXml)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::RestJson1 => "restJson1",
            Protocol::AwsJson1_0 => "awsJson1_0",
            Protocol::AwsJson1_1 => "awsJson1_1",
            Protocol::AwsQuery => "awsQuery",
            Protocol::RestXml => "restXml",
            Protocol::RpcV2Cbor => "rpcv2Cbor",
        })
    }
}
