//! The nine AWS services the emulator serves on one port, with the metadata of their official
//! models (`metadata` of `../shared/reference/aws-models/*.service-2.json`; checked against the models
//! by a test when they are present).

use std::fmt;

use crate::protocol::Protocol;

/// One emulated AWS service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceId {
    /// Amazon Bedrock Runtime (restJson1, signs as `bedrock`).
    BedrockRuntime,
    /// Amazon Bedrock, the control plane (restJson1, signs as `bedrock`).
    Bedrock,
    /// Amazon CloudWatch Logs (awsJson1.1).
    Logs,
    /// Amazon S3 (restXml).
    S3,
    /// AWS Identity and Access Management (awsQuery).
    Iam,
    /// AWS Security Token Service (awsQuery).
    Sts,
    /// Amazon CloudWatch (RPC v2 CBOR, awsJson1.0, awsQuery; awsQueryCompatible).
    CloudWatch,
    /// Amazon Athena (awsJson1.1).
    Athena,
    /// Amazon Simple Notification Service (awsQuery).
    Sns,
}

/// The Coral namespace of Bedrock's modelled errors in `x-amzn-ErrorType`.
pub const BEDROCK_CORAL_NAMESPACE: &str = "com.amazon.bedrock";

/// The Coral namespace of framework errors (`SerializationException`, `UnknownOperationException`).
pub const CORAL_FRAMEWORK_NAMESPACE: &str = "com.amazon.coral.service";

/// S3's XML namespace (the model puts it on shapes, not in `metadata`).
pub const S3_XML_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

impl ServiceId {
    /// Every service, in the order of the operation tables.
    pub const ALL: [ServiceId; 9] = [
        ServiceId::BedrockRuntime,
        ServiceId::Bedrock,
        ServiceId::Logs,
        ServiceId::S3,
        ServiceId::Iam,
        ServiceId::Sts,
        ServiceId::CloudWatch,
        ServiceId::Athena,
        ServiceId::Sns,
    ];

