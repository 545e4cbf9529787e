//! Amounts of money without rounding on the way: a [`Rate`] is a price in 10⁻¹² of the
//! currency per 1,000 tokens (or per image, per second), a [`Money`] an amount in 10⁻¹⁵ of the
//! currency, so tokens × rate is exact (n tokens at p per 1,000 is n·p of 10⁻¹⁵) and a report's
//! sums do not depend on the order records were added in (nor on the thread count). Rounding
//! happens once, when an amount is shown.

use std::fmt;

/// 10¹² (a rate's unit: a millionth of a millionth of the currency).
const RATE_SCALE: f64 = 1e12;
/// Digits after the point of a [`Money`] amount.
const MONEY_DIGITS: usize = 15;

/// A price per 1,000 tokens (or per unit), in 10⁻¹² of the currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(u64);

impl Rate {
    /// A rate from a decimal price as a price table writes it (`0.00375`), rounded to 10⁻¹²;
    /// `None` for a negative, non-finite or absurdly large price (over 10⁶ per unit).
    pub fn from_price(price: f64) -> Option<Rate> {
        if !price.is_finite() || !(0.0..=1e6).contains(&price) {
            return None;
        }
        Some(Rate((price * RATE_SCALE).round() as u64))
    }

    /// The rate times `factor` (a profile's multiplier), rounded to 10⁻¹²: `1/1.1` of 0.0033
    /// is exactly 0.003.
    pub fn scaled(self, factor: f64) -> Rate {
        if factor == 1.0 {
            return self;
        }
        Rate((self.0 as f64 * factor).round().max(0.0) as u64)
    }

    /// What `tokens` cost at this price per 1,000 tokens.
    pub fn times(self, tokens: u64) -> Money {
        Money(u128::from(self.0) * u128::from(tokens))
    }

    /// The rate in the currency per 1,000 (for metrics and JSON; not for sums).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / RATE_SCALE
    }
}

impl fmt::Display for Rate {
    /// The exact decimal, trailing zeros removed: `0.00375`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal(u128::from(self.0), 12))
    }
}

/// An amount in 10⁻¹⁵ of the currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(u128);

impl Money {
    pub const ZERO: Money = Money(0);

    /// An amount written as a decimal (a budget: `100.0`), rounded to 10⁻⁹; `None` when
    /// negative, not finite, or over 10¹⁵.
    pub fn from_decimal(amount: f64) -> Option<Money> {
        if !amount.is_finite() || !(0.0..=1e15).contains(&amount) {
            return None;
        }
        Some(Money((amount * 1e9).round() as u128 * 1_000_000))
    }

    /// The sum (saturating: 3.4·10²³ of the currency is beyond any bill).
    pub fn plus(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }

    /// `n` times the amount (saturating).
    pub fn times(self, n: u64) -> Money {
        Money(self.0.saturating_mul(u128::from(n)))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The amount as a float (a metric's value, a JSON number): 15 to 17 significant digits.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1e15
    }

    /// The amount rounded half up to `digits` (at most 15) after the point, written with
    /// exactly that many: `12.345679`.
    pub fn rounded(self, digits: usize) -> String {
        let digits = digits.min(MONEY_DIGITS);
        let unit = 10u128.pow((MONEY_DIGITS - digits) as u32);
        let n = (self.0 + unit / 2) / unit;
        let text = decimal(n, digits);
        // `decimal` trims; pad back to the fixed width.
        let have = text.split_once('.').map_or(0, |(_, f)| f.len());
        match (digits, have) {
            (0, _) => text,
            (_, 0) => format!("{text}.{}", "0".repeat(digits)),
            (_, h) => format!("{text}{}", "0".repeat(digits - h)),
        }
    }
}

impl fmt::Display for Money {
    /// The exact decimal, trailing zeros removed: `0.000123`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&decimal(self.0, MONEY_DIGITS))
    }
}

/// `n / 10^digits` as a decimal without trailing zeros (`0` for zero).
fn decimal(n: u128, digits: usize) -> String {
    let scale = 10u128.pow(digits as u32);
    let (whole, frac) = (n / scale, n % scale);
    if frac == 0 {
        return whole.to_string();
    }
    let frac = format!("{frac:0digits$}");
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_multiply_exactly_and_round_once_when_shown() {
        let sonnet = Rate::from_price(0.0033).unwrap();
        assert_eq!(sonnet.to_string(), "0.0033");
        assert_eq!(sonnet.scaled(1.0 / 1.1).to_string(), "0.003", "the global profile's 1/1.1 lands on Anthropic's price");
        assert_eq!(Rate::from_price(0.00000875).unwrap().to_string(), "0.00000875");
        assert_eq!(Rate::from_price(-1.0), None);
        assert_eq!(Rate::from_price(f64::NAN), None);
        // 25 input tokens at 0.0033 per 1,000 and 150 output at 0.0165: 0.0000825 + 0.002475.
        let cost = sonnet.times(25).plus(Rate::from_price(0.0165).unwrap().times(150));
        assert_eq!(cost.to_string(), "0.0025575");
        assert_eq!(cost.rounded(6), "0.002558");
        assert_eq!(cost.rounded(2), "0.00");
        assert_eq!(Money::ZERO.rounded(3), "0.000");
        assert_eq!(Money::from_decimal(100.25).unwrap().to_string(), "100.25");
        assert_eq!(Money::from_decimal(-1.0), None);
        assert_eq!(Rate::from_price(2.0).unwrap().times(3000).rounded(0), "6");
        assert!((cost.as_f64() - 0.0025575).abs() < 1e-18);
        // A sum of many small costs stays exact: 10⁶ × 1 token of Nova Micro input.
        let micro = Rate::from_price(0.000035).unwrap();
        let total = (0..1_000_000).fold(Money::ZERO, |m, _| m.plus(micro.times(1)));
        assert_eq!(total.to_string(), "0.035");
    }
}
