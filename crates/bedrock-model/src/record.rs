//! The `ModelInvocationLog` record Bedrock invocation logging writes, one per call.
//!
//! Key order follows the real December 2025 CloudWatch records
//! (`../shared/reference/bedrock_log_example_masked.json`): timestamp, accountId, identity, region,
//! requestId, operation, modelId, input, output, requestMetadata (only when sent),
//! inferenceRegion (only when set), schemaType, schemaVersion. Older (2024) records put
//! schemaType/schemaVersion first; clients must not depend on order.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::converse::{ConverseRequest, ConverseResponse};
use crate::logging::LoggingConfig;
use crate::metadata::RequestMetadata;

pub const SCHEMA_TYPE: &str = "ModelInvocationLog";
pub const SCHEMA_VERSION: &str = "1.0";
/// The record's fields, one dot path per line (`data/bedrock.schema`): what `query` checks a
/// query's field names against.
pub const RECORD_SCHEMA: &str = include_str!("../data/bedrock.schema");
/// CloudWatch log stream Bedrock writes records to.
pub const LOG_STREAM_NAME: &str = "aws/bedrock/modelinvocations";
pub const JSON_CONTENT_TYPE: &str = "application/json";

/// The logged operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Converse,
    ConverseStream,
    InvokeModel,
    InvokeModelWithResponseStream,
}

impl Operation {
    pub fn as_str(&self) -> &'static str {
        match self {
            Operation::Converse => "Converse",
            Operation::ConverseStream => "ConverseStream",
            Operation::InvokeModel => "InvokeModel",
            Operation::InvokeModelWithResponseStream => "InvokeModelWithResponseStream",
        }
    }
}

/// Who called, where and when: the parts of a record that do not come from the bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvocationContext {
    pub timestamp: OffsetDateTime,
    pub account_id: String,
    /// `identity.arn`, e.g. `arn:aws:iam::123456789012:user/dev`.
    pub identity_arn: String,
    pub region: String,
    /// The `x-amzn-RequestId` of the call.
    pub request_id: String,
    pub operation: Operation,
    /// The model id as invoked (percent-decoded path segment).
    pub model_id: String,
}

/// `input` of a record (members in the order Bedrock logs them).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordInput {
    pub input_content_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_body_json: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_body_s3_path: Option<String>,
    pub input_token_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read_input_token_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_input_token_count: Option<i64>,
}

/// `output` of a record (members in the order Bedrock logs them).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordOutput {
    pub output_content_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_body_json: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_body_s3_path: Option<String>,
    pub output_token_count: i64,
}

/// One `ModelInvocationLog` record.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelInvocationLog {
    /// Who called, where and when.
    pub context: InvocationContext,
    pub input: RecordInput,
    pub output: RecordOutput,
    pub request_metadata: Option<RequestMetadata>,
    pub inference_region: Option<String>,
}

impl ModelInvocationLog {
    /// The record of a successful Converse/ConverseStream call. Bodies are included only when
    /// `textDataDeliveryEnabled` is on; `requestMetadata` only when the caller sent it; cache
    /// token counts only when the usage reports them.
    pub fn for_converse(
        ctx: &InvocationContext,
        request: &ConverseRequest,
        response: &ConverseResponse,
        config: &LoggingConfig,
    ) -> ModelInvocationLog {
        let text = config.text_delivery();
        let usage = &response.usage;
        ModelInvocationLog {
            context: ctx.clone(),
            input: RecordInput {
                input_content_type: JSON_CONTENT_TYPE.to_owned(),
                input_body_json: text.then(|| logged_input_body(&request.body)),
                input_body_s3_path: None,
                input_token_count: i64::from(usage.input_tokens),
                cache_read_input_token_count: usage.cache_read_input_tokens.map(i64::from),
                cache_write_input_token_count: usage.cache_write_input_tokens.map(i64::from),
            },
            output: RecordOutput {
                output_content_type: JSON_CONTENT_TYPE.to_owned(),
                output_body_json: text.then(|| logged_output_body(response, OutputBodyLayout::default())),
                output_body_s3_path: None,
                output_token_count: i64::from(usage.output_tokens),
            },
            request_metadata: request.request_metadata.clone(),
            inference_region: None,
        }
    }

    /// The record of a successful InvokeModel / InvokeModelWithResponseStream call:
    /// `inputBodyJson` is the request body as sent, `outputBodyJson` the model's response body
    /// (for a stream: the array of decoded chunks), token counts as the call reported them.
    /// Bodies only when `textDataDeliveryEnabled` is on; `requestMetadata` (from the
    /// `X-Amzn-Bedrock-Request-Metadata` header) only when sent.
    pub fn for_invoke(
        ctx: &InvocationContext,
        input_body: &Value,
        output_body: Value,
        tokens: (u32, u32),
        request_metadata: Option<RequestMetadata>,
        config: &LoggingConfig,
    ) -> ModelInvocationLog {
        let text = config.text_delivery();
        let bodies = (text.then(|| input_body.clone()), text.then_some(output_body));
        Self::provider_native(ctx, bodies, tokens, request_metadata)
    }