    /// The model file's stem: `<stem>.service-2.json`, also the service's key in the tables.
    pub fn model_stem(self) -> &'static str {
        match self {
            ServiceId::BedrockRuntime => "bedrock-runtime",
            ServiceId::Bedrock => "bedrock",
            ServiceId::Logs => "logs",
            ServiceId::S3 => "s3",
            ServiceId::Iam => "iam",
            ServiceId::Sts => "sts",
            ServiceId::CloudWatch => "cloudwatch",
            ServiceId::Athena => "athena",
            ServiceId::Sns => "sns",
        }
    }

    /// The service for a model stem.
    pub fn from_model_stem(stem: &str) -> Option<ServiceId> {
        ServiceId::ALL.into_iter().find(|s| s.model_stem() == stem)
    }

    /// `metadata.serviceId` (`Bedrock Runtime`, `CloudWatch Logs`).
    pub fn model_service_id(self) -> &'static str {
        match self {
            ServiceId::BedrockRuntime => "Bedrock Runtime",
            ServiceId::Bedrock => "Bedrock",
            ServiceId::Logs => "CloudWatch Logs",
            ServiceId::S3 => "S3",
            ServiceId::Iam => "IAM",
            ServiceId::Sts => "STS",
            ServiceId::CloudWatch => "CloudWatch",
            ServiceId::Athena => "Athena",
            ServiceId::Sns => "SNS",
        }
    }

    /// `metadata.serviceFullName` (`Amazon Bedrock Runtime`), used in messages.
    pub fn full_name(self) -> &'static str {
        match self {
            ServiceId::BedrockRuntime => "Amazon Bedrock Runtime",
            ServiceId::Bedrock => "Amazon Bedrock",
            ServiceId::Logs => "Amazon CloudWatch Logs",
            ServiceId::S3 => "Amazon Simple Storage Service",
            ServiceId::Iam => "AWS Identity and Access Management",
            ServiceId::Sts => "AWS Security Token Service",
            ServiceId::CloudWatch => "Amazon CloudWatch",
            ServiceId::Athena => "Amazon Athena",
            ServiceId::Sns => "Amazon Simple Notification Service",
        }
    }

    /// The SigV4 signing name (`metadata.signingName`, else `endpointPrefix`): the service of
    /// the credential scope.
    pub fn signing_name(self) -> &'static str {
        match self {
            ServiceId::BedrockRuntime | ServiceId::Bedrock => "bedrock",
            ServiceId::Logs => "logs",
            ServiceId::S3 => "s3",
            ServiceId::Iam => "iam",
            ServiceId::Sts => "sts",
            ServiceId::CloudWatch => "monitoring",
            ServiceId::Athena => "athena",
            ServiceId::Sns => "sns",
        }
    }

    /// `metadata.apiVersion`; for awsQuery services also the form's `Version` parameter.
    pub fn api_version(self) -> &'static str {
        match self {
            ServiceId::BedrockRuntime => "2023-09-30",
            ServiceId::Bedrock => "2023-04-20",
            ServiceId::Logs => "2014-03-28",
            ServiceId::S3 => "2006-03-01",
            ServiceId::Iam => "2010-05-08",
            ServiceId::Sts => "2011-06-15",
            ServiceId::CloudWatch => "2010-08-01",
            ServiceId::Athena => "2017-05-18",
            ServiceId::Sns => "2010-03-31",
        }
    }

    /// The awsQuery `Version` parameter, for the services that speak awsQuery.
    pub fn query_version(self) -> Option<&'static str> {
        self.speaks(Protocol::AwsQuery).then(|| self.api_version())
    }

    /// `metadata.targetPrefix`: the part of `X-Amz-Target` before the `.` (awsJson), and the
    /// Smithy service shape name in an RPC v2 CBOR path.
    pub fn target_prefix(self) -> Option<&'static str> {
        match self {
            ServiceId::Logs => Some("Logs_20140328"),
            ServiceId::Athena => Some("AmazonAthena"),
            ServiceId::CloudWatch => Some("GraniteServiceVersion20100801"),
            _ => None,
        }
    }

    /// `metadata.jsonVersion` (`1.0`, `1.1`) of the awsJson services.
    pub fn json_version(self) -> Option<&'static str> {
        match self {
            ServiceId::Logs | ServiceId::Athena => Some("1.1"),
            ServiceId::CloudWatch => Some("1.0"),
            _ => None,
        }
    }

    /// The awsJson protocol of this service (by its `jsonVersion`).
    pub fn aws_json_protocol(self) -> Option<Protocol> {
        match self.json_version()? {
            "1.0" => Some(Protocol::AwsJson1_0),
            _ => Some(Protocol::AwsJson1_1),
        }
    }

    /// The XML namespace of awsQuery and restXml documents (`metadata.xmlNamespace`; S3's from
    /// its shapes).
    pub fn xml_namespace(self) -> Option<&'static str> {
        match self {
            ServiceId::Iam => Some("https://iam.amazonaws.com/doc/2010-05-08/"),
            ServiceId::Sts => Some("https://sts.amazonaws.com/doc/2011-06-15/"),
            ServiceId::Sns => Some("http://sns.amazonaws.com/doc/2010-03-31/"),
            ServiceId::CloudWatch => Some("http://monitoring.amazonaws.com/doc/2010-08-01/"),
            ServiceId::S3 => Some(S3_XML_NAMESPACE),
            _ => None,
        }
    }

    /// The protocols the service speaks, in the model's order (`metadata.protocols`).
    pub fn protocols(self) -> &'static [Protocol] {
        match self {
            ServiceId::BedrockRuntime | ServiceId::Bedrock => &[Protocol::RestJson1],
            ServiceId::Logs | ServiceId::Athena => &[Protocol::AwsJson1_1],
            ServiceId::S3 => &[Protocol::RestXml],
            ServiceId::Iam | ServiceId::Sts | ServiceId::Sns => &[Protocol::AwsQuery],
            ServiceId::CloudWatch => &[Protocol::RpcV2Cbor, Protocol::AwsJson1_0, Protocol::AwsQuery],
        }
    }

    /// Whether the service speaks `protocol`.
    pub fn speaks(self, protocol: Protocol) -> bool {
        self.protocols().contains(&protocol)
    }

    /// `metadata.awsQueryCompatible`: JSON and CBOR errors carry `x-amzn-query-error`.
    pub fn aws_query_compatible(self) -> bool {
        self == ServiceId::CloudWatch
    }

    /// The Coral namespace of the service's modelled errors in restJson `x-amzn-ErrorType`
    /// (`Code:http://internal.amazon.com/coral/<namespace>/`), for the services that send it.
    pub fn coral_namespace(self) -> Option<&'static str> {
        match self {
            ServiceId::BedrockRuntime | ServiceId::Bedrock => Some(BEDROCK_CORAL_NAMESPACE),
            _ => None,
        }
    }

    /// The awsQuery service a credential-scope service names (`sts`, `iam`, `sns`, `monitoring`).
    pub fn query_service_by_signing_name(name: &str) -> Option<ServiceId> {
        ServiceId::ALL.into_iter().find(|s| s.speaks(Protocol::AwsQuery) && s.signing_name() == name)
    }

    /// The awsQuery service whose API version is `version` (the form's `Version`).
    pub fn query_service_by_version(version: &str) -> Option<ServiceId> {
        ServiceId::ALL.into_iter().find(|s| s.query_version() == Some(version))
    }

    /// The awsJson / CBOR service whose target prefix is `prefix`.
    pub fn by_target_prefix(prefix: &str) -> Option<ServiceId> {
        ServiceId::ALL.into_iter().find(|s| s.target_prefix() == Some(prefix))
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.full_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(ServiceId::query_service_by_signing_name("monitoring"), Some(ServiceId::CloudWatch));
        assert_eq!(ServiceId::query_service_by_signing_name("bedrock"), None);
        assert_eq!(ServiceId::query_service_by_version("2011-06-15"), Some(ServiceId::Sts));
        assert_eq!(ServiceId::query_service_by_version("2014-03-28"), None);
        assert_eq!(ServiceId::by_target_prefix("AmazonAthena"), Some(ServiceId::Athena));
        assert_eq!(ServiceId::CloudWatch.aws_json_protocol(), Some(Protocol::AwsJson1_0));
        assert_eq!(ServiceId::Logs.aws_json_protocol(), Some(Protocol::AwsJson1_1));
        for s in ServiceId::ALL {
            assert_eq!(ServiceId::from_model_stem(s.model_stem()), Some(s));
        }
    }

    /// The hand-written metadata agrees with the official models, when they are present.
    #[test]
    fn metadata_matches_the_models() {
        let dir = crate::tables::models_dir();
        if !dir.is_dir() {
            eprintln!("could not check the service metadata: {} is absent", dir.display());
            return;
        }
        for s in ServiceId::ALL {
            let path = dir.join(format!("{}.service-2.json", s.model_stem()));
            let text = std::fs::read_to_string(&path).expect("model readable");
            let model: serde_json::Value = serde_json::from_str(&text).expect("model is JSON");
            let m = &model["metadata"];
            let field = |k: &str| m[k].as_str().map(str::to_owned);
            assert_eq!(field("serviceId").as_deref(), Some(s.model_service_id()), "{s:?}");
            assert_eq!(field("serviceFullName").as_deref(), Some(s.full_name()), "{s:?}");
            assert_eq!(field("apiVersion").as_deref(), Some(s.api_version()), "{s:?}");
            let signing = field("signingName").or_else(|| field("endpointPrefix"));
            assert_eq!(signing.as_deref(), Some(s.signing_name()), "{s:?}");
            assert_eq!(field("targetPrefix").as_deref(), s.target_prefix(), "{s:?}");
            assert_eq!(field("jsonVersion").as_deref(), s.json_version(), "{s:?}");
            if s != ServiceId::S3 {
                assert_eq!(field("xmlNamespace").as_deref(), s.xml_namespace(), "{s:?}");
            }
            assert_eq!(m.get("awsQueryCompatible").is_some(), s.aws_query_compatible(), "{s:?}");
            let protocols: Vec<&str> = m["protocols"].as_array().expect("protocols").iter().filter_map(|p| p.as_str()).collect();
            let ours: Vec<&str> = s.protocols().iter().map(|p| p.botocore_name()).collect();
            assert_eq!(protocols, ours, "{s:?}");
        }
    }
}
