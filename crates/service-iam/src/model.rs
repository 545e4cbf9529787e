//! The request documents of IAM and STS: awsQuery parameters read against the input shape of
//! the embedded trimmed models (`models/iam.json`, `models/sts.json`, made by
//! `cargo xtask trim-model`) and validated there, with the violations IAM prints
//! (`Value 'x' at 'roleName' failed to satisfy constraint: ...`) as `ValidationError`.

use std::sync::LazyLock;

use aws_protocol::form_to_json;
use aws_shapes::{PathStyle, RejectionKind, ShapeIndex, check_body_styled};
use serde::de::DeserializeOwned;
use service_kit::Call;

use crate::error::{IamError, IamResult};

/// IAM's input shapes (the operations the service answers).
pub(crate) static IAM: LazyLock<ShapeIndex> = LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/iam.json")));
/// STS's input shapes.
pub(crate) static STS: LazyLock<ShapeIndex> = LazyLock::new(|| ShapeIndex::from_json(include_str!("../models/sts.json")));

/// The request of `call` as the input shape `shape` of `index`, validated, then read as `T`.
pub(crate) fn input<T: DeserializeOwned>(index: &ShapeIndex, shape: &str, call: &Call<'_>) -> IamResult<T> {
    let value = form_to_json(index, shape, &call.request.form).map_err(|r| IamError::Serialization(r.message))?;
    let violations = check_body_styled(index, shape, &value, PathStyle::LowerCamel).map_err(|r| match r.kind {
        RejectionKind::Serialization => IamError::Serialization(r.message),
        RejectionKind::Validation => IamError::Validation(r.message),
    })?;
    violations.into_result().map_err(|r| IamError::Validation(r.message))?;
    serde_json::from_value(value).map_err(|e| IamError::Validation(format!("The request could not be read: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_models_are_closed() {
        assert_eq!(IAM.dangling_references(), Vec::<String>::new());
        assert_eq!(STS.dangling_references(), Vec::<String>::new());
    }
}
