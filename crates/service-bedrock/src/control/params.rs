//! The URI and query-string members of the catalog operations' inputs (`byProvider`,
//! `byOutputModality`, `maxResults`, `type`, `{modelIdentifier}`...), read against the trimmed
//! bedrock model (`models/bedrock.catalog.json`) and validated there with Coral's messages.

use std::sync::LazyLock;

use aws_protocol::Detected;
use aws_shapes::{ShapeIndex, ShapeKind, Violations, check_value};
use bedrock_model::error::ServiceError;
use serde_json::{Map, Value};

/// The input shapes of ListFoundationModels, GetFoundationModel, ListInferenceProfiles and
/// GetInferenceProfile.
static CATALOG: LazyLock<ShapeIndex> = LazyLock::new(|| ShapeIndex::from_json(include_str!("../../models/bedrock.catalog.json")));

/// The members of `shape` the request carries in its URI or query string, by member name,
/// validated.
pub(crate) fn read(shape: &str, request: &Detected) -> Result<Map<String, Value>, ServiceError> {
    let input = CATALOG.get(shape);
    let mut out = Map::new();
    let mut violations = Violations::default();
    for member in &input.members {
        let wire = member.location_name.as_deref().unwrap_or(&member.name);
        let raw = match request.labels.get(&member.name) {
            Some(Ok(label)) => Some(label.to_owned()),
            Some(Err(raw)) => Some(raw.to_owned()),
            None => request.query_param(wire).map(str::to_owned),
        };
        let Some(raw) = raw else {
            if input.required.contains(&member.name) {
                violations.push(aws_shapes::Shown::Null, &member.name, "Member must not be null");
            }
            continue;
        };
        let value = match CATALOG.get(&member.shape).kind {
            ShapeKind::Integer | ShapeKind::Long => match raw.trim().parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    return Err(ServiceError::validation(format!(
                        "1 validation error detected: Value '{raw}' at '{}' failed to satisfy constraint: Member must be an integer",
                        member.name
                    )));
                }
            },
            _ => Value::String(raw),
        };
        let found =
            check_value(&CATALOG, &member.shape, &value, &member.name).map_err(|r| ServiceError::validation(r.message))?;
        violations.append(found);
        out.insert(member.name.clone(), value);
    }
    violations.into_result().map_err(|r| ServiceError::validation(r.message))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_model_is_closed() {
        assert_eq!(super::CATALOG.dangling_references(), Vec::<String>::new());
    }
}
