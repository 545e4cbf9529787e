//! What a scenario's calls cost on AWS: each successful call priced from the usage its response
//! returned (input, output, cache-read and cache-write tokens, each at its own price), with the
//! price table `bedrock-emulator cost` uses, at the model or profile as called, the Region the
//! clients sign for, on demand, on the day the call was sent. A call the table cannot price is
//! named with the reason, never counted as zero; rejected calls cost nothing.

use service_bedrock::prices::{Money, ON_DEMAND, PriceTable, Tokens};

use super::runner::CallOutcome;

/// A successful call the table cannot price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnpricedCall {
    /// 1-based, as the progress lines number calls.
    pub(crate) call: usize,
    pub(crate) model_id: String,
    pub(crate) reason: String,
}

/// The estimated cost of one scenario's calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ScenarioCost {
    /// The sum over the priced calls.
    pub(crate) priced: Money,
    pub(crate) priced_calls: usize,
    pub(crate) unpriced: Vec<UnpricedCall>,
}

impl ScenarioCost {
    /// Prices the successful calls of `outcomes`, made from `region`.
    pub(crate) fn of(table: &PriceTable, region: &str, outcomes: &[CallOutcome]) -> ScenarioCost {
        let mut cost = ScenarioCost::default();
        for o in outcomes {
            let Some(usage) = o.usage() else { continue };
            let tokens = Tokens {
                input: usage.input_tokens,
                output: usage.output_tokens,
                cache_read: usage.cache_read_tokens,
                cache_write: usage.cache_write_tokens,
            };
            match table.call_cost(&o.model_id, region, ON_DEMAND, o.sent_lo_ms, &tokens) {
                Ok(money) => {
                    cost.priced = cost.priced.plus(money);
                    cost.priced_calls += 1;
                }
                Err(why) => {
                    cost.unpriced.push(UnpricedCall { call: o.index + 1, model_id: o.model_id.clone(), reason: why.to_string() })
                }
            }
        }
        cost
    }

    /// Adds another scenario's cost (the run's total).
    pub(crate) fn add(&mut self, other: &ScenarioCost) {
        self.priced = self.priced.plus(other.priced);
        self.priced_calls += other.priced_calls;
        self.unpriced.extend(other.unpriced.iter().cloned());
    }

    /// The summary's cell: `$0.012345`, `≥ $0.012345 (1 unpriced)` when some call has no price.
    pub(crate) fn cell(&self) -> String {
        let amount = format!("${}", self.priced.rounded(6));
        match self.unpriced.len() {
            0 => amount,
            n => format!("≥ {amount} ({n} unpriced)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::{CallResult, Usage};
    use crate::scenario::Operation;

    /// 2025-12-03T10:00:00Z.
    const DAY: i64 = 1_764_756_000_000;

    fn call(index: usize, model_id: &str, result: CallResult) -> CallOutcome {
        CallOutcome {
            index,
            operation: Operation::Converse,
            model_id: model_id.into(),
            metadata: None,
            request_id: None,
            sent_lo_ms: DAY,
            sent_hi_ms: DAY,
            result,
        }
    }

    fn used(input: u64, output: u64, cache_read: u64, cache_write: u64) -> CallResult {
        CallResult::Ok(Usage {
            input_tokens: input,
            output_tokens: output,
            cache_read_tokens: cache_read,
            cache_write_tokens: cache_write,
            latency_ms: None,
            text: String::new(),
        })
    }

    #[test]
    fn each_token_kind_is_priced_and_unpriced_calls_are_named() {
        let table = PriceTable::embedded();
        let outcomes = [
            // us. Claude Sonnet 4.5 in us-east-1: 0.0033 in, 0.0165 out, 0.00033 cache read,
            // 0.004125 cache write per 1,000: 3.3 + 8.25 + 0.66 + 1.65 = 13.86 thousandths.
            call(0, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", used(1000, 500, 2000, 400)),
            // Claude 3 Haiku: 0.00025 in, 0.00125 out: 0.5 + 1.25 thousandths.
            call(1, "anthropic.claude-3-haiku-20240307-v1:0", used(2000, 1000, 0, 0)),
            // Rejected: costs nothing, is not unpriced either.
            call(
                2,
                "anthropic.claude-3-haiku-20240307-v1:0",
                CallResult::Err { code: "ValidationException".into(), message: String::new() },
            ),
            call(3, "acme.private-model-v1:0", used(10, 10, 0, 0)),
            // Claude 3 Haiku has no cache-read price: not zero, named.
            call(4, "anthropic.claude-3-haiku-20240307-v1:0", used(10, 10, 5, 0)),
        ];
        let cost = ScenarioCost::of(&table, "us-east-1", &outcomes);
        assert_eq!((cost.priced.to_string(), cost.priced_calls), ("0.01561".to_owned(), 2));
        assert_eq!(
            cost.unpriced,
            [
                UnpricedCall { call: 4, model_id: "acme.private-model-v1:0".into(), reason: "no price for this model".into() },
                UnpricedCall {
                    call: 5,
                    model_id: "anthropic.claude-3-haiku-20240307-v1:0".into(),
                    reason: "cache read tokens, whose price in the entry from 2024-03-13 is unknown".into()
                },
            ]
        );
        assert_eq!(cost.cell(), "≥ $0.015610 (2 unpriced)");
        let mut total = ScenarioCost::of(&table, "us-east-1", &outcomes[..2]);
        assert_eq!(total.cell(), "$0.015610");
        total.add(&cost);
        assert_eq!((total.priced.to_string(), total.priced_calls, total.unpriced.len()), ("0.03122".to_owned(), 4, 2));
        // Another Region's price, or none.
        let eu = ScenarioCost::of(&table, "eu-west-3", &outcomes[1..2]);
        assert_eq!((eu.priced_calls, eu.unpriced[0].reason.as_str()), (0, "no price for this model in this Region"));
    }
}
