//! Bedrock's prices, beside the catalog they price: a dated table per foundation model, Region
//! and tier (`data/prices.json`, embedded, every entry with its source; `--prices FILE`
//! overrides or extends it), the price a call pays (its model or inference profile, its source
//! Region, its day), and exact money arithmetic. Used by the `cost` report, the
//! `EstimatedCost` metric and the e2e harness's estimate of a live run.
//!
//! | file | job |
//! |---|---|
//! | `table.rs` | the file format, validation, overrides: [`PriceTable`], [`PriceEntry`] |
//! | `select.rs` | the price a call pays: [`PriceTable::select`], [`Timeline`], [`Price`], [`Unpriced`] |
//! | `money.rs` | [`Rate`] (10⁻¹² per 1,000 tokens) and [`Money`] (10⁻¹⁵): sums without rounding |

mod money;
mod select;
mod table;

pub use money::{Money, Rate};
pub use select::{Price, Route, Timeline, Tokens, Unpriced, route_of};
pub use table::{DEFAULT_PRICES_JSON, LATENCY_OPTIMIZED, ON_DEMAND, PriceEntry, PriceError, PriceTable, ProfileRule, TokenRates};
