//! The price table: its file format (`data/prices.json`, embedded; a team's `--prices FILE` in
//! the same format overrides or extends it), validation, and the merge of an override.
//!
//! The file: `currency` (ISO 4217, one per table), `profiles.geographic` and `profiles.global`
//! (a `multiplier` on the source Region's price for the models in `appliesTo`, with a
//! `source`), and `entries`: per `modelId` (the foundation model), `region`, `tier`
//! (`on-demand`, `batch`, ...) and `effectiveFrom` (`YYYY-MM-DD`, UTC), the prices per 1,000
//! `input`, `output`, `cacheRead` and `cacheWrite` tokens (`inputPer1k`, ...), optionally
//! `perImage` and `perSecond`, and a `source`. A `null` (or absent) price is unknown, never
//! zero: a call that needs it is reported unpriced. Keys starting with `_` are comments.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::money::Rate;

/// The embedded default table.
pub const DEFAULT_PRICES_JSON: &str = include_str!("../../data/prices.json");

/// The tier a call is priced at unless something says otherwise.
pub const ON_DEMAND: &str = "on-demand";

/// The tier of a call made with `performanceConfig.latency` `optimized`.
pub const LATENCY_OPTIMIZED: &str = "latency-optimized";

/// Why a price table was refused.
#[derive(Debug, thiserror::Error)]
pub enum PriceError {
    #[error("not a price table: {0}")]
    Json(#[from] serde_json::Error),
    #[error("entry {index} ({model_id} in {region}): {message}")]
    Entry { index: usize, model_id: String, region: String, message: String },
    #[error("profiles.{profile}: {message}")]
    Profile { profile: &'static str, message: String },
    #[error("the table's currency {0:?} is not a three-letter ISO 4217 code")]
    Currency(String),
    #[error("the override is in {override_currency}, the table in {table}: one report has one currency")]
    CurrencyMismatch { table: String, override_currency: String },
    #[error("the table has no currency")]
    NoCurrency,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PriceFile {
    #[serde(rename = "_doc", default)]
    _doc: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    profiles: Option<ProfilesFile>,
    #[serde(default)]
    entries: Vec<EntryFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfilesFile {
    #[serde(rename = "_doc", default)]
    _doc: Option<String>,
    #[serde(default)]
    geographic: Option<ProfileFile>,
    #[serde(default)]
    global: Option<ProfileFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ProfileFile {
    multiplier: f64,
    #[serde(default)]
    applies_to: Vec<String>,
    source: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EntryFile {
    model_id: String,
    region: String,
    effective_from: String,
    #[serde(default = "on_demand")]
    tier: String,
    #[serde(default)]
    input_per1k: Option<f64>,
    #[serde(default)]
    output_per1k: Option<f64>,
    #[serde(default)]
    cache_read_per1k: Option<f64>,
    #[serde(default)]
    cache_write_per1k: Option<f64>,
    #[serde(default)]
    per_image: Option<f64>,
    #[serde(default)]
    per_second: Option<f64>,
    source: String,
    #[serde(default)]
    note: Option<String>,
}

fn on_demand() -> String {
    ON_DEMAND.to_owned()
}

/// How the calls through one kind of cross-region inference profile are priced.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRule {
    /// On the source Region's price of the model.
    pub multiplier: f64,
    /// The foundation models the multiplier applies to; other models' profile calls pay the
    /// source Region's price (multiplier 1).
    pub applies_to: BTreeSet<String>,
    pub source: String,
}

impl ProfileRule {
    fn none() -> ProfileRule {
        ProfileRule { multiplier: 1.0, applies_to: BTreeSet::new(), source: String::new() }
    }

    /// The multiplier for calls of `model_id`.
    pub fn multiplier_for(&self, model_id: &str) -> f64 {
        if self.applies_to.contains(model_id) { self.multiplier } else { 1.0 }
    }
}

/// The four token prices of an entry (per 1,000 tokens); `None` is unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenRates {
    pub input: Option<Rate>,
    pub output: Option<Rate>,
    pub cache_read: Option<Rate>,
    pub cache_write: Option<Rate>,
}

impl TokenRates {
    /// Whether no price at all is known (a period whose price nobody recorded).
    pub fn all_unknown(&self) -> bool {
        self.input.is_none() && self.output.is_none() && self.cache_read.is_none() && self.cache_write.is_none()
    }

    /// Every known price times `factor`, rounded to 10⁻¹².
    pub fn scaled(self, factor: f64) -> TokenRates {
        let s = |r: Option<Rate>| r.map(|r| r.scaled(factor));
        TokenRates {
            input: s(self.input),
            output: s(self.output),
            cache_read: s(self.cache_read),
            cache_write: s(self.cache_write),
        }
    }
}

/// One dated price of a model in a Region and tier.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceEntry {
    pub model_id: String,
    pub region: String,
    pub tier: String,
    /// As written (`2025-09-29`).
    pub effective_from: String,
    /// 00:00 UTC of that day, epoch ms.
    pub effective_from_ms: i64,
    pub tokens: TokenRates,
    pub per_image: Option<Rate>,
    pub per_second: Option<Rate>,
    pub source: String,
    pub note: Option<String>,
}

impl PriceEntry {
    fn key(&self) -> (&str, &str, &str, i64) {
        (&self.model_id, &self.region, &self.tier, self.effective_from_ms)
    }
}

/// Prices by model, Region, tier and date, and the profile rules.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceTable {
    currency: String,
    geographic: ProfileRule,
    global: ProfileRule,
    /// Sorted by (model, Region, tier, effective date).
    entries: Vec<PriceEntry>,
}

impl PriceTable {
    /// The embedded default table.
    pub fn embedded() -> PriceTable {
        PriceTable::from_json(DEFAULT_PRICES_JSON).expect("the embedded price table is valid (a unit test reads it)")
    }

    /// A table from its JSON text (a whole table: it needs a currency).
    pub fn from_json(text: &str) -> Result<PriceTable, PriceError> {
        let file: PriceFile = serde_json::from_str(text)?;
        let currency = file.currency.clone().ok_or(PriceError::NoCurrency)?;
        let mut table = PriceTable {
            currency: check_currency(currency)?,
            geographic: ProfileRule::none(),
            global: ProfileRule::none(),
            entries: Vec::new(),
        };
        table.apply(file)?;
        Ok(table)
    }

    /// This table with `text` (the same format; `currency` and `profiles` optional) laid over
    /// it: an entry for the same model, Region, tier and date replaces the table's, others are
    /// added; a profile rule given replaces the table's.
    pub fn with_overrides(mut self, text: &str) -> Result<PriceTable, PriceError> {
        let file: PriceFile = serde_json::from_str(text)?;
        if let Some(c) = &file.currency
            && *c != self.currency
        {
            return Err(PriceError::CurrencyMismatch { table: self.currency, override_currency: c.clone() });
        }
        self.apply(file)?;
        Ok(self)
    }

    fn apply(&mut self, file: PriceFile) -> Result<(), PriceError> {
        if let Some(p) = file.profiles {
            if let Some(g) = p.geographic {
                self.geographic = profile_rule("geographic", g)?;
            }
            if let Some(g) = p.global {
                self.global = profile_rule("global", g)?;
            }
        }
        let mut fresh: BTreeMap<(String, String, String, i64), PriceEntry> = BTreeMap::new();
        for (index, e) in file.entries.into_iter().enumerate() {
            let entry = entry(index, e)?;
            let key = entry.key();
            let key = (key.0.to_owned(), key.1.to_owned(), key.2.to_owned(), key.3);
            if fresh.contains_key(&key) {
                return Err(PriceError::Entry {
                    index,
                    model_id: entry.model_id,
                    region: entry.region,
                    message: format!("a second {} price from {}", entry.tier, entry.effective_from),
                });
            }
            fresh.insert(key, entry);
        }
        self.entries.retain(|e| {
            let k = e.key();
            !fresh.contains_key(&(k.0.to_owned(), k.1.to_owned(), k.2.to_owned(), k.3))
        });
        self.entries.extend(fresh.into_values());
        self.entries.sort_by(|a, b| a.key().cmp(&b.key()));
        Ok(())
    }

    /// The currency every price is in (`USD`).
    pub fn currency(&self) -> &str {
        &self.currency
    }

    /// Every entry, sorted by model, Region, tier and date.
    pub fn entries(&self) -> &[PriceEntry] {
        &self.entries
    }

    /// The rule for `us.`/`eu.`/`apac.`... profiles, and for `global.` ones.
    pub fn geographic(&self) -> &ProfileRule {
        &self.geographic
    }

    pub fn global(&self) -> &ProfileRule {
        &self.global
    }

    /// Whether any entry prices `model_id`.
    pub fn has_model(&self, model_id: &str) -> bool {
        self.model_range(model_id).is_some()
    }

    /// The index range of `model_id`'s entries.
    pub(crate) fn model_range(&self, model_id: &str) -> Option<std::ops::Range<usize>> {
        let start = self.entries.partition_point(|e| e.model_id.as_str() < model_id);
        let end = start + self.entries[start..].partition_point(|e| e.model_id == model_id);
        (start < end).then_some(start..end)
    }
}

fn check_currency(c: String) -> Result<String, PriceError> {
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) { Ok(c) } else { Err(PriceError::Currency(c)) }
}

fn profile_rule(profile: &'static str, p: ProfileFile) -> Result<ProfileRule, PriceError> {
    let _ = p.note;
    if !p.multiplier.is_finite() || p.multiplier <= 0.0 || p.multiplier > 100.0 {
        return Err(PriceError::Profile { profile, message: format!("multiplier {} is not a positive factor", p.multiplier) });
    }
    if p.source.trim().is_empty() {
        return Err(PriceError::Profile { profile, message: "every rule names its source".into() });
    }
    Ok(ProfileRule { multiplier: p.multiplier, applies_to: p.applies_to.into_iter().collect(), source: p.source })
}

fn entry(index: usize, e: EntryFile) -> Result<PriceEntry, PriceError> {
    let fail = |message: String| PriceError::Entry { index, model_id: e.model_id.clone(), region: e.region.clone(), message };
    if e.model_id.is_empty() || e.region.is_empty() || e.tier.is_empty() {
        return Err(fail("modelId, region and tier must not be empty".into()));
    }
    if e.source.trim().is_empty() {
        return Err(fail("every entry names its source".into()));
    }
    let effective_from_ms =
        day(&e.effective_from).ok_or_else(|| fail(format!("effectiveFrom {:?} is not a date (YYYY-MM-DD)", e.effective_from)))?;
    let rate = |name: &str, v: Option<f64>| -> Result<Option<Rate>, PriceError> {
        v.map(|p| Rate::from_price(p).ok_or_else(|| fail(format!("{name} {p} is not a price (0 to 1,000,000)")))).transpose()
    };
    let tokens = TokenRates {
        input: rate("inputPer1k", e.input_per1k)?,
        output: rate("outputPer1k", e.output_per1k)?,
        cache_read: rate("cacheReadPer1k", e.cache_read_per1k)?,
        cache_write: rate("cacheWritePer1k", e.cache_write_per1k)?,
    };
    let per_image = rate("perImage", e.per_image)?;
    let per_second = rate("perSecond", e.per_second)?;
    Ok(PriceEntry {
        model_id: e.model_id,
        region: e.region,
        tier: e.tier,
        effective_from: e.effective_from,
        effective_from_ms,
        tokens,
        per_image,
        per_second,
        source: e.source,
        note: e.note,
    })
}

/// `YYYY-MM-DD` → 00:00 UTC of that day, epoch ms.
fn day(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let date = time::Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_with_sources_for_every_entry() {
        let t = PriceTable::embedded();
        assert_eq!(t.currency(), "USD");
        assert!(t.entries().len() > 50);
        assert!(t.entries().iter().all(|e| !e.source.is_empty()));
        assert!(t.entries().windows(2).all(|w| w[0].key() < w[1].key()), "sorted, no duplicates");
        assert!((t.global().multiplier_for("anthropic.claude-sonnet-4-5-20250929-v1:0") - 1.0 / 1.1).abs() < 1e-12);
        assert_eq!(t.global().multiplier_for("anthropic.claude-sonnet-4-20250514-v1:0"), 1.0);
        assert_eq!(t.geographic().multiplier_for("anthropic.claude-3-haiku-20240307-v1:0"), 1.0);
    }

    #[test]
    fn bad_tables_are_refused_naming_the_entry() {
        let bad = |entries: &str| {
            PriceTable::from_json(&format!(r#"{{"currency":"USD","entries":[{entries}]}}"#)).unwrap_err().to_string()
        };
        let e = r#"{"modelId":"m","region":"r","effectiveFrom":"2025-01-01","inputPer1k":0.1,"source":"s"}"#;
        assert!(PriceTable::from_json(&format!(r#"{{"currency":"USD","entries":[{e}]}}"#)).is_ok());
        assert!(bad(&format!("{e},{e}")).contains("a second on-demand price from 2025-01-01"));
        assert!(bad(&e.replace("2025-01-01", "2025-1-1")).contains("is not a date"));
        assert!(bad(&e.replace("0.1", "-0.1")).contains("inputPer1k -0.1 is not a price"));
        assert!(bad(&e.replace(r#""source":"s""#, r#""source":" ""#)).contains("names its source"));
        assert!(bad(&e.replace("inputPer1k", "inputPer1K")).contains("unknown field `inputPer1K`"));
        assert!(matches!(PriceTable::from_json(r#"{"entries":[]}"#), Err(PriceError::NoCurrency)));
        assert!(matches!(PriceTable::from_json(r#"{"currency":"usd"}"#), Err(PriceError::Currency(_))));
    }

    #[test]
    fn an_override_replaces_the_same_entry_and_adds_others() {
        let t = PriceTable::embedded();
        let n = t.entries().len();
        let over = r#"{"entries":[
            {"modelId":"anthropic.claude-3-haiku-20240307-v1:0","region":"us-east-1","effectiveFrom":"2024-03-13","inputPer1k":0.0002,"outputPer1k":0.001,"source":"our contract"},
            {"modelId":"acme.private-model","region":"us-east-1","effectiveFrom":"2025-01-01","inputPer1k":0.5,"outputPer1k":1,"source":"our contract"}]}"#;
        let t = t.with_overrides(over).unwrap();
        assert_eq!(t.entries().len(), n + 1);
        let haiku: Vec<&PriceEntry> = t
            .entries()
            .iter()
            .filter(|e| e.model_id.contains("claude-3-haiku") && e.region == "us-east-1" && e.tier == ON_DEMAND)
            .collect();
        assert_eq!(haiku.len(), 1);
        assert_eq!((haiku[0].tokens.input.unwrap().to_string(), haiku[0].source.as_str()), ("0.0002".into(), "our contract"));
        assert!(t.has_model("acme.private-model"));
        let err = PriceTable::embedded().with_overrides(r#"{"currency":"EUR","entries":[]}"#).unwrap_err();
        assert!(matches!(err, PriceError::CurrencyMismatch { .. }), "{err}");
    }
}
