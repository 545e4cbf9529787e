//! Budgets (`--budget FILE`): a monthly amount per value of a record field,
//! `{"requestMetadata.cost_center": {"CS-123": 100.0}}` in the price table's currency (keys
//! starting with `_` are comments). The report adds up each budgeted value's cost per calendar
//! month (UTC) of the records it reads, in the same pass as its groups, and flags a month whose
//! spend is over the budget, or at least `--budget-warn` percent of it. Unpriced calls make the
//! spend a lower bound; their count is shown beside it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use service_bedrock::prices::Money;

use super::group_by::GroupBy;
use super::tally::Tally;

/// Why a budget file was refused.
#[derive(Debug, thiserror::Error)]
pub enum BudgetError {
    #[error("not a budget file: {0} (expected {{\"<record field>\": {{\"<value>\": <monthly amount>}}}})")]
    Json(#[from] serde_json::Error),
    #[error("budget key {0:?} is not a record field path")]
    Key(String),
    #[error("budget for {key} = {value:?}: {amount} is not an amount (a number ≥ 0)")]
    Amount { key: String, value: String, amount: String },
}

/// The monthly budgets of the values of one record field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetKey {
    /// The field's flattened path (`requestMetadata.cost_center`).
    pub path: String,
    /// Value → monthly amount.
    pub amounts: BTreeMap<String, Money>,
}

/// Every budget of a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Budgets {
    pub keys: Vec<BudgetKey>,
}

impl Budgets {
    /// Parses a budget file.
    pub fn from_json(text: &str) -> Result<Budgets, BudgetError> {
        let doc: BTreeMap<String, serde_json::Value> = serde_json::from_str(text)?;
        let mut keys = Vec::new();
        for (path, values) in doc {
            if path.starts_with('_') {
                continue;
            }
            if !matches!(path.parse::<GroupBy>(), Ok(GroupBy::Field(_))) {
                return Err(BudgetError::Key(path));
            }
            let values: BTreeMap<String, serde_json::Value> = serde_json::from_value(values)?;
            let mut amounts = BTreeMap::new();
            for (value, amount) in values {
                let money = amount.as_f64().and_then(Money::from_decimal);
                let Some(money) = money else {
                    return Err(BudgetError::Amount { key: path.clone(), value, amount: amount.to_string() });
                };
                amounts.insert(value, money);
            }
            keys.push(BudgetKey { path, amounts });
        }
        Ok(Budgets { keys })
    }
}

/// Where a budgeted value's month stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BudgetStatus {
    Ok,
    /// At least the warning share of the budget.
    Near,
    /// More than the budget.
    Over,
}

impl BudgetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetStatus::Ok => "ok",
            BudgetStatus::Near => "NEAR",
            BudgetStatus::Over => "OVER",
        }
    }
}

/// One budgeted value in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    pub key: String,
    pub value: String,
    /// `2025-12`.
    pub month: String,
    pub budget: Money,
    /// The month's calls of that value (cost: the priced ones).
    pub spend: Tally,
    pub status: BudgetStatus,
}

impl BudgetLine {
    /// Spend as a percentage of the budget (infinite for a zero budget with spend).
    pub fn used_percent(&self) -> f64 {
        let budget = self.budget.as_f64();
        if budget == 0.0 {
            return if self.spend.cost.is_zero() { 0.0 } else { f64::INFINITY };
        }
        self.spend.cost.as_f64() / budget * 100.0
    }
}

/// One thread's spend per budgeted value and month.
#[derive(Debug, Default)]
pub(crate) struct BudgetTallies {
    /// Per budget key: value → month start (epoch ms) → tally.
    per_key: Vec<HashMap<String, BTreeMap<i64, Tally>>>,
}

impl BudgetTallies {
    pub(crate) fn new(budgets: &Budgets) -> BudgetTallies {
        BudgetTallies { per_key: budgets.keys.iter().map(|_| HashMap::new()).collect() }
    }

    /// Adds a call of `value` (of budget key `k`) in the month starting at `month`.
    pub(crate) fn add(
        &mut self,
        budgets: &Budgets,
        k: usize,
        value: &str,
        month: i64,
        tokens: &service_bedrock::prices::Tokens,
        cost: Option<Money>,
    ) {
        if !budgets.keys[k].amounts.contains_key(value) {
            return;
        }
        let per_value = &mut self.per_key[k];
        let months = match per_value.get_mut(value) {
            Some(m) => m,
            None => per_value.entry(value.to_owned()).or_default(),
        };
        months.entry(month).or_default().add_call(tokens, cost);
    }

