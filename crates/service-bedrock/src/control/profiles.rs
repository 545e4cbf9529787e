//! ListInferenceProfiles (paged by `maxResults`/`nextToken`, `type` filter) and
//! GetInferenceProfile: the catalog's system-defined profiles (`{prefix}.{modelId}`), each
//! listing its foundation model's ARN in every region its geography routes to. Application
//! inference profiles are not emulated (none exist).

use aws_protocol::Detected;
use bedrock_model::error::{ErrorCode, ServiceError};
use serde::Serialize;
use serde_json::Value;
use service_kit::opaque;

use crate::BedrockService;
use crate::catalog::SystemProfile;
use crate::control::params;

/// When the system profiles are dated (2024-08-27, when AWS launched cross-region inference),
/// as the bedrock model's `iso8601` timestamps are written.
const PROFILES_CREATED: &str = "2024-08-27T00:00:00Z";

/// `InferenceProfileModel`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InferenceProfileModel {
    model_arn: String,
}

/// `InferenceProfileSummary` and `GetInferenceProfileResponse` (the same members).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InferenceProfileSummary {
    inference_profile_name: String,
    description: String,
    created_at: &'static str,
    updated_at: &'static str,
    inference_profile_arn: String,
    models: Vec<InferenceProfileModel>,
    inference_profile_id: String,
    status: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
}

impl InferenceProfileSummary {
    fn of(profile: &SystemProfile<'_>, region: &str, account: &str) -> Self {
        let geography = match profile.prefix {
            "us" => "US".to_owned(),
            "eu" => "EU".to_owned(),
            "apac" => "APAC".to_owned(),
            "global" => "Global".to_owned(),
            other => other.to_uppercase(),
        };
        let provider_and_name = format!("{} {}", profile.model.provider, profile.model.name());
        let regions = match profile.regions {
            [] => String::new(),
            [only] => only.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        };
        InferenceProfileSummary {
            inference_profile_name: format!("{geography} {provider_and_name}"),
            description: format!("Routes requests to {provider_and_name} in {regions}."),
            created_at: PROFILES_CREATED,
            updated_at: PROFILES_CREATED,
            inference_profile_arn: format!("arn:aws:bedrock:{region}:{account}:inference-profile/{}", profile.id),
            models: profile
                .regions
                .iter()
                .map(|r| InferenceProfileModel {
                    model_arn: format!("arn:aws:bedrock:{r}::foundation-model/{}", profile.model.model_id),
                })
                .collect(),
            inference_profile_id: profile.id.clone(),
            status: "ACTIVE",
            kind: "SYSTEM_DEFINED",
        }
    }
}

/// `ListInferenceProfilesResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListInferenceProfilesResponse {
    inference_profile_summaries: Vec<InferenceProfileSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn list(
    state: &BedrockService,
    request: &Detected,
    region: &str,
) -> Result<ListInferenceProfilesResponse, ServiceError> {
    let params = params::read("ListInferenceProfilesRequest", request)?;
    let max = params.get("maxResults").and_then(Value::as_i64).unwrap_or(1000).clamp(1, 1000) as usize;
    let application_only = params.get("typeEquals").and_then(Value::as_str) == Some("APPLICATION");
    let start = match params.get("nextToken").and_then(Value::as_str) {
        None => 0,
        Some(token) => opaque::decode(token)
            .and_then(|p| p.parse::<usize>().ok())
            .ok_or_else(|| ServiceError::validation("The provided pagination token is invalid."))?,
    };
    let profiles = if application_only { Vec::new() } else { state.catalog.profiles() };
    let page: Vec<InferenceProfileSummary> =
        profiles.iter().skip(start).take(max).map(|p| InferenceProfileSummary::of(p, region, &state.env.account_id)).collect();
    let end = start + page.len();
    let next_token = (end < profiles.len()).then(|| opaque::encode(&end.to_string()));
    Ok(ListInferenceProfilesResponse { inference_profile_summaries: page, next_token })
}

pub(crate) fn get(state: &BedrockService, request: &Detected, region: &str) -> Result<InferenceProfileSummary, ServiceError> {
    let params = params::read("GetInferenceProfileRequest", request)?;
    let identifier = params.get("inferenceProfileIdentifier").and_then(Value::as_str).unwrap_or_default();
    let id = identifier.rsplit_once(":inference-profile/").map_or(identifier, |(_, id)| id);
    let profiles = state.catalog.profiles();
    let profile = profiles.iter().find(|p| p.id == id).ok_or_else(|| {
        ServiceError::new(ErrorCode::ResourceNotFoundException, format!("Inference profile {identifier} not found."))
    })?;
    Ok(InferenceProfileSummary::of(profile, region, &state.env.account_id))
}
