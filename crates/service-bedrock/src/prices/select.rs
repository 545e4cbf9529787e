//! Which price a call pays: the model id as recorded (a foundation model, a cross-region
//! inference profile `us.`/`eu.`/`apac.`/`global.`..., or the ARN of either) → the foundation
//! model and the profile kind; the entries of that model in the call's Region (the source
//! Region, where the request was sent) and tier → the one in effect on the call's day (the
//! latest `effectiveFrom` not after it, in UTC); the profile's multiplier on it. A call that
//! needs a price the table does not know is [`Unpriced`], with the reason, never priced at zero.

use std::fmt;

use super::money::Money;
use super::table::{PriceEntry, PriceTable, TokenRates};

/// How a call reached its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// The foundation model's own id, in the Region.
    InRegion,
    /// A geographic cross-region profile (`us.`, `eu.`, `apac.`, `jp.`...): the source Region's price.
    Geographic,
    /// A `global.` profile.
    Global,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::InRegion => "in-region",
            Route::Geographic => "geographic profile",
            Route::Global => "global profile",
        }
    }
}

/// Tokens of one call (or a sum of calls) by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    pub input: u64,
    pub output: u64,
    pub cache_read: u64,
    pub cache_write: u64,
}

impl Tokens {
    pub fn add(&mut self, other: &Tokens) {
        self.input += other.input;
        self.output += other.output;
        self.cache_read += other.cache_read;
        self.cache_write += other.cache_write;
    }
}

/// Why a call has no price.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unpriced {
    /// No entry for the model (nor the model a profile routes to).
    UnknownModel,
    /// The model is priced, not in this Region.
    NoRegion,
    /// The model is priced in the Region, not in this tier.
    NoTier,
    /// The call is older than the first price of the model in the Region and tier.
    BeforeFirstPrice { first: String },
    /// The price in effect that day is unknown (a period the table records as `null`).
    UnknownPeriod { effective_from: String },
    /// The call has tokens of a kind whose price is unknown (`cache write` on a model whose
    /// table gives none).
    UnknownKind { kind: &'static str, effective_from: String },
}

impl fmt::Display for Unpriced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unpriced::UnknownModel => f.write_str("no price for this model"),
            Unpriced::NoRegion => f.write_str("no price for this model in this Region"),
            Unpriced::NoTier => f.write_str("no price for this model in this Region and tier"),
            Unpriced::BeforeFirstPrice { first } => write!(f, "before the first known price ({first})"),
            Unpriced::UnknownPeriod { effective_from } => write!(f, "the price from {effective_from} is unknown"),
            Unpriced::UnknownKind { kind, effective_from } => {
                write!(f, "{kind} tokens, whose price in the entry from {effective_from} is unknown")
            }
        }
    }
}

/// The price a call pays: the entry in effect, the route, and the token prices after the
/// profile's multiplier.
#[derive(Debug, Clone, Copy)]
pub struct Price<'t> {
    /// The entry's index in [`PriceTable::entries`].
    pub index: usize,
    pub entry: &'t PriceEntry,
    pub route: Route,
    pub multiplier: f64,
    pub rates: TokenRates,
}

impl Price<'_> {
    /// What `tokens` cost, or which kind has no price.
    pub fn cost(&self, tokens: &Tokens) -> Result<Money, Unpriced> {
        let kinds = [
            ("input", tokens.input, self.rates.input),
            ("output", tokens.output, self.rates.output),
            ("cache read", tokens.cache_read, self.rates.cache_read),
            ("cache write", tokens.cache_write, self.rates.cache_write),
        ];
        let mut total = Money::ZERO;
        for (kind, n, rate) in kinds {
            if n == 0 {
                continue;
            }
            let Some(rate) = rate else {
                return Err(Unpriced::UnknownKind { kind, effective_from: self.entry.effective_from.clone() });
            };
            total = total.plus(rate.times(n));
        }
        Ok(total)
    }
}

/// The dated prices of one (recorded model id, Region, tier): pick one by day with [`Timeline::at`].
/// Cheap to keep per key (a cost report caches one per model, Region and tier it meets).
#[derive(Debug, Clone, Copy)]
pub struct Timeline<'t> {
    table: &'t PriceTable,
    /// Index range of the entries, in date order.
    range: (usize, usize),
    route: Route,
    multiplier: f64,
}

impl<'t> Timeline<'t> {
    /// The price in effect at `at_ms` (its UTC day).
    pub fn at(&self, at_ms: i64) -> Result<Price<'t>, Unpriced> {
        let entries = &self.table.entries()[self.range.0..self.range.1];
        let n = entries.partition_point(|e| e.effective_from_ms <= at_ms);
        if n == 0 {
            return Err(Unpriced::BeforeFirstPrice { first: entries[0].effective_from.clone() });
        }
        let entry = &entries[n - 1];
        if entry.tokens.all_unknown() {
            return Err(Unpriced::UnknownPeriod { effective_from: entry.effective_from.clone() });
        }
        Ok(Price {
            index: self.range.0 + n - 1,
            entry,
            route: self.route,
            multiplier: self.multiplier,
            rates: entry.tokens.scaled(self.multiplier),
        })
    }
}

