//! What each Bedrock operation is authorized against under `--enforce-iam`: Converse and
//! InvokeModel as `bedrock:InvokeModel`, the streams as `bedrock:InvokeModelWithResponseStream`,
//! CountTokens as `bedrock:CountTokens`, on the foundation-model ARN
//! (`arn:aws:bedrock:{region}::foundation-model/{id}`, no account); through an inference profile,
//! on the profile's ARN (`arn:aws:bedrock:{region}:{account}:inference-profile/{id}`) and then
//! on the foundation-model ARN of every region the profile routes to (the documented rule
//! "specify the foundation model in each Region", deterministic where AWS picks one region per
//! request), with `bedrock:InferenceProfileArn` set. The control plane: GetFoundationModel and
//! GetInferenceProfile on their ARNs, the rest on `*`.

use service_kit::{Authorization, Call};

use crate::BedrockService;

/// The authorization of one call.
pub(crate) fn authorization(service: &BedrockService, call: &Call<'_>) -> Authorization {
    let region = &call.ctx.region;
    let account = &service.env.account_id;
    let label = |name: &str| call.request.labels.get(name).map(|v| v.unwrap_or_else(|raw| raw).to_owned()).unwrap_or_default();
    let action = match call.operation() {
        "Converse" | "InvokeModel" => "bedrock:InvokeModel",
        "ConverseStream" | "InvokeModelWithResponseStream" => "bedrock:InvokeModelWithResponseStream",
        "CountTokens" => "bedrock:CountTokens",
        "GetFoundationModel" => {
            let id = label("modelIdentifier");
            let arn = if id.starts_with("arn:") { id } else { foundation_model_arn(region, &id) };
            return Authorization::action("bedrock:GetFoundationModel", arn);
        }
        "GetInferenceProfile" => {
            let id = label("inferenceProfileIdentifier");
            let arn = if id.starts_with("arn:") { id } else { profile_arn(region, account, &id) };
            return Authorization::action("bedrock:GetInferenceProfile", arn);
        }
        other => return Authorization::action(format!("bedrock:{other}"), "*"),
    };
    model_authorization(service, action, &label("modelId"), region, account)
}

/// A runtime call on `model_id` (an id or ARN, of a model or a profile).
fn model_authorization(service: &BedrockService, action: &str, model_id: &str, region: &str, account: &str) -> Authorization {
    let resolved = service.catalog.resolve(model_id).ok();
    match resolved {
        Some(resolved) => match resolved.profile {
            Some(prefix) => {
                let profile =
                    if model_id.starts_with("arn:") { model_id.to_owned() } else { profile_arn(region, account, model_id) };
                let mut resources = vec![profile.clone()];
                let regions = service.catalog.profile_regions(prefix);
                if regions.is_empty() {
                    resources.push(foundation_model_arn(region, &resolved.model.model_id));
                }
                resources.extend(regions.iter().map(|r| foundation_model_arn(r, &resolved.model.model_id)));
                Authorization::default().and(action, resources).key("bedrock:InferenceProfileArn", profile)
            }
            None => {
                let arn = if model_id.starts_with("arn:") {
                    model_id.to_owned()
                } else {
                    foundation_model_arn(region, &resolved.model.model_id)
                };
                Authorization::action(action, arn)
            }
        },
        // An id the catalog does not know: authorized as a model of that id (the call then
        // answers Bedrock's validation error to a caller allowed to make it).
        None if model_id.starts_with("arn:") => Authorization::action(action, model_id),
        None => Authorization::action(action, foundation_model_arn(region, model_id)),
    }
}

/// `arn:aws:bedrock:{region}::foundation-model/{id}`.
pub(crate) fn foundation_model_arn(region: &str, id: &str) -> String {
    format!("arn:aws:bedrock:{region}::foundation-model/{id}")
}

/// `arn:aws:bedrock:{region}:{account}:inference-profile/{id}`.
pub(crate) fn profile_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:bedrock:{region}:{account}:inference-profile/{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns() {
        assert_eq!(foundation_model_arn("us-east-1", "a.b:0"), "arn:aws:bedrock:us-east-1::foundation-model/a.b:0");
        assert_eq!(profile_arn("us-east-1", "1", "us.a"), "arn:aws:bedrock:us-east-1:1:inference-profile/us.a");
    }
}
