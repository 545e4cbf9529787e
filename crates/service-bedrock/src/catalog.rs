//! The model catalog: which model ids and inference-profile ids exist, which need an inference
//! profile, which Converse accepts, and what ListFoundationModels and ListInferenceProfiles show
//! of them (names, modalities, customizations, lifecycle, the regions each profile geography
//! routes to), and each model family's pacing figures and maximum output ([`ModelFamily`]). The
//! default table is `data/catalog.json`, embedded in the binary so the emulator runs with no
//! setup; `--catalog FILE` replaces it (fields it leaves out take their defaults).

use std::collections::BTreeMap;

use serde::Deserialize;

use bedrock_model::error::ServiceError;

/// The embedded default catalog.
pub const DEFAULT_CATALOG_JSON: &str = include_str!("../data/catalog.json");

/// One foundation model.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CatalogModel {
    /// The foundation-model id, e.g. `anthropic.claude-3-haiku-20240307-v1:0`.
    pub model_id: String,
    /// The provider name as Bedrock lists it.
    pub provider: String,
    /// The InvokeModel body family (`anthropic-messages`, `amazon-nova`, ...).
    pub family: String,
    /// Whether the bare id may be invoked on demand.
    pub on_demand: bool,
    /// Geography prefixes of the system inference profiles containing this model.
    pub inference_profiles: Vec<String>,
    /// Whether Converse supports this model.
    pub converse: bool,
    /// The name Bedrock lists (`Claude 3 Haiku`); the id when absent.
    #[serde(default)]
    pub model_name: Option<String>,
    /// `TEXT`, `IMAGE`, `VIDEO`, ...
    #[serde(default = "text_only")]
    pub input_modalities: Vec<String>,
    /// `TEXT`, `IMAGE`, `EMBEDDING`.
    #[serde(default = "text_only")]
    pub output_modalities: Vec<String>,
    /// Whether InvokeModelWithResponseStream / ConverseStream serve it.
    #[serde(default = "yes")]
    pub streaming: bool,
    /// `FINE_TUNING`, `CONTINUED_PRE_TRAINING`, `DISTILLATION`.
    #[serde(default)]
    pub customizations: Vec<String>,
    /// `ACTIVE` or `LEGACY`.
    #[serde(default = "active")]
    pub lifecycle: String,
}

fn text_only() -> Vec<String> {
    vec!["TEXT".to_owned()]
}

fn yes() -> bool {
    true
}

fn active() -> String {
    "ACTIVE".to_owned()
}

impl CatalogModel {
    /// The name Bedrock lists.
    pub fn name(&self) -> &str {
        self.model_name.as_deref().unwrap_or(&self.model_id)
    }

    /// `inferenceTypesSupported`: `ON_DEMAND` for models invoked by their id, else `INFERENCE_PROFILE`.
    pub fn inference_types(&self) -> Vec<String> {
        vec![if self.on_demand { "ON_DEMAND" } else { "INFERENCE_PROFILE" }.to_owned()]
    }
}

#[derive(Debug, Deserialize)]
struct CatalogFile {
    models: Vec<CatalogModel>,
    #[serde(default)]
    geographies: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    families: Option<Vec<ModelFamily>>,
}

/// A model family's figures: how fast it answers under `serve --pacing realistic`, and the
/// output a request reserves against a tokens-per-minute quota when it sets no `maxTokens`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelFamily {
    /// `Claude Sonnet 4`.
    pub name: String,
    /// A glob of foundation model ids (`anthropic.claude-sonnet-4*`).
    pub models: String,
    /// Time to the first token, ms.
    pub time_to_first_token_ms: u64,
    /// Output tokens per second once the first arrived.
    pub output_tokens_per_second: f64,
    /// The model's maximum output (its default `maxTokens`).
    pub max_output_tokens: u64,
}

/// The figures of a model no family matches.
fn fallback_family() -> ModelFamily {
    ModelFamily {
        name: "any other model".to_owned(),
        models: "*".to_owned(),
        time_to_first_token_ms: 400,
        output_tokens_per_second: 80.0,
        max_output_tokens: 4096,
    }
}

