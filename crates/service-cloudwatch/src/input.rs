//! An operation's input as one JSON document whatever the protocol (JSON and CBOR bodies as
//! decoded by the protocol layer, awsQuery forms read against the input shape), checked
//! against the trimmed model, then typed.

use std::sync::LazyLock;

use aws_protocol::Protocol;
use aws_shapes::{ShapeIndex, check_body, read_body_object, strip_nulls};
use serde::de::DeserializeOwned;
use service_kit::Call;

use crate::error::{CloudWatchError, SnsError};

/// The CloudWatch operations' shapes (trimmed from the official model by `cargo xtask trim-model`).
pub(crate) static CLOUDWATCH: LazyLock<ShapeIndex> =
    LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/cloudwatch.json")));

/// The SNS operations' shapes.
pub(crate) static SNS: LazyLock<ShapeIndex> = LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/sns.json")));

/// The input of a CloudWatch operation, `<Operation>Input`, validated and typed.
pub(crate) fn cloudwatch_input<T: DeserializeOwned>(call: Call<'_>) -> Result<T, CloudWatchError> {
    let shape = format!("{}Input", call.operation());
    let value = document(call, &CLOUDWATCH, &shape).map_err(CloudWatchError::from_rejection)?;
    check_body(&CLOUDWATCH, &shape, &value).and_then(|v| v.into_result()).map_err(CloudWatchError::from_rejection)?;
    serde_json::from_value(strip_nulls(value)).map_err(|e| CloudWatchError::Serialization(e.to_string()))
}

/// The input of an SNS operation, validated and typed.
pub(crate) fn sns_input<T: DeserializeOwned>(call: Call<'_>) -> Result<T, SnsError> {
    let shape = format!("{}Input", call.operation());
    let invalid = |r: aws_shapes::Rejection| SnsError::InvalidParameter(r.message);
    let value = document(call, &SNS, &shape).map_err(invalid)?;
    check_body(&SNS, &shape, &value).and_then(|v| v.into_result()).map_err(invalid)?;
    serde_json::from_value(strip_nulls(value)).map_err(|e| SnsError::InvalidParameter(e.to_string()))
}

/// The input of an operation of either model as a JSON document, unvalidated (what
/// authorization reads); `Null` when it does not read.
pub(crate) fn raw_document(call: Call<'_>) -> serde_json::Value {
    let (index, shape) = match call.request.service {
        aws_protocol::ServiceId::Sns => (&*SNS, format!("{}Input", call.operation())),
        _ => (&*CLOUDWATCH, format!("{}Input", call.operation())),
    };
    document(call, index, &shape).unwrap_or(serde_json::Value::Null)
}

fn document(call: Call<'_>, index: &ShapeIndex, shape: &str) -> Result<serde_json::Value, aws_shapes::Rejection> {
    match call.request.protocol {
        Protocol::AwsQuery => aws_protocol::form_to_json(index, shape, &call.request.form),
        _ => {
            let body = call.request.json_input().map_err(|e| aws_shapes::Rejection::serialization(e.to_string()))?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(serde_json::Value::Object(Default::default()));
            }
            read_body_object(&body)
        }
    }
}
