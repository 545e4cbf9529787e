//! ListFoundationModels (filtered `byProvider`, `byOutputModality`, `byInferenceType`,
//! `byCustomizationType`) and GetFoundationModel, from the catalog the runtime resolves model ids
//! against: a model listed here is a model Converse and InvokeModel accept (by id when it lists
//! `ON_DEMAND`, through its inference profiles otherwise).

use aws_protocol::Detected;
use bedrock_model::error::ServiceError;
use serde::Serialize;
use serde_json::Value;

use crate::BedrockService;
use crate::catalog::{CatalogModel, invalid_model_id};
use crate::control::params;

/// `FoundationModelLifecycle`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FoundationModelLifecycle {
    status: String,
}

/// `FoundationModelSummary` and `FoundationModelDetails` (the same members).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FoundationModelSummary {
    model_arn: String,
    model_id: String,
    model_name: String,
    provider_name: String,
    input_modalities: Vec<String>,
    output_modalities: Vec<String>,
    response_streaming_supported: bool,
    customizations_supported: Vec<String>,
    inference_types_supported: Vec<String>,
    model_lifecycle: FoundationModelLifecycle,
}

impl FoundationModelSummary {
    fn of(model: &CatalogModel, region: &str) -> Self {
        FoundationModelSummary {
            model_arn: format!("arn:aws:bedrock:{region}::foundation-model/{}", model.model_id),
            model_id: model.model_id.clone(),
            model_name: model.name().to_owned(),
            provider_name: model.provider.clone(),
            input_modalities: model.input_modalities.clone(),
            output_modalities: model.output_modalities.clone(),
            response_streaming_supported: model.streaming,
            customizations_supported: model.customizations.clone(),
            inference_types_supported: model.inference_types(),
            model_lifecycle: FoundationModelLifecycle { status: model.lifecycle.clone() },
        }
    }
}

/// `ListFoundationModelsResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListFoundationModelsResponse {
    model_summaries: Vec<FoundationModelSummary>,
}

pub(crate) fn list(
    state: &BedrockService,
    request: &Detected,
    region: &str,
) -> Result<ListFoundationModelsResponse, ServiceError> {
    let params = params::read("ListFoundationModelsRequest", request)?;
    let text = |name: &str| params.get(name).and_then(Value::as_str);
    let provider = text("byProvider");
    let output = text("byOutputModality");
    let inference = text("byInferenceType");
    let customization = text("byCustomizationType");
    let model_summaries = state
        .catalog
        .models()
        .iter()
        .filter(|m| provider.is_none_or(|p| m.provider.eq_ignore_ascii_case(p)))
        .filter(|m| output.is_none_or(|o| m.output_modalities.iter().any(|x| x == o)))
        // PROVISIONED (provisioned throughput) is not emulated: only on-demand models match ON_DEMAND.
        .filter(|m| inference.is_none_or(|i| m.inference_types().iter().any(|x| x == i)))
        .filter(|m| customization.is_none_or(|c| m.customizations.iter().any(|x| x == c)))
        .map(|m| FoundationModelSummary::of(m, region))
        .collect();
    Ok(ListFoundationModelsResponse { model_summaries })
}

/// `GetFoundationModelResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct GetFoundationModelResponse {
    model_details: FoundationModelSummary,
}

pub(crate) fn get(state: &BedrockService, request: &Detected, region: &str) -> Result<GetFoundationModelResponse, ServiceError> {
    let params = params::read("GetFoundationModelRequest", request)?;
    let id = params.get("modelIdentifier").and_then(Value::as_str).unwrap_or_default();
    let model = state.catalog.foundation_model(id).ok_or_else(invalid_model_id)?;
    Ok(GetFoundationModelResponse { model_details: FoundationModelSummary::of(model, region) })
}