    pub(crate) fn merge(&mut self, other: BudgetTallies) {
        for (mine, theirs) in self.per_key.iter_mut().zip(other.per_key) {
            for (value, months) in theirs {
                let into = mine.entry(value).or_default();
                for (month, tally) in months {
                    into.entry(month).or_default().merge(&tally);
                }
            }
        }
    }

    /// Every budgeted value in every month the report's records fall in.
    pub(crate) fn lines(&self, budgets: &Budgets, months: &BTreeSet<i64>, warn_percent: u32) -> Vec<BudgetLine> {
        let mut lines = Vec::new();
        for (k, key) in budgets.keys.iter().enumerate() {
            for (value, budget) in &key.amounts {
                for month in months {
                    let spend = self.per_key[k].get(value).and_then(|m| m.get(month)).copied().unwrap_or_default();
                    lines.push(BudgetLine {
                        key: key.path.clone(),
                        value: value.clone(),
                        month: logs_insights::time::format_timestamp(*month)[..7].to_owned(),
                        budget: *budget,
                        spend,
                        status: status(spend.cost, *budget, warn_percent),
                    });
                }
            }
        }
        lines
    }
}

/// Over when the spend exceeds the budget; near from `warn_percent` of it.
fn status(spend: Money, budget: Money, warn_percent: u32) -> BudgetStatus {
    if spend > budget {
        return BudgetStatus::Over;
    }
    // spend ≥ budget × warn / 100, in exact money.
    if !budget.is_zero() && spend.times(100) >= budget.times(u64::from(warn_percent.min(100))) {
        BudgetStatus::Near
    } else {
        BudgetStatus::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use service_bedrock::prices::Tokens;

    fn usd(amount: f64) -> Money {
        Money::from_decimal(amount).unwrap()
    }

    #[test]
    fn a_budget_file_parses_and_bad_ones_say_why() {
        let b = Budgets::from_json(r#"{"_doc": "monthly, USD", "requestMetadata.cost_center": {"CS-123": 100.0, "ENG-789": 0}}"#)
            .unwrap();
        assert_eq!(b.keys.len(), 1);
        assert_eq!(b.keys[0].amounts["CS-123"], usd(100.0));
        assert!(matches!(Budgets::from_json(r#"{"a b": {}}"#), Err(BudgetError::Key(_))));
        assert!(matches!(Budgets::from_json(r#"{"k": {"v": -1}}"#), Err(BudgetError::Amount { .. })));
        assert!(matches!(Budgets::from_json(r#"{"k": {"v": "10"}}"#), Err(BudgetError::Amount { .. })));
        assert!(matches!(Budgets::from_json("[1]"), Err(BudgetError::Json(_))));
    }

    #[test]
    fn months_are_flagged_over_near_or_ok() {
        assert_eq!(status(usd(100.01), usd(100.0), 80), BudgetStatus::Over);
        assert_eq!(status(usd(100.0), usd(100.0), 80), BudgetStatus::Near, "exactly the budget is not over it");
        assert_eq!(status(usd(80.0), usd(100.0), 80), BudgetStatus::Near);
        assert_eq!(status(usd(79.99), usd(100.0), 80), BudgetStatus::Ok);
        assert_eq!(status(Money::ZERO, Money::ZERO, 80), BudgetStatus::Ok);
        assert_eq!(status(usd(0.01), Money::ZERO, 80), BudgetStatus::Over);

        let budgets = Budgets::from_json(r#"{"requestMetadata.cost_center": {"CS-123": 10, "SALES-200": 10}}"#).unwrap();
        let mut a = BudgetTallies::new(&budgets);
        let mut b = BudgetTallies::new(&budgets);
        let dec = 1_764_547_200_000; // 2025-12-01
        let t = Tokens::default();
        a.add(&budgets, 0, "CS-123", dec, &t, Some(usd(6.0)));
        b.add(&budgets, 0, "CS-123", dec, &t, Some(usd(5.0)));
        b.add(&budgets, 0, "CS-123", dec, &t, None);
        b.add(&budgets, 0, "not budgeted", dec, &t, Some(usd(99.0)));
        a.merge(b);
        let lines = a.lines(&budgets, &BTreeSet::from([dec]), 80);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0].value.as_str(), lines[0].month.as_str(), lines[0].status),
            ("CS-123", "2025-12", BudgetStatus::Over)
        );
        assert_eq!((lines[0].spend.requests, lines[0].spend.unpriced_requests), (3, 1));
        assert!((lines[0].used_percent() - 110.0).abs() < 1e-9);
        assert_eq!((lines[1].value.as_str(), lines[1].status, lines[1].spend.requests), ("SALES-200", BudgetStatus::Ok, 0));
    }
}
