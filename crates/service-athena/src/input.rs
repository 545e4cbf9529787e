//! An operation's input: the JSON body checked against the trimmed Athena model
//! (`models/athena.json`, made by `cargo xtask trim-model`), then typed.

use std::sync::LazyLock;

use aws_shapes::{ShapeIndex, check_body, read_body_object, strip_nulls};
use serde::de::DeserializeOwned;
use service_kit::Call;

use crate::error::AthenaError;

/// The shapes of the operations answered.
static ATHENA: LazyLock<ShapeIndex> = LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/athena.json")));

/// `<Operation>Input`, validated and typed.
pub(crate) fn input<T: DeserializeOwned>(call: Call<'_>) -> Result<T, AthenaError> {
    let shape = format!("{}Input", call.operation());
    let body = call.request.json_input().map_err(|e| AthenaError::Serialization(e.to_string()))?;
    let value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        read_body_object(&body).map_err(AthenaError::from_rejection)?
    };
    check_body(&ATHENA, &shape, &value).and_then(|v| v.into_result()).map_err(AthenaError::from_rejection)?;
    serde_json::from_value(strip_nulls(value)).map_err(|e| AthenaError::Serialization(e.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_trimmed_model_loads_whole() {
        assert!(super::ATHENA.dangling_references().is_empty());
    }
}