    /// The record of a successful embedding InvokeModel call: the request (text) only when
    /// `textDataDeliveryEnabled` is on, the response (the embedding) only when
    /// `embeddingDataDeliveryEnabled` is on; `outputTokenCount` 0 (an embedding model generates
    /// no tokens).
    pub fn for_embedding(
        ctx: &InvocationContext,
        input_body: &Value,
        output_body: Value,
        input_tokens: u32,
        request_metadata: Option<RequestMetadata>,
        config: &LoggingConfig,
    ) -> ModelInvocationLog {
        let bodies = (config.text_delivery().then(|| input_body.clone()), config.embedding_delivery().then_some(output_body));
        Self::provider_native(ctx, bodies, (input_tokens, 0), request_metadata)
    }

    /// A record whose bodies are provider JSON, included as given.
    fn provider_native(
        ctx: &InvocationContext,
        (input_body, output_body): (Option<Value>, Option<Value>),
        tokens: (u32, u32),
        request_metadata: Option<RequestMetadata>,
    ) -> ModelInvocationLog {
        ModelInvocationLog {
            context: ctx.clone(),
            input: RecordInput {
                input_content_type: JSON_CONTENT_TYPE.to_owned(),
                input_body_json: input_body,
                input_body_s3_path: None,
                input_token_count: i64::from(tokens.0),
                cache_read_input_token_count: None,
                cache_write_input_token_count: None,
            },
            output: RecordOutput {
                output_content_type: JSON_CONTENT_TYPE.to_owned(),
                output_body_json: output_body,
                output_body_s3_path: None,
                output_token_count: i64::from(tokens.1),
            },
            request_metadata,
            inference_region: None,
        }
    }

    /// `timestamp` as logged: RFC 3339 UTC, second precision (`2025-08-15T12:44:54Z`).
    pub fn timestamp_string(&self) -> String {
        let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
        self.context.timestamp.to_offset(time::UtcOffset::UTC).format(fmt).unwrap_or_default()
    }

    /// The CloudWatch event timestamp (epoch ms) of the record: its second, as in real logs.
    pub fn event_timestamp_ms(&self) -> i64 {
        self.context.timestamp.unix_timestamp() * 1000
    }

    /// Compact JSON, one line, as delivered.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// How a Converse response is laid out in `output.outputBodyJson`. Real records disagree:
/// December 2025 CloudWatch records (`bedrock_log_example_masked.json`) nest `stopReason`,
/// `metrics` and `usage` inside `output` next to `message`; 2024 and March 2025 records
/// (elastic/integrations test log, aws-bedrock-logs-mcp-server) keep the response as sent,
/// with them at the top level. See CHOICES.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputBodyLayout {
    /// `{"output":{"message":..,"stopReason":..,"metrics":..,"usage":..}}` (Dec 2025).
    #[default]
    Nested,
    /// The Converse response JSON as sent to the caller.
    Flat,
}

/// The response body as logged in `output.outputBodyJson`.
pub fn logged_output_body(response: &ConverseResponse, layout: OutputBodyLayout) -> Value {
    let flat = response.to_json();
    match (layout, flat) {
        (OutputBodyLayout::Nested, Value::Object(mut top)) => {
            let mut output = match top.shift_remove("output") {
                Some(Value::Object(o)) => o,
                _ => serde_json::Map::new(),
            };
            output.extend(top);
            let mut wrapped = serde_json::Map::new();
            wrapped.insert("output".to_owned(), Value::Object(output));
            Value::Object(wrapped)
        }
        (_, flat) => flat,
    }
}

/// The request body as logged: as sent, minus `requestMetadata`, which Bedrock logs only at
/// the record's top level (real record: `../shared/reference/bedrock_log_example_masked.json`).
fn logged_input_body(body: &Value) -> Value {
    let mut body = body.clone();
    if let Value::Object(map) = &mut body {
        map.shift_remove("requestMetadata");
    }
    body
}

impl Serialize for ModelInvocationLog {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("timestamp", &self.timestamp_string())?;
        let ctx = &self.context;
        map.serialize_entry("accountId", &ctx.account_id)?;
        map.serialize_entry("identity", &Identity { arn: &ctx.identity_arn })?;
        map.serialize_entry("region", &ctx.region)?;
        map.serialize_entry("requestId", &ctx.request_id)?;
        map.serialize_entry("operation", ctx.operation.as_str())?;
        map.serialize_entry("modelId", &ctx.model_id)?;
        map.serialize_entry("input", &self.input)?;
        map.serialize_entry("output", &self.output)?;
        if let Some(m) = &self.request_metadata {
            map.serialize_entry("requestMetadata", m)?;
        }
        if let Some(r) = &self.inference_region {
            map.serialize_entry("inferenceRegion", r)?;
        }
        map.serialize_entry("schemaType", SCHEMA_TYPE)?;
        map.serialize_entry("schemaVersion", SCHEMA_VERSION)?;
        map.end()
    }
}

#[derive(serde::Serialize)]
struct Identity<'a> {
    arn: &'a str,
}