/// A recorded model id's foundation model and route: an ARN's id after its last `/`; a known
/// model as it is; `<prefix>.<known model>` as a profile (`global` or a geographic prefix).
pub fn route_of<'a>(table: &PriceTable, recorded: &'a str) -> Option<(&'a str, Route)> {
    let id = if recorded.starts_with("arn:") { recorded.rsplit('/').next().unwrap_or(recorded) } else { recorded };
    if table.has_model(id) {
        return Some((id, Route::InRegion));
    }
    let (prefix, model) = id.split_once('.')?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') || !table.has_model(model) {
        return None;
    }
    Some((model, if prefix == "global" { Route::Global } else { Route::Geographic }))
}

impl PriceTable {
    /// The dated prices a call of `model_id` (as recorded) from `region` in `tier` can pay.
    pub fn timeline(&self, model_id: &str, region: &str, tier: &str) -> Result<Timeline<'_>, Unpriced> {
        let (model, route) = route_of(self, model_id).ok_or(Unpriced::UnknownModel)?;
        let all = self.model_range(model).ok_or(Unpriced::UnknownModel)?;
        let entries = &self.entries()[all.clone()];
        let start = entries.partition_point(|e| (e.region.as_str(), e.tier.as_str()) < (region, tier));
        let end = start + entries[start..].partition_point(|e| e.region == region && e.tier == tier);
        if start == end {
            return Err(if entries.iter().any(|e| e.region == region) { Unpriced::NoTier } else { Unpriced::NoRegion });
        }
        let multiplier = match route {
            Route::InRegion => 1.0,
            Route::Geographic => self.geographic().multiplier_for(model),
            Route::Global => self.global().multiplier_for(model),
        };
        Ok(Timeline { table: self, range: (all.start + start, all.start + end), route, multiplier })
    }

    /// The price a call of `model_id` (as recorded) from `region` in `tier` pays at `at_ms`.
    pub fn select(&self, model_id: &str, region: &str, tier: &str, at_ms: i64) -> Result<Price<'_>, Unpriced> {
        self.timeline(model_id, region, tier)?.at(at_ms)
    }

    /// What one call of `model_id` (as invoked) from `region` in `tier` at `at_ms` costs, each
    /// token kind at its own price, or why it has no price.
    pub fn call_cost(&self, model_id: &str, region: &str, tier: &str, at_ms: i64, tokens: &Tokens) -> Result<Money, Unpriced> {
        self.select(model_id, region, tier, at_ms)?.cost(tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prices::table::ON_DEMAND;

    fn ms(text: &str) -> i64 {
        let dt = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap();
        (dt.unix_timestamp_nanos() / 1_000_000) as i64
    }

    fn rates(p: &Price<'_>) -> [String; 4] {
        let s = |r: Option<super::super::Rate>| r.map_or("-".to_owned(), |r| r.to_string());
        [s(p.rates.input), s(p.rates.output), s(p.rates.cache_read), s(p.rates.cache_write)]
    }

    const HAIKU_35: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";
    const SONNET_45: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";

    #[test]
    fn a_model_pays_its_regions_price_in_effect_that_day() {
        let t = PriceTable::embedded();
        let launch = t.select(HAIKU_35, "us-east-1", ON_DEMAND, ms("2024-12-03T23:59:59Z")).unwrap();
        assert_eq!(rates(&launch), ["0.001", "0.005", "-", "-"]);
        assert_eq!(launch.entry.effective_from, "2024-11-04");
        let cut = t.select(HAIKU_35, "us-east-1", ON_DEMAND, ms("2024-12-04T00:00:00Z")).unwrap();
        assert_eq!(rates(&cut), ["0.0008", "0.004", "0.00008", "0.001"], "the cut applies from 00:00 UTC of its day");
        assert_eq!((cut.route, cut.multiplier), (Route::InRegion, 1.0));
        let west = t.select(HAIKU_35, "us-west-2", ON_DEMAND, ms("2025-06-01T00:00:00Z")).unwrap();
        assert_eq!(west.entry.region, "us-west-2");
    }

    #[test]
    fn profiles_pay_the_source_regions_price_and_global_one_eleventh_less() {
        let t = PriceTable::embedded();
        let day = ms("2025-12-03T10:30:15Z");
        let regional = t.select(&format!("us.{SONNET_45}"), "us-east-1", ON_DEMAND, day).unwrap();
        assert_eq!((regional.route, regional.multiplier), (Route::Geographic, 1.0));
        assert_eq!(rates(&regional), ["0.0033", "0.0165", "0.00033", "0.004125"]);
        let eu = t.select(&format!("eu.{SONNET_45}"), "eu-central-1", ON_DEMAND, day).unwrap();
        assert_eq!(eu.entry.region, "eu-central-1", "the Region the request was sent to");
        let global = t.select(&format!("global.{SONNET_45}"), "us-east-1", ON_DEMAND, day).unwrap();
        assert_eq!(global.route, Route::Global);
        assert_eq!(rates(&global), ["0.003", "0.015", "0.0003", "0.00375"], "exactly Anthropic's base price");
        let sonnet4 = t.select("global.anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1", ON_DEMAND, day).unwrap();
        assert_eq!((sonnet4.multiplier, rates(&sonnet4)[0].as_str()), (1.0, "0.003"), "earlier models: no global discount");
        let arn = format!("arn:aws:bedrock:us-east-1:123456789012:inference-profile/global.{SONNET_45}");
        assert_eq!(rates(&t.select(&arn, "us-east-1", ON_DEMAND, day).unwrap()), rates(&global));
        let foundation_arn = format!("arn:aws:bedrock:us-east-1::foundation-model/{HAIKU_35}");
        assert_eq!(t.select(&foundation_arn, "us-east-1", ON_DEMAND, day).unwrap().route, Route::InRegion);
    }

    #[test]
    fn cache_tokens_are_priced_by_kind_and_an_unknown_kind_is_unpriced() {
        let t = PriceTable::embedded();
        let day = ms("2025-12-03T00:00:00Z");
        let p = t.select(&format!("us.{SONNET_45}"), "us-east-1", ON_DEMAND, day).unwrap();
        // 3 input, 24,479 cache write, 52 output (a real record's usage), 1,000 cache read.
        let tokens = Tokens { input: 3, output: 52, cache_read: 1000, cache_write: 24_479 };
        // 3 × 0.0033 + 52 × 0.0165 + 1000 × 0.00033 + 24479 × 0.004125, per 1,000.
        assert_eq!(p.cost(&tokens).unwrap().to_string(), "0.102173775");
        let haiku3 = t.select("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", ON_DEMAND, day).unwrap();
        assert_eq!(haiku3.cost(&Tokens { input: 1000, output: 1000, ..Tokens::default() }).unwrap().to_string(), "0.0015");
        assert_eq!(
            haiku3.cost(&Tokens { input: 10, cache_read: 5, ..Tokens::default() }),
            Err(Unpriced::UnknownKind { kind: "cache read", effective_from: "2024-03-13".into() }),
            "the table gives no cache price for Claude 3 Haiku: never zero"
        );
    }

    #[test]
    fn a_missing_price_says_why() {
        let t = PriceTable::embedded();
        let day = ms("2025-12-03T00:00:00Z");
        assert_eq!(t.select("acme.unknown-v1", "us-east-1", ON_DEMAND, day).unwrap_err(), Unpriced::UnknownModel);
        assert_eq!(t.select("xx.acme.unknown-v1", "us-east-1", ON_DEMAND, day).unwrap_err(), Unpriced::UnknownModel);
        assert_eq!(t.select(HAIKU_35, "eu-west-3", ON_DEMAND, day).unwrap_err(), Unpriced::NoRegion);
        assert_eq!(t.select(HAIKU_35, "us-east-1", "flex", day).unwrap_err(), Unpriced::NoTier);
        assert_eq!(
            t.select(SONNET_45, "us-east-1", ON_DEMAND, ms("2025-09-28T23:59:59Z")).unwrap_err(),
            Unpriced::BeforeFirstPrice { first: "2025-09-29".into() }
        );
        assert_eq!(
            t.select("meta.llama3-1-70b-instruct-v1:0", "us-east-1", ON_DEMAND, ms("2024-08-01T00:00:00Z")).unwrap_err(),
            Unpriced::UnknownPeriod { effective_from: "2024-07-23".into() },
            "a period recorded as null is unknown, not free"
        );
        assert!(t.select("meta.llama3-1-70b-instruct-v1:0", "us-east-1", ON_DEMAND, ms("2024-09-06T00:00:00Z")).is_ok());
        assert_eq!(t.select(HAIKU_35, "us-east-1", "batch", day).unwrap_err(), Unpriced::NoTier);
        let batch = t.select("amazon.nova-pro-v1:0", "us-east-1", "batch", day).unwrap();
        assert_eq!(rates(&batch)[..2], ["0.0004".to_owned(), "0.0016".to_owned()]);
    }

    #[test]
    fn every_catalog_model_and_profile_is_priced_in_us_east_1() {
        let t = PriceTable::embedded();
        let catalog = crate::Catalog::embedded();
        let now = ms("2026-12-01T00:00:00Z");
        for m in catalog.models() {
            let p = t.select(&m.model_id, "us-east-1", ON_DEMAND, now).unwrap_or_else(|why| panic!("{}: {why}", m.model_id));
            assert!(p.rates.input.is_some() && p.rates.output.is_some(), "{}", m.model_id);
        }
        for profile in catalog.profiles() {
            assert!(t.select(&profile.id, "us-east-1", ON_DEMAND, now).is_ok(), "{}", profile.id);
        }
    }
}