/// A system-defined inference profile: `{prefix}.{modelId}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemProfile<'a> {
    /// `us.anthropic.claude-3-haiku-20240307-v1:0`.
    pub id: String,
    /// `us`, `eu`, `apac`, `global`.
    pub prefix: &'a str,
    pub model: &'a CatalogModel,
    /// The regions the profile routes to.
    pub regions: &'a [String],
}

/// The models the emulator knows.
#[derive(Debug, Clone)]
pub struct Catalog {
    models: Vec<CatalogModel>,
    /// Profile prefix → the regions it routes to.
    geographies: BTreeMap<String, Vec<String>>,
    /// Pacing and maximum output per family, first match wins.
    families: Vec<ModelFamily>,
}

/// A model id resolved against the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedModel<'a> {
    /// The foundation model that serves the call.
    pub model: &'a CatalogModel,
    /// The inference-profile prefix when the call went through a profile.
    pub profile: Option<&'a str>,
}

impl Catalog {
    /// Parses a catalog from its JSON text.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        let file: CatalogFile = serde_json::from_str(text)?;
        let defaults = || serde_json::from_str::<CatalogFile>(DEFAULT_CATALOG_JSON);
        let geographies = match file.geographies {
            Some(g) => g,
            None => defaults()?.geographies.unwrap_or_default(),
        };
        let families = match file.families {
            Some(f) => f,
            None => defaults()?.families.unwrap_or_default(),
        };
        Ok(Self { models: file.models, geographies, families })
    }

    /// The family figures of a foundation model id (the first family whose glob matches).
    pub fn family(&self, foundation_model_id: &str) -> ModelFamily {
        self.families.iter().find(|f| faults::glob_match(&f.models, foundation_model_id)).cloned().unwrap_or_else(fallback_family)
    }

    /// Every system-defined inference profile, model by model in file order.
    pub fn profiles(&self) -> Vec<SystemProfile<'_>> {
        self.models
            .iter()
            .flat_map(|model| {
                model.inference_profiles.iter().map(move |prefix| SystemProfile {
                    id: format!("{prefix}.{}", model.model_id),
                    prefix: prefix.as_str(),
                    model,
                    regions: self.geographies.get(prefix).map(Vec::as_slice).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The regions an inference-profile prefix (`us`, `eu`, `apac`, `global`) routes to.
    pub fn profile_regions(&self, prefix: &str) -> &[String] {
        self.geographies.get(prefix).map(Vec::as_slice).unwrap_or_default()
    }

    /// A foundation model by id (or its ARN).
    pub fn foundation_model(&self, id_or_arn: &str) -> Option<&CatalogModel> {
        let id = strip_arn(id_or_arn);
        if id.profile_arn {
            return None;
        }
        self.foundation(id.bare)
    }

    /// The embedded default catalog.
    pub fn embedded() -> Self {
        Self::from_json(DEFAULT_CATALOG_JSON).expect("the embedded catalog is valid JSON")
    }

    /// All models, in file order.
    pub fn models(&self) -> &[CatalogModel] {
        &self.models
    }

    fn foundation(&self, id: &str) -> Option<&CatalogModel> {
        self.models.iter().find(|m| m.model_id == id)
    }

    /// Resolves a model identifier as a runtime operation receives it (already percent-decoded
    /// and pattern-checked): a foundation-model id, a system inference-profile id, or the ARN
    /// of either. Errors are Bedrock's.
    pub fn resolve(&self, model_id: &str) -> Result<ResolvedModel<'_>, ServiceError> {
        let id = strip_arn(model_id);
        if let Some(model) = self.foundation(id.bare) {
            if id.profile_arn {
                return Err(invalid_model_id());
            }
            if !model.on_demand {
                return Err(ServiceError::validation(format!(
                    "Invocation of model ID {} with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
                    model.model_id
                )));
            }
            return Ok(ResolvedModel { model, profile: None });
        }
        if id.foundation_arn {
            return Err(invalid_model_id());
        }
        if let Some((prefix, rest)) = id.bare.split_once('.')
            && let Some(model) = self.foundation(rest)
            && let Some(profile) = model.inference_profiles.iter().find(|p| *p == prefix)
        {
            return Ok(ResolvedModel { model, profile: Some(profile.as_str()) });
        }
        Err(invalid_model_id())
    }
}

/// Bedrock's answer for a well-formed id that names no model.
pub fn invalid_model_id() -> ServiceError {
    ServiceError::validation("The provided model identifier is invalid.")
}

/// Bedrock's answer when Converse is called on a model that does not support it.
pub fn converse_unsupported() -> ServiceError {
    ServiceError::validation(
        "This action doesn't support the model that you provided. Try again with a supported text or chat model.",
    )
}

struct StrippedId<'a> {
    bare: &'a str,
    foundation_arn: bool,
    profile_arn: bool,
}

fn strip_arn(id: &str) -> StrippedId<'_> {
    let plain = StrippedId { bare: id, foundation_arn: false, profile_arn: false };
    let Some(rest) = id.strip_prefix("arn:") else { return plain };
    // arn:<partition>:bedrock:<region>:<account>:<resource-type>/<id>
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    if parts.len() != 5 || parts[1] != "bedrock" {
        return StrippedId { bare: id, foundation_arn: true, profile_arn: false };
    }
    let resource = parts[4];
    if let Some(model) = resource.strip_prefix("foundation-model/") {
        return StrippedId { bare: model, foundation_arn: true, profile_arn: false };
    }
    if let Some(profile) = resource.strip_prefix("inference-profile/") {
        return StrippedId { bare: profile, foundation_arn: false, profile_arn: true };
    }
    // Custom, provisioned, imported models, prompts, routers, application profiles: none exist here.
    StrippedId { bare: id, foundation_arn: true, profile_arn: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(err: ServiceError) -> String {
        err.message
    }

    #[test]
    fn embedded_catalog_parses_and_has_unique_ids() {
        let catalog = Catalog::embedded();
        assert!(catalog.models().len() > 20);
        let mut ids: Vec<&str> = catalog.models().iter().map(|m| m.model_id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), catalog.models().len());
    }

    #[test]
    fn resolves_foundation_ids_profiles_and_arns() {
        let catalog = Catalog::embedded();
        let haiku = "anthropic.claude-3-haiku-20240307-v1:0";
        assert_eq!(catalog.resolve(haiku).unwrap().model.model_id, haiku);
        let profile = catalog.resolve("us.anthropic.claude-sonnet-4-5-20250929-v1:0").unwrap();
        assert_eq!(profile.profile, Some("us"));
        assert_eq!(profile.model.model_id, "anthropic.claude-sonnet-4-5-20250929-v1:0");
        let arn = format!("arn:aws:bedrock:us-east-1::foundation-model/{haiku}");
        assert_eq!(catalog.resolve(&arn).unwrap().model.model_id, haiku);
        let profile_arn =
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.anthropic.claude-sonnet-4-5-20250929-v1:0";
        assert_eq!(catalog.resolve(profile_arn).unwrap().profile, Some("global"));
    }

    #[test]
    fn profile_only_models_reject_bare_ids() {
        let catalog = Catalog::embedded();
        let err = catalog.resolve("anthropic.claude-sonnet-4-5-20250929-v1:0").unwrap_err();
        assert_eq!(
            msg(err),
            "Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn\u{2019}t supported. Retry your request with the ID or ARN of an inference profile that contains this model."
        );
    }

    #[test]
    fn unknown_ids_and_profiles_are_invalid() {
        let catalog = Catalog::embedded();
        for id in [
            "anthropic.claude-9",
            "xx.anthropic.claude-3-haiku-20240307-v1:0",
            "global.anthropic.claude-3-haiku-20240307-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:custom-model/abc",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/anthropic.claude-3-haiku-20240307-v1:0",
        ] {
            assert_eq!(msg(catalog.resolve(id).unwrap_err()), "The provided model identifier is invalid.", "{id}");
        }
    }
}
