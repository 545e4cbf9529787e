//! How long an answer takes. By default (`Instant`) nothing waits and an answer reports the
//! responder's deterministic latency (`100 + 8 × outputTokens`, the first token at 100 ms).
//! Under `serve --pacing realistic` an answer takes the time its model family would (the
//! catalog's time to first token, then output tokens per second; a declared `latencyMs` is
//! spent as given), streams space their frames over that time, and what is reported
//! (`metrics.latencyMs`, `invocationLatency`, `firstByteLatency`, the `InvocationLatency` and
//! `TimeToFirstToken` metrics) is the time actually spent on the emulator's clock.

use std::sync::Arc;

use service_kit::{SharedClock, SharedSleeper};

use crate::catalog::ModelFamily;

/// The latency the instant mode reports for the first token (the fixed part of the responder's
/// latency).
pub(crate) const INSTANT_FIRST_TOKEN_MS: u64 = 100;

/// `serve --pacing`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PacingMode {
    /// Answers at once, deterministic figures (the default).
    #[default]
    Instant,
    /// Answers take the time their model family would.
    Realistic,
}

impl std::str::FromStr for PacingMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "instant" => Ok(Self::Instant),
            "realistic" => Ok(Self::Realistic),
            other => Err(format!("unknown pacing `{other}`; use instant or realistic")),
        }
    }
}

/// What an answer reports: its latency and, for streams, the time to its first token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timing {
    pub(crate) latency_ms: u64,
    pub(crate) first_token_ms: u64,
}

impl Timing {
    /// The instant mode's figures for a responder latency.
    pub(crate) fn instant(latency_ms: u64) -> Self {
        Self { latency_ms, first_token_ms: INSTANT_FIRST_TOKEN_MS.min(latency_ms) }
    }
}

/// The pacing of one emulator: its mode, how it waits, and the clock it measures with.
#[derive(Debug, Clone)]
pub(crate) struct Pacing {
    pub(crate) mode: PacingMode,
    pub(crate) sleeper: SharedSleeper,
    pub(crate) clock: SharedClock,
}

/// The time one answer will take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) first_token_ms: u64,
    /// From the first token to the last.
    pub(crate) generation_ms: u64,
}

impl Plan {
    /// A family's time for `output_tokens` (a declared latency replaces the total).
    pub(crate) fn of(family: &ModelFamily, output_tokens: u32, declared_latency_ms: Option<u64>) -> Self {
        let rate = if family.output_tokens_per_second > 0.0 { family.output_tokens_per_second } else { 1.0 };
        let generation = (f64::from(output_tokens) * 1000.0 / rate).round();
        let generation_ms = if generation.is_finite() && generation >= 0.0 { generation as u64 } else { 0 };
        match declared_latency_ms {
            Some(total) => {
                let first = family.time_to_first_token_ms.min(total);
                Self { first_token_ms: first, generation_ms: total - first }
            }
            None => Self { first_token_ms: family.time_to_first_token_ms, generation_ms },
        }
    }

    pub(crate) fn total_ms(&self) -> u64 {
        self.first_token_ms.saturating_add(self.generation_ms)
    }

    /// The waits before each frame of a stream: the first token's time before the first
    /// frame, then the generation time spread over the frames in proportion to `weights` (the
    /// text each frame carries); the last entry is the wait before the final frame (none).
    pub(crate) fn schedule(&self, weights: &[usize]) -> Vec<u64> {
        let total: usize = weights.iter().skip(1).sum();
        let mut spent = 0u64;
        let mut carried = 0usize;
        weights
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == 0 {
                    return self.first_token_ms;
                }
                if total == 0 {
                    return 0;
                }
                // Cumulative rounding: the waits add up to the generation time exactly.
                carried += w;
                let due = (self.generation_ms as u128 * carried as u128 / total as u128) as u64;
                let wait = due - spent;
                spent = due;
                wait
            })
            .collect()
    }
}

impl Pacing {
    /// Whether answers wait.
    pub(crate) fn is_realistic(&self) -> bool {
        self.mode == PacingMode::Realistic
    }

    /// Spends the whole plan at once (a non-streaming answer) and returns the timing measured
    /// on the emulator's clock from `started_ms`.
    pub(crate) async fn spend(&self, plan: Plan, started_ms: i64) -> Timing {
        self.sleeper.sleep(plan.total_ms()).await;
        let latency_ms = self.elapsed_since(started_ms);
        Timing { latency_ms, first_token_ms: plan.first_token_ms.min(latency_ms) }
    }

    /// Milliseconds on the emulator's clock since `started_ms`.
    pub(crate) fn elapsed_since(&self, started_ms: i64) -> u64 {
        u64::try_from(self.clock.now_ms().saturating_sub(started_ms)).unwrap_or(0)
    }
}

/// A pacing that never waits (tests of the service alone).
pub(crate) fn instant(clock: SharedClock) -> Pacing {
    Pacing { mode: PacingMode::Instant, sleeper: Arc::new(service_kit::RealTime), clock }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn family() -> ModelFamily {
        ModelFamily {
            name: "f".into(),
            models: "*".into(),
            time_to_first_token_ms: 500,
            output_tokens_per_second: 80.0,
            max_output_tokens: 4096,
        }
    }

    #[test]
    fn plans_follow_the_family_or_the_declared_latency() {
        let plan = Plan::of(&family(), 40, None);
        assert_eq!((plan.first_token_ms, plan.generation_ms, plan.total_ms()), (500, 500, 1000));
        let declared = Plan::of(&family(), 40, Some(300));
        assert_eq!((declared.first_token_ms, declared.total_ms()), (300, 300));
    }

    #[test]
    fn schedules_add_up_and_follow_the_text() {
        let plan = Plan { first_token_ms: 500, generation_ms: 1000 };
        let waits = plan.schedule(&[0, 10, 10, 20, 0, 0]);
        assert_eq!(waits, vec![500, 250, 250, 500, 0, 0]);
        assert_eq!(waits.iter().sum::<u64>(), 1500);
        assert_eq!(plan.schedule(&[0, 0, 0]), vec![500, 0, 0]);
        assert_eq!(plan.schedule(&[]), Vec::<u64>::new());
    }
}
