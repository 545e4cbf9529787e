//! What a report adds up: per group, per price used and per reason a call had no price, the
//! requests, the tokens by kind and the cost ([`Tally`]), all integers, so the threads' tallies
//! merge to the same report in any order. [`CostReport`] is the finished report.

use service_bedrock::prices::{Money, PriceEntry, Route, TokenRates, Tokens, Unpriced};

use super::budget::BudgetLine;
use super::group_by::KeyPart;

/// Requests, tokens and cost of some calls; the unpriced ones apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Every call counted (priced or not).
    pub requests: u64,
    /// Tokens of every call, by kind.
    pub tokens: Tokens,
    /// The cost of the priced calls.
    pub cost: Money,
    /// Calls without a price (their tokens are in `tokens`, their cost in nothing).
    pub unpriced_requests: u64,
}

impl Tally {
    pub(crate) fn add_call(&mut self, tokens: &Tokens, cost: Option<Money>) {
        self.requests += 1;
        self.tokens.add(tokens);
        match cost {
            Some(c) => self.cost = self.cost.plus(c),
            None => self.unpriced_requests += 1,
        }
    }

    pub(crate) fn merge(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.tokens.add(&other.tokens);
        self.cost = self.cost.plus(other.cost);
        self.unpriced_requests += other.unpriced_requests;
    }
}

/// One group of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostRow {
    /// One part per `--by` key, in order.
    pub keys: Vec<KeyPart>,
    pub tally: Tally,
}

/// A price the report used: the entry in effect for a model id as recorded, from a Region.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceUse {
    /// As recorded (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`).
    pub model_id: String,
    pub region: String,
    pub route: Route,
    pub multiplier: f64,
    pub entry: PriceEntry,
    /// The entry's prices after the multiplier: what the calls paid per 1,000 tokens.
    pub rates: TokenRates,
    pub tally: Tally,
}

/// Calls of one model id, Region and tier without a price, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnpricedUse {
    pub model_id: String,
    pub region: String,
    pub tier: String,
    pub reason: Unpriced,
    pub tally: Tally,
}

/// A finished cost report.
#[derive(Debug, Clone, PartialEq)]
pub struct CostReport {
    /// The table's currency (`USD`).
    pub currency: String,
    /// The column names of the keys (`requestMetadata.tenant_id`, `bin(1d)`).
    pub by: Vec<String>,
    /// Groups by cost (highest first), then by key.
    pub rows: Vec<CostRow>,
    pub total: Tally,
    /// Prices used, by model id, Region and date.
    pub prices: Vec<PriceUse>,
    /// Calls without a price, by model id, Region, tier and reason.
    pub unpriced: Vec<UnpricedUse>,
    /// Budgeted values per month, when a budget was given.
    pub budgets: Vec<BudgetLine>,
    /// Events that are not invocation records (no `modelId`), skipped.
    pub not_records: u64,
    /// Records with a token count that is not a whole number ≥ 0 (counted as 0).
    pub bad_token_counts: u64,
}
