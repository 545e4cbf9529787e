//! Bedrock's side of the quotas (`serve --quotas FILE`): what a request reserves against its
//! model's tokens-per-minute quota when admitted (input tokens plus `maxTokens` times the model's
//! output burndown; without `maxTokens`, the family's maximum output, as Bedrock reserves the
//! model's maximum), what it settles at once answered (input + cache writes + output × burndown,
//! what `EstimatedTPMQuotaUsage` reports), and the `ThrottlingException` a refused request gets.
//! Bedrock's token burndown page: ../shared/reference/account-and-monitoring.md §2.

use bedrock_model::error::{ErrorCode, ServiceError};
use faults::Admission;

use crate::BedrockService;
use crate::metrics::{Outcome, burndown};

/// Admits a request of `model_id` (as invoked) served by `foundation_model_id`, or refuses it
/// with the exceeded quota's `ThrottlingException`. `Ok(None)`: no quota applies.
pub(crate) fn admit(
    state: &BedrockService,
    model_id: &str,
    foundation_model_id: &str,
    input_tokens: u32,
    max_tokens: Option<u32>,
) -> Result<Option<Admission>, ServiceError> {
    if !state.quotas.is_active() {
        return Ok(None);
    }
    let max_output = max_tokens.map_or_else(|| state.catalog.family(foundation_model_id).max_output_tokens, u64::from);
    let reserve = u64::from(input_tokens).saturating_add((max_output as f64 * burndown(model_id)).ceil() as u64);
    state
        .quotas
        .admit(model_id, reserve, state.env.now_ms())
        .map_err(|exceeded| ServiceError::new(ErrorCode::ThrottlingException, exceeded.to_string()))
}

/// Settles an admission at what the answer used.
pub(crate) fn settle(state: &BedrockService, admission: Option<&Admission>, model_id: &str, outcome: &Outcome) {
    if let Some(admission) = admission {
        let used =
            outcome.input_tokens as f64 + outcome.cache_write_tokens as f64 + outcome.output_tokens as f64 * burndown(model_id);
        state.quotas.settle(admission, used.ceil() as u64);
    }
}
